import { describe, expect, test } from "@jest/globals";
import { runAnalysis } from "../../src/rollout/analysis.js";
import { VirtualClock } from "../../src/rollout/clock.js";
import { formatNumber, judge } from "../../src/rollout/judge.js";
import type { Measurement } from "../../src/rollout/types.js";
import { analysisOf } from "./helpers.js";

/** A measure function answering from a list (numbers are values), then repeating the last answer. */
function answers(...list: (number | Measurement)[]) {
  let i = 0;
  return async () => {
    const next = list[Math.min(i++, list.length - 1)]!;
    return typeof next === "number" ? { value: next } : next;
  };
}
const ERROR = { error: "connect ECONNREFUSED" };

describe("judge: one measurement", () => {
  test("shows value, comparator and threshold, in percent when the condition is", () => {
    const a = analysisOf({ failure: "> 5%" });
    expect(judge(a, { value: 0.004 })).toEqual({ verdict: "successful", text: "0.4 % ≤ 5 %", value: 0.004 });
    expect(judge(a, { value: 0.072 })).toEqual({ verdict: "failed", text: "7.2 % > 5 %", value: 0.072 });
  });

  test("a success condition alone: not holding is a failure, shown with the negated comparator", () => {
    const a = analysisOf({ success: "< 1%" });
    expect(judge(a, { value: 0.004 }).text).toBe("0.4 % < 1 %");
    expect(judge(a, { value: 0.03 })).toMatchObject({ verdict: "failed", text: "3 % ≥ 1 %" });
  });

  test("both conditions, neither holding: inconclusive", () => {
    const a = analysisOf({ success: "<= 1%", failure: "> 5%" });
    expect(judge(a, { value: 0.03 })).toMatchObject({
      verdict: "inconclusive",
      text: "3 %: between ≤ 1 % and > 5 %",
    });
  });

  test("relative thresholds show the baseline: ratio and plus", () => {
    const ratio = analysisOf({ title: "p99 latency", failure: "> 300% of baseline" });
    expect(judge(ratio, { value: 912 }, 250)).toMatchObject({
      verdict: "failed",
      text: "912 > 300 % of baseline 250",
    });
    expect(judge(ratio, { value: 600 }, 250)).toMatchObject({
      verdict: "successful",
      text: "600 ≤ 300 % of baseline 250",
    });
    const plus = analysisOf({ failure: "> baseline + 5%" });
    expect(judge(plus, { value: 0.072 }, 0.005)).toMatchObject({
      verdict: "failed",
      text: "7.2 % > baseline 0.5 % + 5 %",
    });
    expect(judge(plus, { value: 0.05 }, 0.005).verdict).toBe("successful");
    const factor = analysisOf({ failure: "> baseline * 1.5" });
    expect(judge(factor, { value: 2 }, 1).text).toBe("2 > 150 % of baseline 1");
  });

  test("a relative threshold without a baseline is a measurement error, not a pass", () => {
    const a = analysisOf({ failure: "> 300% of baseline" });
    expect(judge(a, { value: 1 })).toMatchObject({
      verdict: "error",
      text: "1: no baseline to compare with",
    });
  });

  test("no data follows the analysis's no_data rule", () => {
    const nothing = { noData: true, reason: "the query returned no series" } as const;
    expect(judge(analysisOf({ failure: "> 1%", noData: "fail" }), nothing)).toEqual({
      verdict: "failed",
      text: "no data (the query returned no series)",
    });
    expect(judge(analysisOf({ failure: "> 1%", noData: "pass" }), nothing).verdict).toBe("successful");
    expect(judge(analysisOf({ failure: "> 1%" }), nothing).verdict).toBe("inconclusive");
  });

  test("a provider's own failure (an unexpected HTTP status) fails whatever the conditions", () => {
    const http = analysisOf({
      title: "health",
      provider: { kind: "http", url: "http://x/health", method: "GET", measure: "latency", timeoutMs: 1000 },
    });
    expect(judge(http, { value: 12, failure: "HTTP 503, expected 200" })).toMatchObject({
      verdict: "failed",
      text: "HTTP 503, expected 200",
    });
    expect(judge(http, { value: 12, detail: "HTTP 200 in 12 ms" }).text).toBe("HTTP 200 in 12 ms");
    expect(judge(analysisOf({ provider: http.provider, failure: "> 500" }), { value: 12 }).text).toBe(
      "12 ms ≤ 500 ms",
    );
    expect(judge(http, { value: 12 }).text).toBe("12 ms");
  });

  test("a command judged by exit code: 0 is healthy without conditions", () => {
    const smoke = analysisOf({
      title: "smoke",
      provider: { kind: "command", run: "./smoke.sh", measure: "exit_code" },
    });
    expect(judge(smoke, { value: 0 })).toMatchObject({ verdict: "successful", text: "exit code 0" });
    expect(judge(smoke, { value: 2 })).toMatchObject({ verdict: "failed", text: "exit code 2" });
  });

  test("numbers: three significant digits, whole from 100, infinities named", () => {
    expect([0.00123, 7.234, 912.4, Infinity, -Infinity, Number.NaN].map(formatNumber)).toEqual([
      "0.00123",
      "7.23",
      "912",
      "+Inf",
      "-Inf",
      "NaN",
    ]);
  });
});

