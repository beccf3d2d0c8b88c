/** Expression conditions: the parser, units, what they decide, and the policy errors for bad ones. */
import { describe, expect, test } from "@jest/globals";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";
import {
  evaluate,
  ExpressionError,
  parseExpression,
  type DurationUnit,
} from "../../src/policy/expression.js";
import { judge } from "../../src/rollout/judge.js";
import { analysisOf, policyFrom } from "./helpers.js";

const holds = (source: string, result: number, baseline?: number, durations: DurationUnit = "s") =>
  evaluate(parseExpression(source), { result, ...(baseline !== undefined ? { baseline } : {}) }, durations);

describe("the expression parser", () => {
  test.each<[string, number, boolean]>([
    ["result < 2%", 0.019, true],
    ["result < 2%", 0.02, false],
    ["result <= 100ms", 0.1, true],
    ["result <= 100ms", 0.1001, false],
    ["result < 1.5s", 1.49, true],
    ["result < 0.02 && result >= 0", 0.01, true],
    ["result < 0.02 && result >= 0", -0.01, false],
    ["result > 5 || result < 1", 0.5, true],
    ["!(result > 1)", 0.5, true],
    ["result * 100 - 1 < 2 * (3 - 1)", 0.04, true],
    ["result * 100 - 1 < 2 * (3 - 1)", 0.06, false],
    ["-result > -1", 0.5, true],
    ["result / 2 == 0.25", 0.5, true],
    ["result != 0", 0, false],
    ["result < 1e-3", 0.0005, true],
    ["result < 2 %", 0.01, true],
  ])("%s with result %p is %p", (source, result, expected) => {
    expect(holds(source, result)).toBe(expected);
  });

  test("&& binds tighter than ||, and comparisons tighter than both", () => {
    // false || (true && true): true; (false || true) && false would be false.
    expect(holds("result > 5 || result < 2 && result > 0", 1)).toBe(true);
    expect(holds("result > 5 || result < 2 && result > 1", 1)).toBe(false);
  });

  test("durations follow the provider: milliseconds for an HTTP latency probe, seconds otherwise", () => {
    expect(holds("result <= 100ms", 100, undefined, "ms")).toBe(true);
    expect(holds("result <= 100ms", 101, undefined, "ms")).toBe(false);
    expect(holds("result < 2s", 1999, undefined, "ms")).toBe(true);
    expect(holds("result < 2s", 1.999, undefined, "s")).toBe(true);
  });

  test("baseline and ratio: relative conditions, 0 against 0 counting as equal", () => {
    expect(holds("result < 3 * baseline", 0.02, 0.01)).toBe(true);
    expect(holds("result < 3 * baseline", 0.03, 0.01)).toBe(false);
    expect(holds("ratio < 300%", 0.029, 0.01)).toBe(true);
    expect(holds("ratio < 300%", 0.031, 0.01)).toBe(false);
    expect(holds("ratio < 300%", 0, 0)).toBe(true);
    expect(holds("ratio < 300%", 0.001, 0)).toBe(false);
  });

  test.each<[string, string, number]>([
    ["latency < 100ms", 'unknown name "latency": use result, baseline or ratio', 1],
    ["result < ", "the condition ends too early: expected a number, result, baseline or ratio", 10],
    ["result = 1", 'unexpected "=" (compare with "==")', 8],
    ["result < 1 & result > 0", 'unexpected "&" (write "&&")', 12],
    ["result + 1", 'a condition needs a comparison such as "result < 2%"', 1],
    ["0 < result < 1", 'comparisons do not chain: write "a < b && b < c"', 12],
    ["(result < 1", 'expected ")" to close the "(" at column 1', 12],
    ["result < 1 && 2", '"&&" needs a comparison such as "result < 2%"', 12],
    ["(result < 1) + 1 > 0", '"+" needs a number, not a comparison', 14],
    ["result < 1 2", 'unexpected "2": expected an operator or the end', 12],
    ["result < 1; process.exit()", 'unexpected ";"', 11],
  ])("%s is refused: %s at column %p", (source, message, column) => {
    let caught: unknown;
    try {
      parseExpression(source);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    expect((caught as ExpressionError).message).toBe(message);
    expect((caught as ExpressionError).column).toBe(column);
  });
});

describe("expression conditions judge readings", () => {
  test("a failure expression with percent shows the reading as a percent", () => {
    const analysis = analysisOf({ failure: "result >= 2% || result < 0" });
    expect(judge(analysis, { value: 0.031 })).toEqual({
      verdict: "failed",
      text: "3.1 %: result >= 2% || result < 0 holds",
      value: 0.031,
    });
    expect(judge(analysis, { value: 0.001 })).toMatchObject({
      verdict: "successful",
      text: "0.1 %: result >= 2% || result < 0 fails",
    });
  });

  test("a relative expression names the baseline it compared with, and errs without one", () => {
    const analysis = analysisOf({ success: "result < 3 * baseline" });
    expect(judge(analysis, { value: 0.04 }, 0.01)).toMatchObject({
      verdict: "failed",
      text: "0.04 (baseline 0.01): result < 3 * baseline fails",
    });
    expect(judge(analysis, { value: 0.02 }, 0.01)).toMatchObject({ verdict: "successful" });
    expect(judge(analysis, { value: 0.02 })).toMatchObject({ verdict: "error" });
  });

  test("success and failure expressions with neither holding are inconclusive", () => {
    const analysis = analysisOf({ success: "result < 1%", failure: "result > 5%" });
    expect(judge(analysis, { value: 0.03 })).toMatchObject({
      verdict: "inconclusive",
      text: "3 %: neither result < 1% nor result > 5%",
    });
  });

  test("the comparator form keeps working beside expressions", () => {
    const policy = policyFrom(`
version: 1
analyses:
  a: { prometheus: { address: "http://p:9090", query: "q" }, success: "< 1%" }
  b: { prometheus: { address: "http://p:9090", query: "q" }, success: "result <= 100ms" }
  c: { http: { url: "http://svc/health", measure: latency }, success: "result <= 100ms" }
environments: { production: { approval: none } }
`);
    expect(judge(policy.analyses.a!, { value: 0.005 }).verdict).toBe("successful");
    // Prometheus measures seconds: 100ms is 0.1.
    expect(judge(policy.analyses.b!, { value: 0.09 }).verdict).toBe("successful");
    expect(judge(policy.analyses.b!, { value: 0.11 }).verdict).toBe("failed");
    // An HTTP latency probe measures milliseconds: 100ms is 100.
    expect(judge(policy.analyses.c!, { value: 90 }).verdict).toBe("successful");
    expect(judge(policy.analyses.c!, { value: 110 }).verdict).toBe("failed");
  });
});

describe("a bad expression is a located policy error naming what to fix", () => {
  test("line, column, key path and the parser's reason", () => {
    const loaded = loadPolicy(
      `version: 1
analyses:
  errors:
    prometheus: { address: "http://p:9090", query: "q" }
    success: "latency < 100ms"
    failure: "result > 5% &&"
environments: { production: { approval: none } }
`,
      "tollgate.yml",
    );
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const messages = loaded.errors.map(formatPolicyError).join("\n");
    expect(messages).toContain(
      'tollgate.yml:5:14 analyses.errors.success: unknown name "latency": use result, baseline or ratio at column 1 of "latency < 100ms"',
    );
    expect(messages).toContain(
      'tollgate.yml:6:14 analyses.errors.failure: the condition ends too early: expected a number, result, baseline or ratio at column 15 of "result > 5% &&"',
    );
  });
});
