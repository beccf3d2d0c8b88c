/**
 * The Action's overhead: `node dist/index.js` started as a runner starts it, against the sandbox, timed
 * from process start to the verdict in its log (and to exit); GitHub requests per gate from the
 * sandbox's request log; the bundle's size. Targets in PRODUCT.md: ≤ 300 ms, ≤ 3 requests, ≤ 2 MB.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DIST, actionEnv, runAction, workflowToken } from "../scripts/worlds/action-run.js";
import { PEOPLE, POLICY, TEAMS } from "../scripts/worlds/action-policy.js";
import { createWorld, openPullRequest, type World } from "../sandbox/seed/index.js";
import { machine, median, ms, percentile } from "./stats.js";

const RUNS = 20;

async function timeOnce(
  world: World,
  sha: string,
  token: string,
): Promise<{ verdict: number; exit: number }> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-"));
  const env = actionEnv(world, { sha, token, inputs: { environment: "production" } }, dir);
  const start = performance.now();
  const child = spawn(process.execPath, [DIST], { env, stdio: ["ignore", "pipe", "ignore"] });
  let verdict = 0;
  let seen = "";
  child.stdout.on("data", (chunk: Buffer) => {
    seen += chunk.toString();
    if (!verdict && seen.includes("→ production:")) verdict = performance.now() - start;
  });
  await new Promise((resolve) => child.on("close", resolve));
  return { verdict, exit: performance.now() - start };
}

async function requestsOf(world: World, run: () => Promise<unknown>): Promise<string[]> {
  await world.sandbox.client.control("DELETE", "/requests");
  await run();
  const log = await world.sandbox.client.requests();
  return log.filter((r) => !r.path.startsWith("/_sandbox")).map((r) => r.operationId ?? r.path);
}

export async function benchAction(): Promise<string> {
  const world = await createWorld({ policy: POLICY, people: PEOPLE, teams: TEAMS });
  try {
    const token = await workflowToken(world);
    const { head } = await openPullRequest(world, "dave", {
      branch: "bench",
      title: "bench",
      body: "## Rollback plan\nRevert.",
      labels: ["minor"],
    });
    const gate = (environment: string) => runAction(world, { sha: head, token, inputs: { environment } });
    const first = await requestsOf(world, () => gate("staging"));
    const again = await requestsOf(world, () => gate("staging"));
    // Production: awaiting approval, the record created on the first run (warm-up) and reused after.
    await gate("production");
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await timeOnce(world, head, token));
    const verdicts = times.map((t) => t.verdict);
    const exits = times.map((t) => t.exit);
    const size = statSync(DIST).size;
    return [
      "## The Action (`node dist/index.js`)",
      "",
      `${RUNS} runs of the built Action as a child process against the sandbox (strict mode, same machine), gating production (awaiting approval: one GraphQL read, one status written). ${machine()}.`,
      "",
      "| measure | value | target |",
      "|---|---|---|",
      `| process start → verdict, median | ${ms(median(verdicts), 0)} | ≤ 300 ms |`,
      `| process start → verdict, p90 | ${ms(percentile(verdicts, 90), 0)} | |`,
      `| process start → exit, median | ${ms(median(exits), 0)} | |`,
      `| GitHub requests, first gate of a commit | ${first.length} (${first.join(", ")}) | ≤ 3 |`,
      `| GitHub requests, re-run | ${again.length} (${again.join(", ")}) | ≤ 3 |`,
      `| bundle \`dist/index.js\` | ${(size / 1024 / 1024).toFixed(2)} MB | ≤ 2 MB |`,
    ].join("\n");
  } finally {
    await world.close();
  }
}
