/**
 * Analysis conditions, compared against one measurement:
 *   "< 1%"               absolute (a percentage is a fraction: 1% = 0.01)
 *   ">= 250"             absolute
 *   "> 300% of baseline" relative: 3 × the baseline measured before the first step
 *   "> baseline + 0.5%"  additive: baseline + 0.005
 *   "> baseline * 1.5"   relative, written as a factor
 */
export type Comparator = "<" | "<=" | ">" | ">=" | "==" | "!=";

export interface Condition {
  readonly source: string;
  readonly comparator: Comparator;
  readonly value: number;
  /** How `value` combines with the baseline; absent for an absolute threshold. */
  readonly baseline?: "ratio" | "plus";
}

const NUMBER = "(-?\\d+(?:\\.\\d+)?)(%?)";
const COMPARATOR = "(<=|>=|==|!=|<|>)";
const ABSOLUTE = new RegExp(`^${COMPARATOR}\\s*${NUMBER}$`);
const RATIO_OF = new RegExp(`^${COMPARATOR}\\s*${NUMBER}\\s+of\\s+baseline$`);
const BASELINE_ARITHMETIC = new RegExp(`^${COMPARATOR}\\s*baseline\\s*([+*])\\s*${NUMBER}$`);

export const CONDITION_HINT = 'a condition like "< 1%", "> 300% of baseline" or "> baseline + 0.5%"';

function number(digits: string, percent: string): number {
  return percent === "%" ? Number(digits) / 100 : Number(digits);
}

export function parseCondition(text: string): Condition | undefined {
  const source = text.trim();
  let m = ABSOLUTE.exec(source);
  if (m) return { source, comparator: m[1] as Comparator, value: number(m[2]!, m[3]!) };
  m = RATIO_OF.exec(source);
  if (m) return { source, comparator: m[1] as Comparator, value: number(m[2]!, m[3]!), baseline: "ratio" };
  m = BASELINE_ARITHMETIC.exec(source);
  if (m) {
    const value = number(m[3]!, m[4]!);
    return m[2] === "*"
      ? { source, comparator: m[1] as Comparator, value, baseline: "ratio" }
      : { source, comparator: m[1] as Comparator, value, baseline: "plus" };
  }
  return undefined;
}

/** The threshold a measurement is compared with, or undefined when it needs a baseline we do not have. */
export function threshold(condition: Condition, baseline: number | undefined): number | undefined {
  if (!condition.baseline) return condition.value;
  if (baseline === undefined || !Number.isFinite(baseline)) return undefined;
  return condition.baseline === "ratio" ? baseline * condition.value : baseline + condition.value;
}

export function holds(comparator: Comparator, measured: number, limit: number): boolean {
  switch (comparator) {
    case "<":
      return measured < limit;
    case "<=":
      return measured <= limit;
    case ">":
      return measured > limit;
    case ">=":
      return measured >= limit;
    case "==":
      return measured === limit;
    case "!=":
      return measured !== limit;
  }
}
