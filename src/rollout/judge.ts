/**
 * One measurement against an analysis's conditions (Argo Rollouts' rules): a holding failure condition
 * fails it; a holding success condition passes it; with both conditions and neither holding it is
 * inconclusive; with one condition only, the other outcome follows. The text shows what was compared,
 * with the baseline when the threshold is relative: "error rate 7.2 % > 5 %".
 */
import { holds, type Comparator } from "../policy/comparator.js";
import {
  conditionNeedsBaseline,
  isExpression,
  threshold,
  type ComparatorCondition,
  type Condition,
} from "../policy/condition.js";
import { evaluate, usesPercent, variablesOf, type DurationUnit } from "../policy/expression.js";
import type { Analysis } from "../policy/model.js";
import type { Measurement } from "./types.js";

/**
 * What one measurement came to. The property holding it is named `verdict`, as in the readings document
 * (src/rollout/series.ts) where it is a public field.
 */
export type MeasurementOutcome = "successful" | "failed" | "inconclusive" | "error";

export interface Judged {
  readonly verdict: MeasurementOutcome;
  /** The figure and the comparison, without the analysis title: "7.2 % > 5 %". */
  readonly text: string;
  readonly value?: number;
  /** The `warn` condition held for a reading that did not fail: "1.2 % ≥ 1 %". Decides nothing. */
  readonly warning?: string;
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
  const percent = [analysis.success, analysis.failure, analysis.warn].some((c) =>
    c === undefined
      ? false
      : isExpression(c)
        ? usesPercent(c.expression) && !variablesOf(c.expression).has("ratio")
        : c.baseline !== "ratio" && c.source.includes("%"),
  );
  if (percent) return "percent";
  return analysis.provider.kind === "http" && analysis.provider.measure === "latency" ? "ms" : "plain";
}

export function formatValue(value: number, unit: Unit): string {
  if (unit === "percent") return `${formatNumber(value * 100)} %`;
  return unit === "ms" ? `${formatNumber(value)} ms` : formatNumber(value);
}

/** What `100ms` and `1s` mean for this analysis: an HTTP latency probe measures milliseconds, the rest seconds. */
export function durationUnitOf(analysis: Analysis): DurationUnit {
  return analysis.provider.kind === "http" && analysis.provider.measure === "latency" ? "ms" : "s";
}

