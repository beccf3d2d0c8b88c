/**
 * The story of a rollout, kept as it happens and rendered as Markdown for the job summary: each step
 * with its weight, the analyses' figures, pauses, the decision and the rollback.
 */
import { formatDuration } from "../policy/duration.js";
import type { AnalysisResult } from "./analysis.js";
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
      // Stopped because another analysis failed: its figures so far, not a verdict.
      text: result.aborted ? `${result.summary} (stopped early)` : result.summary,
      ok: result.outcome === "successful",
      ...(values.length > 0 ? { values } : {}),
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
