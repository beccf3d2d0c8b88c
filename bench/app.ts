/**
 * The App against the sandbox, side by side with a bare Probot app that writes one check run per event.
 * Each app runs in a process of its own (bench/app-server.ts) pinned to one core; the sandbox, which
 * plays GitHub, and this driver share the other core, so what each app is charged is its own work. Only
 * the app being measured receives webhooks.
 *
 * Every event is a real `pull_request.edited`: a person edits a PR's description over REST and the
 * sandbox delivers the signed webhook. An edit either adds or removes the rollback plan production's
 * checklist asks for (so Tollgate's production run changes and is written), or changes only the text
 * (so nothing Tollgate shows changes, and it writes nothing).
 *
 * - One at a time, in one repository: each event waits until the previous one's webhooks have been
 *   answered. Latency is each delivery's duration (sent → the app's response, which Probot sends once
 *   the handler has written its check runs); requests per event come from the sandbox's request log.
 * - At once, across repositories: one PR in each of several repositories, all edited together, round
 *   after round (the sandbox, like GitHub, delivers one repository's webhooks in order, so parallel
 *   events come from different repositories). Events per second is events over wall time.
 * - CPU per event is the app process's CPU time over events, the webhooks its own check runs cause
 *   included: 1000 / that is the events one core could sustain were GitHub never the bottleneck.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import type { Octokit } from "@octokit/rest";
import type { Sandbox } from "../sandbox/index.js";
import type { RegisteredApp } from "../sandbox/client.js";
import { POLICY, POLICY_WORLD } from "../scripts/worlds/app-policy.js";
import { createWorld, ORG, REPO, openPullRequest, type World } from "../sandbox/seed/index.js";
import { machine, median, ms, percentile } from "./stats.js";

const ONE_AT_A_TIME = 200;
const WARMUP = 20;
const REPOSITORIES = 16;
const ROUNDS = 60;

/** Cores for the apps and for the sandbox, when there are two to keep them apart. */
function cores(): { app: string; sandbox: string } | undefined {
  if (availableParallelism() < 2 || spawnSync("taskset", ["-V"]).status !== 0) return undefined;
  return { app: "0", sandbox: "1" };
}

interface AppProcess {
  url: string;
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

async function startApp(
  kind: string,
  app: RegisteredApp,
  sandbox: Sandbox,
  core?: string,
): Promise<AppProcess> {
  const node = [process.execPath, "--import", "tsx", "bench/app-server.ts"];
  const [command, ...args] = core ? ["taskset", "-c", core, ...node] : node;
  const child: ChildProcess = spawn(command!, args, {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      BENCH_APP: kind,
      APP_ID: String(app.id),
      PRIVATE_KEY: app.pem,
      WEBHOOK_SECRET: app.webhook_secret,
      GHE_HOST: new URL(sandbox.url).host,
      GHE_PROTOCOL: "http",
    },
  });
  const next = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      child.once("message", (m) => resolve(m as T));
      child.once("exit", (code) => reject(new Error(`the ${kind} app exited with ${code}`)));
    });
  const { url } = await next<{ url: string }>();
  return {
    url,
    async cpuMs() {
      const answer = next<{ cpuMs: number }>();
      child.send("cpu");
      return (await answer).cpuMs;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send("exit");
      }),
  };
}

interface Measured {
  events: number;
  wallMs: number;
  /** Durations of the `pull_request` deliveries (sent → the app's response), warm-up discarded. */
  latencies: number[];
  /** The app's API requests per event (installation tokens aside), reads and writes. */
  reads: number;
  writes: number;
  cpuPerEvent: number;
  /** This process's CPU time per event: the sandbox answering and delivering, and the driver. */
  githubCpuPerEvent: number;
}

const KINDS = ["changed", "unchanged"] as const;
type Kind = (typeof KINDS)[number];

/** A description for the i-th edit: with the rollback plan on even edits when `kind` is "changed". */
const body = (kind: Kind, i: number) =>
  kind === "changed" && i % 2 === 1 ? `Edit ${i}.\n` : `Edit ${i}.\n\n## Rollback plan\nRevert.\n`;

