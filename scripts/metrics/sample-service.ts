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

/** What Prometheus scrapes: /work's requests by status and its latency histogram. */
class SampleMetrics {
  // Both series exist from the start, so an error-rate query reads 0, not "no data", before any error.
  private readonly requests: Record<string, number> = { "200": 0, "500": 0 };
  private readonly buckets = BUCKETS.map(() => 0);
  private count = 0;
  private sum = 0;

  observe(status: number, seconds: number): void {
    this.requests[String(status)] = (this.requests[String(status)] ?? 0) + 1;
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.buckets[i]!++;
    });
    this.count++;
    this.sum += seconds;
  }

  /** Prometheus's text exposition format. */
  text(): string {
    const lines = [
      "# HELP sample_requests_total Requests served by /work, by status.",
      "# TYPE sample_requests_total counter",
      ...Object.entries(this.requests).map(([status, n]) => `sample_requests_total{status="${status}"} ${n}`),
      "# HELP sample_request_duration_seconds Latency of /work.",
      "# TYPE sample_request_duration_seconds histogram",
      ...BUCKETS.map((le, i) => `sample_request_duration_seconds_bucket{le="${le}"} ${this.buckets[i]}`),
      `sample_request_duration_seconds_bucket{le="+Inf"} ${this.count}`,
      `sample_request_duration_seconds_sum ${this.sum}`,
      `sample_request_duration_seconds_count ${this.count}`,
    ];
    return `${lines.join("\n")}\n`;
  }
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return text;
}

/** The service's routes over its faults and metrics; `/work`'s n-th request fails when ⌊n·rate⌋ grows. */
function routes(faults: Faults, metrics: SampleMetrics) {
  let served = 0;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0];
    const started = performance.now();
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(metrics.text());
      return;
    }
    if (path === "/control") {
      if (req.method === "POST")
        Object.assign(faults, JSON.parse((await readBody(req)) || "{}") as Partial<Faults>);
      json(res, 200, faults);
      return;
    }
    if (path !== "/health" && path !== "/work") {
      res.writeHead(404).end();
      return;
    }
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
    metrics.observe(status, (performance.now() - started) / 1000);
    res.writeHead(status, { "content-type": "text/plain" }).end(fails ? "error\n" : "ok\n");
  };
}

export async function startSampleService(port = 0, host = "127.0.0.1"): Promise<SampleService> {
  const faults: Faults = { errorRate: 0, latencyMs: 0 };
  const server = createServer(routes(faults, new SampleMetrics()));
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  const agent = new Agent({ keepAlive: true });
  const traffic = new Set<() => void>();

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
