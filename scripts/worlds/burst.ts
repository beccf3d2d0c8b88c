/**
 * A push whose CI completes 30 check runs in 3 suites, as test/app/burst.test.ts and bench/burst.ts play
 * it on the sandbox, and what the App spent on it, read from the sandbox's request log.
 */
import type { Octokit } from "@octokit/rest";
import { assess, gatedEnvironments } from "../../app/assess.js";
import type { Identity } from "../../app/settings.js";
import { readinessCheckRun } from "../../src/github/checks.js";
import { clientOf } from "../../src/github/client.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import type { LogEntry } from "../../sandbox/server.js";
import { GITHUB_DELIVERY } from "../../sandbox/webhooks.js";
import { ORG, REPO, installCi, octokitFor, openPullRequest, type World } from "../../sandbox/seed/index.js";
import { BODY } from "./app-policy.js";
import { type AppWorld, settled } from "./app-world.js";

/** Three of the push's 30 check run names matter; `e2e` only from the CI App that runs it. */
export const POLICY = `version: 1
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
export const SUITES: Record<string, string[]> = {
  "CI A": ["build", ...Array.from({ length: 9 }, (_, i) => `lint-${i}`)],
  "CI B": ["unit", ...Array.from({ length: 9 }, (_, i) => `docs-${i}`)],
  "CI C": ["e2e", ...Array.from({ length: 9 }, (_, i) => `bench-${i}`)],
};

/** How long each GraphQL answer is held back, so that most of the burst arrives during an evaluation. */
export const SLOW_QUERY_MS = 1_000;
/** The sandbox sends each delivery after a seeded delay below this, overlapping and out of order. */
export const DELIVERY_SPREAD_MS = 300;

export interface CiRun {
  readonly ci: Octokit;
  readonly id: number;
  readonly name: string;
}

/** One CI App per suite, installed on the organization; an Octokit acting as each. */
export async function ciApps(world: World): Promise<Octokit[]> {
  const apps: Octokit[] = [];
  for (const name of Object.keys(SUITES)) {
    const ci = await installCi(world.sandbox, ORG, name);
    apps.push(octokitFor(world.sandbox, await ci.token()));
  }
  return apps;
}

/** A PR whose CI has started its 30 runs (in progress: nothing to judge yet). */
export async function pushWithCi(
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

/**
 * Runs `work` with the repository's webhooks delivered in `mode` (spread over `spreadMs` when concurrent),
 * settles the world, and gives the sandbox back its GitHub-like delivery.
 */
export async function delivered(
  world: AppWorld,
  mode: "ordered" | "concurrent",
  spreadMs: number,
  work: () => Promise<unknown>,
): Promise<void> {
  const { client } = world.sandbox;
  await client.setWebhookDelivery(mode, spreadMs);
  try {
    await work();
    await settled(world);
  } finally {
    await client.setWebhookDelivery(GITHUB_DELIVERY.mode, GITHUB_DELIVERY.max_delay_ms);
  }
}

/** Runs `burst` with deliveries spread concurrently and the evidence query slow, then settles the world. */
export async function asGitHubDelivers(world: AppWorld, burst: () => Promise<unknown>): Promise<void> {
  const { client } = world.sandbox;
  const slow = await client.addFault({
    kind: "latency",
    method: "POST",
    path: "/graphql",
    latency_ms: SLOW_QUERY_MS,
  });
  try {
    await delivered(world, "concurrent", DELIVERY_SPREAD_MS, burst);
  } finally {
    await client.control("DELETE", `/faults/${slow.id}`);
  }
}

export function complete(
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
export async function spending(
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
export async function shown(world: World, sha: string): Promise<Map<string, string>> {
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
export async function fresh(world: World, sha: string, pullNumber: number): Promise<Map<string, string>> {
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
