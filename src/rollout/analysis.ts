/**
 * One run of an analysis: `count` measurements `interval` apart (anchored to the start, so slow probes
 * do not stretch the schedule), or more while a pause lasts (`until`). Argo Rollouts' limits: the run
 * fails as soon as failures exceed `failure_limit`, and errors as soon as measurement errors in a row
 * exceed `consecutive_error_limit` (an error is not a failure until then). Stopping at once is what
 * bounds the rollback reaction to interval × failure limit after the first failing measurement.
 */
import type { Analysis } from "../policy/model.js";
import { judge, type Verdict } from "./judge.js";
import type { Clock, MeasureFn } from "./types.js";

export type AnalysisOutcome = "successful" | "failed" | "inconclusive" | "error";

export interface AnalysisMeasurement {
  readonly at: number;
  readonly verdict: Verdict;
  readonly text: string;
  readonly value?: number;
}

export interface AnalysisResult {
  readonly analysis: string;
  readonly title: string;
  readonly outcome: AnalysisOutcome;
  readonly measurements: readonly AnalysisMeasurement[];
  /** "error rate 0.4 % ≤ 1 %" */
  readonly summary: string;
  /** Stopped from outside (another analysis failed) before it reached a verdict of its own. */
  readonly aborted: boolean;
}

export interface AnalysisOptions {
  readonly measure: MeasureFn;
  readonly clock: Clock;
  readonly baseline?: number;
  readonly signal?: AbortSignal;
  /** Keep measuring until this instant as well (background analysis during a pause). */
  readonly until?: number;
}

async function safely(measure: MeasureFn, signal: AbortSignal) {
  try {
    return await measure(signal);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export async function runAnalysis(analysis: Analysis, options: AnalysisOptions): Promise<AnalysisResult> {
  const { clock, measure, baseline } = options;
  const signal = options.signal ?? new AbortController().signal;
  const measurements: AnalysisMeasurement[] = [];
  let failures = 0;
  let errorsInARow = 0;
  const start = clock.now();
  const finish = (outcome: AnalysisOutcome, aborted = false): AnalysisResult => ({
    analysis: analysis.name,
    title: analysis.title,
    outcome,
    measurements,
    summary: summarize(analysis, outcome, measurements, { failures, errorsInARow }),
    aborted,
  });

  for (let i = 0; ; i++) {
    if (i > 0) await clock.sleep(start + i * analysis.intervalMs - clock.now(), signal);
    if (signal.aborted) return finish(provisional(measurements), true);
    const judged = judge(analysis, await safely(measure, signal), baseline);
    measurements.push({ at: clock.now(), ...judged });
    errorsInARow = judged.verdict === "error" ? errorsInARow + 1 : 0;
    if (judged.verdict === "failed") failures++;
    if (failures > analysis.failureLimit) return finish("failed");
    if (errorsInARow > analysis.consecutiveErrorLimit) return finish("error");
    const nextAt = start + (i + 1) * analysis.intervalMs;
    if (i + 1 >= analysis.count && (options.until === undefined || nextAt > options.until)) break;
  }
  const outcome = provisional(measurements);
  // `inconclusive: fail` turns the undecided run into a failure (rollback); `pause` stops and asks.
  return finish(outcome === "inconclusive" && analysis.inconclusive === "fail" ? "failed" : outcome);
}

function provisional(measurements: readonly AnalysisMeasurement[]): AnalysisOutcome {
  if (measurements.some((m) => m.verdict === "inconclusive")) return "inconclusive";
  // Nothing but errors is no evidence of health: fail closed.
  return measurements.every((m) => m.verdict === "error") ? "error" : "successful";
}

function summarize(
  analysis: Analysis,
  outcome: AnalysisOutcome,
  measurements: readonly AnalysisMeasurement[],
  counts: { failures: number; errorsInARow: number },
): string {
  const wanted: Verdict =
    outcome === "failed" && counts.failures === 0
      ? "inconclusive"
      : outcome === "failed"
        ? "failed"
        : outcome;
  const deciding = measurements.findLast((m) => m.verdict === wanted) ?? measurements.at(-1);
  const n = measurements.length;
  let tail = "";
  if (outcome === "failed" && counts.failures > 0 && analysis.failureLimit > 0)
    tail = ` (${counts.failures} of ${n} failed > limit ${analysis.failureLimit})`;
  else if (outcome === "failed") tail = counts.failures === 0 ? " (inconclusive counts as failed)" : "";
  else if (outcome === "error" && counts.errorsInARow > 0)
    tail = ` (${counts.errorsInARow} error${counts.errorsInARow === 1 ? "" : "s"} in a row > limit ${analysis.consecutiveErrorLimit})`;
  else if (outcome === "successful" && n > 1)
    tail = ` (${measurements.filter((m) => m.verdict === "successful").length}/${n} ok)`;
  return `${analysis.title} ${deciding?.text ?? "not measured"}${tail}`;
}
