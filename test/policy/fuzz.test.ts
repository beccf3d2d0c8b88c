/**
 * Fuzzing the loader with mutations of the example policies. Whatever a person (or a bad merge) does
 * to the file, `loadPolicy` must not throw, and must answer either a policy or located errors.
 *
 * Deterministic: the seed is in the test name; set FUZZ_SEED to explore others, FUZZ_RUNS for more runs.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "@jest/globals";
import { formatPolicyError, type PolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20260705);
const root = "examples/policies";
const examples = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, "tollgate.yml")))
  .map((entry) => join(root, entry.name, "tollgate.yml"))
  .sort();
/** Mutated files per example policy: about 6000 in all, at least 1000 each (about 0.5 ms each). */
const RUNS = Number(process.env.FUZZ_RUNS ?? Math.max(1000, Math.ceil(6000 / Math.max(1, examples.length))));
const FILE = ".github/tollgate.yml";

/** mulberry32: a small, fast, seedable PRNG. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const int = (random: Random, n: number): number => Math.floor(random() * n);
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;

const SCALARS = [
  "42",
  "-1",
  "0",
  "3.14",
  "1e999",
  ".inf",
  ".nan",
  "0x1F",
  "true",
  "false",
  "null",
  "~",
  "",
  "[]",
  "{}",
  "[a, b]",
  "{ a: 1 }",
  '"quoted"',
  "''",
  "2026-01-01",
  "24:00",
  "group:nobody",
  "@org/team",
  "role:admin",
  "*",
  "|",
  ">-",
  "&anchor",
  "*alias",
  "!!binary aGk=",
  "!!timestamp 2026-01-01",
  "!custom x",
  "< 1%",
  "> baseline * -1",
  "-5m",
  "x".repeat(200),
];
const CHARACTERS = [
  "\t",
  " ",
  "\n",
  "\r",
  "\r\n",
  ":",
  "-",
  "- ",
  "? ",
  ",",
  "[",
  "]",
  "{",
  "}",
  "#",
  "&",
  "*",
  "!",
  "|",
  ">",
  "'",
  '"',
  "%",
  "@",
  "`",
  "\\",
  "---",
  "...",
  "<<: ",
  "é",
  "ß",
  "🚀",
  "\u200b",
  "\ufeff",
  "\u0000",
  "\u2028",
  "\ud800",
];

interface Mutation {
  readonly name: string;
  readonly apply: (lines: string[], random: Random) => string[];
}

const KEY = /^(\s*(?:- )?)([A-Za-z_$*"][\w$*"-]*)(\s*:)/;
const VALUE = /^(\s*(?:- )?[^\s:#][^:#]*:\s+)([^#\n]+)$/;

function nearMiss(word: string, random: Random): string {
  const i = int(random, word.length + 1);
  const letter = pick(random, [..."abcdefghijklmnopqrstuvwxyz_"]);
  switch (int(random, 4)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + letter + word.slice(i);
    case 2:
      return word.slice(0, i) + letter + word.slice(i + 1);
    default:
      return i + 1 < word.length
        ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)
        : word + letter;
  }
}

const MUTATIONS: Mutation[] = [
  {
    name: "delete a line",
    apply: (lines, random) => lines.filter((_, i) => i !== int(random, lines.length) || lines.length === 1),
  },
  {
    name: "duplicate a line",
    apply: (lines, random) => {
      const i = int(random, lines.length);
      return [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)];
    },
  },
  {
    name: "swap two lines",
    apply: (lines, random) => {
      const out = [...lines];
      const i = int(random, out.length);
      const j = int(random, out.length);
      [out[i], out[j]] = [out[j]!, out[i]!];
      return out;
    },
  },
  {
    name: "change indentation",
    apply: (lines, random) => {
      const out = [...lines];
      const i = int(random, out.length);
      const delta = pick(random, [-4, -2, -1, 1, 2, 4]);
      out[i] = delta > 0 ? " ".repeat(delta) + out[i] : out[i]!.replace(new RegExp(`^ {0,${-delta}}`), "");
      return out;
    },
  },
  {
    name: "indent with a tab",
    apply: (lines, random) => {
      const out = [...lines];
      const i = int(random, out.length);
      out[i] = out[i]!.replace(/^ {1,2}/, "\t");
      return out;
    },
  },
  {
    name: "replace a scalar with another type",
    apply: (lines, random) => {
      const candidates = lines.map((line, i) => (VALUE.test(line) ? i : -1)).filter((i) => i >= 0);
      if (candidates.length === 0) return lines;
      const out = [...lines];
      const i = pick(random, candidates);
      out[i] = out[i]!.replace(VALUE, (_, head: string) => head + pick(random, SCALARS));
      return out;
    },
  },
  {
    name: "swap two values",
    apply: (lines, random) => {
      const candidates = lines.map((line, i) => (VALUE.test(line) ? i : -1)).filter((i) => i >= 0);
      if (candidates.length < 2) return lines;
      const out = [...lines];
      const i = pick(random, candidates);
      const j = pick(random, candidates);
      const vi = VALUE.exec(out[i]!)![2]!;
      const vj = VALUE.exec(out[j]!)![2]!;
      out[i] = out[i]!.replace(VALUE, (_, head: string) => head + vj);
      out[j] = out[j]!.replace(VALUE, (_, head: string) => head + vi);
      return out;
    },
  },
  {
    name: "insert random characters",
    apply: (lines, random) => {
      const text = lines.join("\n");
      const at = int(random, text.length + 1);
      let insert = "";
      for (let n = 1 + int(random, 3); n > 0; n--) insert += pick(random, CHARACTERS);
      return (text.slice(0, at) + insert + text.slice(at)).split("\n");
    },
  },
  {
    name: "delete a few characters",
    apply: (lines, random) => {
      const text = lines.join("\n");
      const at = int(random, text.length);
      return (text.slice(0, at) + text.slice(at + 1 + int(random, 4))).split("\n");
    },
  },
  {
    name: "truncate the file",
    apply: (lines, random) => {
      const text = lines.join("\n");
      return text.slice(0, int(random, text.length)).split("\n");
    },
  },
  {
    name: "replace a key with a near-miss",
    apply: (lines, random) => {
      const candidates = lines.map((line, i) => (KEY.test(line) ? i : -1)).filter((i) => i >= 0);
      if (candidates.length === 0) return lines;
      const out = [...lines];
      const i = pick(random, candidates);
      out[i] = out[i]!.replace(
        KEY,
        (_, indent: string, key: string, colon: string) => indent + nearMiss(key, random) + colon,
      );
      return out;
    },
  },
];

interface Outcome {
  readonly mutations: string[];
  readonly source: string;
  readonly thrown?: unknown;
  readonly errors?: readonly PolicyError[];
}

function mutate(original: string, random: Random): { source: string; mutations: string[] } {
  let lines = original.split("\n");
  const mutations: string[] = [];
  for (let n = 1 + int(random, 3); n > 0; n--) {
    const mutation = pick(random, MUTATIONS);
    mutations.push(mutation.name);
    lines = mutation.apply(lines, random);
  }
  return { source: lines.join("\n"), mutations };
}

function run(original: string, seed: number): Outcome[] {
  const random = mulberry32(seed);
  const outcomes: Outcome[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { source, mutations } = mutate(original, random);
    try {
      const result = loadPolicy(source, FILE);
      outcomes.push({ mutations, source, ...(result.ok ? {} : { errors: result.errors }) });
    } catch (thrown) {
      outcomes.push({ mutations, source, thrown });
    }
  }
  return outcomes;
}

/** The kinds of problem with one outcome (e.g. "column < 1"); empty when it is fine. */
function problems(outcome: Outcome): string[] {
  if (outcome.thrown !== undefined) {
    const first =
      outcome.thrown instanceof Error
        ? `${outcome.thrown.name}: ${outcome.thrown.message}`
        : String(outcome.thrown);
    return [`threw ${first.split("\n")[0]}`];
  }
  if (outcome.errors === undefined) return [];
  if (outcome.errors.length === 0) return ["ok: false with no errors"];
  const lines = outcome.source.split("\n").length;
  const kinds = new Set<string>();
  for (const error of outcome.errors) {
    if (error.file !== FILE) kinds.add("wrong file");
    if (!Number.isInteger(error.line) || error.line < 1) kinds.add("line < 1");
    if (error.line > lines + 1) kinds.add("line beyond the end of the file");
    if (!Number.isInteger(error.column) || error.column < 1) kinds.add("column < 1");
    if (typeof error.message !== "string" || error.message.trim() === "") kinds.add("empty message");
  }
  return [...kinds];
}

