/**
 * Time and CI move gates too, not only comments: a run held at Tollgate's custom deployment protection
 * rule is answered as soon as its gate passes, whatever made it pass, and a PR's check run follows a window
 * opening. Through the real App (Probot over the sandbox) and the built Action (`node dist/index.js`,
 * `mode: wake`, run as the scheduled workflow would), with the sandbox clock moved, never waited for.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { DUE_NAMESPACE } from "../../src/github/due.js";
import { FULL, ORG, REPO, openPullRequest, wakeWorkflowTokens } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { runAction, verifiedByApp, workflowToken } from "../../scripts/worlds/action-run.js";
import {
  type AppWorld,
  comment,
  latestChecks,
  settled,
  startAppWorld,
} from "../../scripts/worlds/app-world.js";
import { BODY } from "../../scripts/worlds/app-policy.js";
import { WORKFLOW, ciApp, ciCheck, dueRefs, run, runState, sandboxNow } from "./fixtures.js";

let world: AppWorld;
let ci: Octokit;
let token: string;
/** The scheduled wake workflow's token: `permissions: { contents: write, statuses: write }`. */
let wakeToken: () => Promise<string>;
/** How far the sandbox clock has been moved: the App's clock follows it, as a real App's follows GitHub's. */
let shiftMs = 0;
/**
 * The preview window opens half an hour after the world starts, by the sandbox clock. The clock moves
 * less than an hour in all: installation tokens (the App's, CI's, the workflow's) live an hour by it.
 */
let windowOpensMs = 0;

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

function policy(opensMs: number): string {
  return `version: 1
approvers:
  leads: ["@acme/leads"]
checklist:
  ci: { checks: [build] }
strategies:
  direct: { type: direct, run: "echo deploying" }
environments:
  staging:
    approval: automatic
    strategies: [direct]
  canary:
    requires:
      - environment: staging
        soak: 10m
    approval: automatic
  production:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci]
    rollback: { redeploy_previous: true }
  qa:
    approval: automatic
    checklist: [ci]
  preview:
    approval: automatic
    windows:
      timezone: Etc/UTC
      allow:
        - { from: "${hhmm(opensMs)}", to: "${hhmm(opensMs + 3600_000)}" }
`;
}

async function advanceTo(ms: number): Promise<void> {
  const seconds = Math.ceil((ms - (await sandboxNow(world))) / 1000);
  if (seconds <= 0) return;
  await world.sandbox.client.advanceClock(seconds);
  shiftMs += seconds * 1000;
}

beforeAll(async () => {
  world = await startAppWorld({
    // The window is written relative to the sandbox's start; the policy is replaced below.
    policy: "version: 1\nenvironments: {}\n",
    people: ["dave", "alice", "bob", "mallory"],
    teams: { leads: ["alice", "bob"] },
    settings: { now: () => new Date(Date.now() + shiftMs) },
  });
  // Whole minutes, so the policy's "HH:MM" opens exactly then.
  windowOpensMs = Math.ceil(((await sandboxNow(world)) + 30 * 60_000) / 60_000) * 60_000;
  const owner = world.people["owner"]!;
  await world.sandbox.client.putFile(owner.token, FULL, ".github/tollgate.yml", policy(windowOpensMs));
  await world.sandbox.client.putFile(owner.token, FULL, ".github/workflows/deploy.yml", WORKFLOW);
  for (const environment of ["canary", "production", "qa"]) {
    await owner.octokit.request("PUT /repos/{owner}/{repo}/environments/{environment_name}", {
      owner: ORG,
      repo: REPO,
      environment_name: environment,
    });
    await owner.octokit.request(
      "POST /repos/{owner}/{repo}/environments/{environment_name}/deployment_protection_rules",
      { owner: ORG, repo: REPO, environment_name: environment, integration_id: world.app.id },
    );
  }
  ci = await ciApp(world);
  token = await workflowToken(world);
  wakeToken = await wakeWorkflowTokens(world.sandbox, ORG);
}, PROCESS_TEST_MS);
afterAll(() => world.close());

/** A workflow run of `sha` whose job targets `environment`: GitHub holds it and asks the App. */
async function heldRun(sha: string, branch: string, environment: string): Promise<number> {
  const id = await run(world, sha, branch);
  await world.sandbox.client.control("POST", `/repos/${FULL}/runs/${id}/deployments`, { environment });
  await settled(world);
  return id;
}

async function gateOf(id: number, environment: string) {
  return (await runState(world, id)).gates.find((g) => g.environment === environment)!;
}

/** The scheduled workflow's step: the built Action in mode wake, with the workflow token. */
async function wake(sha: string) {
  const woken = await runAction(world, { sha, token: await wakeToken(), inputs: { mode: "wake" } });
  if (woken.code !== 0) throw new Error(`mode wake failed:\n${woken.stdout}\n${woken.stderr}`);
  await settled(world);
  return woken;
}

