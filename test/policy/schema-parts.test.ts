/**
 * Unit tests for the pieces the policy loader is built from: durations, conditions, error helpers,
 * the YAML source map, and the located validation of arbitrary zod schemas.
 */
import { describe, expect, test } from "@jest/globals";
import { parseEvents } from "js-yaml";
import { z } from "zod";
import { holds, type Comparator } from "../../src/policy/comparator.js";
import { parseCondition, threshold, type Condition } from "../../src/policy/condition.js";
import { formatDuration, parseDuration } from "../../src/policy/duration.js";
import {
  closest,
  describeValue,
  didYouMean,
  formatPath,
  formatPolicyError,
  InvalidPolicyError,
  type PathSegment,
  type PolicyError,
} from "../../src/policy/errors.js";
import { GENERATED_SCHEMAS } from "../../scripts/json-schemas.js";
import { DEFAULT_POLICY_PATH, loadPolicy } from "../../src/policy/load.js";
import { SourceMap } from "../../src/policy/source-map.js";
import { locator, parseLocatedYaml, sortByPosition, validateLocated } from "../../src/policy/located-yaml.js";

describe("parseDuration", () => {
  test.each([
    ["30s", 30_000],
    ["5m", 300_000],
    ["24h", 86_400_000],
    ["2d", 172_800_000],
    ["250ms", 250],
    ["0s", 0],
    ["1h30m", 5_400_000],
    ["1d2h3m4s5ms", 93_784_005],
    ["90m", 5_400_000],
    ["1m1m", 120_000],
    ["007s", 7_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each([
    "",
    "5",
    "24x",
    "5 minutes",
    "5 m",
    "-5m",
    "+5m",
    "1.5h",
    "m",
    "5M",
    "1h 30m",
    " 5m",
    "5m ",
    "ms",
    "5mss",
  ])("%j is not a duration", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("formatDuration", () => {
  test.each([
    [0, "0s"],
    [-5_000, "0s"],
    [1.6, "2ms"],
    [250, "250ms"],
    [1_000, "1s"],
    [1_500, "1s"],
    [59_999, "59s"],
    [90_000, "1m30s"],
    [3_600_000, "1h"],
    [86_400_000, "24h"],
    [129_600_000, "36h"],
    [172_800_000, "2d"],
    [176_400_000, "2d1h"],
    [93_784_005, "26h3m4s"],
    [1_209_600_000, "14d"],
  ])("%d ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test("formatting then parsing gives back whole seconds", () => {
    for (const ms of [1_000, 61_000, 3_599_000, 86_399_000, 200_000_000, 1_234_567_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});

describe("parseCondition", () => {
  const cases: [string, Omit<Condition, "source">][] = [
    ["< 1%", { comparator: "<", value: 0.01 }],
    ["<= 0.5", { comparator: "<=", value: 0.5 }],
    ["> 300", { comparator: ">", value: 300 }],
    [">= 250", { comparator: ">=", value: 250 }],
    ["== 0", { comparator: "==", value: 0 }],
    ["!= 1", { comparator: "!=", value: 1 }],
    ["<-2", { comparator: "<", value: -2 }],
    ["> -0.5%", { comparator: ">", value: -0.005 }],
    ["> 300% of baseline", { comparator: ">", value: 3, baseline: "ratio" }],
    ["<= 2 of baseline", { comparator: "<=", value: 2, baseline: "ratio" }],
    ["> baseline + 0.5%", { comparator: ">", value: 0.005, baseline: "plus" }],
    [">= baseline+10", { comparator: ">=", value: 10, baseline: "plus" }],
    ["> baseline * 1.5", { comparator: ">", value: 1.5, baseline: "ratio" }],
    ["< baseline * 50%", { comparator: "<", value: 0.5, baseline: "ratio" }],
  ];

  test.each(cases)("%s", (text, expected) => {
    expect(parseCondition(text)).toEqual({ source: text, ...expected });
  });

  test("surrounding whitespace is trimmed from the source", () => {
    expect(parseCondition("  < 5  ")).toEqual({ source: "< 5", comparator: "<", value: 5 });
  });

  test.each([
    "",
    "1%",
    "< ",
    "=> 5",
    "=< 5",
    "= 5",
    "<> 5",
    "> abc",
    "> 1.%",
    "> .5",
    "> 5 %",
    "above 5%",
    "> 5 of",
    "> 5 of the baseline",
    "> 5% baseline",
    "> baseline - 1",
    "> baseline / 2",
    "> baseline",
    "> baseline + ",
    "< 1% or > 5%",
  ])("%j is not a condition", (text) => {
    expect(parseCondition(text)).toBeUndefined();
  });
});

describe("threshold", () => {
  const absolute = parseCondition("< 1%")!;
  const ratio = parseCondition("> 150% of baseline")!;
  const factor = parseCondition("> baseline * 2")!;
  const plus = parseCondition("> baseline + 0.5%")!;

  test("an absolute condition ignores the baseline", () => {
    expect(threshold(absolute, undefined)).toBe(0.01);
    expect(threshold(absolute, 42)).toBe(0.01);
  });

  test("a ratio multiplies the baseline", () => {
    expect(threshold(ratio, 0.02)).toBeCloseTo(0.03);
    expect(threshold(factor, 10)).toBe(20);
    expect(threshold(ratio, 0)).toBe(0);
  });

  test("an addition adds to the baseline", () => {
    expect(threshold(plus, 0.01)).toBeCloseTo(0.015);
    expect(threshold(plus, -1)).toBeCloseTo(-0.995);
  });

  test.each([undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "a relative condition has no threshold without a finite baseline (%p)",
    (baseline) => {
      expect(threshold(ratio, baseline)).toBeUndefined();
      expect(threshold(plus, baseline)).toBeUndefined();
    },
  );
});

describe("holds", () => {
  const table: [Comparator, [number, number, boolean][]][] = [
    [
      "<",
      [
        [1, 2, true],
        [2, 2, false],
        [3, 2, false],
      ],
    ],
    [
      "<=",
      [
        [1, 2, true],
        [2, 2, true],
        [3, 2, false],
      ],
    ],
    [
      ">",
      [
        [1, 2, false],
        [2, 2, false],
        [3, 2, true],
      ],
    ],
    [
      ">=",
      [
        [1, 2, false],
        [2, 2, true],
        [3, 2, true],
      ],
    ],
    [
      "==",
      [
        [1, 2, false],
        [2, 2, true],
        [3, 2, false],
      ],
    ],
    [
      "!=",
      [
        [1, 2, true],
        [2, 2, false],
        [3, 2, true],
      ],
    ],
  ];

  test.each(table)("%s", (comparator, rows) => {
    for (const [measured, limit, expected] of rows)
      expect([measured, limit, holds(comparator, measured, limit)]).toEqual([measured, limit, expected]);
  });

  test("NaN satisfies only !=", () => {
    const comparators: Comparator[] = ["<", "<=", ">", ">=", "==", "!="];
    expect(comparators.filter((c) => holds(c, Number.NaN, 1))).toEqual(["!="]);
  });

  test("a condition and its threshold decide a measurement", () => {
    const condition = parseCondition("> 200% of baseline")!;
    expect(holds(condition.comparator, 0.05, threshold(condition, 0.02)!)).toBe(true);
    expect(holds(condition.comparator, 0.03, threshold(condition, 0.02)!)).toBe(false);
  });
});

describe("formatPath", () => {
  test.each<[PathSegment[], string]>([
    [[], ""],
    [["environments"], "environments"],
    [["environments", "production", "requires", 0, "soak"], "environments.production.requires[0].soak"],
    [["approvers", "leads", 1], "approvers.leads[1]"],
    [[0], "[0]"],
    [[0, "a"], "[0].a"],
    [["a", 0, 1], "a[0][1]"],
    [["environments", "prod env", "*"], "environments.prod env.*"],
  ])("%j → %j", (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe("closest and didYouMean", () => {
  const keys = ["environments", "approvers", "analyses", "strategies", "version"];

  test("an exact or case-insensitive match", () => {
    expect(closest("version", keys)).toBe("version");
    expect(closest("Version", keys)).toBe("version");
  });

  test("a typo within the tolerance (2, or a third of the word's length)", () => {
    expect(closest("enviroments", keys)).toBe("environments");
    expect(closest("envirnmnts", keys)).toBe("environments"); // 2 edits
    expect(closest("nvirnmnts", keys)).toBe("environments"); // 3 edits, 9 letters: tolerance 3
    expect(closest("versoin", keys)).toBe("version"); // a transposition is 2 edits
    expect(closest("ab", ["abcd"])).toBe("abcd");
  });

  test("nothing close enough", () => {
    expect(closest("colour", keys)).toBeUndefined();
    expect(closest("ab", ["abcde"])).toBeUndefined();
    expect(closest("anything", [])).toBeUndefined();
  });

  test("the first of equally close candidates", () => {
    expect(closest("cat", ["bat", "hat"])).toBe("bat");
    expect(closest("cat", new Set(["hat", "bat"]))).toBe("hat");
  });

  test("an empty word", () => {
    expect(closest("", ["ab", "abc"])).toBe("ab");
    expect(closest("", ["abc"])).toBeUndefined();
  });

  test("didYouMean phrases the suggestion, or says nothing", () => {
    expect(didYouMean("aproval", ["approval", "approvals"])).toBe(' (did you mean "approval"?)');
    expect(didYouMean("colour", keys)).toBe("");
  });
});

describe("describeValue", () => {
  test.each<[unknown, string]>([
    [undefined, "nothing"],
    [null, "null"],
    [[], "a list"],
    [[1, 2], "a list"],
    [{}, "a mapping"],
    [{ a: 1 }, "a mapping"],
    ["two", '"two"'],
    ["", '""'],
    ['say "hi"', '"say \\"hi\\""'],
    [5, "5"],
    [-1.5, "-1.5"],
    [true, "true"],
    [false, "false"],
  ])("%p → %s", (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  test("a long string is cut to 60 characters, still closed by a quote", () => {
    const text = describeValue("x".repeat(100));
    expect(text).toBe(`"${"x".repeat(56)}…"`);
    expect(text).toHaveLength(59);
    expect(describeValue("y".repeat(58))).toBe(`"${"y".repeat(58)}"`);
  });
});

describe("formatPolicyError and InvalidPolicyError", () => {
  const located: PolicyError = {
    file: ".github/tollgate.yml",
    line: 14,
    column: 16,
    path: "environments.production.approvals.major.count",
    message: 'expected a positive integer, got "two"',
  };
  const whole: PolicyError = {
    file: "x.yml",
    line: 1,
    column: 1,
    path: "",
    message: "the policy file is empty",
  };

  test("with and without a key path", () => {
    expect(formatPolicyError(located)).toBe(
      '.github/tollgate.yml:14:16 environments.production.approvals.major.count: expected a positive integer, got "two"',
    );
    expect(formatPolicyError(whole)).toBe("x.yml:1:1 the policy file is empty");
  });

  test("InvalidPolicyError lists every error", () => {
    const error = new InvalidPolicyError([located, whole]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("InvalidPolicyError");
    expect(error.errors).toEqual([located, whole]);
    expect(error.message).toBe(
      `The policy is invalid:\n${formatPolicyError(located)}\nx.yml:1:1 the policy file is empty`,
    );
  });
});

describe("SourceMap", () => {
  const mapOf = (source: string) => new SourceMap(source, parseEvents(source, {}));
  /** The text at a position, to the end of its line. */
  const at = (source: string, { line, column }: { line: number; column: number }) =>
    source.split("\n")[line - 1]!.slice(column - 1);

  const block = [
    "root:",
    "  name: demo",
    "  list:",
    "    - first",
    "    - second: 2",
    "      third: 3",
    "  last: end",
    "",
  ].join("\n");

  test("keys and values of a block mapping", () => {
    const map = mapOf(block);
    expect(map.keyAt(["root", "name"])).toEqual({ line: 2, column: 3 });
    expect(map.valueAt(["root", "name"])).toEqual({ line: 2, column: 9 });
    expect(map.keyAt(["root"])).toEqual({ line: 1, column: 1 });
    expect(map.valueAt(["root"])).toEqual({ line: 2, column: 3 });
    expect(at(block, map.valueAt(["root", "last"]))).toBe("end");
  });

  test("items of a block sequence, and mappings inside them", () => {
    const map = mapOf(block);
    expect(at(block, map.valueAt(["root", "list"]))).toBe("- first");
    expect(at(block, map.valueAt(["root", "list", 0]))).toBe("first");
    expect(at(block, map.valueAt(["root", "list", 1]))).toBe("second: 2");
    expect(at(block, map.keyAt(["root", "list", 1, "third"]))).toBe("third: 3");
    expect(at(block, map.valueAt(["root", "list", 1, "third"]))).toBe("3");
  });

  test("an item has no key: keyAt falls back to its value", () => {
    const map = mapOf(block);
    expect(map.keyAt(["root", "list", 0])).toEqual(map.valueAt(["root", "list", 0]));
  });

  test("a path that is not in the file falls back to the nearest ancestor's key", () => {
    const map = mapOf(block);
    expect(map.valueAt(["root", "missing"])).toEqual({ line: 1, column: 1 });
    expect(map.valueAt(["root", "list", 7, "deeper"])).toEqual(map.keyAt(["root", "list"]));
    expect(map.keyAt(["root", "name", "below a scalar"])).toEqual(map.keyAt(["root", "name"]));
    expect(map.valueAt(["elsewhere"])).toEqual({ line: 1, column: 1 });
  });

  test("the root value, and an empty document", () => {
    expect(mapOf(block).valueAt([])).toEqual({ line: 1, column: 1 });
    expect(mapOf("").valueAt(["anything"])).toEqual({ line: 1, column: 1 });
    expect(mapOf("\n\n  scalar\n").valueAt([])).toEqual({ line: 3, column: 3 });
  });

  test("flow collections", () => {
    const source = 'a: { b: [1, { c: "x" }], d: [] }\n';
    const map = mapOf(source);
    expect(at(source, map.valueAt(["a"]))).toMatch(/^\{ b:/);
    expect(at(source, map.valueAt(["a", "b"]))).toMatch(/^\[1,/);
    expect(at(source, map.valueAt(["a", "b", 0]))).toMatch(/^1,/);
    expect(at(source, map.valueAt(["a", "b", 1]))).toMatch(/^\{ c:/);
    expect(at(source, map.keyAt(["a", "b", 1, "c"]))).toMatch(/^c:/);
    expect(at(source, map.valueAt(["a", "b", 1, "c"]))).toMatch(/^"x"/);
    expect(at(source, map.valueAt(["a", "d"]))).toBe("[] }");
  });

  test("quoted scalars point at their opening quote, keys included", () => {
    const source = '"quoted key": \'single\'\nplain: "double \\" escaped"\n';
    const map = mapOf(source);
    expect(at(source, map.keyAt(["quoted key"]))).toMatch(/^"quoted key"/);
    expect(at(source, map.valueAt(["quoted key"]))).toBe("'single'");
    expect(at(source, map.valueAt(["plain"]))).toMatch(/^"double/);
  });

  test("a tagged scalar points at its tag", () => {
    const source = "a: !!str 5\n";
    expect(at(source, mapOf(source).valueAt(["a"]))).toBe("!!str 5");
  });

  test("an alias points at its asterisk", () => {
    const source = "base: &b 5\nuse: *b\nlist: [*b]\n";
    const map = mapOf(source);
    expect(at(source, map.valueAt(["use"]))).toBe("*b");
    expect(at(source, map.valueAt(["list", 0]))).toBe("*b]");
  });

  test("an anchored scalar, mapping or sequence points at its ampersand", () => {
    const source = "a: &s 5\nb: &m { x: 1 }\nc: &q\n  - 1\n";
    const map = mapOf(source);
    expect(at(source, map.valueAt(["a"]))).toBe("&s 5");
    expect(at(source, map.valueAt(["b"]))).toBe("&m { x: 1 }");
    expect(at(source, map.valueAt(["c"]))).toBe("&q");
  });

  test("a complex key is skipped, and the keys after it are still located", () => {
    const source = "? [a, b]\n: 1\n? { k: v }\n: 2\nafter: 3\n";
    const map = mapOf(source);
    expect(map.keyAt(["after"])).toEqual({ line: 5, column: 1 });
    expect(map.valueAt(["after"])).toEqual({ line: 5, column: 8 });
  });

  test("several documents are all indexed (the loader rejects them separately)", () => {
    const source = "a: 1\n---\nb: 2\n";
    const map = mapOf(source);
    expect(map.valueAt(["a"])).toEqual({ line: 1, column: 4 });
    expect(map.valueAt(["b"])).toEqual({ line: 3, column: 4 });
  });

  test("positionOf counts lines and columns from 1", () => {
    const map = mapOf("ab\ncd\n\nef");
    expect(map.positionOf(0)).toEqual({ line: 1, column: 1 });
    expect(map.positionOf(2)).toEqual({ line: 1, column: 3 });
    expect(map.positionOf(3)).toEqual({ line: 2, column: 1 });
    expect(map.positionOf(6)).toEqual({ line: 3, column: 1 });
    expect(map.positionOf(7)).toEqual({ line: 4, column: 1 });
    expect(map.positionOf(9)).toEqual({ line: 4, column: 3 });
  });
});

describe("parseLocatedYaml", () => {
  test("a document, with its source map", () => {
    const parsed = parseLocatedYaml("a: [1, 2]\n", "f.yml");
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toEqual({ a: [1, 2] });
    expect(parsed.map.valueAt(["a", 1])).toEqual({ line: 1, column: 8 });
  });

  test("a syntax error is located", () => {
    expect(parseLocatedYaml("a: [1, 2\nb: 3\n", "f.yml")).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({
          file: "f.yml",
          path: "",
          message: expect.stringMatching(/^YAML syntax error: /),
        }),
      ],
    });
  });

  test("unknown tags are syntax errors, at the tag", () => {
    expect(parseLocatedYaml("a: !!binary aGk=\n", "f.yml")).toEqual({
      ok: false,
      errors: [
        {
          file: "f.yml",
          line: 1,
          column: 4,
          path: "",
          message: "YAML syntax error: unknown scalar tag !<tag:yaml.org,2002:binary>",
        },
      ],
    });
  });

  test("too many aliases (a billion laughs) are refused", () => {
    const source = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      ...Array.from({ length: 12 }, (_, i) => `b${i}: [${"*a, ".repeat(10)}*a]`),
    ].join("\n");
    const parsed = parseLocatedYaml(source, "f.yml");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]!.message).toMatch(/^YAML syntax error: .*alias/i);
  });

  test("nesting deeper than the parser allows is refused", () => {
    const parsed = parseLocatedYaml(`a: ${"[".repeat(500)}${"]".repeat(500)}\n`, "f.yml");
    expect(parsed.ok).toBe(false);
  });
});

describe("validateLocated with other schemas", () => {
  const validate = (schema: z.ZodType, source: string) => {
    const parsed = parseLocatedYaml(source, "f.yml");
    if (!parsed.ok) throw new Error(parsed.errors.map(formatPolicyError).join("\n"));
    const result = validateLocated(schema, parsed.value, locator(parsed.map, "f.yml"));
    return result.ok ? result.data : result.errors.map(formatPolicyError);
  };

  test("valid data is returned as parsed", () => {
    expect(validate(z.object({ a: z.number().default(1), b: z.string() }), "b: x\n")).toEqual({
      a: 1,
      b: "x",
    });
  });

  test("zod's default messages are replaced with plain ones", () => {
    const schema = z.strictObject({
      kind: z.enum(["alpha", "beta"]),
      size: z.number().min(2).max(5),
      tags: z.array(z.string()).max(1),
      flag: z.boolean(),
      id: z.int(),
      mail: z.email(),
    });
    expect(validate(schema, "kind: alfa\nsize: 9\ntags: [a, b]\nflag: 1\nid: x\nmail: nope\n")).toEqual([
      'f.yml:1:7 kind: expected one of "alpha", "beta", got "alfa" (did you mean "alpha"?)',
      "f.yml:2:7 size: expected at most 5, got 9",
      "f.yml:3:7 tags: expected at most 1, got 2",
      "f.yml:4:7 flag: expected true or false, got 1",
      'f.yml:5:5 id: expected a number, got "x"',
      'f.yml:6:7 mail: Invalid email address, got "nope"',
    ]);
    expect(validate(schema.partial(), "size: 1\n")).toEqual(["f.yml:1:7 size: expected at least 2, got 1"]);
  });

  test("a required key is reported at the mapping that lacks it", () => {
    expect(validate(z.object({ outer: z.object({ inner: z.string() }) }), "outer:\n  other: 1\n")).toEqual([
      "f.yml:1:1 outer.inner: is required: expected a string",
    ]);
  });

  test("unknown keys are suggested from the schema at their depth, through records, lists and unions", () => {
    const leaf = z.strictObject({ name: z.string(), weight: z.number() });
    const schema = z.strictObject({
      byName: z.record(z.string(), leaf).optional(),
      list: z.array(leaf).optional(),
      either: z.union([z.string(), z.array(leaf)]).optional(),
      piped: z
        .strictObject({ inner: leaf })
        .transform((v) => v)
        .optional(),
    });
    expect(
      validate(
        schema,
        [
          "byName:",
          "  x: { name: a, wieght: 1 }",
          "list:",
          "  - { name: a, weight: 1, nmae: b }",
          "either:",
          "  - { name: a, weight: 2, colour: red }",
          "piped:",
          "  inner: { name: a, weight: 3, weigth: 4 }",
          "",
        ].join("\n"),
      ),
    ).toEqual([
      "f.yml:2:3 byName.x.weight: is required: expected a number",
      'f.yml:2:17 byName.x.wieght: unknown key "wieght" (did you mean "weight"?); expected one of: name, weight',
      'f.yml:4:27 list[0].nmae: unknown key "nmae" (did you mean "name"?); expected one of: name, weight',
      'f.yml:6:27 either[0].colour: unknown key "colour"; expected one of: name, weight',
      'f.yml:8:32 piped.inner.weigth: unknown key "weigth" (did you mean "weight"?); expected one of: name, weight',
    ]);
  });

  test("an unknown key where the schema has no object gets no list of keys", () => {
    expect(validate(z.record(z.string(), z.unknown()).pipe(z.strictObject({})), "stray: 1\n")).toEqual([
      'f.yml:1:1 stray: unknown key "stray"',
    ]);
  });

  test("sortByPosition orders by line, then column, keeping ties in order", () => {
    const e = (line: number, column: number, message: string): PolicyError => ({
      file: "f",
      line,
      column,
      path: "",
      message,
    });
    expect(
      sortByPosition([e(3, 1, "c"), e(1, 9, "b"), e(1, 2, "a"), e(3, 1, "d")]).map((x) => x.message),
    ).toEqual(["a", "b", "c", "d"]);
  });
});

describe("loadPolicy", () => {
  const minimal = "version: 1\nenvironments:\n  dev:\n    approval: none\n";

  test("the default file name is .github/tollgate.yml", () => {
    expect(DEFAULT_POLICY_PATH).toBe(".github/tollgate.yml");
    const result = loadPolicy("version: 1\n");
    expect(result.ok ? [] : result.errors.map((e) => e.file)).toEqual([DEFAULT_POLICY_PATH]);
  });

  test("a valid policy is normalized, with the source's digest", () => {
    const result = loadPolicy(minimal, "p.yml");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.document).toEqual({ version: 1, environments: { dev: { approval: "none" } } });
    expect(result.policy.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(result.policy.environments)).toEqual(["dev"]);
  });

  test("rolling batches given as a number are named 1/n … n/n", () => {
    const result = loadPolicy(
      `${minimal}strategies:\n  rolling: { type: rolling, run: ./deploy.sh, batches: 3, pause: 1m }\n  named: { type: rolling, run: [a, b], batches: [eu, us] }\n`,
      "p.yml",
    );
    expect(result.ok ? result.policy.strategies : result.errors.map(formatPolicyError)).toEqual({
      rolling: expect.objectContaining({
        batches: ["1/3", "2/3", "3/3"],
        run: ["./deploy.sh"],
        pauseMs: 60_000,
      }),
      named: expect.objectContaining({ batches: ["eu", "us"], run: ["a", "b"] }),
    });
  });
});

describe("generated JSON Schemas", () => {
  test.each(Object.entries(GENERATED_SCHEMAS))("%s is JSON with properties", (_file, generate) => {
    const text = generate();
    expect(text.endsWith("\n")).toBe(true);
    const schema = JSON.parse(text) as { type?: string; properties?: Record<string, unknown> };
    expect(schema.type).toBe("object");
    expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
  });

  test("the policy schema describes the top-level keys", () => {
    const schema = JSON.parse(GENERATED_SCHEMAS["schema/tollgate.schema.json"]!()) as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        "version",
        "approvers",
        "change_types",
        "checklist",
        "strategies",
        "analyses",
        "environments",
      ]),
    );
    expect(schema.required).toEqual(expect.arrayContaining(["version", "environments"]));
  });
});
