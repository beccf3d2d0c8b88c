/**
 * A small expression language for analysis conditions, parsed (never evaluated as code):
 *
 *   result < 2%                        result <= 100ms                    result < 0.02 && result >= 0
 *   result < 3 * baseline              ratio < 300%                       !(result > 1s) || baseline == 0
 *
 * Variables: `result` (this reading), `baseline` (the baseline's reading: measured alongside the canary
 * when the analysis names a baseline query, otherwise once before the first step) and `ratio`
 * (result / baseline; 1 when both are 0). Numbers may carry a unit: `%` (2% = 0.02), `ms` and `s`
 * (durations, converted to the unit the provider measures in: milliseconds for an HTTP latency probe,
 * seconds otherwise, as Prometheus does). Operators: `+ - * /`, comparisons `< <= > >= == !=`, `&&`,
 * `||`, `!`, parentheses. The whole must be a comparison (true or false), never a bare number.
 */
import { holds, type Comparator } from "./comparator.js";

export type Variable = "result" | "baseline" | "ratio";
export type DurationUnit = "ms" | "s";
type ArithOp = "+" | "-" | "*" | "/";

export type Expr =
  | { readonly kind: "number"; readonly value: number; readonly unit?: "%" | "ms" | "s" }
  | { readonly kind: "variable"; readonly name: Variable }
  | { readonly kind: "negate"; readonly operand: Expr }
  | { readonly kind: "arith"; readonly op: ArithOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "compare"; readonly op: Comparator; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "not"; readonly operand: Expr }
  | { readonly kind: "logic"; readonly op: "&&" | "||"; readonly left: Expr; readonly right: Expr };

export class ExpressionError extends Error {
  /** 1-based column in the expression. */
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

const VARIABLES: readonly string[] = ["result", "baseline", "ratio"];

interface Token {
  readonly kind: "number" | "name" | "op" | "(" | ")" | "end";
  readonly text: string;
  readonly at: number;
  readonly value?: number;
  readonly unit?: "%" | "ms" | "s";
}

const OPERATORS = ["<=", ">=", "==", "!=", "&&", "||", "<", ">", "+", "-", "*", "/", "!"];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const number = /^(\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?\s*(%|ms|s(?![a-zA-Z_]))?/.exec(source.slice(i));
    if (number) {
      const unit = number[2] as Token["unit"];
      tokens.push({
        kind: "number",
        text: number[0],
        at: i,
        value: Number(number[1]),
        ...(unit ? { unit } : {}),
      });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (name) {
      if (!VARIABLES.includes(name[0]))
        throw new ExpressionError(`unknown name "${name[0]}": use result, baseline or ratio`, i + 1);
      tokens.push({ kind: "name", text: name[0], at: i });
      i += name[0].length;
      continue;
    }
    if (c === "(" || c === ")") {
      tokens.push({ kind: c, text: c, at: i });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", text: op, at: i });
      i += op.length;
      continue;
    }
    const hint = c === "=" ? ' (compare with "==")' : c === "&" || c === "|" ? ` (write "${c}${c}")` : "";
    throw new ExpressionError(`unexpected "${c}"${hint}`, i + 1);
  }
  tokens.push({ kind: "end", text: "the end", at: source.length });
  return tokens;
}

type Typed = { readonly expr: Expr; readonly type: "number" | "boolean" };

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private get next(): Token {
    return this.tokens[this.i]!;
  }
  private take(): Token {
    return this.tokens[this.i++]!;
  }
  private isOp(...ops: string[]): boolean {
    return this.next.kind === "op" && ops.includes(this.next.text);
  }
  private fail(message: string, token = this.next): never {
    throw new ExpressionError(message, token.at + 1);
  }
  private expect(type: Typed["type"], typed: Typed, token: Token, what: string): Expr {
    if (typed.type !== type)
      this.fail(
        type === "boolean"
          ? `${what} needs a comparison such as "result < 2%"`
          : `${what} needs a number, not a comparison`,
        token,
      );
    return typed.expr;
  }

  /** A binary operator's two sides, each of the type the operator takes (an error names the operator). */
  private operands(
    type: Typed["type"],
    token: Token,
    left: Typed,
    right: Typed,
  ): { left: Expr; right: Expr } {
    const what = `"${token.text}"`;
    return { left: this.expect(type, left, token, what), right: this.expect(type, right, token, what) };
  }

  private logic(token: Token, left: Typed, right: Typed): Typed {
    const op = token.text as "&&" | "||";
    return { type: "boolean", expr: { kind: "logic", op, ...this.operands("boolean", token, left, right) } };
  }

  private arith(token: Token, left: Typed, right: Typed): Typed {
    const op = token.text as ArithOp;
    return { type: "number", expr: { kind: "arith", op, ...this.operands("number", token, left, right) } };
  }

  parse(): Expr {
    const first = this.next;
    const whole = this.or();
    if (this.next.kind !== "end")
      this.fail(`unexpected "${this.next.text}": expected an operator or the end`);
    return this.expect("boolean", whole, first, "a condition");
  }

  private or(): Typed {
    let left = this.and();
    while (this.isOp("||")) {
      const token = this.take();
      const right = this.and();
      left = this.logic(token, left, right);
    }
    return left;
  }

  private and(): Typed {
    let left = this.not();
    while (this.isOp("&&")) {
      const token = this.take();
      const right = this.not();
      left = this.logic(token, left, right);
    }
    return left;
  }

