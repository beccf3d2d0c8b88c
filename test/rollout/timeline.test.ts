import { expect, test } from "@jest/globals";
import { VirtualClock } from "../../src/rollout/clock.js";
import { renderTimeline, Timeline } from "../../src/rollout/timeline.js";

test("the timeline renders as a Markdown table, times relative to the start, cells escaped", async () => {
  const clock = new VirtualClock(0);
  const timeline = new Timeline(clock);
  timeline.add({ phase: "step", label: "canary 25 %", text: "started", weight: 25 });
  await clock.sleep(90_000);
  timeline.analysis("canary 25 %", {
    analysis: "error-rate",
    title: "error rate",
    outcome: "failed",
    measurements: [
      { at: 0, verdict: "error", text: "error: x" },
      { at: 1, verdict: "failed", text: "7.2 % > 5 %", value: 0.072 },
    ],
    summary: "error rate 7.2 % > 5 %",
    aborted: false,
    early: false,
  });
  timeline.add({ phase: "note", label: "a|b", text: "line one\nline two" });
  expect(timeline.entries[1]).toMatchObject({ values: [0.072], ok: false });
  expect(renderTimeline(timeline.entries, "Deploy of abc123")).toBe(
    [
      "### Deploy of abc123",
      "",
      "| time | step | weight | what | result |",
      "|---|---|---|---|---|",
      "| +0s | canary 25 % | 25 % | step | started |",
      "| +1m30s | canary 25 % |  | analysis | ❌ error rate 7.2 % > 5 % |",
      "| +1m30s | a\\|b |  | note | line one line two |",
    ].join("\n"),
  );
  expect(renderTimeline([])).toContain("| time |");
});
