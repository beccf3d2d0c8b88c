/**
 * Denial of service and a borrowed "awaiting" status, against the real App and the strict sandbox: a
 * slow GitHub, names that are JavaScript's own (`constructor`, `__proto__`), approver groups as deep as
 * the policy limits allow, and a workflow's "Tollgate awaiting" status linking a run it has nothing to
 * do with. Each attack first shows that GitHub let the attacker's request through, then that Tollgate
 * stayed correct and kept serving.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { workflowToken } from "../../scripts/worlds/action-run.js";
import {
  approvalStatuses,
  comment,
  latestChecks,
  settled,
  startAppWorld,
  type AppWorld,
} from "../../scripts/worlds/app-world.js";
import { WORKFLOW, ciApp, ciCheck, runState } from "../app/fixtures.js";
import { deepestAllowedPolicy } from "../../bench/authority.js";
import { FULL, ORG, REPO, octokitFor, openPullRequest, type WorldOptions } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import type { Settings } from "../../app/settings.js";

const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
checklist:
  ci: { checks: [build] }
strategies:
  direct: { type: direct, run: "true" }
environments:
  staging:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci]
    strategies: [direct]
    rollback: { redeploy_previous: true }
  production:
    requires:
      - environment: staging
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci]
    strategies: [direct]
    rollback: { redeploy_previous: true }
`;

const PEOPLE = { people: ["dave", "alice", "bob", "mallory"], teams: { leads: ["alice", "bob"] } };

/** A world of its own for one test, closed whatever the test's outcome. */
async function inWorld(
  options: WorldOptions & { settings?: Partial<Settings> },
  body: (world: AppWorld) => Promise<void>,
): Promise<void> {
  const world = await startAppWorld({ ...options, secondaryRateLimit: false });
  try {
    await body(world);
  } finally {
    await world.close();
  }
}

async function deploymentsOf(world: AppWorld, sha: string) {
  const { data } = await world.people["owner"]!.octokit.request("GET /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    sha,
  });
  return data;
}

describe("a slow GitHub", () => {
  /** Every GraphQL read takes LATENCY_MS; the budget lets one through, never two (L < B < 2L). */
  const BUDGET_MS = 6_000;
  const LATENCY_MS = 4_000;

  test(
    "a comment past the time budget is answered 'comment again', records nothing, and the next one is served",
    async () => {
      await inWorld({ policy: POLICY, ...PEOPLE, settings: { eventBudgetMs: BUDGET_MS } }, async (world) => {
        const ci = await ciApp(world);
        const pr = await openPullRequest(world, "dave", { branch: "slow", title: "Slow", body: "Change." });
        await ciCheck(ci, pr.head, "success");
        await settled(world);
        const before = (await latestChecks(world, pr.head)).get("Tollgate · staging")!;

        const slow = await world.sandbox.client.addFault({
          kind: "latency",
          path: "/graphql",
          latency_ms: LATENCY_MS,
        });
        const cut = await comment(world, "alice", pr.number, "/approve staging");
        const fired = await world.sandbox.client.control<{ id: number; fired: number }[]>("GET", "/faults");
        await world.sandbox.client.clearFaults();
        // GitHub was slow for the App: its reads were held back.
        expect(fired.find((f) => f.id === slow.id)!.fired).toBeGreaterThanOrEqual(1);

        expect(cut.reactions).toEqual(["-1"]);
        expect(cut.replies).toHaveLength(1);
        expect(cut.replies[0]).toMatch(
          new RegExp(
            `^Tollgate did not act on this approval: GitHub answered too slowly and Tollgate ran out of its ${BUDGET_MS / 1000} s budget per event before .*, so nothing was recorded; comment the command again\\.$`,
          ),
        );
        expect(await approvalStatuses(world)).toEqual([]);
        expect(await deploymentsOf(world, pr.head)).toEqual([]);
        expect((await latestChecks(world, pr.head)).get("Tollgate · staging")!.id).toBe(before.id);

        // The App is free: the same command, commented again on a GitHub that answers, is recorded.
        const again = await comment(world, "alice", pr.number, "/approve staging");
        expect(again.reactions).toEqual(["+1"]);
        expect((await approvalStatuses(world)).map((s) => s.log_url)).toEqual([again.url]);
      });
    },
    PROCESS_TEST_MS,
  );
  test(
    "a PR event past the time budget marks Tollgate's runs 'not evaluated', fails its delivery visibly, and the next event repairs them",
    async () => {
      await inWorld({ policy: POLICY, ...PEOPLE, settings: { eventBudgetMs: BUDGET_MS } }, async (world) => {
        const ci = await ciApp(world);
        const pr = await openPullRequest(world, "dave", {
          branch: "slow-pr",
          title: "Slow",
          body: "Change.",
        });
        await ciCheck(ci, pr.head, "success");
        await settled(world);
        expect((await latestChecks(world, pr.head)).get("Tollgate · staging")!.conclusion).toBe(
          "action_required",
        );

        // Not even one read fits in the budget now.
        await world.sandbox.client.addFault({
          kind: "latency",
          path: "/graphql",
          latency_ms: BUDGET_MS + 1_000,
        });
        const edit = () =>
          world.people["dave"]!.octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
            owner: ORG,
            repo: REPO,
            pull_number: pr.number,
            body: `Change, edited at ${Date.now()}.`,
          });
        await edit();
        await settled(world);
        await world.sandbox.client.clearFaults();

        const stopped = (await latestChecks(world, pr.head)).get("Tollgate · staging")!;
        expect(stopped.conclusion).toBe("action_required");
        expect(stopped.output.title).toBe("Not evaluated: GitHub answered too slowly");
        expect(stopped.output.summary).toContain(`ran out of its ${BUDGET_MS / 1000} s budget per event`);
        const [delivery] = await world.sandbox.client.deliveries("pull_request.edited");
        expect(delivery!.status_code).toBe(503);

        await edit();
        await settled(world);
        const repaired = (await latestChecks(world, pr.head)).get("Tollgate · staging")!;
        expect(repaired.output.title).not.toContain("Not evaluated");
        expect(repaired.id).toBeGreaterThan(stopped.id);
      });
    },
    PROCESS_TEST_MS,
  );
});

