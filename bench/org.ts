/**
 * An organization's hour on GitHub's budget: the real Probot server running Tollgate and the built
 * Action, serving many repositories of one organization through the sandbox, which charges GitHub's
 * points (GraphQL by the published cost formula, REST one point a request, 304s free). The same hour is
 * replayed against Tollgate as it stands and against the main branch from before the budget work (a
 * checkout of BASELINE, its own App and its own dist/), each on a fresh sandbox, in the same run.
 *
 * Each repository's hour, in rounds run across all repositories at once (the sandbox clock moves an
 * hour in equal steps between rounds): a push to the open PR, after which CI completes 20 check runs
 * from 3 CI apps (so 3 check suites); a review; a label added; the PR description edited; a second push
 * with its 20 check runs; an approver's `/approve production`; and a deployment to staging by the
 * built Action (`mode: deploy`: its gate, its deployment and statuses). Only one of the 20 check runs is
 * one the policy names.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import type { Sandbox } from "../sandbox/index.js";
import type { RegisteredApp } from "../sandbox/client.js";
import type { TokenUsage } from "../sandbox/ratelimit.js";
import { actionEnv } from "../scripts/worlds/action-run.js";
import {
  appJwt,
  createWorld,
  octokitFor,
  ORG,
  REPO,
  openPullRequest,
  type World,
  workflowTokens,
} from "../sandbox/seed/index.js";
import { machine } from "./stats.js";

/** Main just before the sandbox charged points and the evidence read was cut to 2 points. */
const BASELINE = "25bde7295c7a273a64d4f53c78960f4e5b37076a";
const REPOSITORIES = Number(process.env["TOLLGATE_BENCH_ORG_REPOS"] ?? 100);
/** Repositories acting at the same moment (the machine is small; GitHub's order within one is kept). */
const AT_ONCE = 8;
const CHECK_RUNS = 20;
const CI_APPS = 3;
/** The installation's base budget an hour, and the goal: half of it for the whole organization. */
const INSTALLATION_BASE = 5_000;
const GOAL = 2_500;

/** The App's end-to-end policy (scripts/worlds/app-policy.ts), with a strategy for the Action's staging deploys. */
const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
checklist:
  ci: { checks: [build] }
  rollback-plan: { pr_section: Rollback plan }
strategies:
  direct: { type: direct, run: "true" }
environments:
  staging:
    approval: automatic
    checklist: [ci]
    strategies: [direct]
  production:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci, rollback-plan]
    strategies: [direct]
    rollback: { redeploy_previous: true }
`;

interface Subject {
  label: string;
  /** A checkout of Tollgate: its bench/app-server.ts serves the App, its dist/index.js is the Action. */
  root: string;
}

/** A checkout of BASELINE with its dependencies, made once and reused by later runs. */
function baselineCheckout(): string {
  const dir = join(tmpdir(), `tollgate-baseline-${BASELINE.slice(0, 12)}`);
  if (!existsSync(join(dir, "node_modules"))) {
    mkdirSync(dir, { recursive: true });
    execFileSync("sh", ["-c", `git archive ${BASELINE} | tar -x -C ${dir}`]);
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: dir, stdio: "ignore" });
  }
  return dir;
}

interface AppProcess {
  stop(): Promise<void>;
}

/** The subject's own App server (its bench/app-server.ts), delivering to it from the sandbox. */
async function startApp(subject: Subject, app: RegisteredApp, sandbox: Sandbox): Promise<AppProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "bench/app-server.ts"], {
    cwd: subject.root,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      BENCH_APP: "tollgate",
      APP_ID: String(app.id),
      PRIVATE_KEY: app.pem,
      WEBHOOK_SECRET: app.webhook_secret,
      GHE_HOST: new URL(sandbox.url).host,
      GHE_PROTOCOL: "http",
    },
  });
  const { url } = await new Promise<{ url: string }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as { url: string }));
    child.once("exit", (code) => reject(new Error(`${subject.label}'s App exited with ${code}`)));
  });
  await sandbox.client.control("PATCH", `/apps/${app.id}`, { webhook_url: url });
  return {
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send("exit");
      }),
  };
}