/** One example (the shortest source) of each kind of problem, for a readable failure. */
function report(outcomes: Outcome[]): string[] {
  const examples = new Map<string, Outcome>();
  for (const outcome of outcomes) {
    for (const kind of problems(outcome)) {
      const seen = examples.get(kind);
      if (!seen || outcome.source.length < seen.source.length) examples.set(kind, outcome);
    }
  }
  return [...examples].map(([kind, outcome]) => {
    const errors = (outcome.errors ?? []).map(formatPolicyError).join("\n");
    const count = outcomes.filter((o) => problems(o).includes(kind)).length;
    return `${kind} (${count} of ${RUNS} runs), e.g. after ${outcome.mutations.join(", ")}:\n${errors}\n--- source ---\n${outcome.source}`;
  });
}

test("there are example policies to fuzz", () => {
  expect(examples.length).toBeGreaterThan(0);
});

describe(`loadPolicy on mutated example policies (seed ${SEED}, ${RUNS} runs each)`, () => {
  describe.each(examples.map((file, index) => ({ file, index })))("$file", ({ file, index }) => {
    let outcomes: Outcome[] = [];
    beforeAll(() => {
      outcomes = run(readFileSync(file, "utf8"), SEED + index);
    });

    test("the unmutated policy loads", () => {
      const result = loadPolicy(readFileSync(file, "utf8"), FILE);
      expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([]);
    });

    test("never throws, and a failed load always has errors", () => {
      expect(outcomes).toHaveLength(RUNS);
      const thrown = outcomes.filter((o) => o.thrown !== undefined || o.errors?.length === 0);
      expect(report(thrown)).toEqual([]);
    });

    test("every error has a message and a line and column inside the file", () => {
      const badlyLocated = outcomes.filter(
        (o) => o.thrown === undefined && o.errors !== undefined && o.errors.length > 0,
      );
      expect(report(badlyLocated)).toEqual([]);
    });

    test("the mutations exercise both outcomes", () => {
      const failed = outcomes.filter((o) => o.errors !== undefined).length;
      expect(failed).toBeGreaterThan(RUNS / 2);
      expect(failed).toBeLessThan(RUNS);
    });
  });
});
