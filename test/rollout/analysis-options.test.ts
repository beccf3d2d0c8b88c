/** The analysis options that make a run hold up against real metrics, table by table, on the virtual clock. */
import { describe, expect, test } from "@jest/globals";
import type { Analysis as FullAnalysis } from "../../src/policy/model.js";
import { runAnalysis } from "../../src/rollout/analysis.js";
import { VirtualClock } from "../../src/rollout/clock.js";
import { judge } from "../../src/rollout/judge.js";
import type { Measurement } from "../../src/rollout/types.js";
import { analysisOf, policyFrom } from "./helpers.js";

type Analysis = Omit<FullAnalysis, "success" | "failure">;

const NAN: Measurement = { noData: true, reason: "the query returned NaN" };
const EMPTY: Measurement = { noData: true, reason: "the query returned no series" };
const DOWN: Measurement = { error: "Prometheus unreachable: fetch failed (ECONNREFUSED)", unreachable: true };
const BAD_QUERY: Measurement = { error: "Prometheus: bad_data: parse error at char 5" };

/** Answers from a list (numbers are values), repeating the last; records when each reading was taken. */
function script(clock: VirtualClock, ...list: (number | Measurement)[]) {
  const at: number[] = [];
  let i = 0;
  const measure = async () => {
    at.push(clock.now());
    const next = list[Math.min(i++, list.length - 1)]!;
    return typeof next === "number" ? { value: next } : next;
  };
  return { measure, at };
}

describe("judge: a reading without a value, and a provider that cannot be reached", () => {
  test.each<[string, Partial<Analysis>, Measurement, string]>([
    ["NaN, no_data pass", { noData: "pass" }, NAN, "successful"],
    ["NaN, no_data fail", { noData: "fail" }, NAN, "failed"],
    ["NaN, no_data inconclusive", { noData: "inconclusive" }, NAN, "inconclusive"],
    ["no series, no_data pass", { noData: "pass" }, EMPTY, "successful"],
    ["unreachable, default (error)", {}, DOWN, "error"],
    ["unreachable: inconclusive", { unreachable: "inconclusive" }, DOWN, "inconclusive"],
    ["unreachable: fail", { unreachable: "fail" }, DOWN, "failed"],
    // Prometheus answered: its error is about the query, not about reaching it.
    ["an error answer, unreachable: inconclusive", { unreachable: "inconclusive" }, BAD_QUERY, "error"],
  ])("%s", (_, overrides, reading, verdict) => {
    expect(judge(analysisOf({ failure: "> 5%", ...overrides }), reading).verdict).toBe(verdict);
  });

  test("an unreachable reading says so", () => {
    expect(judge(analysisOf({ failure: "> 5%" }), DOWN).text).toBe(
      "unreachable: Prometheus unreachable: fetch failed (ECONNREFUSED)",
    );
  });
});

