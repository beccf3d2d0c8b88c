/**
 * Sandbox benchmark: startup time, REST read throughput and webhook delivery rate.
 * Run by `npm run bench -- sandbox`, which writes the figures into BENCHMARKS.md.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startSandbox } from "../sandbox/index.js";
import { machine, percentile, ms as formatMs } from "./stats.js";

const ms = (value: number) => formatMs(value, 1);

async function startup(runs: number): Promise<{ median: number; max: number; firstGraphql: number }> {
  const times: number[] = [];
  let firstGraphql = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const sb = await startSandbox();
    times.push(performance.now() - t0);
    if (i === 0) {
      const g0 = performance.now();
      await fetch(sb.graphqlUrl, {
        method: "POST",
        headers: { authorization: `token ${sb.adminToken}` },
        body: JSON.stringify({ query: "{ viewer { login } }" }),
      });
      firstGraphql = performance.now() - g0;
    }
    await sb.close();
  }
  return { median: percentile(times, 50), max: Math.max(...times), firstGraphql };
}

/** A fresh process importing and starting the sandbox (through tsx, so this is an upper bound). */
function coldStart(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const code = `const m = await import("./sandbox/index.ts"); const s = await m.startSandbox(); console.log("ready " + s.url); await s.close();`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) resolve(performance.now() - t0);
    });
    child.on("exit", (c) => (c === 0 ? undefined : reject(new Error(`exit ${String(c)}`))));
  });
}

async function restReads(
  total: number,
  concurrency: number,
): Promise<{ rps: number; p50: number; p99: number }> {
  // Throughput, not politeness: GitHub's secondary limits (900 REST points and 80 creations a minute per
  // token) would stop one token long before, so they are off here.
  const sb = await startSandbox({ secondaryRateLimit: false });
  const dev = await sb.client.createUser("dev");
  await sb.client.createRepo(dev.token, "svc");
  const url = `${sb.apiUrl}/repos/dev/svc/pulls?state=all`;
  const headers = { authorization: `token ${dev.token}` };
  for (let i = 0; i < 50; i++) await (await fetch(url, { headers })).arrayBuffer();
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const s = performance.now();
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  await sb.close();
  return {
    rps: (latencies.length / elapsed) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function webhookRate(events: number): Promise<{ perSecond: number; delivered: number }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received++;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  // Throughput, not politeness: GitHub's secondary limits (900 REST points and 80 creations a minute per
  // token) would stop one token long before, so they are off here.
  const sb = await startSandbox({ secondaryRateLimit: false });
  // The rate of the delivery pipeline itself, without the random spread GitHub-like delivery adds.
  await sb.client.setWebhookDelivery("ordered");
  const dev = await sb.client.createUser("dev");
  await sb.client.createRepo(dev.token, "svc");
  const app = await sb.client.registerApp({
    name: "Bench",
    webhook_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    permissions: { issues: "write" },
    events: ["issue_comment"],
  });
  await sb.client.installApp(app.id, "dev");
  await sb.client.rest("POST", "/repos/dev/svc/issues", { title: "bench" }, dev.token);
  const t0 = performance.now();
  for (let i = 0; i < events; i++)
    await sb.client.rest("POST", "/repos/dev/svc/issues/1/comments", { body: `c${i}` }, dev.token);
  await sb.idle();
  const elapsed = performance.now() - t0;
  await sb.close();
  await new Promise<void>((r) => server.close(() => r()));
  return { perSecond: (received / elapsed) * 1000, delivered: received };
}

export async function benchSandbox(): Promise<string> {
  const cold = await coldStart();
  const s = await startup(5);
  const r = await restReads(2000, 8);
  const w = await webhookRate(500);
  return [
    "## Sandbox",
    "",
    `${machine()}.`,
    "",
    "| measure | result |",
    "|---|---|",
    `| startup to listening (median of 5 / max) | ${ms(s.median)} / ${ms(s.max)} |`,
    `| fresh process: node + tsx + imports + listening | ${ms(cold)} |`,
    `| first GraphQL request (builds GitHub's schema once per process) | ${ms(s.firstGraphql)} |`,
    `| REST read \`GET /repos/{o}/{r}/pulls\`, 2,000 requests, concurrency 8 | ${r.rps.toFixed(0)} req/s, median ${ms(r.p50)}, p99 ${ms(r.p99)} |`,
    `| webhook delivery (issue_comment, signed, in order; 500 comments created one by one) | ${w.perSecond.toFixed(0)} deliveries/s (${w.delivered} delivered) |`,
  ].join("\n");
}
