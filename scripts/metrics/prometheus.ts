/**
 * A real Prometheus (Debian package `prometheus`) on a loopback port with a temporary store, scraping
 * the given targets: what the metrics tests and the reaction benchmark measure against. It never starts
 * a service of its own: each caller starts and kills its own, so killing it mid-rollout is a real outage.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
export const PROMETHEUS_INSTALL = "apt-get update && apt-get install -y prometheus";

export const prometheusInstalled = () => existsSync(PROMETHEUS_BIN);

export interface PrometheusServer {
  readonly address: string;
  readonly scrapeIntervalMs: number;
  /** What it logged (warnings and errors), for a failure's message. */
  logs(): string;
  /** One instant query's first sample value, or undefined (no series, an error, NaN). */
  instant(query: string): Promise<number | undefined>;
  /** Waits until `query` has a finite value satisfying `ok`; throws with the logs after `ms`. */
  waitFor(query: string, ok: (value: number) => boolean, ms: number): Promise<void>;
  /** SIGKILL: an outage, not a shutdown. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Writes the scrape configuration into `dir` and starts Prometheus on `port`, collecting what it logs. */
function launch(
  dir: string,
  port: number,
  targets: Readonly<Record<string, string>>,
  scrapeIntervalMs: number,
): { child: ChildProcess; logs: () => string; exited: Promise<unknown> } {
  const every = `${scrapeIntervalMs}ms`;
  writeFileSync(
    join(dir, "prometheus.yml"),
    [
      `global: { scrape_interval: ${every}, evaluation_interval: ${every} }`,
      "scrape_configs:",
      ...Object.entries(targets).flatMap(([job, target]) => [
        `  - job_name: ${job}`,
        `    static_configs: [{ targets: ["${target}"] }]`,
      ]),
    ].join("\n"),
  );
  let logs = "";
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  child.stderr!.on("data", (chunk: Buffer) => (logs += chunk.toString()));
  return { child, logs: () => logs, exited: once(child, "exit") };
}

/** Starts Prometheus scraping `targets` (job name → host:port) every `scrapeIntervalMs`, once ready. */
export async function startPrometheus(
  targets: Readonly<Record<string, string>>,
  scrapeIntervalMs = 1_000,
): Promise<PrometheusServer> {
  if (!prometheusInstalled())
    throw new Error(`${PROMETHEUS_BIN} is missing; install it: ${PROMETHEUS_INSTALL}`);
  const dir = mkdtempSync(join(tmpdir(), "tollgate-prometheus-"));
  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const { child, logs, exited } = launch(dir, port, targets, scrapeIntervalMs);

  const instant = async (query: string) => {
    try {
      const res = await fetch(`${address}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = (await res.json()) as { data?: { result?: { value?: [number, string] }[] } };
      const value = Number(body.data?.result?.[0]?.value?.[1]);
      return Number.isFinite(value) ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const waitFor = async (what: string, ok: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      if (await ok().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}; Prometheus said:\n${logs()}`);
  };
  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
  };
  const server: PrometheusServer = {
    address,
    scrapeIntervalMs,
    logs,
    instant,
    waitFor: (query, ok, ms) =>
      waitFor(
        query,
        async () => {
          const v = await instant(query);
          return v !== undefined && ok(v);
        },
        ms,
      ),
    kill: () => stop("SIGKILL"),
    close: async () => {
      await stop("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor("Prometheus to be ready", async () => (await fetch(`${address}/-/ready`)).ok, 15_000);
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}
