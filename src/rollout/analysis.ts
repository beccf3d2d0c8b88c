/**
 * One run of an analysis: the first measurement `initial_delay` after the start (so it sees the version
 * the step just shipped), then one every `interval` (anchored to the start, so slow probes do not stretch
 * the schedule): `count` of them, or more while a pause lasts (`until`). Argo Rollouts' limits: the run
 * fails as soon as failures exceed `failure_limit`, is inconclusive as soon as inconclusive measurements
 * exceed `inconclusive_limit`, and errors as soon as measurement errors in a row exceed
 * `consecutive_error_limit` (an error is not a failure until then). Stopping at once is what bounds the
 * rollback reaction to interval × failure limit after the first failing measurement. With
 * `consecutive_successes`, that many successes in a row end the run early, successful.
 *
 * With a baseline query, each reading measures the canary and the baseline at the same moment, and the
 * conditions compare the two. With `judge: mann-whitney`, a run that no limit stopped ends with the
 * canary's readings compared with the baseline's (a one-sided Mann-Whitney U test): significantly worse
 * at `alpha` fails it. A `dry_run` analysis measures and records the same way but no limit stops it:
 * its outcome is what it would have decided, and the executor lets it decide nothing.
 */
import type { Analysis } from "../policy/model.js";
import { mannWhitney, readingsNeeded, type MannWhitney } from "../stats/mann-whitney.js";
import { formatNumber, hasBaselineQuery, judge, type Judged, type MeasurementOutcome } from "./judge.js";
import type { ProviderFactory } from "./providers/index.js";
import type { Clock, MeasureFn, Measurement } from "./types.js";

export type AnalysisOutcome = "successful" | "failed" | "inconclusive" | "error";

export interface AnalysisMeasurement {
  readonly at: number;
  readonly verdict: MeasurementOutcome;
  readonly text: string;
  readonly value?: number;
  /** The baseline's reading taken with this one (a baseline query), or the pre-rollout baseline compared with. */
  readonly baseline?: number;
  /** The `warn` condition held for this reading (shown and recorded, never deciding). */
  readonly warning?: string;
}

/** The Mann-Whitney judge's figures over a run. */
export interface Comparison extends MannWhitney {
  readonly alpha: number;
  readonly worse: "higher" | "lower";
  readonly significant: boolean;
}

export interface AnalysisResult {
  readonly analysis: string;
  readonly title: string;
  readonly outcome: AnalysisOutcome;
  readonly measurements: readonly AnalysisMeasurement[];
  /** "error rate 0.4 % ≤ 1 %" */
  readonly summary: string;
  /** Stopped from outside (another analysis failed) before it reached an outcome of its own. */
  readonly aborted: boolean;
  /** Ended early by `consecutive_successes`: a step whose analyses all did so stops pausing. */
  readonly early: boolean;
  /** Measured and recorded only: its outcome decides nothing. */
  readonly dryRun?: boolean;
  readonly comparison?: Comparison;
  /** Readings met the `warn` condition: "error rate 1.2 % ≥ 1 % (2 of 5 readings)". Decides nothing. */
  readonly warning?: string;
}

export interface AnalysisOptions {
  readonly measure: MeasureFn;
  /** The baseline query's reading, taken alongside each of `measure`'s. */
  readonly measureBaseline?: MeasureFn;
  readonly clock: Clock;
  /** The baseline measured once before the rollout (when the analysis names no baseline query). */
  readonly baseline?: number;
  readonly signal?: AbortSignal;
  /** Keep measuring until this instant as well (background analysis during a pause). */
  readonly until?: number;
}

/** The measure functions of one analysis: the canary's, and the baseline query's when it names one. */
export function measuresOf(
  analysis: Analysis,
  factory: ProviderFactory,
  env: Readonly<Record<string, string>>,
): Pick<AnalysisOptions, "measure" | "measureBaseline"> {
  return {
    measure: factory(analysis, env),
    ...(hasBaselineQuery(analysis) ? { measureBaseline: factory(analysis, env, "baseline") } : {}),
  };
}

