/**
 * Warning-only thresholds: a reading meeting an analysis's `warn` condition is shown and recorded (the
 * reading, the run's summary, the timeline, the step's status, the readings table) and never fails,
 * pauses or rolls back a rollout.
 */
import { describe, expect, test } from "@jest/globals";
import { loadPolicy } from "../../src/policy/load.js";
import { runAnalysis } from "../../src/rollout/analysis.js";
import { VirtualClock } from "../../src/rollout/clock.js";
import { executeRollout, type RolloutEvent } from "../../src/rollout/executor.js";
import { judge } from "../../src/rollout/judge.js";
import { planRollout } from "../../src/rollout/plan.js";
import { planRollback } from "../../src/rollout/rollback.js";
import { renderReadings } from "../../src/rollout/timeline.js";
import { fitDescription } from "../../src/records/format.js";
import { parseAnyCondition } from "../../src/policy/condition.js";
import type { Analysis } from "../../src/policy/model.js";
import { analysisOf as plainAnalysisOf, FakeRunner, policyFrom, scripted } from "./helpers.js";

/** An analysis with a `warn` condition, written as in a policy. */
interface Written {
  success?: string;
  failure?: string;
  warn?: string;
  provider?: Analysis["provider"];
  count?: number;
}
function analysisOf({ warn, ...rest }: Written): Analysis {
  const analysis = plainAnalysisOf(rest);
  return warn === undefined ? analysis : { ...analysis, warn: parseAnyCondition(warn)! };
}

describe("judge: the warn condition", () => {
  test.each<{
    name: string;
    analysis: Written;
    value: number;
    baseline?: number;
    expected: { verdict: string; warning: string | undefined };
  }>([
    {
      name: "absolute threshold met on a successful reading",
      analysis: { success: "< 5%", warn: ">= 1%" },
      value: 0.012,
      expected: { verdict: "successful", warning: "1.2 % ≥ 1 %" },
    },
    {
      name: "absolute threshold not met: no warning",
      analysis: { success: "< 5%", warn: ">= 1%" },
      value: 0.004,
      expected: { verdict: "successful", warning: undefined },
    },
    {
      name: "an expression, in milliseconds for a latency probe",
      analysis: {
        success: "result < 500ms",
        warn: "result > 200ms",
        provider: {
          kind: "http",
          url: "http://x",
          measure: "latency",
          timeoutMs: 1000,
        } as Analysis["provider"],
      },
      value: 250,
      expected: { verdict: "successful", warning: "250 ms: result > 200ms holds" },
    },
    {
      name: "a failed reading is a failure, not a warning",
      analysis: { success: "< 5%", warn: ">= 1%" },
      value: 0.07,
      expected: { verdict: "failed", warning: undefined },
    },
    {
      name: "an inconclusive reading may warn",
      analysis: { success: "< 1%", failure: "> 5%", warn: ">= 2%" },
      value: 0.03,
      expected: { verdict: "inconclusive", warning: "3 % ≥ 2 %" },
    },
    {
      name: "warn alone: the reading succeeds and warns",
      analysis: { warn: "> 1%" },
      value: 0.02,
      expected: { verdict: "successful", warning: "2 % > 1 %" },
    },
    {
      name: "relative to the baseline",
      analysis: { success: "< 300% of baseline", warn: "> 150% of baseline" },
      value: 0.02,
      baseline: 0.01,
      expected: { verdict: "successful", warning: "0.02 > 150 % of baseline 0.01" },
    },
  ])("$name", ({ analysis, value, baseline, expected }) => {
    const judged = judge(analysisOf(analysis), { value }, baseline);
    expect(judged.verdict).toBe(expected.verdict);
    expect(judged.warning).toBe(expected.warning);
  });

  test("no value, no warning: no data and errors are judged as before", () => {
    const a = analysisOf({ success: "< 5%", warn: ">= 1%" });
    expect(judge(a, { noData: true, reason: "empty" }).warning).toBeUndefined();
    expect(judge(a, { error: "boom" }).warning).toBeUndefined();
  });
});

describe("a run with warnings", () => {
  test("the run succeeds; its warning names the latest figures and how many readings warned", async () => {
    const a = analysisOf({ success: "< 5%", warn: ">= 1%", count: 3 });
    const values = [0.004, 0.012, 0.015];
    let i = 0;
    const result = await runAnalysis(a, {
      measure: async () => ({ value: values[i++]! }),
      clock: new VirtualClock(0),
    });
    expect(result.outcome).toBe("successful");
    expect(result.warning).toBe("error rate 1.5 % ≥ 1 % (2 of 3 readings)");
    expect(result.measurements.map((m) => m.warning)).toEqual([undefined, "1.2 % ≥ 1 %", "1.5 % ≥ 1 %"]);
  });

  test("no reading warned: no warning", async () => {
    const a = analysisOf({ success: "< 5%", warn: ">= 1%", count: 2 });
    const result = await runAnalysis(a, {
      measure: async () => ({ value: 0.001 }),
      clock: new VirtualClock(0),
    });
    expect(result.warning).toBeUndefined();
  });
});