describe("runAnalysis: initial_delay, inconclusive_limit, consecutive_successes", () => {
  test.each<{
    name: string;
    analysis: Partial<Analysis>;
    readings: (number | Measurement)[];
    outcome: string;
    at: number[];
    until?: number;
  }>([
    {
      name: "initial_delay: the first reading waits, the rest follow every interval",
      analysis: { initialDelayMs: 15_000, intervalMs: 10_000, count: 3 },
      readings: [0.001],
      outcome: "successful",
      at: [15_000, 25_000, 35_000],
    },
    {
      name: "a NaN at the start is inconclusive at once by default",
      analysis: { intervalMs: 10_000, count: 3 },
      readings: [NAN, 0.001],
      outcome: "failed",
      at: [0],
    },
    {
      name: "inconclusive_limit tolerates the first NaN",
      analysis: { intervalMs: 10_000, count: 3, inconclusiveLimit: 1 },
      readings: [NAN, 0.001],
      outcome: "successful",
      at: [0, 10_000, 20_000],
    },
    {
      name: "inconclusive readings beyond the limit stop the run",
      analysis: { intervalMs: 10_000, count: 5, inconclusiveLimit: 1, inconclusive: "pause" },
      readings: [NAN, EMPTY, 0.001],
      outcome: "inconclusive",
      at: [0, 10_000],
    },
    {
      name: "nothing but inconclusive readings within the limit is no evidence of health",
      analysis: { intervalMs: 10_000, count: 2, inconclusiveLimit: 5, inconclusive: "pause" },
      readings: [NAN],
      outcome: "inconclusive",
      at: [0, 10_000],
    },
    {
      name: "no_data: pass lets a quiet service through",
      analysis: { intervalMs: 10_000, count: 2, noData: "pass" },
      readings: [NAN],
      outcome: "successful",
      at: [0, 10_000],
    },
    {
      name: "Prometheus down with unreachable: inconclusive pauses",
      analysis: { intervalMs: 10_000, count: 3, unreachable: "inconclusive", inconclusive: "pause" },
      readings: [DOWN],
      outcome: "inconclusive",
      at: [0],
    },
    {
      name: "Prometheus down by default: errors up to the consecutive-error limit",
      analysis: { intervalMs: 10_000, count: 3, consecutiveErrorLimit: 1 },
      readings: [DOWN],
      outcome: "error",
      at: [0, 10_000],
    },
    {
      name: "consecutive_successes ends the run early, even during a pause",
      analysis: { intervalMs: 10_000, count: 1, consecutiveSuccesses: 2 },
      readings: [0.001],
      outcome: "successful",
      at: [0, 10_000],
      until: 60_000,
    },
    {
      name: "consecutive_successes counts in a row: a failure within the limit restarts it",
      analysis: { intervalMs: 10_000, count: 10, consecutiveSuccesses: 2, failureLimit: 1 },
      readings: [0.001, 0.09, 0.001],
      outcome: "successful",
      at: [0, 10_000, 20_000, 30_000],
    },
    {
      name: "through a pause: readings every interval while it lasts",
      analysis: { initialDelayMs: 5_000, intervalMs: 10_000, count: 1 },
      readings: [0.001],
      outcome: "successful",
      at: [5_000, 15_000, 25_000],
      until: 30_000,
    },
  ])("$name", async ({ analysis, readings, outcome, at, until }) => {
    const clock = new VirtualClock(0);
    const measured = script(clock, ...readings);
    const result = await runAnalysis(analysisOf({ failure: "> 5%", ...analysis }), {
      measure: measured.measure,
      clock,
      ...(until !== undefined ? { until } : {}),
    });
    expect({ outcome: result.outcome, at: measured.at }).toEqual({ outcome, at });
  });

  test("the summaries name the limit that decided", async () => {
    const run = (analysis: Partial<Analysis>, ...readings: (number | Measurement)[]) => {
      const clock = new VirtualClock(0);
      return runAnalysis(analysisOf({ failure: "> 5%", intervalMs: 1_000, ...analysis }), {
        measure: script(clock, ...readings).measure,
        clock,
      });
    };
    expect((await run({ count: 4, inconclusiveLimit: 1, inconclusive: "pause" }, NAN)).summary).toBe(
      "error rate no data (the query returned NaN) (2 of 2 inconclusive > limit 1)",
    );
    expect((await run({ count: 4, consecutiveSuccesses: 2 }, 0.002)).summary).toBe(
      "error rate 0.2 % ≤ 5 % (2 in a row ok, promoted early)",
    );
  });
});

describe("the policy options", () => {
  test("defaults keep existing policies as they were", () => {
    const policy = policyFrom(`
version: 1
analyses:
  errors:
    prometheus: { address: "http://prometheus:9090", query: "sum(rate(errors[1m]))" }
    failure: "> 5%"
environments:
  production: { approval: none }
`);
    expect(policy.analyses.errors).toMatchObject({
      initialDelayMs: 0,
      inconclusiveLimit: 0,
      consecutiveSuccesses: 0,
      noData: "inconclusive",
      unreachable: "error",
      provider: { kind: "prometheus", timeoutMs: 10_000 },
    });
  });

  test("all of them, and a query timeout of half the interval by default", () => {
    const policy = policyFrom(`
version: 1
analyses:
  errors:
    prometheus: { address: "http://prometheus:9090", query: "sum(rate(errors[1m]))" }
    failure: "> 5%"
    interval: 6s
    initial_delay: 20s
    inconclusive_limit: 2
    consecutive_successes: 3
    no_data: pass
    unreachable: inconclusive
    inconclusive: pause
  fast:
    prometheus: { address: "http://prometheus:9090", query: "up", timeout: 500ms }
    success: "== 1"
environments:
  production: { approval: none }
`);
    expect(policy.analyses.errors).toMatchObject({
      intervalMs: 6_000,
      initialDelayMs: 20_000,
      inconclusiveLimit: 2,
      consecutiveSuccesses: 3,
      noData: "pass",
      unreachable: "inconclusive",
      inconclusive: "pause",
      provider: { timeoutMs: 3_000 },
    });
    expect(policy.analyses.fast?.provider).toMatchObject({ timeoutMs: 500 });
  });
});
