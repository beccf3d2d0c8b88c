/**
 * One measurement against an analysis's conditions (Argo Rollouts' rules): a holding failure condition
 * fails it; a holding success condition passes it; with both conditions and neither holding it is
 * inconclusive; with one condition only, the other outcome follows. The text shows what was compared,
 * with the baseline when the threshold is relative: "error rate 7.2 % > 5 %".
 */
import { holds, threshold, type Comparator, type Condition } from "../policy/condition.js";
import type { Analysis } from "../policy/model.js";
import type { Measurement } from "./types.js";

export type Verdict = "successful" | "failed" | "inconclusive" | "error";

export interface Judged {
  readonly verdict: Verdict;
  /** The figure and the comparison, without the analysis title: "7.2 % > 5 %". */
  readonly text: string;
  readonly value?: number;
}

const SYMBOL: Record<Comparator, string> = { "<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠" };
const NEGATION: Record<Comparator, Comparator> = {
  "<": ">=",
  "<=": ">",
  ">": "<=",
  ">=": "<",
  "==": "!=",
  "!=": "==",
};

type Unit = "percent" | "ms" | "plain";

/** Three significant digits, whole numbers from 100 up: 0.004 → "0.004", 7.234 → "7.23", 912.4 → "912". */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : value < 0 ? "-Inf" : "NaN";
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

/** Values compared with a condition written in percent are fractions; latency probes are milliseconds. */
export function unitOf(analysis: Analysis): Unit {
  const percent = [analysis.success, analysis.failure].some(
    (c) => c !== undefined && c.baseline !== "ratio" && c.source.includes("%"),
  );
  if (percent) return "percent";
  return analysis.provider.kind === "http" && analysis.provider.measure === "latency" ? "ms" : "plain";
}

export function formatValue(value: number, unit: Unit): string {
  if (unit === "percent") return `${formatNumber(value * 100)} %`;
  return unit === "ms" ? `${formatNumber(value)} ms` : formatNumber(value);
}

function describeThreshold(condition: Condition, baseline: number | undefined, unit: Unit): string {
  if (condition.baseline === undefined) return formatValue(condition.value, unit);
  const base = formatValue(baseline ?? Number.NaN, unit);
  return condition.baseline === "ratio"
    ? `${formatNumber(condition.value * 100)} % of baseline ${base}`
    : `baseline ${base} + ${formatValue(condition.value, unit)}`;
}

/** The conditions in force: a command judged by exit code needs none, 0 being success. */
export function conditionsOf(analysis: Analysis): { success?: Condition; failure?: Condition } {
  const { success, failure, provider } = analysis;
  if (!success && !failure && provider.kind === "command" && provider.measure === "exit_code")
    return { success: { source: "== 0", comparator: "==", value: 0 } };
  return { ...(success ? { success } : {}), ...(failure ? { failure } : {}) };
}

export function needsBaseline(analysis: Analysis): boolean {
  return [analysis.success, analysis.failure].some((c) => c?.baseline !== undefined);
}

export function judge(analysis: Analysis, measurement: Measurement, baseline?: number): Judged {
  if ("error" in measurement) {
    if (!measurement.unreachable) return { verdict: "error", text: `error: ${measurement.error}` };
    const verdict = { error: "error", fail: "failed", inconclusive: "inconclusive" } as const;
    return { verdict: verdict[analysis.unreachable], text: `unreachable: ${measurement.error}` };
  }
  if ("noData" in measurement) {
    const verdict = { fail: "failed", pass: "successful", inconclusive: "inconclusive" } as const;
    return { verdict: verdict[analysis.noData], text: `no data (${measurement.reason})` };
  }
  const { value } = measurement;
  if (measurement.failure !== undefined) return { verdict: "failed", text: measurement.failure, value };
  const unit = unitOf(analysis);
  const shown = formatValue(value, unit);
  const { success, failure } = conditionsOf(analysis);
  // An exit code judged by the implicit "== 0" reads better as what it is.
  if (success && !analysis.success && !failure)
    return { verdict: value === 0 ? "successful" : "failed", text: `exit code ${value}`, value };
  const compare = (condition: Condition) => {
    const limit = threshold(condition, baseline);
    return limit === undefined ? undefined : holds(condition.comparator, value, limit);
  };
  const line = (condition: Condition, comparator: Comparator) =>
    `${shown} ${SYMBOL[comparator]} ${describeThreshold(condition, baseline, unit)}`;

  const failed = failure ? compare(failure) : false;
  const passed = success ? compare(success) : true;
  if (failed === undefined || passed === undefined)
    return { verdict: "error", text: `${shown}: no baseline to compare with`, value };
  if (failure && failed) return { verdict: "failed", text: line(failure, failure.comparator), value };
  if (success && passed) return { verdict: "successful", text: line(success, success.comparator), value };
  if (success && failure)
    return {
      verdict: "inconclusive",
      text: `${shown}: between ${line(success, success.comparator).slice(shown.length + 1)} and ${line(failure, failure.comparator).slice(shown.length + 1)}`,
      value,
    };
  if (success) return { verdict: "failed", text: line(success, NEGATION[success.comparator]), value };
  if (failure) return { verdict: "successful", text: line(failure, NEGATION[failure.comparator]), value };
  // No condition (an HTTP probe judged by its status): the provider's own detail says what it saw.
  return { verdict: "successful", text: measurement.detail ?? shown, value };
}