describe("names that are JavaScript's own", () => {
  let world: AppWorld;
  let ci: Octokit;
  beforeAll(async () => {
    world = await startAppWorld({ policy: POLICY, ...PEOPLE, secondaryRateLimit: false });
    ci = await ciApp(world);
  }, PROCESS_TEST_MS);
  afterAll(() => world.close());

  test(
    "/tollgate explain constructor, /approve __proto__ and /approve constructor get clear answers and the next comment is served",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "names", title: "Names", body: "Change." });
      await ciCheck(ci, pr.head, "success");
      await settled(world);

      const explained = await comment(world, "alice", pr.number, "/tollgate explain constructor");
      expect(explained.reactions).toEqual(["-1"]);
      expect(explained.replies.join("\n")).toMatch(/unknown environment|no environment/i);
      const proto = await comment(world, "alice", pr.number, "/approve __proto__");
      expect(proto.reactions).toEqual(["-1"]);
      expect(proto.replies).toEqual([
        "Tollgate did not act on this command: it is not complete; that is not an environment name; usage: /approve <environment> [note].",
      ]);
      const constructor = await comment(world, "alice", pr.number, "/approve constructor");
      expect(constructor.reactions).toEqual(["-1"]);
      expect(constructor.replies).toHaveLength(1);
      expect(constructor.replies[0]).toMatch(/^Tollgate did not act on this approval: /);
      expect(constructor.replies[0]).toMatch(/staging|production/);
      expect(await approvalStatuses(world)).toEqual([]);
      // Every delivery so far was answered, none with a crash.
      const crashed = (await world.sandbox.client.deliveries()).filter((d) => d.status_code >= 400);
      expect(crashed.map((d) => [d.event, d.status_code])).toEqual([]);

      const served = await comment(world, "alice", pr.number, "/approve staging");
      expect(served.reactions).toEqual(["+1"]);
    },
    PROCESS_TEST_MS,
  );
});

