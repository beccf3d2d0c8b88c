/**
 * A canary judged against its baseline measured at the same moment: seeded noise, several seeds. A canary
 * three times worse than a healthy, noisy baseline is caught by a relative condition and, separately, by
 * the Mann-Whitney judge; a canary equal to its baseline passes both. The noise is uniform within ±30 %
 * of the level, so an equal canary's ratio stays below 1.3 / 0.7 < 2 on every reading (the relative
 * condition's margin), and a 3× canary's readings all lie above every baseline reading.
 */
import { describe, expect, test } from "@jest/globals";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { Analysis } from "../../src/policy/model.js";
import { runAnalysis } from "../../src/rollout/analysis.js";
import { VirtualClock } from "../../src/rollout/clock.js";
import { executeRollout } from "../../src/rollout/executor.js";
import { planRollout } from "../../src/rollout/plan.js";
import { planRollback } from "../../src/rollout/rollback.js";
import { renderReadings } from "../../src/rollout/timeline.js";
import type { ProviderFactory } from "../../src/rollout/providers/index.js";
import type { Measurement } from "../../src/rollout/types.js";
import { FakeRunner, policyFrom } from "./helpers.js";

const POLICY = `
version: 1
strategies:
  relative: { type: canary, run: ./deploy.sh, steps: [{ weight: 30, pause: 8m }, { weight: 100 }], analyses: [relative] }
  judged: { type: canary, run: ./deploy.sh, steps: [{ weight: 30, pause: 8m }, { weight: 100 }], analyses: [judged] }
analyses:
  relative:
    title: error ratio
    prometheus:
      address: "http://prometheus:9090"
      query: 'sum(rate(errors{sha="{{ sha }}"}[1m])) / sum(rate(requests{sha="{{ sha }}"}[1m]))'
      baseline: 'sum(rate(errors{sha="{{ previous_sha }}"}[1m])) / sum(rate(requests{sha="{{ previous_sha }}"}[1m]))'
    success: "ratio < 200%"
    interval: 1m
    count: 8
    failure_limit: 2
  judged:
    title: error ratio (U test)
    prometheus:
      address: "http://prometheus:9090"
      query: 'sum(rate(errors{sha="{{ sha }}"}[1m])) / sum(rate(requests{sha="{{ sha }}"}[1m]))'
      baseline: 'sum(rate(errors{sha="{{ previous_sha }}"}[1m])) / sum(rate(requests{sha="{{ previous_sha }}"}[1m]))'
    judge: mann-whitney
    alpha: 0.01
    interval: 1m
    count: 8
environments:
  production: { approval: none, rollback: { run: ./rollback.sh } }
`;
const policy = policyFrom(POLICY);
const SEEDS = [1, 7, 42, 1234, 99991];
const BASELINE_RATE = 0.01;

/** mulberry32: a small seeded generator, so every run sees the same noise. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The canary at `factor` × the baseline's error rate, each reading with its own ±30 % noise. */
function noisyService(seed: number, factor: number) {
  const random = seeded(seed);
  const noisy = (level: number) => level * (0.7 + 0.6 * random());
  const counter = { baselineReadings: 0 };
  const factory: ProviderFactory =
    (_analysis: Analysis, env, role = "canary") =>
    async () => {
      if (role === "baseline") {
        counter.baselineReadings++;
        expect(env.TOLLGATE_PREVIOUS_SHA).toBe("b".repeat(40));
        return { value: noisy(BASELINE_RATE) };
      }
      return { value: noisy(BASELINE_RATE * factor) };
    };
  return { factory, counter };
}

async function roll(strategy: "relative" | "judged", seed: number, factor: number) {
  const environment = policy.environments.production!;
  const clock = new VirtualClock(0);
  const { factory: measure, counter } = noisyService(seed, factor);
  const result = await executeRollout({
    plan: planRollout(policy.strategies[strategy]!, environment, policy.analyses),
    context: { environment: "production", sha: "a".repeat(40), strategy, previousSha: "b".repeat(40) },
    runner: new FakeRunner(
      () => 0,
      () => clock.now(),
    ),
    clock,
    measure,
    rollback: planRollback(policy.strategies[strategy]!, environment, policy.analyses, "b".repeat(40)),
  });
  return { result, baselineReadings: counter.baselineReadings };
}