export async function benchApp(): Promise<string> {
  const pinned = cores();
  if (pinned) spawnSync("taskset", ["-a", "-p", "-c", pinned.sandbox, String(process.pid)]);
  const world = await createWorld({
    ...POLICY_WORLD,
    strict: false,
    // Hundreds of events a second at a few requests each would spend GitHub's 5,000 requests an hour for
    // one installation in seconds: a rate like that is an App serving many installations, each its own.
    rateLimit: 10_000_000,
    // …and so would the secondary limits (900 REST points and 80 creations a minute per installation).
    secondaryRateLimit: false,
  });
  const { sandbox } = world;
  const bareApp = await sandbox.client.registerApp({
    name: "Bare",
    permissions: { checks: "write", pull_requests: "read", metadata: "read" },
    events: ["pull_request"],
  });
  await sandbox.client.installApp(bareApp.id, ORG);
  const apps = [
    { name: "tollgate", app: world.app, proc: await startApp("tollgate", world.app, sandbox, pinned?.app) },
    { name: "bare", app: bareApp, proc: await startApp("bare", bareApp, sandbox, pinned?.app) },
  ] as const;
  try {
    const prs = await openPullRequests(world);
    const owner = world.people["owner"]!.octokit;
    const results: Record<string, Record<Kind, { oneAtATime: Measured; atOnce: Measured }>> = {};
    for (const { name, app, proc } of apps) {
      await sandbox.client.control("PATCH", `/apps/${app.id}`, { webhook_url: proc.url });
      const measure = (count: number, send: (i: number) => Promise<unknown>) =>
        measured(sandbox, app, proc, count, send);
      const perKind = {} as Record<Kind, { oneAtATime: Measured; atOnce: Measured }>;
      for (const kind of KINDS) {
        await Promise.all(prs.map((pr) => edit(owner, pr, body(kind, 0))));
        const oneAtATime = await measure(ONE_AT_A_TIME, (i) => edit(owner, prs[0]!, body(kind, i + 1)));
        const atOnce = await measure(ROUNDS, (round) =>
          Promise.all(prs.map((pr) => edit(owner, pr, body(kind, round + 1)))),
        );
        perKind[kind] = { oneAtATime, atOnce: perEvent(atOnce, REPOSITORIES) };
      }
      results[name] = perKind;
      await sandbox.client.control("PATCH", `/apps/${app.id}`, { webhook_url: null });
    }
    return report(results["tollgate"]!, results["bare"]!, pinned);
  } finally {
    for (const { proc } of apps) await proc.stop();
    await world.close();
  }
}

interface PullRequest {
  repo: string;
  number: number;
}

/** The bench PR in acme/shop, and one in each of the other repositories, each holding the policy. */
async function openPullRequests(world: World): Promise<PullRequest[]> {
  const owner = world.people["owner"]!;
  const prs: PullRequest[] = [];
  for (let i = 0; i < REPOSITORIES; i++) {
    const repo = i === 0 ? REPO : `${REPO}-${i}`;
    if (i > 0) {
      await world.sandbox.client.createRepo(owner.token, repo, { org: ORG });
      await world.sandbox.client.putFile(owner.token, `${ORG}/${repo}`, ".github/tollgate.yml", POLICY, {
        message: "Add the Tollgate policy",
      });
    }
    const pr = await openPullRequest(world, "owner", {
      branch: "bench",
      title: "Bench",
      body: "Bench.\n",
      repo,
    });
    prs.push({ repo, number: pr.number });
  }
  await world.sandbox.idle();
  return prs;
}

const edit = (owner: Octokit, pr: PullRequest, text: string) =>
  owner.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner: ORG,
    repo: pr.repo,
    pull_number: pr.number,
    body: text,
  });

/** Runs `count` steps, each waiting until every webhook it caused has been answered, and measures them. */
async function measured(
  sandbox: Sandbox,
  app: RegisteredApp,
  proc: AppProcess,
  count: number,
  step: (i: number) => Promise<unknown>,
): Promise<Measured> {
  await sandbox.idle();
  const deliveriesFrom = sandbox.webhooks.deliveries.length;
  const requestsFrom = sandbox.requests().length;
  const cpuBefore = await proc.cpuMs();
  const githubBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await step(i);
    await sandbox.idle();
  }
  const wallMs = performance.now() - started;
  const github = process.cpuUsage(githubBefore);
  const cpuPerEvent = ((await proc.cpuMs()) - cpuBefore) / count;
  const latencies = sandbox.webhooks.deliveries
    .slice(deliveriesFrom)
    .filter((d) => d.appId === app.id && d.event === "pull_request" && d.status_code === 200)
    .map((d) => d.duration * 1000)
    .slice(WARMUP);
  const byApp = sandbox
    .requests()
    .slice(requestsFrom)
    .filter(
      (r) => r.actor === `${app.slug}[bot]` && r.operationId !== "apps/create-installation-access-token",
    );
  const isRead = (r: { method: string; path: string }) => r.method === "GET" || r.path.endsWith("graphql");
  const reads = byApp.filter(isRead).length / count;
  return {
    events: count,
    wallMs,
    latencies,
    reads,
    writes: byApp.length / count - reads,
    cpuPerEvent,
    githubCpuPerEvent: (github.user + github.system) / 1000 / count,
  };
}