describe("policies that name JavaScript's own", () => {
  test(
    "a group and an environment named constructor are ordinary names: approved, recorded, explained",
    async () => {
      const policy = `version: 1
approvers:
  constructor: [alice]
environments:
  constructor:
    approval: required
    approvals:
      "*": { from: [group:constructor] }
    rollback: { redeploy_previous: true }
`;
      await inWorld({ policy, ...PEOPLE }, async (world) => {
        const pr = await openPullRequest(world, "dave", { branch: "ctor", title: "Ctor", body: "Change." });
        await settled(world);
        expect((await latestChecks(world, pr.head)).get("Tollgate · constructor")?.conclusion).toBe(
          "action_required",
        );

        const refused = await comment(world, "mallory", pr.number, "/approve constructor");
        expect(refused.reactions).toEqual(["-1"]);
        const approved = await comment(world, "alice", pr.number, "/approve constructor");
        expect(approved.reactions).toEqual(["+1"]);
        expect((await approvalStatuses(world)).map((s) => [s.environment, s.log_url])).toEqual([
          ["constructor", approved.url],
        ]);
        expect((await latestChecks(world, pr.head)).get("Tollgate · constructor")?.conclusion).toBe(
          "success",
        );
        const explained = await comment(world, "dave", pr.number, "/tollgate explain constructor");
        expect(explained.reactions).toEqual(["+1"]);
        expect(explained.replies.join("\n")).toContain("### constructor");
      });
    },
    PROCESS_TEST_MS,
  );

  test(
    "a policy naming an environment or a group __proto__ is refused with located errors in the policy check",
    async () => {
      const policy = `version: 1
approvers:
  __proto__: [alice]
environments:
  __proto__:
    approval: required
    approvals:
      "*": { from: [alice] }
    rollback: { redeploy_previous: true }
`;
      await inWorld({ policy, ...PEOPLE }, async (world) => {
        const pr = await openPullRequest(world, "dave", { branch: "proto", title: "Proto", body: "Change." });
        await settled(world);
        const check = (await latestChecks(world, pr.head)).get("Tollgate · policy")!;
        expect(check.conclusion).toBe("failure");
        expect(check.output.summary).toContain(
          '.github/tollgate.yml:3:3 approvers.__proto__: "__proto__" cannot be a name',
        );
        expect(check.output.summary).toContain(
          '.github/tollgate.yml:5:3 environments.__proto__: "__proto__" cannot be a name',
        );
        const refused = await comment(world, "alice", pr.number, "/approve __proto__");
        expect(refused.reactions).toEqual(["-1"]);
        expect(await approvalStatuses(world)).toEqual([]);
      });
    },
    PROCESS_TEST_MS,
  );
});

describe("approver groups at and past the limits", () => {
  test(
    "under the deepest groups the limits allow, /approve by a member four levels down is recorded and a stranger's is refused",
    async () => {
      // u0x3x42 is a person of a bottom group, reached from the top groups through every level.
      await inWorld(
        { policy: deepestAllowedPolicy(), people: ["dave", "u0x3x42", "mallory"] },
        async (world) => {
          const pr = await openPullRequest(world, "dave", { branch: "deep", title: "Deep", body: "Change." });
          await settled(world);
          const stranger = await comment(world, "mallory", pr.number, "/approve production");
          expect(stranger.reactions).toEqual(["-1"]);
          const member = await comment(world, "u0x3x42", pr.number, "/approve production");
          expect(member.reactions).toEqual(["+1"]);
          const recorded = await approvalStatuses(world);
          expect(recorded.map((s) => [s.environment, s.log_url])).toEqual([["production", member.url]]);
          expect(recorded[0]!.description).toMatch(/^Tollgate: approved by @u0x3x42/);
        },
      );
    },
    PROCESS_TEST_MS,
  );

  test(
    "groups nested past the limit get a located error in the policy check, and no approval is recorded",
    async () => {
      const policy = [
        "version: 1",
        "approvers:",
        "  g0: [alice, bob]",
        ...Array.from({ length: 7 }, (_, i) => `  g${i + 1}: [${Array(4).fill(`group:g${i}`).join(", ")}]`),
        "environments:",
        "  production:",
        "    approval: required",
        '    approvals: { "*": { from: [group:g7] } }',
        "    rollback: { redeploy_previous: true }",
      ].join("\n");
      await inWorld({ policy, ...PEOPLE }, async (world) => {
        const pr = await openPullRequest(world, "dave", {
          branch: "nested",
          title: "Nested",
          body: "Change.",
        });
        await settled(world);
        const check = (await latestChecks(world, pr.head)).get("Tollgate · policy")!;
        expect(check.conclusion).toBe("failure");
        expect(check.output.summary).toContain(
          ".github/tollgate.yml:7:8 approvers.g4[0]: approver groups nest 5 deep (g4 → g3 → g2 → g1 → g0); at most 4 levels are allowed",
        );
        const refused = await comment(world, "alice", pr.number, "/approve production");
        expect(refused.reactions).toEqual(["-1"]);
        expect(refused.replies[0]).toContain("the policy on the default branch is invalid");
        expect(await approvalStatuses(world)).toEqual([]);
      });
    },
    PROCESS_TEST_MS,
  );
});

