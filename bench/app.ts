/**
 * The App against the sandbox, side by side with a bare Probot app that does one write per event: both
 * receive the same signed `pull_request.edited` webhooks. Latency is the sandbox's delivery duration
 * (signed webhook sent → the App's response, which Probot sends once the handler has written its check
 * runs); requests come from the sandbox's request log. Everything runs in one process on one core.
 */
import { createNodeMiddleware, createProbot, type Probot } from "probot";
import { tollgate } from "../app/index.js";
import type { Sandbox } from "../sandbox/index.js";
import { listen } from "../test/sandbox/helpers.js";
import { PLAIN_OCTOKIT } from "../test/app/harness.js";
import { POLICY } from "../test/app/fixtures.js";
import { createWorld, ORG, REPO, openPullRequest } from "../test/support/world.js";
import { machine, median, ms, percentile } from "./stats.js";

const EVENTS = 300;
const WARMUP = 30;

async function serve(
  sandbox: Sandbox,
  app: { id: number; pem: string; webhook_secret: string },
  fn: (probot: Probot) => void,
) {
  const server = await listen();
  const probot = createProbot({
    env: {
      APP_ID: String(app.id),
      PRIVATE_KEY: app.pem,
      WEBHOOK_SECRET: app.webhook_secret,
      GHE_HOST: new URL(sandbox.url).host,
      GHE_PROTOCOL: "http",
      LOG_LEVEL: "fatal",
    },
    overrides: { Octokit: PLAIN_OCTOKIT },
  });
  const middleware = await createNodeMiddleware(fn, { probot });
  server.setHandler((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  return server;
}

export async function benchApp(): Promise<string> {
  const tollgateServer = await listen();
  const world = await createWorld({
    policy: POLICY,
    people: ["dave", "alice", "bob"],
    teams: { leads: ["alice", "bob"] },
    webhookUrl: `${tollgateServer.url}/api/github/webhooks`,
    strict: false,
  });
  const { sandbox } = world;
  const real = await serve(
    sandbox,
    world.app,
    tollgate({ trustedWriters: [], policyPath: ".github/tollgate.yml" }),
  );
  tollgateServer.setHandler((req, res) => real.server.emit("request", req, res));

  const bareApp = await sandbox.client.registerApp({
    name: "Bare",
    permissions: { checks: "write", pull_requests: "read", metadata: "read" },
    events: ["pull_request"],
  });
  const bare = await serve(sandbox, bareApp, (probot) => {
    probot.on("pull_request.edited", async (context) => {
      await context.octokit.request("POST /repos/{owner}/{repo}/check-runs", {
        ...context.repo(),
        name: "bare",
        head_sha: context.payload.pull_request.head.sha,
        status: "completed",
        conclusion: "success",
        output: { title: "ok", summary: "ok" },
      });
    });
  });
  await sandbox.client.control("PATCH", `/apps/${bareApp.id}`, {
    webhook_url: `${bare.url}/api/github/webhooks`,
  });
  await sandbox.client.installApp(bareApp.id, ORG);

  const pr = await openPullRequest(world, "dave", {
    branch: "bench",
    title: "Bench",
    body: "## Rollback plan\nRevert.\n",
  });
  await sandbox.idle();
  const owner = world.people["owner"]!.octokit;
  const logStart = sandbox.requests().length;
  for (let i = 0; i < EVENTS; i++) {
    await owner.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: ORG,
      repo: REPO,
      pull_number: pr.number,
      body: `## Rollback plan\nRevert (${i}).\n`,
    });
  }
  await sandbox.idle();
  const deliveries = (await sandbox.client.deliveries("pull_request.edited")).filter(
    (d) => d.status_code === 200,
  );
  const durations = (appId: number) =>
    deliveries
      .filter((d) => d.appId === appId)
      .map((d) => d.duration * 1000)
      .slice(WARMUP);
  const ours = durations(world.app.id);
  const theirs = durations(bareApp.id);
  const byOurs = sandbox
    .requests()
    .slice(logStart)
    .filter((r) => r.actor === world.bot && r.operationId !== "apps/create-installation-access-token");
  // Each evaluation is one GraphQL read; the bare app's check run completing triggers a second one per event.
  const evaluations = byOurs.filter((r) => r.path.endsWith("graphql")).length;
  const reads = byOurs.filter((r) => r.method === "GET" || r.path.endsWith("graphql")).length / evaluations;
  const writes = byOurs.filter((r) => r.method !== "GET" && !r.path.endsWith("graphql")).length / evaluations;
  const environments = 2;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const eventsPerSecond = (xs: number[]) => (1000 * xs.length) / sum(xs);
  await real.close();
  await bare.close();
  await tollgateServer.close();
  await world.close();

  return [
    "## The App (webhook → check runs)",
    "",
    `${EVENTS} signed \`pull_request.edited\` webhooks from the sandbox to the real Probot server (first ${WARMUP} discarded), each judged for ${environments} gated environments; a bare Probot app doing one write receives the same events. Latency: signed webhook sent → the App's response after its writes. Events/s: one event at a time, sandbox, Apps and driver sharing one core. ${machine()}.`,
    "",
    "| measure | Tollgate | bare app (1 write) | target |",
    "|---|---|---|---|",
    `| evaluations per event (the bare app's check run completing is CI news too) | ${(evaluations / EVENTS).toFixed(2)} | | |`,
    `| API requests per evaluation (reads + writes) | ${reads.toFixed(2)} + ${writes.toFixed(2)} | 0 + 1 | ≤ 3 per evaluation |`,
    `| requests per environment evaluated | ${((reads + writes) / environments).toFixed(2)} | | 1 read shared + 1 write each |`,
    `| latency p50 | ${ms(median(ours), 1)} | ${ms(median(theirs), 1)} | |`,
    `| latency p99 | ${ms(percentile(ours, 99), 1)} | ${ms(percentile(theirs, 99), 1)} | ≤ bare + 50 ms |`,
    `| p99 over the bare app | ${ms(percentile(ours, 99) - percentile(theirs, 99), 1)} | | ≤ 50 ms |`,
    `| events per second, serial | ${eventsPerSecond(ours).toFixed(0)} | ${eventsPerSecond(theirs).toFixed(0)} | ≥ 200 |`,
  ].join("\n");
}