async function ciApps(world: World): Promise<Octokit[]> {
  const apps: Octokit[] = [];
  for (let i = 1; i <= CI_APPS; i++) {
    const app = await world.sandbox.client.registerApp({
      name: `CI ${i}`,
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

interface Pull {
  repo: string;
  number: number;
  branch: string;
  head: string;
}

/** CI for a commit: CHECK_RUNS runs spread over the CI apps, "build" (the one the policy names) last. */
async function ci(apps: Octokit[], pull: Pull): Promise<void> {
  for (let i = 0; i < CHECK_RUNS; i++) {
    const last = i === CHECK_RUNS - 1;
    await apps[i % apps.length]!.request("POST /repos/{owner}/{repo}/check-runs", {
      owner: ORG,
      repo: pull.repo,
      name: last ? "build" : `job-${i + 1}`,
      head_sha: pull.head,
      status: "completed",
      conclusion: "success",
    });
  }
}

async function push(world: World, pull: Pull, n: number): Promise<void> {
  const put = await world.sandbox.client.putFile(
    world.people["owner"]!.token,
    `${ORG}/${pull.repo}`,
    `src/change-${n}.ts`,
    `export const n = ${n};\n`,
    { branch: pull.branch, message: `Change ${n}` },
  );
  pull.head = put.commit.sha;
}

/** Runs the built Action of `subject` once, as a workflow job would. */
async function deploy(world: World, subject: Subject, pull: Pull, token: string): Promise<number | null> {
  const dir = join(tmpdir(), `tollgate-org-${process.pid}-${pull.repo}`);
  mkdirSync(dir, { recursive: true });
  const env = actionEnv(
    world,
    { sha: pull.head, token, inputs: { environment: "staging", mode: "deploy" } },
    dir,
  );
  const child = spawn(process.execPath, [join(subject.root, "dist", "index.js")], {
    env: { ...env, GITHUB_REPOSITORY: `${ORG}/${pull.repo}` },
    stdio: ["ignore", "pipe", "ignore"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0 && process.env["TOLLGATE_BENCH_DEBUG"])
    console.error(`${pull.repo}'s deploy failed:\n${out}`);
  return code;
}

/** Runs `step` for every pull, AT_ONCE at a time. */
async function acrossRepositories(pulls: Pull[], step: (pull: Pull) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < pulls.length; i = next++) await step(pulls[i]!);
  };
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
}

interface Hour {
  label: string;
  installation: { points: number; graphql: number; rest: number; requests: number; queries: number };
  workflow: { median: number; max: number };
  deploys: { ok: number; failed: number };
  deliveries: number;
}

/** One repository's hour, round by round (each round runs across all repositories before the clock moves). */
function roundsOf(
  world: World,
  subject: Subject,
  ciOf: Octokit[],
  tokens: (repository?: string) => Promise<string>,
  deploys: { ok: number; failed: number },
): ((pull: Pull) => Promise<unknown>)[] {
  // What a person does on the pull request; GitHub's route names its number {pull_number} or {issue_number}.
  const onPull =
    (person: string, route: string, numberName: "pull_number" | "issue_number", body: object) =>
    (pull: Pull) =>
      world.people[person]!.octokit.request(route, {
        owner: ORG,
        repo: pull.repo,
        [numberName]: pull.number,
        ...body,
      });
  const pushThenCi = (n: number) => async (pull: Pull) => {
    await push(world, pull, n);
    await ci(ciOf, pull);
  };
  return [
    pushThenCi(1),
    onPull("alice", "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", "pull_number", {
      event: "APPROVE",
    }),
    onPull("owner", "POST /repos/{owner}/{repo}/issues/{issue_number}/labels", "issue_number", {
      labels: ["minor"],
    }),
    onPull("owner", "PATCH /repos/{owner}/{repo}/pulls/{pull_number}", "pull_number", {
      body: "Faster checkout.\n\n## Rollback plan\nRevert the PR.\n",
    }),
    pushThenCi(2),
    onPull("alice", "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", "issue_number", {
      body: "/approve production",
    }),
    async (pull) => {
      const code = await deploy(world, subject, pull, await tokens(pull.repo));
      deploys[code === 0 ? "ok" : "failed"]++;
    },
  ];
}

async function hourOf(subject: Subject): Promise<Hour> {
  const world = await createWorld({
    policy: POLICY,
    people: ["alice", "bob"],
    teams: { leads: ["alice", "bob"] },
    strict: false,
    // The budgets are counted, not enforced: the hour of the branch before the budget work would
    // otherwise be refused part way, and what it would have spent is the figure wanted.
    rateLimit: 100_000_000,
    secondaryRateLimit: false,
  });
  const { sandbox } = world;
  const owner = world.people["owner"]!;
  const app = await startApp(subject, world.app, sandbox);
  try {
    const ciOf = await ciApps(world);
    const tokens = await workflowTokens(world.sandbox, ORG);
    const pulls: Pull[] = [];
    for (let i = 0; i < REPOSITORIES; i++) {
      const repo = i === 0 ? REPO : `${REPO}-${i}`;
      if (i > 0) {
        await sandbox.client.createRepo(owner.token, repo, { org: ORG });
        await sandbox.client.putFile(owner.token, `${ORG}/${repo}`, ".github/tollgate.yml", POLICY, {
          message: "Add the Tollgate policy",
        });
      }
      const pr = await openPullRequest(world, "owner", {
        branch: "change",
        title: "Faster checkout",
        body: "Faster checkout.\n",
        repo,
      });
      pulls.push({ repo, number: pr.number, branch: "change", head: pr.head });
    }
    await sandbox.idle();
    const before = await sandbox.client.usage();
    const deliveriesBefore = sandbox.webhooks.deliveries.length;
    const deploys = { ok: 0, failed: 0 };
    const rounds = roundsOf(world, subject, ciOf, tokens, deploys);
    for (const round of rounds) {
      await acrossRepositories(pulls, round);
      await sandbox.idle();
      await sandbox.client.advanceClock(Math.floor(3600 / rounds.length));
    }
    await sandbox.idle();
    const after = await sandbox.client.usage();
    if (process.env["TOLLGATE_BENCH_DEBUG"]) explain(sandbox, world, deliveriesBefore, subject.label);
    return {
      label: subject.label,
      ...spent(before.tokens, after.tokens, world.bot),
      deploys,
      deliveries: sandbox.webhooks.deliveries.length - deliveriesBefore,
    };
  } finally {
    await app.stop();
    await world.close();
  }
}

/** With TOLLGATE_BENCH_DEBUG set: the webhooks the App received and the requests it made, by kind. */
function explain(sandbox: Sandbox, world: World, deliveriesFrom: number, label: string): void {
  const tally = (keys: (string | null)[]) => {
    const counts: Record<string, number> = {};
    for (const key of keys) counts[String(key)] = (counts[String(key)] ?? 0) + 1;
    return counts;
  };
  const deliveries = sandbox.webhooks.deliveries
    .slice(deliveriesFrom)
    .filter((d) => d.appId === world.app.id);
  console.error(label, "webhooks", tally(deliveries.map((d) => `${d.event}.${d.action}`)));
  const requests = sandbox.requests().filter((r) => r.actor === world.bot);
  console.error(label, "requests", tally(requests.map((r) => r.operationId)));
}

/** What each kind of token spent between two readings of the sandbox's per-token usage. */
function spent(before: TokenUsage[], after: TokenUsage[], bot: string) {
  const key = (t: TokenUsage) => `${t.budget} ${t.token_hint}`;
  const earlier = new Map(before.map((t) => [key(t), t]));
  const delta = after.map((t) => {
    const b = earlier.get(key(t));
    return {
      ...t,
      requests: t.requests - (b?.requests ?? 0),
      core_points: t.core_points - (b?.core_points ?? 0),
      graphql_points: t.graphql_points - (b?.graphql_points ?? 0),
      graphql_queries: t.graphql_queries - (b?.graphql_queries ?? 0),
    };
  });
  const ours = delta.filter((t) => t.actor === bot && t.kind === "installation");
  const sum = (rows: typeof delta, f: (t: (typeof delta)[number]) => number) =>
    rows.reduce((total, t) => total + f(t), 0);
  // The workflow token's budget is per repository: total each repository's tokens, then compare.
  const perRepository = new Map<string, number>();
  for (const t of delta.filter((t) => t.kind === "workflow"))
    perRepository.set(t.budget, (perRepository.get(t.budget) ?? 0) + t.core_points + t.graphql_points);
  const workflow = [...perRepository.values()].sort((a, b) => a - b);
  return {
    installation: {
      graphql: sum(ours, (t) => t.graphql_points),
      rest: sum(ours, (t) => t.core_points),
      points: sum(ours, (t) => t.graphql_points + t.core_points),
      requests: sum(ours, (t) => t.requests),
      queries: sum(ours, (t) => t.graphql_queries),
    },
    workflow: {
      median: workflow[Math.floor(workflow.length / 2)] ?? 0,
      max: workflow[workflow.length - 1] ?? 0,
    },
  };
}

export async function benchOrg(): Promise<string> {
  const baseline = baselineCheckout();
  const subjects: Subject[] = [
    { label: "Tollgate now", root: process.cwd() },
    { label: `main before the budget work (${BASELINE.slice(0, 7)})`, root: baseline },
  ];
  const hours: Hour[] = [];
  for (const subject of subjects) hours.push(await hourOf(subject));
  const n = (v: number) => v.toLocaleString("en");
  const column = (f: (h: Hour) => string) => hours.map(f).join(" | ");
  return [
    "## An organization's hour (`npm run bench -- org`)",
    "",
    `${REPOSITORIES} repositories of one organization, one installation of the App. Each repository's hour: a push to its open PR followed by ${CHECK_RUNS} completed check runs from ${CI_APPS} CI apps (one of them, \`build\`, named by the policy); a review; a label added; the description edited; a second push with its ${CHECK_RUNS} check runs; an approver's \`/approve production\`; a staging deployment by the built Action (\`mode: deploy\`). Rounds run across repositories ${AT_ONCE} at a time while the sandbox clock moves an hour. Points are what the sandbox charged each token (GraphQL by GitHub's cost formula, REST one per request, 304s free); budgets counted, not enforced. Each column is its own checkout: its App (\`bench/app-server.ts\`) and its \`dist/\`. ${machine()}.`,
    "",
    `| measure | ${column((h) => h.label)} | budget |`,
    `|---|${hours.map(() => "---|").join("")}---|`,
    `| the installation's points in the hour (GraphQL + REST) | ${column((h) => `**${n(h.installation.points)}** (${n(h.installation.graphql)} + ${n(h.installation.rest)})`)} | ≤ ${n(GOAL)} (half of ${n(INSTALLATION_BASE)}) |`,
    `| the installation's requests (GraphQL queries among them) | ${column((h) => `${n(h.installation.requests)} (${n(h.installation.queries)})`)} | |`,
    `| a repository's workflow token, points (median / max) | ${column((h) => `${n(h.workflow.median)} / ${n(h.workflow.max)}`)} | 1,000 |`,
    `| webhooks delivered | ${column((h) => n(h.deliveries))} | |`,
    `| Action deployments that succeeded / failed | ${column((h) => `${h.deploys.ok} / ${h.deploys.failed}`)} | |`,
  ].join("\n");
}