function describeThreshold(condition: ComparatorCondition, baseline: number | undefined, unit: Unit): string {
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

/** Whether a condition reads a baseline (whether measured alongside each reading or once before the rollout). */
export function readsBaseline(analysis: Analysis): boolean {
  return [analysis.success, analysis.failure].some((c) => c !== undefined && conditionNeedsBaseline(c));
}

/** Needs the one baseline measured before the first step: it reads one and names no baseline query. */
export function needsBaseline(analysis: Analysis): boolean {
  return readsBaseline(analysis) && !hasBaselineQuery(analysis);
}

export function hasBaselineQuery(analysis: Analysis): boolean {
  return analysis.provider.kind === "prometheus" && analysis.provider.baseline !== undefined;
}

export function judge(analysis: Analysis, measurement: Measurement, baseline?: number): Judged {
  const judged = judgeConditions(analysis, measurement, baseline);
  if (analysis.warn === undefined || judged.value === undefined || judged.verdict === "failed") return judged;
  if (!("value" in measurement) || measurement.failure !== undefined) return judged;
  const warning = warningOf(analysis, analysis.warn, judged.value, baseline);
  return warning === undefined ? judged : { ...judged, warning };
}

/** The warning's text when `warn` holds; nothing when it does not, or when it needs a baseline not at hand. */
function warningOf(
  analysis: Analysis,
  warn: Condition,
  value: number,
  baseline?: number,
): string | undefined {
  const unit = unitOf(analysis);
  const shown = formatValue(value, unit);
  if (isExpression(warn)) {
    if (warn.needsBaseline && (baseline === undefined || !Number.isFinite(baseline))) return undefined;
    const context = { result: value, ...(baseline !== undefined ? { baseline } : {}) };
    if (!evaluate(warn.expression, context, durationUnitOf(analysis))) return undefined;
    const base =
      baseline !== undefined && warn.needsBaseline ? ` (baseline ${formatValue(baseline, unit)})` : "";
    return `${shown}${base}: ${warn.source} holds`;
  }
  const limit = threshold(warn, baseline);
  if (limit === undefined || !holds(warn.comparator, value, limit)) return undefined;
  return `${shown} ${SYMBOL[warn.comparator]} ${describeThreshold(warn, baseline, unit)}`;
}

function judgeConditions(analysis: Analysis, measurement: Measurement, baseline?: number): Judged {
  if ("error" in measurement) {
    if (!measurement.unreachable) return { verdict: "error", text: `error: ${measurement.error}` };
    const outcome = { error: "error", fail: "failed", inconclusive: "inconclusive" } as const;
    return { verdict: outcome[analysis.unreachable], text: `unreachable: ${measurement.error}` };
  }
  if ("noData" in measurement) {
    const outcome = { fail: "failed", pass: "successful", inconclusive: "inconclusive" } as const;
    return { verdict: outcome[analysis.noData], text: `no data (${measurement.reason})` };
  }
  const { value } = measurement;
  if (measurement.failure !== undefined) return { verdict: "failed", text: measurement.failure, value };
  const unit = unitOf(analysis);
  const shown = formatValue(value, unit);
  const { success, failure } = conditionsOf(analysis);
  // An exit code judged by the implicit "== 0" reads better as what it is.
  if (success && !analysis.success && !failure)
    return { verdict: value === 0 ? "successful" : "failed", text: `exit code ${value}`, value };
  const durations = durationUnitOf(analysis);
  const compare = (condition: Condition) => {
    if (isExpression(condition)) {
      if (condition.needsBaseline && (baseline === undefined || !Number.isFinite(baseline))) return undefined;
      return evaluate(
        condition.expression,
        { result: value, ...(baseline !== undefined ? { baseline } : {}) },
        durations,
      );
    }
    const limit = threshold(condition, baseline);
    return limit === undefined ? undefined : holds(condition.comparator, value, limit);
  };
  const withBaseline =
    baseline !== undefined && readsBaseline(analysis)
      ? `${shown} (baseline ${formatValue(baseline, unit)})`
      : shown;
  // An expression reads best as itself: "2.1 % (baseline 0.7 %): result < 3 * baseline fails".
  const line = (condition: Condition, comparator: Comparator | "holds" | "fails") =>
    isExpression(condition)
      ? `${withBaseline}: ${condition.source} ${comparator === "fails" ? "fails" : "holds"}`
      : `${shown} ${SYMBOL[comparator as Comparator]} ${describeThreshold(condition, baseline, unit)}`;
  const comparatorOf = (condition: Condition): Comparator | "holds" =>
    isExpression(condition) ? "holds" : condition.comparator;
  const negated = (condition: Condition): Comparator | "fails" =>
    isExpression(condition) ? "fails" : NEGATION[condition.comparator];

  const failed = failure ? compare(failure) : false;
  const passed = success ? compare(success) : true;
  if (failed === undefined || passed === undefined)
    return { verdict: "error", text: `${shown}: no baseline to compare with`, value };
  if (failure && failed) return { verdict: "failed", text: line(failure, comparatorOf(failure)), value };
  if (success && passed) return { verdict: "successful", text: line(success, comparatorOf(success)), value };
  if (success && failure)
    return {
      verdict: "inconclusive",
      text:
        isExpression(success) || isExpression(failure)
          ? `${withBaseline}: neither ${success.source} nor ${failure.source}`
          : `${shown}: between ${line(success, success.comparator).slice(shown.length + 1)} and ${line(failure, failure.comparator).slice(shown.length + 1)}`,
      value,
    };
  if (success) return { verdict: "failed", text: line(success, negated(success)), value };
  if (failure) return { verdict: "successful", text: line(failure, negated(failure)), value };
  // No condition (an HTTP probe judged by its status): the provider's own detail says what it saw.
  return { verdict: "successful", text: measurement.detail ?? shown, value };
}
