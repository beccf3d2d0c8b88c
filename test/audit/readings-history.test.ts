/** Reading a deployment's measurement history back: whole documents or nothing, per metric, oldest first. */
import { expect, test } from "@jest/globals";
import { historyOf } from "../../src/audit/readings.js";
import { VirtualClock } from "../../src/rollout/clock.js";
import { parseSeries, seriesOf } from "../../src/rollout/series.js";
import { Timeline } from "../../src/rollout/timeline.js";

const SHA = "a".repeat(40);
const doc = (run: string, groups: unknown[], deploymentId = 7) =>
  JSON.stringify({ version: 1, deploymentId, sha: SHA, environment: "production", run, groups });
const file = (name: string, text: string | null, isTruncated = false) => ({
  name,
  object: { text, isTruncated },
});

test("a timeline's readings become the stored series: ISO times, value and baseline only when read", () => {
  const timeline = new Timeline(new VirtualClock(Date.parse("2026-11-30T00:00:00Z")));
  timeline.analysis("canary 25 %", {
    analysis: "errors",
    title: "error rate",
    outcome: "failed",
    measurements: [
      {
        at: Date.parse("2026-11-30T00:00:01Z"),
        verdict: "successful",
        text: "ok",
        value: 0.01,
        baseline: 0.02,
      },
      { at: Date.parse("2026-11-30T00:00:02Z"), verdict: "inconclusive", text: "no data" },
    ],
    summary: "",
    aborted: false,
    early: false,
  });
  timeline.add({ phase: "note", label: "x", text: "no readings here" });
  expect(seriesOf(timeline.entries)).toEqual([
    {
      step: "canary 25 %",
      analysis: "error rate",
      readings: [
        { at: "2026-11-30T00:00:01.000Z", value: 0.01, baseline: 0.02, verdict: "successful" },
        { at: "2026-11-30T00:00:02.000Z", verdict: "inconclusive" },
      ],
    },
  ]);
});

test.each([
  ["not JSON", "{", "not JSON"],
  ["another version", JSON.stringify({ version: 2 }), "not a version 1 readings document"],
  [
    "no groups",
    JSON.stringify({ version: 1, deploymentId: 7, sha: SHA, environment: "p", run: "r" }),
    /missing/,
  ],
  [
    "a reading with a string value",
    doc("r", [
      { step: "s", analysis: "a", readings: [{ at: "2026-11-30T00:00:00Z", value: "1", verdict: "failed" }] },
    ]),
    "a malformed reading in a",
  ],
  [
    "an unknown verdict",
    doc("r", [{ step: "s", analysis: "a", readings: [{ at: "2026-11-30T00:00:00Z", verdict: "great" }] }]),
    "a malformed reading in a",
  ],
])("a document with %s is refused whole", (_name, text, error) => {
  const parsed = parseSeries(text);
  expect(parsed).toEqual({ error: typeof error === "string" ? error : expect.stringMatching(error) });
});

test("several runs' files merge per metric, oldest reading first; unusable files are named, not read", () => {
  const reading = (at: string, value: number) => ({ at, value, verdict: "successful" });
  const history = historyOf(
    { id: 7, sha: SHA },
    {
      entries: [
        // A resumed rollout: the second run's file sorts after the first by its time-stamped name.
        file(
          "1700000009000-resume.json",
          doc("run/2", [
            { step: "canary 100 %", analysis: "error rate", readings: [reading("2026-11-30T00:01:00Z", 0)] },
          ]),
        ),
        file(
          "1700000001000-deploy.json",
          doc("run/1", [
            { step: "canary 25 %", analysis: "error rate", readings: [reading("2026-11-30T00:00:00Z", 0.1)] },
            {
              step: "canary 25 %",
              analysis: "p99 latency",
              readings: [reading("2026-11-30T00:00:00Z", 120)],
            },
          ]),
        ),
        file("1700000002000-deploy.json", doc("run/x", [], 8)),
        file("1700000003000-big.json", null, true),
      ],
    },
  );
  expect(history.runs).toEqual(["run/1", "run/2"]);
  expect(history.metrics).toEqual([
    {
      analysis: "error rate",
      readings: [
        { at: "2026-11-30T00:00:00Z", value: 0.1, verdict: "successful", step: "canary 25 %" },
        { at: "2026-11-30T00:01:00Z", value: 0, verdict: "successful", step: "canary 100 %" },
      ],
    },
    {
      analysis: "p99 latency",
      readings: [{ at: "2026-11-30T00:00:00Z", value: 120, verdict: "successful", step: "canary 25 %" }],
    },
  ]);
  expect(history.problems).toEqual([
    "1700000002000-deploy.json: written for deployment 8 of aaaaaaa, not this one",
    "1700000003000-big.json: not readable as text",
  ]);
  expect(history.trust).toMatch(/anyone with write access/);
});
