/**
 * The Prometheus provider against a real Prometheus (Debian package `prometheus`, /usr/bin/prometheus)
 * that this test starts on a loopback port, scraping the sample service every second — and a second,
 * idle instance (job "canary") that a canary rollout sends traffic to. Without the binary the test fails
 * under CI and, elsewhere, warns loudly and passes a single placeholder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { runAnalysis } from "../../src/rollout/analysis.js";
import { realClock } from "../../src/rollout/clock.js";
import { executeRollout } from "../../src/rollout/executor.js";
import { planRollout } from "../../src/rollout/plan.js";
import { providers } from "../../src/rollout/providers/index.js";
import { prometheusProvider } from "../../src/rollout/providers/prometheus.js";
import { planRollback } from "../../src/rollout/rollback.js";
import type { CommandRunner } from "../../src/rollout/types.js";
import { startSampleService, type SampleService } from "../fixtures/sample-service/server.js";
import { analysisOf, policyFrom } from "./helpers.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const BINARY = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
const NAME = `(requires ${BINARY})`;
const ERROR_RATE =
  'sum(rate(sample_requests_total{status="500"}[5s])) / sum(rate(sample_requests_total[5s]))';
const INSTALL = "apt-get update && apt-get install -y prometheus";

if (!existsSync(BINARY)) {
  test(`Prometheus end-to-end did not run ${NAME}`, () => {
    const message = `${BINARY} is missing, so the Prometheus end-to-end test did not run. Install it: ${INSTALL}`;
    if (process.env.CI) throw new Error(message);
    console.warn(`\n⚠️  ${message}\n`);
    expect(existsSync(BINARY)).toBe(false);
  });
} else {
  describe(`Prometheus provider end to end ${NAME}`, () => {
    let service: SampleService;
    let canary: SampleService;
    let prometheus: ChildProcess;
    let address = "";
    let logs = "";
    const dir = mkdtempSync(join(tmpdir(), "tollgate-prometheus-"));

    const freePort = async () => {
      const server = createServer();
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const { port } = server.address() as { port: number };
      await new Promise<void>((r) => server.close(() => r()));
      return port;
    };
    const query = (q: string) =>
      prometheusProvider({ kind: "prometheus", address, query: q, timeoutMs: 5_000 })(
        new AbortController().signal,
      );
    const until = async (what: string, check: () => Promise<boolean>, ms: number) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (await check().catch(() => false)) return;
        await realClock.sleep(200);
      }
      throw new Error(`timed out waiting for ${what}; Prometheus said:\n${logs}`);
    };
    const errorRate = (overrides: Parameters<typeof analysisOf>[0] = {}) =>
      analysisOf({
        provider: { kind: "prometheus", address, query: ERROR_RATE, timeoutMs: 5_000 },
        failure: "> 5%",
        ...overrides,
      });

    beforeAll(async () => {
      service = await startSampleService();
      service.startTraffic(50);
      canary = await startSampleService();
      const port = await freePort();
      address = `http://127.0.0.1:${port}`;
      writeFileSync(
        join(dir, "prometheus.yml"),
        [
          "global: { scrape_interval: 1s, evaluation_interval: 1s }",
          "scrape_configs:",
          "  - job_name: sample",
          `    static_configs: [{ targets: ["127.0.0.1:${service.port}"] }]`,
          "  - job_name: canary",
          `    static_configs: [{ targets: ["127.0.0.1:${canary.port}"] }]`,
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
      // A 5-second rate needs two scrapes with traffic in them.
      await until(
        "the first samples",
        async () => {
          const m = await query("sum(rate(sample_requests_total[5s]))");
          return "value" in m && m.value > 0;
        },
        15_000,
      );
    }, PROCESS_TEST_MS);

    afterAll(async () => {
      await service?.close();
      await canary?.close();
      if (prometheus && prometheus.exitCode === null) {
        const exited = once(prometheus, "exit");
        prometheus.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    });

    test("a healthy error rate: one vector sample, 0 %", async () => {
      const result = await runAnalysis(errorRate({ count: 2, intervalMs: 300 }), {
        measure: () => query(ERROR_RATE),
        clock: realClock,
      });
      expect(result.outcome).toBe("successful");
      expect(result.summary).toBe("error rate 0 % ≤ 5 % (2/2 ok)");
    });

    test("scalars and histogram quantiles are values", async () => {
      const total = await query("scalar(sum(sample_requests_total))");
      expect("value" in total && total.value > 0).toBe(true);
      const p99 = await query(
        "histogram_quantile(0.99, sum(rate(sample_request_duration_seconds_bucket[5s])) by (le)) * 1000",
      );
      expect("value" in p99 && p99.value >= 0 && p99.value < 100).toBe(true);
    });

    test("an empty answer and NaN are no data, judged by no_data", async () => {
      expect(await query('sum(rate(sample_requests_total{status="404"}[5s]))')).toEqual({
        noData: true,
        reason: "the query returned no series",
      });
      // 0/0: no errors to divide, the honest answer is NaN.
      const nan =
        'sum(rate(sample_requests_total{status="500"}[5s])) / sum(rate(sample_requests_total{status="500"}[5s]))';
      expect(await query(nan)).toEqual({ noData: true, reason: "the query returned NaN" });
      const strict = await runAnalysis(errorRate({ noData: "fail" }), {
        measure: () => query(nan),
        clock: realClock,
      });
      expect(strict).toMatchObject({
        outcome: "failed",
        summary: "error rate no data (the query returned NaN)",
      });
      const lenient = await runAnalysis(errorRate({ noData: "pass" }), {
        measure: () => query(nan),
        clock: realClock,
      });
      expect(lenient.outcome).toBe("successful");
    });

    test("several series and bad queries are errors", async () => {
      expect(await query('rate(sample_requests_total{job="sample"}[5s])')).toEqual({
        error: "the query returned 2 series; aggregate it to one",
      });
      expect(await query("sum(rate(")).toEqual({ error: expect.stringMatching(/^Prometheus: bad_data: /) });
    });

    test(
      "errors turned up: the error-rate analysis fails",
      async () => {
        service.setFaults({ errorRate: 0.2 });
        const result = await runAnalysis(errorRate({ count: 40, intervalMs: 250, failureLimit: 1 }), {
          measure: () => query(ERROR_RATE),
          clock: realClock,
        });
        service.setFaults({ errorRate: 0 });
        expect(result.outcome).toBe("failed");
        expect(result.summary).toMatch(/^error rate [\d.]+ % > 5 % \(2 of \d+ failed > limit 1\)$/);
      },
      PROCESS_TEST_MS,
    );

    /**
     * A canary whose traffic starts with its first step: until Prometheus has scraped it twice, its error
     * ratio is 0/0, NaN. The step's "command" (an in-process runner) sends it `weight` % of 40 requests/s.
     * The 5-second rate windows (30 s in production) keep the test short.
     */
    const CANARY_ERRORS =
      'sum(rate(sample_requests_total{job="canary",status="500"}[5s])) / sum(rate(sample_requests_total{job="canary"}[5s]))';
    const canaryRollout = async (analysis: string) => {
      const policy = policyFrom(`
version: 1
strategies:
  canary:
    type: canary
    run: ./set-weight.sh
    steps: [{ weight: 10, pause: 6s }, { weight: 50, pause: 6s }, { weight: 100 }]
    analyses: [errors]
analyses:
  errors:
    title: error rate
    prometheus: { address: "${address}", query: '${CANARY_ERRORS}' }
    failure: "> 5%"
    inconclusive: pause
${analysis}
environments:
  production: { approval: none, rollback: { run: ./rollback.sh } }
`);
      let stop: (() => void) | undefined;
      const runner: CommandRunner = {
        run: async (_command, env) => {
          stop?.();
          const weight = Number(env.TOLLGATE_WEIGHT ?? 0);
          stop =
            weight > 0 && env.TOLLGATE_ROLLBACK === undefined
              ? canary.startTraffic((40 * weight) / 100)
              : undefined;
          return { exitCode: 0, stdout: "" };
        },
      };
      const strategy = policy.strategies.canary!;
      const environment = policy.environments.production!;
      try {
        return await executeRollout({
          plan: planRollout(strategy, environment, policy.analyses),
          rollback: planRollback(strategy, environment, policy.analyses),
          context: { environment: "production", sha: "a".repeat(40), strategy: "canary" },
          runner,
          clock: realClock,
          measure: providers(runner),
        });
      } finally {
        stop?.();
      }
    };

    test(
      "a canary measured the moment its traffic starts reads NaN: with the old defaults it pauses at 10 %",
      async () => {
        const result = await canaryRollout("    interval: 1s\n    count: 2");
        expect(result.outcome).toBe("paused");
        expect(result.reason).toMatch(
          /^paused at canary 10 %: error rate no data \(the query returned NaN\)/,
        );
      },
      PROCESS_TEST_MS,
    );

    test(
      "a healthy canary with initial_delay and no_data: pass reaches 100 %, with real readings at each step",
      async () => {
        const result = await canaryRollout(
          "    interval: 1s\n    count: 2\n    initial_delay: 3s\n    no_data: pass",
        );
        expect(result.outcome).toBe("success");
        const analyses = result.timeline.filter((e) => e.phase === "analysis");
        expect(analyses.map((e) => e.label)).toEqual(["canary 10 %", "canary 50 %", "canary 100 %"]);
        // Each step was judged on figures, not waved through on "no data": 0 errors over real traffic.
        for (const entry of analyses) expect(entry.values?.length).toBeGreaterThan(0);
        for (const entry of analyses) expect(entry.values).toEqual(entry.values!.map(() => 0));
      },
      PROCESS_TEST_MS,
    );
  });
}
