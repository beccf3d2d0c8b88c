/**
 * GitHub's budget under a burst: a push whose CI completes 30 check runs in 3 suites (three CI Apps, ten
 * runs each, three of the names in the checklist) costs at most 3 evaluations, counted from the
 * sandbox's request log (an evaluation is one GraphQL evidence query by the App's installation), and
 * the check runs Tollgate finally shows are those a fresh evaluation of the final state gives. The
 * deliveries go out as GitHub sends them: concurrently and in no order; the evidence query is slowed so
 * that events arrive while an evaluation is in flight, which is what coalescing is for. A redelivered
 * old event, an event overtaken by a newer one, and two App replicas on one webhook URL still end with
 * the right check runs.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { Octokit } from "@octokit/rest";
import { assess, gatedEnvironments } from "../../app/assess.js";
import type { Identity } from "../../app/settings.js";
import { readinessCheckRun } from "../../src/github/checks.js";
import { clientOf } from "../../src/github/client.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import type { LogEntry } from "../../sandbox/server.js";
import { appJwt } from "../sandbox/scenario.js";
import { ORG, REPO, octokitFor, openPullRequest, type World } from "../support/world.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { type AppWorld, settled, startAppWorld } from "./harness.js";
import { BODY } from "./fixtures.js";

/** Three of the push's 30 check run names matter; `e2e` only from the CI App that runs it. */
const POLICY = `version: 1
checklist:
  ci: { checks: [build, unit, { name: e2e, app: ci-c }] }
  rollback-plan: { pr_section: Rollback plan }
environments:
  staging:
    approval: automatic
    checklist: [ci]
  production:
    approval: automatic
    checklist: [ci, rollback-plan]
    rollback: { redeploy_previous: true }
`;

/** Each CI App's suite on the pushed commit: ten check runs, the first of them named in the policy. */
const SUITES: Record<string, string[]> = {
  "CI A": ["build", ...Array.from({ length: 9 }, (_, i) => `lint-${i}`)],
  "CI B": ["unit", ...Array.from({ length: 9 }, (_, i) => `docs-${i}`)],
  "CI C": ["e2e", ...Array.from({ length: 9 }, (_, i) => `bench-${i}`)],
};

/** How long each GraphQL answer is held back, so that most of the burst arrives during an evaluation. */
const SLOW_QUERY_MS = 800;
/** The sandbox sends each delivery after a seeded delay below this, overlapping and out of order. */
const DELIVERY_SPREAD_MS = 300;

interface CiRun {
  readonly ci: Octokit;
  readonly id: number;
  readonly name: string;
}

async function ciApps(world: World): Promise<Octokit[]> {
  const apps: Octokit[] = [];
  for (const name of Object.keys(SUITES)) {
    const app = await world.sandbox.client.registerApp({
      name,
      permissions: { checks: "write", metadata: "read" },
    });
    const installation = await world.sandbox.client.installApp(app.id, ORG);
    const jwt = new Octokit({ auth: appJwt(app), baseUrl: world.sandbox.apiUrl });
    const { data } = await jwt.request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: installation.id,
    });
    apps.push(octokitFor(world.sandbox, data.token));
  }
  return apps;
}

/** A PR whose CI has started its 30 runs (in progress: nothing to judge yet). */
async function pushWithCi(
  world: AppWorld,
  apps: Octokit[],
  branch: string,
): Promise<{ number: number; head: string; runs: CiRun[] }> {
  const pr = await openPullRequest(world, "dave", { branch, title: `Change ${branch}`, body: BODY });
  const runs: CiRun[] = [];
  for (const [i, names] of Object.values(SUITES).entries()) {
    const ci = apps[i]!;
    for (const name of names) {
      const { data } = await ci.request("POST /repos/{owner}/{repo}/check-runs", {
        owner: ORG,
        repo: REPO,
        name,
        head_sha: pr.head,
        status: "in_progress",
      });
      runs.push({ ci, id: Number(data.id), name });
    }
  }
  await settled(world);
  return { ...pr, runs };
}

/** Runs `burst` with deliveries concurrent and the evidence query slow, then settles the world. */
async function asGitHubDelivers(world: AppWorld, burst: () => Promise<unknown>): Promise<void> {
  const { client } = world.sandbox;
  await client.setWebhookDelivery("concurrent", DELIVERY_SPREAD_MS);
  const slow = await client.addFault({
    kind: "latency",
    method: "POST",
    path: "/graphql",
    latency_ms: SLOW_QUERY_MS,
  });
  try {
    await burst();
    await settled(world);
  } finally {
    await client.control("DELETE", `/faults/${slow.id}`);
    await client.setWebhookDelivery("ordered");
  }
}

function complete(
  runs: readonly CiRun[],
  conclusion: (name: string) => "success" | "failure",
): Promise<unknown> {
  return Promise.all(
    runs.map((run) =>
      run.ci.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        owner: ORG,
        repo: REPO,
        check_run_id: run.id,
        status: "completed",
        conclusion: conclusion(run.name),
      }),
    ),
  );
}

