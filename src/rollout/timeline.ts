/**
 * The story of a rollout, kept as it happens and rendered as Markdown for the job summary: each step
 * with its weight, the analyses' figures, pauses, the decision and the rollback.
 */
import { formatDuration } from "../policy/duration.js";
import type { AnalysisMeasurement, AnalysisResult } from "./analysis.js";
import { formatNumber } from "./judge.js";
import type { Clock } from "./types.js";

export type TimelinePhase = "baseline" | "step" | "command" | "analysis" | "rollback" | "decision" | "note";

export interface TimelineEntry {
  readonly at: number;
  readonly phase: TimelinePhase;
  /** The step or rollback part it belongs to: "canary 25 %", "rollback". */
  readonly label: string;
  readonly text: string;
  readonly ok?: boolean;
  readonly weight?: number;
  readonly values?: readonly number[];
  /** Every reading of an analysis entry: time, value, the baseline's, outcome (the measurement history). */
  readonly readings?: readonly AnalysisMeasurement[];
  /** The analysis's title, for the readings section. */
  readonly analysis?: string;
}

export class Timeline {
  readonly entries: TimelineEntry[] = [];
  constructor(private readonly clock: Clock) {}

  add(entry: Omit<TimelineEntry, "at">): void {
    this.entries.push({ at: this.clock.now(), ...entry });
  }

  analysis(label: string, result: AnalysisResult): void {
    const values = result.measurements.flatMap((m) => (m.value === undefined ? [] : [m.value]));
    this.add({
      phase: "analysis",
      label,
      // Stopped because another analysis failed: its figures so far, not an outcome.
      text: `${result.aborted ? `${result.summary} (stopped early)` : result.summary}${
        result.warning !== undefined ? `; ⚠️ warn: ${result.warning}` : ""
      }`,
      ok: result.outcome === "successful",
      ...(values.length > 0 ? { values } : {}),
      readings: result.measurements,
      analysis: result.title,
    });
  }
}

const ICON = { true: "✅", false: "❌", undefined: "" } as const;
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** A Markdown section: one row per entry, times relative to the first entry. */
export function renderTimeline(entries: readonly TimelineEntry[], title = "Rollout timeline"): string {
  const start = entries[0]?.at ?? 0;
  const rows = entries.map((e) => {
    const icon = ICON[String(e.ok) as keyof typeof ICON];
    const weight = e.weight === undefined ? "" : `${e.weight} %`;
    return `| +${formatDuration(e.at - start)} | ${cell(e.label)} | ${weight} | ${e.phase} | ${icon ? `${icon} ` : ""}${cell(e.text)} |`;
  });
  return [
    `### ${title}`,
    "",
    "| time | step | weight | what | result |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

const MAX_READING_ROWS = 4000;

const OUTCOME_ICON = { successful: "✅", failed: "❌", inconclusive: "❔", error: "⚠️" } as const;

/** Every analysis reading, in the order taken: the full series a status description has no room for. */
export function renderReadings(entries: readonly TimelineEntry[], title = "Analysis readings"): string {
  const start = entries[0]?.at ?? 0;
  const rows = entries.flatMap((e) =>
    (e.readings ?? []).map((m) => {
      const value = m.value === undefined ? "" : formatNumber(m.value);
      const baseline = m.baseline === undefined ? "" : formatNumber(m.baseline);
      return `| +${formatDuration(m.at - start)} | ${cell(e.label)} | ${cell(e.analysis ?? "")} | ${value} | ${baseline} | ${OUTCOME_ICON[m.verdict]} ${cell(m.text)}${m.warning !== undefined ? ` · ⚠️ warn: ${cell(m.warning)}` : ""} |`;
    }),
  );
  if (rows.length === 0) return "";
  // GitHub keeps 1 MiB of job summary: beyond this many rows, the first and the last tell the story.
  if (rows.length > MAX_READING_ROWS) {
    const half = MAX_READING_ROWS / 2;
    rows.splice(
      half,
      rows.length - MAX_READING_ROWS,
      `| … | ${rows.length - MAX_READING_ROWS} readings not shown | | | | |`,
    );
  }
  return [
    `### ${title}`,
    "",
    "| time | step | analysis | value | baseline | verdict |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