describe("held runs and check runs follow time and CI", () => {
  test(
    "a wake before any due time spends nothing of the App's: one read of the due refs, and the App hears nothing",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "early", title: "Early", body: BODY });
      await settled(world);
      // The PR's preview run shows the closed window, and its opening is recorded as due.
      const preview = (await latestChecks(world, pr.head)).get("Tollgate · preview")!;
      expect(preview.output.summary).toContain("outside the deployment windows");
      const due = (await dueRefs(world)).filter((ref) => ref.endsWith(`-${pr.head}`));
      expect(due).toEqual([`${DUE_NAMESPACE}${windowOpensMs / 1000}-${pr.head}`]);

      const scheduledToken = await wakeToken();
      await world.sandbox.client.control("DELETE", "/requests");
      const woken = await runAction(world, { sha: pr.head, token: scheduledToken, inputs: { mode: "wake" } });
      await settled(world);
      expect(woken.code).toBe(0);
      expect(woken.summary).toContain("Nothing was due: the App was not woken.");
      const requests = world.sandbox.requests().filter((r) => r.resource !== null);
      expect(requests.filter((r) => r.actor === world.bot)).toEqual([]);
      expect(requests.map((r) => [r.actor, r.operationId])).toEqual([
        ["wake-workflow[bot]", "git/list-matching-refs"],
      ]);
      expect(await dueRefs(world)).toEqual(expect.arrayContaining(due));
    },
    PROCESS_TEST_MS,
  );

  test(
    "a held run is released by CI completing after the approvals",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "ci-last", title: "CI last", body: BODY });
      const id = await heldRun(pr.head, "ci-last", "production");
      expect(await gateOf(id, "production")).toMatchObject({ state: "waiting" });

      await comment(world, "alice", pr.number, "/approve production");
      await comment(world, "bob", pr.number, "/approve production");
      await settled(world);
      // Both approvals are in, CI is not: the approval's own follow-up leaves the run held.
      const held = await gateOf(id, "production");
      expect(held.state).toBe("waiting");
      expect(held.comments.at(-1)!.comment).toMatch(/CI checks green/);

      await ciCheck(ci, pr.head, "success");
      await settled(world);
      const gate = await gateOf(id, "production");
      expect(gate.state).toBe("approved");
      expect(gate.comments.at(-1)).toMatchObject({ state: "approved", actor: world.bot });
    },
    PROCESS_TEST_MS,
  );

  test(
    "a held run of a merge commit is released when CI completes there (no pull request heads it)",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "merged", title: "Merged", body: BODY });
      const merged = await world.people["owner"]!.octokit.request(
        "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge",
        { owner: ORG, repo: REPO, pull_number: pr.number },
      );
      const sha = merged.data.sha;
      const id = await heldRun(sha, "main", "qa");
      const held = await gateOf(id, "qa");
      expect(held.state).toBe("waiting");
      expect(held.comments.at(-1)!.comment).toMatch(/CI checks green/);

      await ciCheck(ci, sha, "success");
      await settled(world);
      const gate = await gateOf(id, "qa");
      expect(gate.state).toBe("approved");
      expect(gate.comments.at(-1)).toMatchObject({ state: "approved", actor: world.bot });
    },
    PROCESS_TEST_MS,
  );

  test(
    "a held run is released when staging's soak ends, with no comment or push in between",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "soak", title: "Soak", body: BODY });
      const staged = await runAction(world, {
        sha: pr.head,
        token,
        inputs: { environment: "staging", mode: "deploy" },
      });
      if (staged.code !== 0) throw new Error(`staging deploy failed:\n${staged.stdout}`);
      expect(staged.outputs["status"]).toBe("success");
      await verifiedByApp(world, Number(staged.outputs["deployment-id"]), "staging");
      await settled(world);
      const soakedAt = await sandboxNow(world);

      const id = await heldRun(pr.head, "soak", "canary");
      const held = await gateOf(id, "canary");
      expect(held.state).toBe("waiting");
      expect(held.comments.at(-1)!.comment).toMatch(/staging has soaked .* of 10m/);
      // Its gate opens by time alone: the time is recorded, the App holds nothing in memory.
      const due = (await dueRefs(world)).filter((ref) => ref.endsWith(`-${pr.head}`));
      expect(due.length).toBeGreaterThan(0);

      await settled(world);
      await world.sandbox.client.control("DELETE", "/requests");
      await advanceTo(soakedAt + 10 * 60_000 + 60_000);
      const woken = await wake(pr.head);
      expect(woken.summary).toContain(pr.head.slice(0, 7));

      const gate = await gateOf(id, "canary");
      expect(gate.state).toBe("approved");
      expect(gate.comments.at(-1)).toMatchObject({ state: "approved", actor: world.bot });
      // Nobody commented, pushed or reviewed: the wake's status and the App's own writes are all there was.
      const writes = world.sandbox
        .requests()
        .filter((r) => r.resource !== null && r.method !== "GET" && r.resource !== "graphql");
      expect(writes.filter((r) => r.actor !== world.bot && r.actor !== "wake-workflow[bot]")).toEqual([]);
      // Writes are only the wake's status and spent ref, and the App's answer, notes and check runs.
      const allowed = [
        "apps/create-installation-access-token",
        "repos/create-commit-status",
        "git/delete-ref",
        "actions/review-custom-gates-for-run",
        "checks/create",
        "git/create-ref",
      ];
      expect(writes.map((r) => r.operationId).filter((op) => !allowed.includes(op ?? ""))).toEqual([]);
      expect(await dueRefs(world)).not.toEqual(expect.arrayContaining(due));
    },
    PROCESS_TEST_MS,
  );

  test(
    "a held note someone wrote over still has its run answered when the gate passes",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "masked", title: "Masked", body: BODY });
      await ciCheck(ci, pr.head, "success");
      const id = await heldRun(pr.head, "masked", "production");
      expect(await gateOf(id, "production")).toMatchObject({ state: "waiting" });

      // GitHub shows the latest status per context: mallory's now stands where the App's note stood.
      const mallory = world.people["mallory"]!.octokit;
      await mallory.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
        owner: ORG,
        repo: REPO,
        sha: pr.head,
        state: "success",
        context: "tollgate/held: production",
        description: `released: run ${id} was answered`,
      });
      const { data: combined } = await mallory.request("GET /repos/{owner}/{repo}/commits/{ref}/status", {
        owner: ORG,
        repo: REPO,
        ref: pr.head,
      });
      expect(combined.statuses.find((s) => s.context === "tollgate/held: production")?.description).toBe(
        `released: run ${id} was answered`,
      );

      await comment(world, "alice", pr.number, "/approve production");
      await comment(world, "bob", pr.number, "/approve production");
      await settled(world);
      const gate = await gateOf(id, "production");
      expect(gate.state).toBe("approved");
      expect(gate.comments.at(-1)).toMatchObject({ state: "approved", actor: world.bot });
    },
    PROCESS_TEST_MS,
  );

  test(
    "a forged held note and due ref release nothing whose gate is not met",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "forged", title: "Forged", body: BODY });
      await ciCheck(ci, pr.head, "success");
      const id = await heldRun(pr.head, "forged", "production");
      expect(await gateOf(id, "production")).toMatchObject({ state: "waiting" });

      // GitHub lets any writer post the App's note and a due ref already past.
      const mallory = world.people["mallory"]!.octokit;
      const note = await mallory.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
        owner: ORG,
        repo: REPO,
        sha: pr.head,
        state: "success",
        context: "tollgate/held: production",
        description: `held: run ${id} waits for Tollgate's gate`,
      });
      expect(note.status).toBe(201);
      const ref = await mallory.request("POST /repos/{owner}/{repo}/git/refs", {
        owner: ORG,
        repo: REPO,
        ref: `${DUE_NAMESPACE}1000000000-${pr.head}`,
        sha: pr.head,
      });
      expect(ref.status).toBe(201);
      await settled(world);

      const woken = await wake(pr.head);
      expect(woken.summary).toContain(pr.head.slice(0, 7));
      // The App judged the commit again and found its gate shut: no approval is missing less for it.
      const gate = await gateOf(id, "production");
      expect(gate.state).toBe("waiting");
      expect(gate.comments.some((c) => c.state === "approved")).toBe(false);
    },
    PROCESS_TEST_MS,
  );

  test(
    "the check run is updated when a window opens, even when the App could not answer the first wake",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "window", title: "Window", body: BODY });
      await settled(world);
      const before = (await latestChecks(world, pr.head)).get("Tollgate · preview")!;
      expect(before.conclusion).not.toBe("success");
      expect(before.output.summary).toContain("outside the deployment windows");
      const due = (await dueRefs(world)).filter((ref) => ref.endsWith(`-${pr.head}`));
      expect(due).toHaveLength(1);

      await advanceTo(windowOpensMs + 60_000);
      // The first wake comes while GitHub fails the App's reads: its delivery fails, nothing is judged,
      // and the due time stays recorded.
      await world.sandbox.client.addFault({ kind: "status", status: 502, path: "/graphql" });
      await wake(pr.head);
      await settled(world);
      await world.sandbox.client.clearFaults();
      expect((await latestChecks(world, pr.head)).get("Tollgate · preview")!.id).toBe(before.id);
      expect(await dueRefs(world)).toEqual(expect.arrayContaining(due));

      // The next scheduled run wakes the App again; judged now, the run shows the open window and the
      // App removes the spent due time.
      await wake(pr.head);
      await settled(world);
      expect(await dueRefs(world)).not.toEqual(expect.arrayContaining(due));
      const after = (await latestChecks(world, pr.head)).get("Tollgate · preview")!;
      expect(after.id).not.toBe(before.id);
      expect(after.output.summary).toContain("inside the deployment windows");
      expect(after.conclusion).toBe("success");
    },
    PROCESS_TEST_MS,
  );
});