describe("runAnalysis", () => {
  test("measures count times, interval apart on the clock, and summarizes the last reading", async () => {
    const clock = new VirtualClock(0);
    const a = analysisOf({ failure: "> 5%", count: 3, intervalMs: 10_000 });
    const result = await runAnalysis(a, { measure: answers(0.001, 0.002, 0.004), clock });
    expect(result.outcome).toBe("successful");
    expect(result.measurements.map((m) => m.at)).toEqual([0, 10_000, 20_000]);
    expect(result.summary).toBe("error rate 0.4 % ≤ 5 % (3/3 ok)");
    expect(result.aborted).toBe(false);
  });

  test("failure limit: fails only when failures exceed it, and stops at once", async () => {
    const a = analysisOf({ failure: "> 5%", count: 5, failureLimit: 1 });
    const once = await runAnalysis(a, { measure: answers(0.072, 0.01), clock: new VirtualClock() });
    expect(once.outcome).toBe("successful");
    expect(once.measurements).toHaveLength(5);
    const twice = await runAnalysis(a, {
      measure: answers(0.01, 0.072, 0.01, 0.09),
      clock: new VirtualClock(),
    });
    expect(twice.outcome).toBe("failed");
    expect(twice.measurements).toHaveLength(4);
    expect(twice.summary).toBe("error rate 9 % > 5 % (2 of 4 failed > limit 1)");
    const strict = await runAnalysis(analysisOf({ failure: "> 5%" }), {
      measure: answers(0.072),
      clock: new VirtualClock(),
    });
    expect(strict.summary).toBe("error rate 7.2 % > 5 %");
  });

  test("an error is not a failure until errors in a row exceed the consecutive-error limit", async () => {
    const a = analysisOf({ failure: "> 5%", count: 4, consecutiveErrorLimit: 2 });
    const tolerated = await runAnalysis(a, {
      measure: answers(ERROR, ERROR, 0.01, ERROR),
      clock: new VirtualClock(),
    });
    expect(tolerated.outcome).toBe("successful");
    const broken = await runAnalysis(a, {
      measure: answers(0.01, ERROR, ERROR, ERROR),
      clock: new VirtualClock(),
    });
    expect(broken.outcome).toBe("error");
    expect(broken.summary).toBe("error rate error: connect ECONNREFUSED (3 errors in a row > limit 2)");
  });

  test("only errors (under the limit) is no evidence of health: error", async () => {
    const result = await runAnalysis(analysisOf({ failure: "> 5%" }), {
      measure: answers(ERROR),
      clock: new VirtualClock(),
    });
    expect(result.outcome).toBe("error");
  });

  test("a throwing provider is a measurement error", async () => {
    const result = await runAnalysis(analysisOf({ failure: "> 5%", consecutiveErrorLimit: 0 }), {
      measure: async () => {
        throw new Error("boom");
      },
      clock: new VirtualClock(),
    });
    expect(result).toMatchObject({
      outcome: "error",
      summary: "error rate error: boom (1 error in a row > limit 0)",
    });
  });

  test("inconclusive: `pause` stops and asks, `fail` counts as failed", async () => {
    const base = { success: "<= 1%", failure: "> 5%", count: 2 } as const;
    const pause = await runAnalysis(analysisOf({ ...base, inconclusive: "pause" }), {
      measure: answers(0.03, 0.005),
      clock: new VirtualClock(),
    });
    expect(pause).toMatchObject({
      outcome: "inconclusive",
      summary: "error rate 3 %: between ≤ 1 % and > 5 %",
    });
    const fail = await runAnalysis(analysisOf({ ...base, inconclusive: "fail" }), {
      measure: answers(0.03, 0.005),
      clock: new VirtualClock(),
    });
    expect(fail).toMatchObject({
      outcome: "failed",
      summary: "error rate 3 %: between ≤ 1 % and > 5 % (inconclusive counts as failed)",
    });
    // More inconclusive readings than the limit stop the run at once; within it, a failure still fails.
    const early = await runAnalysis(analysisOf({ ...base, inconclusive: "pause" }), {
      measure: answers(0.03, 0.09),
      clock: new VirtualClock(),
    });
    expect(early).toMatchObject({ outcome: "inconclusive", measurements: [{ verdict: "inconclusive" }] });
    const worse = await runAnalysis(analysisOf({ ...base, inconclusive: "pause", inconclusiveLimit: 1 }), {
      measure: answers(0.03, 0.09),
      clock: new VirtualClock(),
    });
    expect(worse.outcome).toBe("failed");
  });

  test("a baseline-relative threshold uses the baseline given", async () => {
    const a = analysisOf({ title: "p99 latency", failure: "> 300% of baseline" });
    const result = await runAnalysis(a, { measure: answers(912), clock: new VirtualClock(), baseline: 250 });
    expect(result.summary).toBe("p99 latency 912 > 300 % of baseline 250");
  });

  test("`until` keeps measuring through a pause, beyond count", async () => {
    const clock = new VirtualClock(0);
    const a = analysisOf({ failure: "> 5%", count: 2, intervalMs: 1_000 });
    const result = await runAnalysis(a, { measure: answers(0.01), clock, until: 5_500 });
    expect(result.measurements.map((m) => m.at)).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000]);
  });

  test("an abort stops the run between measurements and marks it aborted", async () => {
    const clock = new VirtualClock(0);
    const stop = new AbortController();
    const a = analysisOf({ failure: "> 5%", count: 10, intervalMs: 1_000 });
    const running = runAnalysis(a, { measure: answers(0.01), clock, signal: stop.signal });
    await clock.sleep(2_500);
    stop.abort();
    const result = await running;
    expect(result).toMatchObject({ aborted: true, outcome: "successful" });
    expect(result.measurements).toHaveLength(3);
  });
});