const POLICY = `
version: 1
strategies:
  canary:
    type: canary
    run: ./deploy.sh
    steps: [{ weight: 10, pause: 2m }, { weight: 100 }]
    analyses: [errors, latency]
analyses:
  errors:
    title: error rate
    prometheus: { address: "http://p:9090", query: "errors" }
    success: "< 5%"
    warn: ">= 1%"
    interval: 1m
    count: 2
  latency:
    title: p95 latency with a title long enough to push the rest of the status past its limit
    prometheus: { address: "http://p:9090", query: "p95" }
    success: "result < 2"
    interval: 1m
    count: 2
environments:
  production: { approval: none, rollback: { run: ./rollback.sh } }
`;

function roll(errors: readonly number[]) {
  const policy = policyFrom(POLICY);
  const environment = policy.environments.production!;
  const clock = new VirtualClock(0);
  const runner = new FakeRunner(
    () => 0,
    () => clock.now(),
  );
  const statuses: string[] = [];
  const run = executeRollout({
    plan: planRollout(policy.strategies.canary!, environment, policy.analyses),
    context: { environment: "production", sha: "a".repeat(40), strategy: "canary" },
    runner,
    clock,
    measure: scripted({ errors, latency: [0.3] }),
    rollback: planRollback(policy.strategies.canary!, environment, policy.analyses, undefined),
    reporter: async (event: RolloutEvent) => {
      if (event.kind === "step") statuses.push(event.text);
    },
  });
  return { run, runner, statuses };
}

describe("a rollout with warnings", () => {
  test("a warning never blocks, pauses or rolls back: every step runs", async () => {
    const { run, runner, statuses } = roll([0.02]);
    const result = await run;
    expect(result.outcome).toBe("success");
    expect(runner.commands()).toEqual(["./deploy.sh", "./deploy.sh"]);
    // The step's status leads with the warning, so GitHub's 140 characters keep it.
    const ended = statuses.filter((s) => !s.includes("applied"));
    expect(ended).toHaveLength(2);
    for (const status of ended) {
      expect(status).toMatch(/^canary \d+ %: ⚠️ warn: error rate 2 % ≥ 1 % \((\d) of \1 readings\); /);
      expect(status.length).toBeGreaterThan(140);
      expect(fitDescription(`Tollgate step: ${status}`)).toMatch(
        /warn: error rate 2 % ≥ 1 % \(\d of \d readings\)/,
      );
    }
    const entry = result.timeline.find((e) => e.phase === "analysis" && e.analysis === "error rate")!;
    expect(entry.ok).toBe(true);
    expect(entry.text).toMatch(/; ⚠️ warn: error rate 2 % ≥ 1 % \(\d of \d readings\)$/);
    expect(renderReadings(result.timeline)).toContain("| ✅ 2 % < 5 % · ⚠️ warn: 2 % ≥ 1 % |");
  });

  test("without warnings the statuses read as before", async () => {
    const { run, statuses } = roll([0.002]);
    expect((await run).outcome).toBe("success");
    expect(statuses.every((s) => !s.includes("warn"))).toBe(true);
  });

  test("a failing reading still rolls back, warn or not", async () => {
    const { run, runner } = roll([0.02, 0.09]);
    expect((await run).outcome).toBe("rolled_back");
    expect(runner.commands()).toContain("./rollback.sh");
  });
});

describe("policy: the warn key", () => {
  const base = (analysis: string) => `
version: 1
analyses:
  errors:
    prometheus: { address: "http://p:9090", query: "errors" }
${analysis}
environments:
  production: { approval: none }
`;
  test.each([
    { name: "an absolute warn", analysis: '    success: "< 5%"\n    warn: ">= 1%"', errors: [] },
    { name: "warn alone", analysis: '    warn: "result > 1%"', errors: [] },
    {
      name: "not a condition",
      analysis: '    success: "< 5%"\n    warn: "sometimes"',
      errors: [/^analyses\.errors\.warn: expected a condition/],
    },
    {
      name: "a baseline read only to warn",
      analysis: '    success: "< 5%"\n    warn: "> 150% of baseline"',
      errors: [
        /^analyses\.errors\.warn: this `warn` compares with a baseline no `success` or `failure` condition reads/,
      ],
    },
    {
      name: "a baseline the success condition reads already",
      analysis: '    success: "< 300% of baseline"\n    warn: "> 150% of baseline"',
      errors: [],
    },
  ])("$name", ({ analysis, errors }) => {
    const loaded = loadPolicy(base(analysis), "test.yml");
    const messages = loaded.ok ? [] : loaded.errors.map((e) => `${e.path}: ${e.message}`);
    expect(messages).toHaveLength(errors.length);
    errors.forEach((pattern, i) => expect(messages[i]).toMatch(pattern));
  });
});