/** A measurement of rounds, restated per event when each round is `perRound` events. */
const perEvent = (m: Measured, perRound: number): Measured => ({
  ...m,
  events: m.events * perRound,
  reads: m.reads / perRound,
  writes: m.writes / perRound,
  cpuPerEvent: m.cpuPerEvent / perRound,
  githubCpuPerEvent: m.githubCpuPerEvent / perRound,
});

function report(
  ours: Record<Kind, { oneAtATime: Measured; atOnce: Measured }>,
  bare: Record<Kind, { oneAtATime: Measured; atOnce: Measured }>,
  pinned: { app: string; sandbox: string } | undefined,
): string {
  const requests = (m: Measured) => `${m.reads.toFixed(2)} + ${m.writes.toFixed(2)}`;
  const latency = (m: Measured) => `${ms(median(m.latencies), 1)} / ${ms(percentile(m.latencies, 99), 1)}`;
  const rate = (m: Measured) => ((1000 * m.events) / m.wallMs).toFixed(0);
  const cpu = (m: Measured) => `${ms(m.cpuPerEvent, 2)} (${(1000 / m.cpuPerEvent).toFixed(0)})`;
  const busy = (m: Measured, perEvent: number) => `${((perEvent * m.events * 100) / m.wallMs).toFixed(0)} %`;
  const p99Over = (kind: Kind) =>
    ms(percentile(ours[kind].oneAtATime.latencies, 99) - percentile(bare[kind].oneAtATime.latencies, 99), 1);
  const placement = pinned
    ? `each app in its own process pinned to core ${pinned.app}, the sandbox and the driver on core ${pinned.sandbox}`
    : "the apps, the sandbox and the driver sharing the machine (no second core, or no taskset, to keep them apart)";
  const rows: string[] = [];
  for (const kind of KINDS) {
    const what = kind === "changed" ? "production's run changes" : "nothing Tollgate shows changes";
    const [o, b] = [ours[kind], bare[kind]];
    rows.push(
      `| **${what}**: API requests per event (reads + writes) | ${requests(o.oneAtATime)} | ${requests(b.oneAtATime)} | ≤ 3 |`,
      `| latency p50 / p99, one at a time | ${latency(o.oneAtATime)} | ${latency(b.oneAtATime)} | |`,
      `| p99 over the bare app | ${p99Over(kind)} | | ≤ 50 ms |`,
      `| CPU per event (events per CPU-second), one at a time | ${cpu(o.oneAtATime)} | ${cpu(b.oneAtATime)} | |`,
      `| events per second, ${REPOSITORIES} repositories at once | ${rate(o.atOnce)} | ${rate(b.atOnce)} | ≥ 200 |`,
      `| CPU per event (events per CPU-second), ${REPOSITORIES} at once | ${cpu(o.atOnce)} | ${cpu(b.atOnce)} | ≥ 200 per CPU-second |`,
      `| the app's core busy, ${REPOSITORIES} at once | ${busy(o.atOnce, o.atOnce.cpuPerEvent)} | ${busy(b.atOnce, b.atOnce.cpuPerEvent)} | |`,
      `| the sandbox's core busy (it plays GitHub), ${REPOSITORIES} at once | ${busy(o.atOnce, o.atOnce.githubCpuPerEvent)} | ${busy(b.atOnce, b.atOnce.githubCpuPerEvent)} | |`,
    );
  }
  return [
    "## The App (webhook → check runs)",
    "",
    `The real Probot server running Tollgate (2 gated environments), side by side with a bare Probot app that writes one check run per event; ${placement}. Each event is a PR description edited over REST and the sandbox's signed \`pull_request.edited\` delivery: either the rollback plan production's checklist asks for comes or goes (Tollgate writes production's run), or only the text changes (Tollgate writes nothing). One at a time: ${ONE_AT_A_TIME} events in one repository, each after the previous one's webhooks were answered (the first ${WARMUP} discarded for latency). At once: ${ROUNDS} rounds of one edit in each of ${REPOSITORIES} repositories. CPU per event counts the app process's CPU time, the webhooks GitHub sends back for its own check runs included. Probot's write throttling (a second between writes, as github.com asks) is off for both apps. ${machine()}.`,
    "",
    "| measure | Tollgate | bare app (1 write) | target |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}