/** What the App spent from here on: its evidence queries (one per evaluation), their points, its writes. */
async function spending(
  world: World,
): Promise<() => Promise<{ evaluations: number; points: number; writes: number; paidReads: number }>> {
  const before = (await world.sandbox.client.requests()).length;
  return async () => {
    const mine = (await world.sandbox.client.requests())
      .slice(before)
      .filter((e: LogEntry) => e.actor === world.bot);
    const queries = mine.filter((e) => e.operationId === "graphql");
    return {
      evaluations: queries.length,
      points: queries.reduce((sum, e) => sum + e.points, 0),
      writes: mine.filter((e) => e.operationId === "checks/create").length,
      paidReads: mine.filter((e) => e.operationId === "repos/get-content" && e.points > 0).length,
    };
  };
}

/** name → external_id of the latest Tollgate run of each name on the commit, as GitHub shows them. */
async function shown(world: World, sha: string): Promise<Map<string, string>> {
  const owner = world.people["owner"]!.octokit;
  const { data } = await owner.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    owner: ORG,
    repo: REPO,
    ref: sha,
    per_page: 100,
  });
  const latest = new Map<string, string>();
  for (const run of data.check_runs
    .filter((r) => r.app?.slug === world.app.slug)
    .sort((a, b) => Number(a.id) - Number(b.id)))
    latest.set(run.name, run.external_id ?? "");
  return latest;
}

/** What a fresh evaluation of the commit's present state would show: name → external_id. */
async function fresh(world: World, sha: string, pullNumber: number): Promise<Map<string, string>> {
  const identity: Identity = {
    slug: world.app.slug,
    bot: world.bot,
    trustedWriters: [world.bot, "github-actions[bot]"],
  };
  const settings = { trustedWriters: ["github-actions[bot]"], policyPath: ".github/tollgate.yml" };
  const client = clientOf(await world.installation());
  const { policy, evidence } = await assess(client, identity, settings, {
    owner: ORG,
    repo: REPO,
    sha,
    pullNumber,
  });
  if (!policy?.ok) throw new Error("the policy did not load");
  const now = new Date();
  return new Map(
    gatedEnvironments(policy.policy).map((env) => {
      const run = readinessCheckRun(evaluate(policy.policy, env.name, evidence, now), sha);
      return [run.name, run.external_id] as const;
    }),
  );
}