/** The results that decide: a dry run's are recorded, never acted on. */
export function deciding(results: readonly AnalysisResult[]): AnalysisResult[] {
  return results.filter((r) => r.dryRun !== true);
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

/**
 * What one run has seen so far: its readings, the counts its limits watch, and (for a dry run) the first
 * outcome a limit would have decided. Each reading either ends the run or lets it go on.
 */
class AnalysisRun {
  readonly measurements: AnalysisMeasurement[] = [];
  private readonly counts: Counts = { failures: 0, inconclusives: 0, errorsInARow: 0, successesInARow: 0 };
  // A dry run goes on measuring past the limits: the first outcome a limit would have decided is kept.
  private wouldHave: { outcome: AnalysisOutcome; early?: boolean } | undefined;
  private comparison: Comparison | undefined;

  constructor(private readonly analysis: Analysis) {}

  finish(outcome: AnalysisOutcome, how: { aborted?: boolean; early?: boolean } = {}): AnalysisResult {
    const { analysis, comparison, measurements } = this;
    const decided = analysis.dryRun && this.wouldHave ? this.wouldHave : { outcome, early: how.early };
    const judged = comparison !== undefined ? judgeText(comparison) : "";
    const summary = summarize(analysis, decided.outcome, measurements, this.counts, decided.early === true);
    return {
      analysis: analysis.name,
      title: analysis.title,
      outcome: decided.outcome,
      measurements,
      summary: `${analysis.dryRun ? "dry run: " : ""}${
        comparison?.significant ? `${analysis.title} ${judged}` : judged ? `${summary}; ${judged}` : summary
      }`,
      aborted: how.aborted === true,
      early: !analysis.dryRun && how.early === true,
      dryRun: analysis.dryRun,
      ...(comparison !== undefined ? { comparison } : {}),
      ...warningOf(analysis, measurements),
    };
  }

  /** Counts one reading; the result when a limit (or `consecutive_successes`) ends the run with it. */
  record(measurement: AnalysisMeasurement): AnalysisResult | undefined {
    const { analysis, counts } = this;
    this.measurements.push(measurement);
    counts.errorsInARow = measurement.verdict === "error" ? counts.errorsInARow + 1 : 0;
    counts.successesInARow = measurement.verdict === "successful" ? counts.successesInARow + 1 : 0;
    if (measurement.verdict === "failed") counts.failures++;
    if (measurement.verdict === "inconclusive") counts.inconclusives++;
    if (counts.failures > analysis.failureLimit && this.stopAt("failed")) return this.finish("failed");
    if (counts.errorsInARow > analysis.consecutiveErrorLimit && this.stopAt("error"))
      return this.finish("error");
    if (counts.inconclusives > analysis.inconclusiveLimit && this.stopAt(undecidedOutcome(analysis)))
      return this.undecided();
    if (
      analysis.consecutiveSuccesses > 0 &&
      counts.successesInARow >= analysis.consecutiveSuccesses &&
      judgeReady(analysis, this.measurements) &&
      this.stopAt("successful", true)
    )
      return this.compared() ?? this.finish("successful", { early: true });
    return undefined;
  }

  /** The run's end once its schedule is done: its readings' outcome, then the judge's when they succeeded. */
  end(): AnalysisResult {
    const outcome = provisional(this.measurements);
    if (outcome === "successful") {
      const judgedRun = this.compared();
      if (judgedRun) return judgedRun;
    }
    return outcome === "inconclusive" ? this.undecided() : this.finish(outcome);
  }

  /** `inconclusive: fail` turns an undecided run into a failure (rollback); `pause` stops and asks. */
  private undecided(): AnalysisResult {
    return this.finish(this.analysis.inconclusive === "fail" ? "failed" : "inconclusive");
  }

  /** Whether a limit reached stops the run: always, except a dry run, which notes what it would have done. */
  private stopAt(outcome: AnalysisOutcome, early = false): boolean {
    if (!this.analysis.dryRun) return true;
    this.wouldHave ??= { outcome, early };
    return false;
  }

  /** What the judge found over the run, when it decides it: failed (significantly worse) or undecided. */
  private compared(): AnalysisResult | undefined {
    const { analysis } = this;
    if (analysis.judge === undefined) return undefined;
    const found = compare(analysis, this.measurements);
    if ("short" in found) {
      this.counts.inconclusives++;
      const result = analysis.inconclusive === "fail" ? "failed" : "inconclusive";
      if (analysis.dryRun) this.wouldHave ??= { outcome: result };
      return {
        ...this.finish(result),
        summary: `${analysis.dryRun ? "dry run: " : ""}${analysis.title} ${found.short}`,
      };
    }
    this.comparison = found;
    if (found.significant && analysis.dryRun) this.wouldHave ??= { outcome: "failed" };
    return found.significant ? this.finish("failed") : undefined;
  }
}

export async function runAnalysis(analysis: Analysis, options: AnalysisOptions): Promise<AnalysisResult> {
  const { clock, baseline } = options;
  const signal = options.signal ?? new AbortController().signal;
  const run = new AnalysisRun(analysis);
  const start = clock.now();
  for (let i = 0; ; i++) {
    const due = start + analysis.initialDelayMs + i * analysis.intervalMs;
    if (due > clock.now()) await clock.sleep(due - clock.now(), signal);
    if (signal.aborted) return run.finish(provisional(run.measurements), { aborted: true });
    const judged = await read(analysis, options, signal, baseline);
    const ended = run.record({ at: clock.now(), ...judged });
    if (ended) return ended;
    const nextAt = due + analysis.intervalMs;
    if (i + 1 >= analysis.count && (options.until === undefined || nextAt > options.until)) break;
  }
  return run.end();
}

/** The run's warnings in one line: the latest warning's figures, and how many readings warned. */
function warningOf(analysis: Analysis, measurements: readonly AnalysisMeasurement[]): { warning?: string } {
  const warned = measurements.filter((m) => m.warning !== undefined);
  const last = warned.at(-1);
  if (last === undefined) return {};
  const n = measurements.length;
  const share = n > 1 ? ` (${warned.length} of ${n} readings)` : "";
  return { warning: `${analysis.title} ${last.warning}${share}` };
}

function undecidedOutcome(analysis: Analysis): AnalysisOutcome {
  return analysis.inconclusive === "fail" ? "failed" : "inconclusive";
}

/** One reading: the canary's, and the baseline's at the same moment when the analysis names a baseline query. */
async function read(
  analysis: Analysis,
  options: AnalysisOptions,
  signal: AbortSignal,
  baseline: number | undefined,
): Promise<Judged & { baseline?: number }> {
  if (!options.measureBaseline) {
    const judged = judge(analysis, await safely(options.measure, signal), baseline);
    return baseline !== undefined && judged.value !== undefined ? { ...judged, baseline } : judged;
  }
  const [canary, base] = await Promise.all([
    safely(options.measure, signal),
    safely(options.measureBaseline, signal),
  ]);
  // The canary's own trouble comes first: it says more than the baseline's.
  if (!("value" in canary)) return judge(analysis, canary);
  if (!("value" in base)) {
    const judged = judge(analysis, prefixed(base));
    return { ...judged, value: canary.value };
  }
  return { ...judge(analysis, canary, base.value), baseline: base.value };
}

function prefixed(reading: Exclude<Measurement, { value: number }>): Measurement {
  return "error" in reading
    ? { ...reading, error: `baseline: ${reading.error}` }
    : { noData: true, reason: `baseline: ${reading.reason}` };
}

function samples(measurements: readonly AnalysisMeasurement[]) {
  const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  const paired = measurements.filter((m) => finite(m.value) && finite(m.baseline));
  return { canary: paired.map((m) => m.value!), baseline: paired.map((m) => m.baseline!) };
}

function judgeReady(analysis: Analysis, measurements: readonly AnalysisMeasurement[]): boolean {
  if (analysis.judge === undefined) return true;
  return samples(measurements).canary.length >= readingsNeeded(analysis.judge.alpha);
}

/** The Mann-Whitney comparison of the run's canary and baseline readings. */
function compare(
  analysis: Analysis,
  measurements: readonly AnalysisMeasurement[],
): Comparison | { short: string } {
  const { alpha, worse } = analysis.judge!;
  const { canary, baseline } = samples(measurements);
  const needed = readingsNeeded(alpha);
  if (canary.length < needed)
    return {
      short: `Mann-Whitney: ${canary.length} paired reading${canary.length === 1 ? "" : "s"}, ${needed} needed at alpha ${alpha}`,
    };
  const test = mannWhitney(canary, baseline, worse === "higher" ? "greater" : "less");
  return { ...test, alpha, worse, significant: test.pValue < alpha };
}

function judgeText(c: Comparison): string {
  const p = `p=${formatNumber(c.pValue)}`;
  const figures = `U=${formatNumber(c.u)}, effect ${c.effectSize.toFixed(2)}, ${c.n1} vs ${c.n2}`;
  return c.significant
    ? `Mann-Whitney: canary ${c.worse} than baseline, ${p} < ${c.alpha} (${figures})`
    : `Mann-Whitney ${p} ≥ ${c.alpha} (${figures})`;
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
  const wanted: MeasurementOutcome =
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
