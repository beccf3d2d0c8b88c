/**
 * A canary judged against its baseline through a real Prometheus (Debian package `prometheus`) scraping
 * two instances of the sample service: the stable version, labelled with the previous SHA, and the
 * canary, labelled with the new one. The analysis's query and its `baseline` query are the same PromQL,
 * templated with `{{ sha }}` and `{{ previous_sha }}`, so each reading compares the two versions at the
 * same moment. The sample service fails every n-th request, so its error ratio is steady, not random.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { realClock } from "../../src/rollout/clock.js";
import { executeRollout } from "../../src/rollout/executor.js";
import { planRollout } from "../../src/rollout/plan.js";
import { providers } from "../../src/rollout/providers/index.js";
import { prometheusProvider } from "../../src/rollout/providers/prometheus.js";
import { planRollback } from "../../src/rollout/rollback.js";
import { renderReadings } from "../../src/rollout/timeline.js";
import type { CommandRunner } from "../../src/rollout/types.js";
import { startSampleService, type SampleService } from "../fixtures/sample-service/server.js";
import { policyFrom } from "./helpers.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const BINARY = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
const NAME = `(requires ${BINARY})`;
const SHA = "c".repeat(40);
const PREVIOUS = "d".repeat(40);
const RATIO = (sha: string) =>
  `sum(rate(sample_requests_total{sha="{{ ${sha} }}",status="500"}[5s])) / sum(rate(sample_requests_total{sha="{{ ${sha} }}"}[5s]))`;

if (!existsSync(BINARY)) {
  test(`Prometheus baseline end-to-end did not run ${NAME}`, () => {
    const message = `${BINARY} is missing, so the Prometheus baseline end-to-end test did not run. Install it: apt-get install -y prometheus`;
    if (process.env.CI) throw new Error(message);
    console.warn(`\n⚠️  ${message}\n`);
    expect(existsSync(BINARY)).toBe(false);
  });
} else {
  describe(`canary versus baseline through a real Prometheus ${NAME}`, () => {
    let stable: SampleService;
    let canary: SampleService;
    let prometheus: ChildProcess;
    let stopStable: () => void = () => {};
    let address = "";
    let logs = "";
    const dir = mkdtempSync(join(tmpdir(), "tollgate-prometheus-baseline-"));

    const freePort = async () => {
      const server = createServer();
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const { port } = server.address() as { port: number };
      await new Promise<void>((r) => server.close(() => r()));
      return port;
    };
    const until = async (what: string, check: () => Promise<boolean>, ms: number) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (await check().catch(() => false)) return;
        await realClock.sleep(200);
      }
      throw new Error(`timed out waiting for ${what}; Prometheus said:\n${logs}`);
    };

    beforeAll(async () => {
      stable = await startSampleService();
      // The stable version fails one request in 20: a healthy, non-zero baseline.
      stable.setFaults({ errorRate: 0.05 });
      stopStable = stable.startTraffic(40);
      canary = await startSampleService();
      const port = await freePort();
      address = `http://127.0.0.1:${port}`;
      writeFileSync(
        join(dir, "prometheus.yml"),
        [
          "global: { scrape_interval: 1s, evaluation_interval: 1s }",
          "scrape_configs:",
          "  - job_name: stable",
          `    static_configs: [{ targets: ["127.0.0.1:${stable.port}"], labels: { sha: "${PREVIOUS}" } }]`,
          "  - job_name: canary",
          `    static_configs: [{ targets: ["127.0.0.1:${canary.port}"], labels: { sha: "${SHA}" } }]`,
        ].join("\n"),
      );
      prometheus = spawn(
        BINARY,
        [
          `--config.file=${join(dir, "prometheus.yml")}`,
          `--storage.tsdb.path=${join(dir, "data")}`,
          `--web.listen-address=127.0.0.1:${port}`,
          "--log.level=warn",
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      prometheus.stderr!.on("data", (chunk: Buffer) => (logs += chunk.toString()));
      await until("Prometheus to be ready", async () => (await fetch(`${address}/-/ready`)).ok, 15_000);
      await until(
        "the stable version's error ratio",
        async () => {
          const m = await prometheusProvider(
            { kind: "prometheus", address, query: RATIO("previous_sha"), timeoutMs: 5_000 },
            fetch,
            { previous_sha: PREVIOUS },
          )(new AbortController().signal);
          return "value" in m && m.value > 0;
        },
        20_000,
      );
    }, PROCESS_TEST_MS);

    afterAll(async () => {
      stopStable();
      await stable?.close();
      await canary?.close();
      if (prometheus && prometheus.exitCode === null) {
        const exited = once(prometheus, "exit");
        prometheus.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    });

    /** One canary step at 10 % then 100 %, the canary failing `errorRate` of its requests. */
    const roll = async (errorRate: number, judge: string) => {
      canary.setFaults({ errorRate });
      const policy = policyFrom(`
version: 1
strategies:
  canary:
    type: canary
    run: ./set-weight.sh
    steps: [{ weight: 10, pause: 6s }, { weight: 100 }]
    analyses: [errors]
analyses:
  errors:
    title: error ratio
    prometheus:
      address: "${address}"
      query: '${RATIO("sha")}'
      baseline: '${RATIO("previous_sha")}'
${judge}
    interval: 1s
    initial_delay: 3s
    no_data: pass
environments:
  production: { approval: none, rollback: { run: ./rollback.sh } }
`);
      let stop: (() => void) | undefined;
      const runner: CommandRunner = {
        run: async (_command, env) => {
          stop?.();
          stop = env.TOLLGATE_ROLLBACK === undefined ? canary.startTraffic(20) : undefined;
          return { exitCode: 0, stdout: "" };
        },
      };
      const strategy = policy.strategies.canary!;
      const environment = policy.environments.production!;
      try {
        return await executeRollout({
          plan: planRollout(strategy, environment, policy.analyses),
          rollback: planRollback(strategy, environment, policy.analyses, PREVIOUS),
          context: { environment: "production", sha: SHA, strategy: "canary", previousSha: PREVIOUS },
          runner,
          clock: realClock,
          measure: providers(runner),
        });
      } finally {
        stop?.();
      }
    };

    test(
      "a canary failing as often as the stable version reaches 100 %, each reading with its baseline",
      async () => {
        const result = await roll(0.05, '    success: "ratio < 200%"\n    count: 3');
        expect(result.outcome).toBe("success");
        const readings = result.timeline.flatMap((e) => e.readings ?? []);
        const compared = readings.filter((r) => r.value !== undefined && r.baseline !== undefined);
        expect(compared.length).toBeGreaterThan(0);
        // The baseline is the stable version's own ratio, about 5 %, measured with every reading.
        for (const r of compared) expect(r.baseline!).toBeGreaterThan(0.02);
        expect(renderReadings(result.timeline)).toMatch(/\| error ratio \| 0\.0\d+ \| 0\.0\d+ \| ✅/);
      },
      PROCESS_TEST_MS,
    );

    test(
      "a canary failing three times as often rolls back at 10 %: the relative condition",
      async () => {
        const result = await roll(0.15, '    success: "ratio < 200%"\n    count: 3');
        expect(result.outcome).toBe("rolled_back");
        expect(result.reason).toMatch(
          /^rolled back at canary 10 %: error ratio 0\.1\d* \(baseline 0\.0\d+\): ratio < 200% fails/,
        );
      },
      PROCESS_TEST_MS,
    );

    test(
      "a canary failing three times as often rolls back at 10 %: the Mann-Whitney judge",
      async () => {
        const result = await roll(0.15, "    judge: mann-whitney\n    count: 5");
        expect(result.outcome).toBe("rolled_back");
        expect(result.reason).toMatch(
          /^rolled back at canary 10 %: error ratio Mann-Whitney: canary higher than baseline, p=[\d.e-]+ < 0\.05 \(U=\d+/,
        );
      },
      PROCESS_TEST_MS,
    );
  });
}