describe("one App process", () => {
  let world: AppWorld;
  let apps: Octokit[];

  beforeAll(async () => {
    world = await startAppWorld({ policy: POLICY, people: ["dave"] });
    apps = await ciApps(world);
  }, PROCESS_TEST_MS);
  afterAll(() => world.close());

  test(
    "a push whose CI completes 30 check runs in 3 suites: at most 3 evaluations, and the runs shown are a fresh evaluation's",
    async () => {
      const pr = await pushWithCi(world, apps, "burst");
      const spent = await spending(world);
      await asGitHubDelivers(world, () =>
        complete(pr.runs, (name) => (name === "unit" ? "failure" : "success")),
      );
      const cost = await spent();
      // What GitHub said happened: 30 runs completed, 3 suites with them.
      const completed = (await world.sandbox.client.deliveries("check_run.completed")).filter((d) => {
        const run = (d.request.payload as { check_run: { head_sha: string; app: { slug: string } } })
          .check_run;
        return run.head_sha === pr.head && run.app.slug !== world.app.slug;
      });
      expect(completed.filter((d) => d.appId === world.app.id)).toHaveLength(30);
      const suites = await world.people["owner"]!.octokit.request(
        "GET /repos/{owner}/{repo}/commits/{ref}/check-suites",
        {
          owner: ORG,
          repo: REPO,
          ref: pr.head,
        },
      );
      expect(
        suites.data.check_suites.filter((s) => s.app?.slug !== world.app.slug && s.status === "completed"),
      ).toHaveLength(3);

      expect(cost.evaluations).toBeGreaterThanOrEqual(1);
      expect(cost.evaluations).toBeLessThanOrEqual(3);
      // Knowing which names matter cost nothing: the policy was read conditionally and had not changed.
      expect(cost.paidReads).toBeLessThanOrEqual(1);
      const final = await shown(world, pr.head);
      expect(final).toEqual(await fresh(world, pr.head, pr.number));
      expect(final.get("Tollgate · staging")).toMatch(/^staging@/);
    },
    PROCESS_TEST_MS,
  );

  test(
    "delivered one at a time (nothing to coalesce): only the 3 named checks cost an evaluation, the 27 others and the suites none",
    async () => {
      const pr = await pushWithCi(world, apps, "ordered");
      const spent = await spending(world);
      await complete(pr.runs, () => "success");
      await settled(world);
      const cost = await spent();
      expect(cost.evaluations).toBe(3);
      expect(cost.paidReads).toBe(0);
      expect(await shown(world, pr.head)).toEqual(await fresh(world, pr.head, pr.number));
    },
    PROCESS_TEST_MS,
  );

  test(
    "ten reports of a named check at once: one evaluation in flight, the rest wait for one trailing evaluation",
    async () => {
      const pr = await pushWithCi(world, apps, "statuses");
      await complete(pr.runs, () => "success");
      await settled(world);
      const dave = world.people["dave"]!.octokit;
      const spent = await spending(world);
      await asGitHubDelivers(world, () =>
        Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            dave.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
              owner: ORG,
              repo: REPO,
              sha: pr.head,
              context: "build",
              state: i === 9 ? "failure" : "pending",
            }),
          ),
        ),
      );
      const cost = await spent();
      expect(
        (await world.sandbox.client.deliveries("status")).filter((d) => d.appId === world.app.id).length,
      ).toBeGreaterThanOrEqual(10);
      expect(cost.evaluations).toBeGreaterThanOrEqual(1);
      expect(cost.evaluations).toBeLessThanOrEqual(3);
      expect(await shown(world, pr.head)).toEqual(await fresh(world, pr.head, pr.number));
    },
    PROCESS_TEST_MS,
  );

  test(
    "a redelivered old event re-reads the present: no second effect, the right runs stay",
    async () => {
      const pr = await pushWithCi(world, apps, "redelivery");
      await asGitHubDelivers(world, () => complete(pr.runs, () => "success"));
      const before = await shown(world, pr.head);
      expect(before).toEqual(await fresh(world, pr.head, pr.number));
      // The build run's completion, long handled, comes again.
      const old = (await world.sandbox.client.deliveries("check_run.completed")).find(
        (d) =>
          d.appId === world.app.id &&
          (d.request.payload as { check_run: { head_sha: string; name: string } }).check_run.head_sha ===
            pr.head &&
          (d.request.payload as { check_run: { name: string } }).check_run.name === "build",
      )!;
      const spent = await spending(world);
      await world.sandbox.client.redeliver(old.id);
      await settled(world);
      const cost = await spent();
      expect(cost.evaluations).toBeLessThanOrEqual(1);
      expect(cost.writes).toBe(0);
      expect(await shown(world, pr.head)).toEqual(before);
    },
    PROCESS_TEST_MS,
  );

  test(
    "an event overtaken by a newer one: the failure of build arrives after its re-run's success, and success is shown",
    async () => {
      const pr = await pushWithCi(world, apps, "overtaken");
      await asGitHubDelivers(world, () =>
        complete(pr.runs, (name) => (name === "build" ? "failure" : "success")),
      );
      expect((await shown(world, pr.head)).get("Tollgate · staging")).toEqual(
        (await fresh(world, pr.head, pr.number)).get("Tollgate · staging"),
      );
      // The build is re-run and passes; the old failure's delivery is held back until the success's went out.
      await world.sandbox.client.addFault({ kind: "reorder", event: "check_run.completed", count: 1 });
      const build = pr.runs.find((r) => r.name === "build")!;
      const { data: rerun } = await build.ci.request("POST /repos/{owner}/{repo}/check-runs", {
        owner: ORG,
        repo: REPO,
        name: "build",
        head_sha: pr.head,
        status: "in_progress",
      });
      await world.sandbox.client.redeliver(
        (await world.sandbox.client.deliveries("check_run.completed")).find(
          (d) =>
            d.appId === world.app.id &&
            (d.request.payload as { check_run: { id: number } }).check_run.id === build.id,
        )!.id,
      );
      await build.ci.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        owner: ORG,
        repo: REPO,
        check_run_id: rerun.id,
        status: "completed",
        conclusion: "success",
      });
      await settled(world);
      await world.sandbox.client.clearFaults();
      const final = await shown(world, pr.head);
      expect(final).toEqual(await fresh(world, pr.head, pr.number));
      const staging = (
        await world.people["owner"]!.octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
          owner: ORG,
          repo: REPO,
          ref: pr.head,
          check_name: "Tollgate · staging",
        })
      ).data.check_runs.sort((a, b) => Number(b.id) - Number(a.id))[0]!;
      expect(staging.conclusion).toBe("success");
    },
    PROCESS_TEST_MS,
  );
});

describe("two App replicas behind one webhook URL", () => {
  let world: AppWorld;
  let apps: Octokit[];

  beforeAll(async () => {
    world = await startAppWorld({ policy: POLICY, people: ["dave"], replicas: 2 });
    apps = await ciApps(world);
  }, PROCESS_TEST_MS);
  afterAll(() => world.close());

  test(
    "the same burst split between them ends with a fresh evaluation's runs, each replica coalescing its own share",
    async () => {
      const pr = await pushWithCi(world, apps, "replicas");
      const spent = await spending(world);
      await asGitHubDelivers(world, () =>
        complete(pr.runs, (name) => (name === "e2e" ? "failure" : "success")),
      );
      const cost = await spent();
      expect(cost.evaluations).toBeGreaterThanOrEqual(1);
      expect(cost.evaluations).toBeLessThanOrEqual(6);
      expect(await shown(world, pr.head)).toEqual(await fresh(world, pr.head, pr.number));
    },
    PROCESS_TEST_MS,
  );
});