describe.each(SEEDS)("seed %p", (seed) => {
  test("a canary 3× worse than its baseline is caught by the relative condition", async () => {
    const { result, baselineReadings } = await roll("relative", seed, 3);
    expect(result.outcome).toBe("rolled_back");
    expect(result.reason).toMatch(
      /^rolled back at canary 30 %: error ratio .*ratio < 200% fails \(\d of \d failed > limit 2\)/,
    );
    // The baseline was read with each canary reading, not once before the rollout.
    expect(baselineReadings).toBeGreaterThanOrEqual(3);
    expect(Object.keys(result.baselines)).toEqual([]);
  });

  test("a canary 3× worse than its baseline is caught by the Mann-Whitney judge", async () => {
    const { result } = await roll("judged", seed, 3);
    expect(result.outcome).toBe("rolled_back");
    expect(result.reason).toMatch(
      /^rolled back at canary 30 %: error ratio \(U test\) Mann-Whitney: canary higher than baseline, p=[\d.e-]+ < 0\.01 \(U=(64|81), effect 1\.00, (8 vs 8|9 vs 9)\)/,
    );
  });

  test("a canary equal to its baseline passes both", async () => {
    const relative = await roll("relative", seed, 1);
    expect(relative.result.outcome).toBe("success");
    const judged = await roll("judged", seed, 1);
    expect(judged.result.outcome).toBe("success");
    const step = judged.result.timeline.find((e) => e.phase === "analysis")!;
    expect(step.text).toMatch(/; Mann-Whitney p=[\d.]+ ≥ 0\.01 \(U=[\d.]+, effect -?[\d.]+, \d+ vs \d+\)$/);
    // Every reading is kept with its baseline: the job summary's full series.
    const readings = renderReadings(judged.result.timeline);
    expect(readings.split("\n").filter((l) => /^\| \+/.test(l)).length).toBe(
      judged.result.timeline.flatMap((e) => e.readings ?? []).length,
    );
    expect(readings).toMatch(
      /\| \+\d+m \| canary 30 % \| error ratio \(U test\) \| 0\.0\d+ \| 0\.0\d+ \| ✅/,
    );
  });
});

describe("a baseline reading that is missing", () => {
  const judged = policy.analyses.relative!;
  const run = (baseline: Measurement) =>
    runAnalysis(judged, {
      measure: async () => ({ value: 0.01 }),
      measureBaseline: async () => baseline,
      clock: new VirtualClock(0),
    });

  test("no data for the baseline follows the no_data rule, and says it was the baseline", async () => {
    const result = await run({ noData: true, reason: "the query returned NaN" });
    expect(result.measurements[0]).toMatchObject({
      verdict: "inconclusive",
      text: "no data (baseline: the query returned NaN)",
      value: 0.01,
    });
  });

  test("an unreachable baseline follows the unreachable rule", async () => {
    const result = await run({ error: "Prometheus unreachable: fetch failed", unreachable: true });
    expect(result.measurements[0]).toMatchObject({
      verdict: "error",
      text: "unreachable: baseline: Prometheus unreachable: fetch failed",
    });
  });
});

describe("judge policy errors", () => {
  test.each<[string, string]>([
    [
      `judge: mann-whitney\n    count: 8`,
      "analyses.a.judge: the judge compares the canary with its baseline: add `prometheus.baseline`, the stable version's query",
    ],
    [
      `judge: mann-whitney\n    count: 3\n    baseline_placeholder: x`,
      "analyses.a.count: 3 readings can never show a difference at alpha 0.05: the judge needs count 4 at least",
    ],
    [
      `alpha: 0.01\n    success: "< 1%"`,
      "analyses.a.alpha: `alpha` applies to `judge: mann-whitney`: add it or remove `alpha`",
    ],
  ])("%s", (keys, message) => {
    const withBaseline = keys.includes("baseline_placeholder");
    const source = `version: 1
analyses:
  a:
    prometheus: { address: "http://p:9090", query: "q"${withBaseline ? ', baseline: "b"' : ""} }
    ${keys.replace(/\n {4}baseline_placeholder: x/, "")}
environments: { production: { approval: none } }
`;
    const loaded = loadPolicy(source, "t.yml");
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.map(formatPolicyError).join("\n")).toContain(message);
  });
});
