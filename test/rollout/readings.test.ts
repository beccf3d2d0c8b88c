/** The measurement history in the job summary: every reading, with its baseline, within GitHub's limits. */
import { expect, test } from "@jest/globals";
import type { AnalysisResult } from "../../src/rollout/analysis.js";
import { VirtualClock } from "../../src/rollout/clock.js";
import { renderReadings, Timeline } from "../../src/rollout/timeline.js";

function result(n: number): AnalysisResult {
  return {
    analysis: "errors",
    title: "error ratio",
    outcome: "successful",
    measurements: Array.from({ length: n }, (_, i) => ({
      at: i * 1000,
      verdict: "successful" as const,
      text: `${i} ok`,
      value: i / 1000,
      baseline: 0.5,
    })),
    summary: "error ratio ok",
    aborted: false,
    early: false,
  };
}

test("each reading is a row: time from the start, step, analysis, value, baseline, verdict", () => {
  const timeline = new Timeline(new VirtualClock(0));
  timeline.analysis("canary 10 %", result(2));
  expect(renderReadings(timeline.entries)).toBe(
    [
      "### Analysis readings",
      "",
      "| time | step | analysis | value | baseline | verdict |",
      "|---|---|---|---|---|---|",
      "| +0s | canary 10 % | error ratio | 0 | 0.5 | ✅ 0 ok |",
      "| +1s | canary 10 % | error ratio | 0.001 | 0.5 | ✅ 1 ok |",
    ].join("\n"),
  );
});

test("no readings, no section", () => {
  const timeline = new Timeline(new VirtualClock(0));
  timeline.add({ phase: "note", label: "x", text: "nothing measured" });
  expect(renderReadings(timeline.entries)).toBe("");
});

test("beyond 4,000 readings the first and last 2,000 are shown, and the gap is said", () => {
  const timeline = new Timeline(new VirtualClock(0));
  timeline.analysis("canary 10 %", result(5000));
  const rows = renderReadings(timeline.entries).split("\n").slice(4);
  expect(rows).toHaveLength(4001);
  expect(rows[2000]).toBe("| … | 1000 readings not shown | | | | |");
  expect(rows[0]).toContain("✅ 0 ok |");
  expect(rows.at(-1)).toContain("✅ 4999 ok |");
});
