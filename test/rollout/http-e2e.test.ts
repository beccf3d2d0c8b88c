/**
 * HTTP analysis against a real service (test/fixtures/sample-service), on the real clock: healthy reads
 * pass; turning errors up fails the analysis and rolls a canary back within interval × failure limit + 1 s
 * of the first failing measurement.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import type { Policy } from "../../src/policy/model.js";
import { runAnalysis } from "../../src/rollout/analysis.js";
import { realClock } from "../../src/rollout/clock.js";
import { executeRollout } from "../../src/rollout/executor.js";
import { judge } from "../../src/rollout/judge.js";
import { planRollout } from "../../src/rollout/plan.js";
import { providers, type ProviderFactory } from "../../src/rollout/providers/index.js";
import { planRollback } from "../../src/rollout/rollback.js";
import { startSampleService, type SampleService } from "../fixtures/sample-service/server.js";
import { FakeRunner, policyFrom } from "./helpers.js";

let service: SampleService;
let policy: Policy;
const runner = new FakeRunner();

beforeAll(async () => {
  service = await startSampleService();
  policy = policyFrom(`
version: 1
strategies:
  canary:
    type: canary
    run: ./canary.sh
    steps: [{ weight: 10, pause: 20s }, { weight: 100 }]
    analyses: [health]
analyses:
  health:
    http: { url: "${service.url}/health", expect_status: [200], timeout: 2s }
    interval: 100ms
    count: 5
    failure_limit: 2
  error-rate:
    title: error rate
    http: { url: "${service.url}/health", json_path: errors.rate, expect_status: [200, 500] }
    failure: "> 1%"
    interval: 100ms
    count: 3
  latency:
    title: latency
    http: { url: "${service.url}/work", measure: latency }
    failure: "> 200"
    interval: 100ms
    count: 3
environments:
  production:
    approval: none
    rollback: { run: ./rollback.sh }
`);
});
afterAll(() => service.close());
beforeEach(() => service.setFaults({ errorRate: 0, latencyMs: 0 }));

const measureOf = (name: string) => providers(runner)(policy.analyses[name]!, {});

describe("http analysis against the sample service", () => {
  test("healthy: status, JSON value and latency analyses succeed", async () => {
    const health = await runAnalysis(policy.analyses.health!, {
      measure: measureOf("health"),
      clock: realClock,
    });
    expect(health.outcome).toBe("successful");
    expect(health.summary).toMatch(/^health HTTP 200 in \d+ ms \(5\/5 ok\)$/);
    const rate = await runAnalysis(policy.analyses["error-rate"]!, {
      measure: measureOf("error-rate"),
      clock: realClock,
    });
    expect(rate.summary).toBe("error rate 0 % ≤ 1 % (3/3 ok)");
    const latency = await runAnalysis(policy.analyses.latency!, {
      measure: measureOf("latency"),
      clock: realClock,
    });
    expect(latency.outcome).toBe("successful");
  });

  test("errors and latency turned up: the analyses fail", async () => {
    service.setFaults({ errorRate: 0.5 });
    const rate = await runAnalysis(policy.analyses["error-rate"]!, {
      measure: measureOf("error-rate"),
      clock: realClock,
    });
    expect(rate).toMatchObject({ outcome: "failed", summary: "error rate 50 % > 1 %" });
    service.setFaults({ errorRate: 0, latencyMs: 250 });
    const latency = await runAnalysis(policy.analyses.latency!, {
      measure: measureOf("latency"),
      clock: realClock,
    });
    expect(latency.outcome).toBe("failed");
    expect(latency.summary).toMatch(/^latency \d+ ms > 200 ms$/);
  });

  test("a canary rolls back within interval × failure limit + 1 s of the first failing measurement", async () => {
    const health = policy.analyses.health!;
    let firstFailure: number | undefined;
    const real = providers(runner);
    // Watches the readings to timestamp the first failing one, as an observer outside the executor.
    const watched: ProviderFactory = (analysis, env) => {
      const measure = real(analysis, env);
      return async (signal) => {
        const reading = await measure(signal);
        if (judge(analysis, reading).verdict === "failed") firstFailure ??= Date.now();
        return reading;
      };
    };
    const environment = policy.environments.production!;
    setTimeout(() => service.setFaults({ errorRate: 1 }), 700);
    const result = await executeRollout({
      plan: planRollout(policy.strategies.canary!, environment, policy.analyses),
      context: { environment: "production", sha: "d".repeat(40), strategy: "canary" },
      runner,
      clock: realClock,
      measure: watched,
      rollback: planRollback(policy.strategies.canary!, environment, policy.analyses),
    });
    expect(result.outcome).toBe("rolled_back");
    expect(result.reason).toMatch(
      /^rolled back at canary 10 %: health HTTP 500, expected 200 \(3 of \d+ failed > limit 2\)/,
    );
    const rollback = runner.calls.find((c) => c.command === "./rollback.sh")!;
    const reaction = rollback.at - firstFailure!;
    expect(reaction).toBeLessThanOrEqual(health.intervalMs * health.failureLimit + 1_000);
    expect(reaction).toBeGreaterThanOrEqual(health.intervalMs * health.failureLimit - 50);
  });
});
