/** A dry-run analysis is measured and recorded, and never decides: it does not fail, pause or promote. */
import { describe, expect, test } from "@jest/globals";
import { runAnalysis } from "../../src/rollout/analysis.js";
import { VirtualClock } from "../../src/rollout/clock.js";
import { executeRollout } from "../../src/rollout/executor.js";
import { planRollout } from "../../src/rollout/plan.js";
import { planRollback } from "../../src/rollout/rollback.js";
import { renderReadings } from "../../src/rollout/timeline.js";
import { analysisOf, FakeRunner, policyFrom, scripted } from "./helpers.js";

const POLICY = `
version: 1
strategies:
  canary:
    type: canary
    run: ./deploy.sh
    steps: [{ weight: 10, pause: 5m }, { weight: 100 }]
    analyses: [errors, latency-trial]
  trial-only:
    type: canary
    run: ./deploy.sh
    steps: [{ weight: 10, pause: 5m }, { weight: 100 }]
    analyses: [latency-trial]
analyses:
  errors:
    prometheus: { address: "http://p:9090", query: "errors" }
    success: "result < 1%"
    interval: 1m
    count: 2
    consecutive_successes: 2
  latency-trial:
    prometheus: { address: "http://p:9090", query: "p95" }
    success: "result <= 100ms"
    dry_run: true
    interval: 1m
    count: 3
    inconclusive: pause
environments:
  production: { approval: none, rollback: { run: ./rollback.sh } }
`;
const policy = policyFrom(POLICY);

function roll(strategy: string, scripts: Parameters<typeof scripted>[0]) {
  const environment = policy.environments.production!;
  const clock = new VirtualClock(0);
  const runner = new FakeRunner(
    () => 0,
    () => clock.now(),
  );
  const measure = scripted(scripts);
  const run = executeRollout({
    plan: planRollout(policy.strategies[strategy]!, environment, policy.analyses),
    context: { environment: "production", sha: "a".repeat(40), strategy },
    runner,
    clock,
    measure,
    rollback: planRollback(policy.strategies[strategy]!, environment, policy.analyses, undefined),
  });
  return { run, runner, clock, measure };
}

describe("dry_run", () => {
  test("a failing dry run does not fail the rollout; its readings and verdict are recorded", async () => {
    const { run, runner, measure } = roll("canary", { errors: [0.001], "latency-trial": [0.35] });
    const result = await run;
    expect(result.outcome).toBe("success");
    expect(runner.commands()).toEqual(["./deploy.sh", "./deploy.sh"]);
    // Measured at every step (until `errors` promoted each step early).
    expect(measure.calls["latency-trial"]).toBeGreaterThanOrEqual(2);
    const trial = result.timeline.find((e) => e.phase === "analysis" && e.analysis === "latency-trial")!;
    expect(trial.text).toMatch(/^dry run: latency-trial 0\.35: result <= 100ms fails/);
    expect(trial.ok).toBe(false);
    expect(renderReadings(result.timeline)).toContain(
      "| latency-trial | 0.35 |  | ❌ 0.35: result <= 100ms fails |",
    );
  });

  test("an inconclusive dry run does not pause", async () => {
    const { run } = roll("canary", {
      errors: [0.001],
      "latency-trial": [{ noData: true, reason: "the query returned NaN" }],
    });
    expect((await run).outcome).toBe("success");
  });

  test("a dry run does not promote early: the deciding analyses do, and the dry run stops with them", async () => {
    const { run, clock } = roll("canary", { errors: [0.001], "latency-trial": [0.05] });
    await run;
    // errors promotes after 2 readings (1 minute) at each step instead of sitting out the 5-minute pause.
    expect(clock.now()).toBeLessThan(5 * 60_000);
  });

  test("dry runs alone never promote early: the pause lasts its written time", async () => {
    const { run, clock } = roll("trial-only", { "latency-trial": [0.05] });
    const result = await run;
    expect(result.outcome).toBe("success");
    expect(clock.now()).toBeGreaterThanOrEqual(5 * 60_000);
  });

  test("past its limits a dry run keeps measuring, and reports the first outcome a limit would have decided", async () => {
    const clock = new VirtualClock(0);
    let n = 0;
    const result = await runAnalysis(
      analysisOf({ success: "result < 1%", dryRun: true, count: 4, intervalMs: 1000 }),
      { measure: async () => ({ value: [0.05, 0.001, 0.001, 0.001][n++]! }), clock },
    );
    expect(result.measurements).toHaveLength(4);
    expect(result.outcome).toBe("failed");
    expect(result.dryRun).toBe(true);
    expect(result.summary).toMatch(/^dry run: /);
  });
});
