/**
 * Malformed policies and the exact located errors they produce: `FILE:LINE:COL key.path: message`.
 * Each case is a whole `.github/tollgate.yml`; the expected errors are what a person fixing the file
 * should read, in source order.
 */
import { describe, expect, test } from "@jest/globals";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";
import { FILE, yaml, type Case } from "./malformed/case.js";
import { contradictionsAndReferences } from "./malformed/contradictions-and-references.js";
import { keysAndValues } from "./malformed/keys-and-values.js";
import { syntaxAndTypes } from "./malformed/syntax-and-types.js";

const cases: Case[] = [...syntaxAndTypes, ...keysAndValues, ...contradictionsAndReferences];

function errorsOf(source: string): string[] {
  const result = loadPolicy(source, FILE);
  if (result.ok) return [];
  return result.errors.map((e) => formatPolicyError(e).slice(FILE.length + 1));
}

describe("malformed policies", () => {
  test("there are at least 45 cases, with distinct names", () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  test.each(cases)("$name", ({ source, errors }) => {
    expect(errors.length).toBeGreaterThan(0);
    expect(errorsOf(source)).toEqual(errors);
  });
});

describe("every error is located", () => {
  test.each(cases)("$name", ({ source }) => {
    const result = loadPolicy(source, FILE);
    const lines = source.split("\n");
    for (const error of result.ok ? [] : result.errors) {
      expect(error.file).toBe(FILE);
      expect(error.message).not.toBe("");
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.line).toBeLessThanOrEqual(lines.length);
      expect(error.column).toBeGreaterThanOrEqual(1);
      // An error about a key path points at a token of that line, not at blank space.
      if (error.path) expect(lines[error.line - 1]!.charAt(error.column - 1)).toMatch(/\S/);
    }
  });
});

interface Location {
  readonly name: string;
  readonly source: string;
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** What the text at line:column starts with. */
  readonly token: string;
}

const locations: Location[] = [
  {
    name: "a double-quoted value: its opening quote",
    source: 'version: 1\nenvironments:\n  dev:\n    approval: "sometimes"\n',
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: '"sometimes"',
  },
  {
    name: "a single-quoted value in a flow mapping",
    source: "version: 1\nenvironments: { dev: { approval: 'nope' } }\n",
    path: "environments.dev.approval",
    line: 2,
    column: 34,
    token: "'nope'",
  },
  {
    name: "an item in the middle of a flow sequence",
    source: "version: 1\nenvironments:\n  dev:\n    approval: none\n    strategies: [ok, 'bad name', fine]\n",
    path: "environments.dev.strategies[1]",
    line: 5,
    column: 22,
    token: "'bad name'",
  },
  {
    name: "an unknown key: the key itself",
    source: "version: 1\nenvironments:\n  dev:\n    approval: none\n    windws: {}\n",
    path: "environments.dev.windws",
    line: 5,
    column: 5,
    token: "windws",
  },
  {
    name: "a missing key: the key of the mapping that lacks it",
    source: "version: 1\nenvironments:\n  dev:\n    description: Development\n",
    path: "environments.dev.approval",
    line: 3,
    column: 3,
    token: "dev:",
  },
  {
    name: "a tagged value: its tag",
    source: "version: 1\nenvironments:\n  dev:\n    approval: !!str 5\n",
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: "!!str 5",
  },
  {
    name: "an alias: its asterisk",
    source:
      "version: 1\nx: &x 5\nanalyses:\n  a:\n    command: { run: x, measure: exit_code }\n    count: 2\n    failure_limit: 1\n    interval: *x\nenvironments:\n  dev:\n    approval: none\n",
    path: "analyses.a.interval",
    line: 8,
    column: 15,
    token: "*x",
  },
  {
    name: "a value after CRLF line ends",
    source: "version: 1\r\nenvironments:\r\n  dev:\r\n    approval: nope\r\n",
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: "nope",
  },
  {
    name: "an anchored value: its anchor",
    source: "version: 1\nenvironments:\n  dev:\n    approval: &mode sometimes\n",
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: "&mode sometimes",
  },
  {
    name: "an anchored mapping: its anchor",
    source: "version: 1\nenvironments:\n  dev: &dev [none]\n",
    path: "environments.dev",
    line: 3,
    column: 8,
    token: "&dev [none]",
  },
  {
    name: "a tagged and anchored value: its tag, written first",
    source: "version: 1\nenvironments:\n  dev:\n    approval: !!str &a nope\n",
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: "!!str &a nope",
  },
  {
    name: "a block scalar: its indicator",
    source: "version: 1\nenvironments:\n  dev:\n    approval: >-\n      sometimes\n",
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: ">-",
  },
  {
    name: "a value on the first line of a file with a byte order mark",
    source: "\uFEFFversion: 2\nenvironments:\n  dev:\n    approval: none\n",
    path: "version",
    line: 1,
    column: 10,
    token: "2",
  },
];

describe("error locations point at the offending token", () => {
  test.each(locations)("$name", ({ source, path, line, column, token }) => {
    const result = loadPolicy(source, FILE);
    const error = result.ok ? undefined : result.errors.find((e) => e.path === path);
    expect(error).toBeDefined();
    // Columns are counted as an editor shows them: a byte order mark is not a character of line 1.
    const text = source.replace(/^\uFEFF/, "").split(/\r?\n/)[error!.line - 1] ?? "";
    expect({
      line: error!.line,
      column: error!.column,
      token: text.slice(error!.column - 1, error!.column - 1 + token.length),
    }).toEqual({
      line,
      column,
      token,
    });
  });
});

describe("accepted on purpose", () => {
  const policy = (windows: string) =>
    `version: 1\nenvironments:\n  production:\n    approval: automatic\n    windows:\n${windows}`;

  test.each([
    ["a lower-case IANA zone (Intl canonicalizes it)", "      timezone: europe/stockholm\n"],
    ["an Etc/ fixed-offset zone", "      timezone: Etc/GMT+1\n"],
    ["a link name such as US/Pacific", "      timezone: US/Pacific\n"],
    ["24:00 as the end of a span", '      timezone: UTC\n      allow: [{ from: "18:00", to: "24:00" }]\n'],
    ["a span across midnight", '      timezone: UTC\n      deny: [{ from: "22:00", to: "06:00" }]\n'],
    ["a one-day freeze", "      timezone: UTC\n      freezes: [{ from: 2026-12-24, to: 2026-12-24 }]\n"],
  ])("%s", (_name, windows) => {
    const result = loadPolicy(policy(windows), FILE);
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([]);
  });

  test("an explicit document start, tabs after a colon and CRLF line ends", () => {
    const result = loadPolicy(
      "---\r\nversion: 1\r\nenvironments:\r\n  dev:\r\n    approval:\tnone\r\n",
      FILE,
    );
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([]);
  });

  test("combined durations and a zero soak", () => {
    const source = yaml`
      version: 1
      environments:
        staging:
          approval: none
        production:
          approval: automatic
          requires: [{ environment: staging, soak: 0s }]
          validation: { at: [0s, 1h30m, 250ms], analyses: [smoke] }
      analyses:
        smoke: { http: { url: "https://example.com/health" } }
    `;
    const result = loadPolicy(source, FILE);
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([]);
  });
});
