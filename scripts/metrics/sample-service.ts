/**
 * A tiny HTTP service for rollout tests and benchmarks: `/work` answers like a real endpoint (with a controllable error
 * rate and latency), `/health` fails while errors are turned up, `/metrics` exposes Prometheus text
 * (requests by status, a latency histogram), and `/control` turns faults up and down. Errors follow a
 * fixed pattern (request n fails when ⌊n·rate⌋ grows), not chance, so tests see exact rates.
 * Run alone: `npx tsx scripts/metrics/sample-service.ts` (PORT, default 8080; RPS, default 20).
 */
import { createServer, request, Agent, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

export interface Faults {
  /** Share of requests answered 500, 0 to 1. */
  errorRate: number;
  latencyMs: number;
}

export interface SampleService {
  readonly url: string;
  readonly port: number;
  faults(): Faults;
  setFaults(faults: Partial<Faults>): void;
  /** Sends `rps` requests per second to /work until stopped (or the service closes). */
  startTraffic(rps: number): () => void;
  close(): Promise<void>;
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export async function startSampleService(port = 0, host = "127.0.0.1"): Promise<SampleService> {
  const faults: Faults = { errorRate: 0, latencyMs: 0 };
  // Both series exist from the start, so an error-rate query reads 0, not "no data", before any error.
  const requests: Record<string, number> = { "200": 0, "500": 0 };
  const buckets = BUCKETS.map(() => 0);
  let count = 0;
  let sum = 0;
  let served = 0;
  const traffic = new Set<() => void>();

  const observe = (status: number, seconds: number) => {
    requests[String(status)] = (requests[String(status)] ?? 0) + 1;
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) buckets[i]!++;
    });
    count++;
    sum += seconds;
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const metrics = () => {
    const lines = [
      "# HELP sample_requests_total Requests served by /work, by status.",
      "# TYPE sample_requests_total counter",
      ...Object.entries(requests).map(([status, n]) => `sample_requests_total{status="${status}"} ${n}`),
      "# HELP sample_request_duration_seconds Latency of /work.",
      "# TYPE sample_request_duration_seconds histogram",
      ...BUCKETS.map((le, i) => `sample_request_duration_seconds_bucket{le="${le}"} ${buckets[i]}`),
      `sample_request_duration_seconds_bucket{le="+Inf"} ${count}`,
      `sample_request_duration_seconds_sum ${sum}`,
      `sample_request_duration_seconds_count ${count}`,
    ];
    return `${lines.join("\n")}\n`;
  };
  const readBody = async (req: IncomingMessage) => {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    return text;
  };

  const server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const started = performance.now();
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(metrics());
    } else if (path === "/control") {
      if (req.method === "POST") {
        const body = JSON.parse((await readBody(req)) || "{}") as Partial<Faults>;
        Object.assign(faults, body);
      }
      json(res, 200, faults);
    } else if (path === "/health" || path === "/work") {
      if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
      if (path === "/health") {
        const healthy = faults.errorRate === 0;
        json(res, healthy ? 200 : 500, {
          status: healthy ? "ok" : "failing",
          errors: { rate: faults.errorRate },
          latency_ms: faults.latencyMs,
        });
        return;
      }
      served++;
      const fails = Math.floor(served * faults.errorRate) > Math.floor((served - 1) * faults.errorRate);
      const status = fails ? 500 : 200;
      observe(status, (performance.now() - started) / 1000);
      res.writeHead(status, { "content-type": "text/plain" }).end(fails ? "error\n" : "ok\n");
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  const agent = new Agent({ keepAlive: true });

  return {
    url,
    port: address.port,
    faults: () => ({ ...faults }),
    setFaults: (change) => Object.assign(faults, change),
    startTraffic(rps) {
      const timer = setInterval(() => {
        const req = request(`${url}/work`, { agent }, (res) => res.resume());
        req.on("error", () => undefined);
        req.end();
      }, 1000 / rps);
      const stop = () => {
        clearInterval(timer);
        traffic.delete(stop);
      };
      traffic.add(stop);
      return stop;
    },
    async close() {
      for (const stop of [...traffic]) stop();
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const service = await startSampleService(Number(process.env.PORT ?? 8080));
  service.startTraffic(Number(process.env.RPS ?? 20));
  console.log(`sample service on ${service.url}`);
}
