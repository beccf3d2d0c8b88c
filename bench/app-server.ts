/**
 * One Probot server in a process of its own, for bench/app.ts: Tollgate (BENCH_APP=tollgate) or a bare
 * app that writes one check run per `pull_request.edited` (BENCH_APP=bare). Probot reads its usual
 * settings (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST, GHE_PROTOCOL) from the environment. Over the
 * IPC channel it tells the parent its URL, then answers "cpu" with the CPU time it has used so far, so
 * the parent can charge each app only for its own work.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, createProbot, type Probot } from "probot";
import { tollgate } from "../app/index.js";
import { PLAIN_OCTOKIT } from "../scripts/worlds/probot-octokit.js";

function bare(probot: Probot): void {
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
}

const kind = process.env["BENCH_APP"];
const appFn =
  kind === "tollgate" ? tollgate({ trustedWriters: [], policyPath: ".github/tollgate.yml" }) : bare;
// Probot's throttling spaces writes a second apart, as github.com asks of Apps: the bench measures the
// apps' own cost, so both run without it (and without retries: the sandbox does not fail here).
const probot = createProbot({
  env: { ...process.env, LOG_LEVEL: "fatal" },
  overrides: { Octokit: PLAIN_OCTOKIT },
});
const middleware = await createNodeMiddleware(appFn, { probot });
const server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.send!({ url: `http://127.0.0.1:${port}/api/github/webhooks` });
});
process.on("message", (message) => {
  if (message === "cpu") {
    const { user, system } = process.cpuUsage();
    process.send!({ cpuMs: (user + system) / 1000 });
  }
  if (message === "exit") server.close(() => process.exit(0));
});
