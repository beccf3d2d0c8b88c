/**
 * Analysis conditions, compared against one measurement:
 *   "< 1%"               absolute (a percentage is a fraction: 1% = 0.01)
 *   ">= 250"             absolute
 *   "> 300% of baseline" relative: 3 × the baseline measured before the first step
 *   "> baseline + 0.5%"  additive: baseline + 0.005
 *   "> baseline * 1.5"   relative, written as a factor
 * or an expression over the reading (see expression.ts): "result < 2% && result >= 0", "ratio < 300%".
 */
import type { Comparator } from "./comparator.js";
import { ExpressionError, parseExpression, variablesOf, type Expr } from "./expression.js";

export type Condition = ComparatorCondition | ExpressionCondition;

export interface ExpressionCondition {
  readonly source: string;
  readonly expression: Expr;
  /** Whether it reads `baseline` or `ratio`. */
  readonly needsBaseline: boolean;
}

export interface ComparatorCondition {
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
export const EXPRESSION_HINT = 'an expression like "result <= 100ms" or "result < 0.02 && result >= 0"';

function number(digits: string, percent: string): number {
  return percent === "%" ? Number(digits) / 100 : Number(digits);
}

/** The short comparator form only ("< 1%", "> 300% of baseline"). */
export function parseCondition(text: string): ComparatorCondition | undefined {
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

/** A condition in either form: the short comparator form, or an expression over the reading. */
export function parseAnyCondition(text: string): Condition | undefined {
  const source = text.trim();
  const short = parseCondition(source);
  if (short) return short;
  try {
    const expression = parseExpression(source);
    const uses = variablesOf(expression);
    return { source, expression, needsBaseline: uses.has("baseline") || uses.has("ratio") };
  } catch (error) {
    if (error instanceof ExpressionError) return undefined;
    throw error;
  }
}

/** Why a condition does not parse, with the column: for the policy error. Undefined when it parses. */
export function conditionProblem(text: string): string | undefined {
  const source = text.trim();
  if (parseAnyCondition(source) !== undefined) return undefined;
  // A leading comparator is the short form, and text with neither a variable nor an operator is no
  // expression either: say what is accepted rather than an expression parser's complaint.
  const expressionLike = /\b(result|baseline|ratio)\b|[<>=!]=?|&&|\|\|/.test(source);
  if (/^(<=|>=|==|!=|<|>)/.test(source) || !expressionLike) return `expected ${CONDITION_HINT}`;
  try {
    parseExpression(source);
    return undefined;
  } catch (error) {
    const column = error instanceof ExpressionError ? error.column : 1;
    return `${(error as Error).message} at column ${column} of "${source}" (expected ${EXPRESSION_HINT})`;
  }
}

export function isExpression(condition: Condition): condition is ExpressionCondition {
  return "expression" in condition;
}

export function conditionNeedsBaseline(condition: Condition): boolean {
  return isExpression(condition) ? condition.needsBaseline : condition.baseline !== undefined;
}

/** The threshold a measurement is compared with, or undefined when it needs a baseline we do not have. */
export function threshold(condition: ComparatorCondition, baseline: number | undefined): number | undefined {
  if (!condition.baseline) return condition.value;
  if (baseline === undefined || !Number.isFinite(baseline)) return undefined;
  return condition.baseline === "ratio" ? baseline * condition.value : baseline + condition.value;
}