describe("a 'Tollgate awaiting' status written by any workflow", () => {
  let world: AppWorld;
  let ci: Octokit;
  let workflow: Octokit;

  beforeAll(async () => {
    world = await startAppWorld({ policy: POLICY, ...PEOPLE, secondaryRateLimit: false });
    ci = await ciApp(world);
    workflow = octokitFor(world.sandbox, await workflowToken(world));
    const owner = world.people["owner"]!;
    await world.sandbox.client.putFile(owner.token, FULL, ".github/workflows/deploy.yml", WORKFLOW);
  }, PROCESS_TEST_MS);
  afterAll(() => world.close());

  /** A completed, failed run of deploy.yml for `sha`, as GitHub records it. */
  async function failedRun(sha: string, branch: string): Promise<number> {
    const { id } = await world.sandbox.client.control<{ id: number }>("POST", `/repos/${FULL}/runs`, {
      workflow: "deploy.yml",
      sha,
      branch,
    });
    await world.sandbox.client.control("PATCH", `/repos/${FULL}/runs/${id}`, {
      status: "completed",
      conclusion: "failure",
    });
    return id;
  }

  /** What any workflow's token can write: a staging deployment of `sha` awaiting approval, linking `runId`. */
  async function awaiting(sha: string, runId: number): Promise<number> {
    const { data: deployment } = await workflow.request("POST /repos/{owner}/{repo}/deployments", {
      owner: ORG,
      repo: REPO,
      ref: sha,
      environment: "staging",
      auto_merge: false,
      required_contexts: [],
      payload: {
        tollgate: {
          version: 1,
          requested_by: "dave",
          change_type: "standard",
          emergency: false,
          policy_digest: "x",
          checklist: {},
        },
      },
    });
    const id = (deployment as { id: number }).id;
    const { data: status } = await workflow.request(
      "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
      {
        owner: ORG,
        repo: REPO,
        deployment_id: id,
        state: "pending",
        description: "Tollgate awaiting: 2 of group:leads",
        log_url: `${world.sandbox.url}/${FULL}/actions/runs/${runId}`,
      },
    );
    // GitHub took it, as the trusted workflow token's own word.
    expect(status).toMatchObject({ state: "pending", creator: { login: "github-actions[bot]" } });
    await settled(world);
    return id;
  }

  const reruns = (runId: number) =>
    world.sandbox
      .requests()
      .filter(
        (r) => r.operationId === "actions/re-run-workflow-failed-jobs" && r.path.includes(`/${runId}/`),
      );

  /** alice and bob approve staging; the App writes both approvals onto the awaiting deployment. */
  async function approve(prNumber: number, deploymentId: number): Promise<void> {
    for (const login of ["alice", "bob"])
      expect((await comment(world, login, prNumber, "/approve staging")).reactions).toEqual(["+1"]);
    const { data } = await world.people["owner"]!.octokit.request(
      "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
      { owner: ORG, repo: REPO, deployment_id: deploymentId },
    );
    const approvals = data.filter(
      (s) => s.creator?.login === world.bot && s.description?.startsWith("Tollgate: approved"),
    );
    expect(approvals).toHaveLength(2);
  }

  test(
    "linking an unrelated failed run does not get that run re-run when the approvals complete",
    async () => {
      const other = await openPullRequest(world, "mallory", { branch: "other", title: "Other", body: "x" });
      const unrelated = await failedRun(other.head, "other");
      const pr = await openPullRequest(world, "dave", { branch: "borrowed", title: "Borrowed", body: "x" });
      await ciCheck(ci, pr.head, "success");
      await settled(world);

      const deployment = await awaiting(pr.head, unrelated);
      await approve(pr.number, deployment);

      expect(reruns(unrelated)).toEqual([]);
      expect((await runState(world, unrelated)).run_attempt).toBe(1);
    },
    PROCESS_TEST_MS,
  );

  test(
    "linking a run that does not exist does not stop the approvals being answered",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "no-such-run", title: "No run", body: "x" });
      await ciCheck(ci, pr.head, "success");
      await settled(world);

      const missing = 9_999_999;
      const deployment = await awaiting(pr.head, missing);
      // Both approvals are answered with +1 and recorded (checked by approve), though the run is nowhere.
      await approve(pr.number, deployment);
      expect(reruns(missing)).toEqual([]);
    },
    PROCESS_TEST_MS,
  );

  test(
    "the same status linking the commit's own failed run gets it re-run (the control)",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "own-run", title: "Own run", body: "x" });
      await ciCheck(ci, pr.head, "success");
      const own = await failedRun(pr.head, "main");
      await settled(world);

      const deployment = await awaiting(pr.head, own);
      await approve(pr.number, deployment);

      expect(reruns(own).map((r) => [r.actor, r.status])).toEqual([[world.bot, 201]]);
      expect((await runState(world, own)).run_attempt).toBe(2);
    },
    PROCESS_TEST_MS,
  );
});
