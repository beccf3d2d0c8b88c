/**
 * One run of an analysis: the first measurement `initial_delay` after the start (so it sees the version
 * the step just shipped), then one every `interval` (anchored to the start, so slow probes do not stretch
 * the schedule): `count` of them, or more while a pause lasts (`until`). Argo Rollouts' limits: the run
 * fails as soon as failures exceed `failure_limit`, is inconclusive as soon as inconclusive measurements
 * exceed `inconclusive_limit`, and errors as soon as measurement errors in a row exceed
 * `consecutive_error_limit` (an error is not a failure until then). Stopping at once is what bounds the
 * rollback reaction to interval × failure limit after the first failing measurement. With
 * `consecutive_successes`, that many successes in a row end the run early, successful.
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
  /** Ended early by `consecutive_successes`: a step whose analyses all did so stops pausing. */
  readonly early: boolean;
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

interface Counts {
  failures: number;
  inconclusives: number;
  errorsInARow: number;
  successesInARow: number;
}

export async function runAnalysis(analysis: Analysis, options: AnalysisOptions): Promise<AnalysisResult> {
  const { clock, measure, baseline } = options;
  const signal = options.signal ?? new AbortController().signal;
  const measurements: AnalysisMeasurement[] = [];
  const counts: Counts = { failures: 0, inconclusives: 0, errorsInARow: 0, successesInARow: 0 };
  const start = clock.now();
  const finish = (
    outcome: AnalysisOutcome,
    how: { aborted?: boolean; early?: boolean } = {},
  ): AnalysisResult => ({
    analysis: analysis.name,
    title: analysis.title,
    outcome,
    measurements,
    summary: summarize(analysis, outcome, measurements, counts, how.early === true),
    aborted: how.aborted === true,
    early: how.early === true,
  });
  // `inconclusive: fail` turns an undecided run into a failure (rollback); `pause` stops and asks.
  const undecided = () => finish(analysis.inconclusive === "fail" ? "failed" : "inconclusive");

  for (let i = 0; ; i++) {
    const due = start + analysis.initialDelayMs + i * analysis.intervalMs;
    if (due > clock.now()) await clock.sleep(due - clock.now(), signal);
    if (signal.aborted) return finish(provisional(measurements), { aborted: true });
    const judged = judge(analysis, await safely(measure, signal), baseline);
    measurements.push({ at: clock.now(), ...judged });
    counts.errorsInARow = judged.verdict === "error" ? counts.errorsInARow + 1 : 0;
    counts.successesInARow = judged.verdict === "successful" ? counts.successesInARow + 1 : 0;
    if (judged.verdict === "failed") counts.failures++;
    if (judged.verdict === "inconclusive") counts.inconclusives++;
    if (counts.failures > analysis.failureLimit) return finish("failed");
    if (counts.errorsInARow > analysis.consecutiveErrorLimit) return finish("error");
    if (counts.inconclusives > analysis.inconclusiveLimit) return undecided();
    if (analysis.consecutiveSuccesses > 0 && counts.successesInARow >= analysis.consecutiveSuccesses)
      return finish("successful", { early: true });
    const nextAt = due + analysis.intervalMs;
    if (i + 1 >= analysis.count && (options.until === undefined || nextAt > options.until)) break;
  }
  const outcome = provisional(measurements);
  return outcome === "inconclusive" ? undecided() : finish(outcome);
}

/** The run's result from its measurements so far, when no limit decided it. */
function provisional(measurements: readonly AnalysisMeasurement[]): AnalysisOutcome {
  if (measurements.some((m) => m.verdict === "successful")) return "successful";
  // No successful measurement is no evidence of health: fail closed (inconclusive, or error).
  return measurements.some((m) => m.verdict === "inconclusive") ? "inconclusive" : "error";
}

function summarize(
  analysis: Analysis,
  outcome: AnalysisOutcome,
  measurements: readonly AnalysisMeasurement[],
  counts: Counts,
  early: boolean,
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
  else if (outcome === "inconclusive" && analysis.inconclusiveLimit > 0)
    tail = ` (${counts.inconclusives} of ${n} inconclusive > limit ${analysis.inconclusiveLimit})`;
  else if (outcome === "error" && counts.errorsInARow > 0)
    tail = ` (${counts.errorsInARow} error${counts.errorsInARow === 1 ? "" : "s"} in a row > limit ${analysis.consecutiveErrorLimit})`;
  else if (early) tail = ` (${counts.successesInARow} in a row ok, promoted early)`;
  else if (outcome === "successful" && n > 1)
    tail = ` (${measurements.filter((m) => m.verdict === "successful").length}/${n} ok)`;
  return `${analysis.title} ${deciding?.text ?? "not measured"}${tail}`;
}