  private not(): Typed {
    if (this.isOp("!")) {
      const token = this.take();
      const operand = this.not();
      return {
        type: "boolean",
        expr: { kind: "not", operand: this.expect("boolean", operand, token, '"!"') },
      };
    }
    return this.comparison();
  }

  private comparison(): Typed {
    const left = this.sum();
    if (!this.isOp("<", "<=", ">", ">=", "==", "!=")) return left;
    const token = this.take();
    const right = this.sum();
    if (this.isOp("<", "<=", ">", ">=", "==", "!="))
      this.fail('comparisons do not chain: write "a < b && b < c"');
    const op = token.text as Comparator;
    return { type: "boolean", expr: { kind: "compare", op, ...this.operands("number", token, left, right) } };
  }

  private sum(): Typed {
    let left = this.product();
    while (this.isOp("+", "-")) {
      const token = this.take();
      const right = this.product();
      left = this.arith(token, left, right);
    }
    return left;
  }

  private product(): Typed {
    let left = this.unary();
    while (this.isOp("*", "/")) {
      const token = this.take();
      const right = this.unary();
      left = this.arith(token, left, right);
    }
    return left;
  }

  private unary(): Typed {
    if (this.isOp("-")) {
      const token = this.take();
      const operand = this.unary();
      return {
        type: "number",
        expr: { kind: "negate", operand: this.expect("number", operand, token, '"-"') },
      };
    }
    return this.atom();
  }

  private atom(): Typed {
    const token = this.take();
    if (token.kind === "number")
      return {
        type: "number",
        expr: { kind: "number", value: token.value!, ...(token.unit ? { unit: token.unit } : {}) },
      };
    if (token.kind === "name")
      return { type: "number", expr: { kind: "variable", name: token.text as Variable } };
    if (token.kind === "(") {
      const inner = this.or();
      if (this.next.kind !== ")") this.fail(`expected ")" to close the "(" at column ${token.at + 1}`);
      this.take();
      return inner;
    }
    return this.fail(
      token.kind === "end"
        ? "the condition ends too early: expected a number, result, baseline or ratio"
        : `unexpected "${token.text}": expected a number, result, baseline or ratio`,
      token,
    );
  }
}

export function parseExpression(source: string): Expr {
  if (source.trim() === "") throw new ExpressionError("the condition is empty", 1);
  return new Parser(tokenize(source)).parse();
}

export function variablesOf(expr: Expr): Set<Variable> {
  const found = new Set<Variable>();
  const walk = (e: Expr): void => {
    if (e.kind === "variable") found.add(e.name);
    else if (e.kind === "negate" || e.kind === "not") walk(e.operand);
    else if (e.kind !== "number") {
      walk(e.left);
      walk(e.right);
    }
  };
  walk(expr);
  return found;
}

/** True when the expression writes a percentage (for showing readings as percents). */
export function usesPercent(expr: Expr): boolean {
  if (expr.kind === "number") return expr.unit === "%";
  if (expr.kind === "variable") return false;
  if (expr.kind === "negate" || expr.kind === "not") return usesPercent(expr.operand);
  return usesPercent(expr.left) || usesPercent(expr.right);
}

/** A number in the provider's terms: 2% → 0.02; 100ms → 0.1 (seconds) or 100 (milliseconds). */
export function numberValue(node: Extract<Expr, { kind: "number" }>, durations: DurationUnit): number {
  if (node.unit === "%") return node.value / 100;
  if (node.unit === "ms") return durations === "ms" ? node.value : node.value / 1000;
  if (node.unit === "s") return durations === "ms" ? node.value * 1000 : node.value;
  return node.value;
}

export interface Bindings {
  readonly result: number;
  readonly baseline?: number;
}

/** `ratio` when the baseline is 0: equal readings are 1, anything above nothing is infinitely more. */
export function ratioOf(result: number, baseline: number): number {
  if (baseline === 0) return result === 0 ? 1 : result > 0 ? Infinity : -Infinity;
  return result / baseline;
}

function number(expr: Expr, b: Bindings, durations: DurationUnit): number {
  switch (expr.kind) {
    case "number":
      return numberValue(expr, durations);
    case "variable":
      if (expr.name === "result") return b.result;
      if (b.baseline === undefined) throw new Error("no baseline reading");
      return expr.name === "baseline" ? b.baseline : ratioOf(b.result, b.baseline);
    case "negate":
      return -number(expr.operand, b, durations);
    case "arith": {
      const l = number(expr.left, b, durations);
      const r = number(expr.right, b, durations);
      return expr.op === "+" ? l + r : expr.op === "-" ? l - r : expr.op === "*" ? l * r : l / r;
    }
    default:
      throw new Error("not a number");
  }
}

/** Whether the condition holds for these readings (a baseline it needs must be bound). */
export function evaluate(expr: Expr, b: Bindings, durations: DurationUnit): boolean {
  switch (expr.kind) {
    case "not":
      return !evaluate(expr.operand, b, durations);
    case "logic":
      return expr.op === "&&"
        ? evaluate(expr.left, b, durations) && evaluate(expr.right, b, durations)
        : evaluate(expr.left, b, durations) || evaluate(expr.right, b, durations);
    case "compare":
      return holds(expr.op, number(expr.left, b, durations), number(expr.right, b, durations));
  }
  throw new Error("not a condition");
}
