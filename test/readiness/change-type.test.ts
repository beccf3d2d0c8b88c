/** A change's type from every source the policy declares, and how disagreements are settled. */
import { describe, expect, test } from "@jest/globals";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { ChangeTypes } from "../../src/policy/model.js";
import { conventionalTitle, deriveChangeType, type ChangeFacts } from "../../src/readiness/change-type.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import { renderMarkdown } from "../../src/readiness/render.js";
import { evidenceWith, NOW, testPolicy } from "./fixtures.js";

const none = { labels: [], paths: [], diff: [], titles: [] };
const TYPES: ChangeTypes = {
  default: "minor",
  types: {
    minor: { ...none, labels: ["minor"], semver: "minor" },
    major: { ...none, labels: ["major"], semver: "major", titles: ["*!"] },
    feature: { ...none, titles: ["feat"] },
    database: { ...none, paths: ["migrations/**"] },
    destructive: { ...none, diff: ["DROP\\s+TABLE", "TRUNCATE"] },
    docs: { ...none, labels: ["docs"], paths: ["docs/**"] },
  },
};
const ORDERED: ChangeTypes = {
  ...TYPES,
  order: ["docs", "minor", "feature", "major", "database", "destructive"],
};

const patch = (...added: string[]) =>
  `@@ -1 +1,${added.length + 1} @@\n context\n${added.map((l) => `+${l}`).join("\n")}`;

describe("each source votes", () => {
  test.each<[string, ChangeFacts, string, string]>([
    ["no source: the default", { labels: [] }, "minor", "no source named a change type: the default, minor"],
    ["a label", { labels: ["Major"] }, "major", 'label "Major" → major'],
    [
      "a changed path",
      { labels: [], files: [{ path: "migrations/0042_add_index.sql" }] },
      "database",
      "path migrations/0042_add_index.sql → database",
    ],
    [
      "a pattern in an added line",
      { labels: [], files: [{ path: "src/cleanup.ts", patch: patch("db.run('drop table sessions')") }] },
      "destructive",
      `src/cleanup.ts adds "db.run('drop table sessions')" → destructive`,
    ],
    [
      "a removed line does not vote",
      { labels: [], files: [{ path: "src/cleanup.ts", patch: "@@ -1 +1 @@\n-DROP TABLE x\n+keep" }] },
      "minor",
      "no source named a change type: the default, minor",
    ],
    [
      "a conventional-commit title",
      { labels: [], title: "feat(cart): saved carts" },
      "feature",
      'title "feat(cart): saved carts" → feature',
    ],
    [
      "a breaking conventional-commit title",
      { labels: [], title: "fix!: stricter validation" },
      "major",
      'title "fix!: stricter validation" → major',
    ],
    [
      "a version bump",
      { labels: [], version: "v1.5.0", previousVersion: "v1.4.2" },
      "minor",
      "minor version bump (v1.4.2 → v1.5.0) → minor",
    ],
    [
      "two sources that agree",
      { labels: ["docs"], files: [{ path: "docs/setup.md" }] },
      "docs",
      'label "docs" → docs; path docs/setup.md → docs',
    ],
  ])("%s", (_, facts, changeType, explanation) => {
    const result = deriveChangeType(TYPES, facts);
    expect(result).toMatchObject({ ok: true, changeType, explanation });
  });
});

describe("when sources disagree", () => {
  const disagreeing: ChangeFacts = {
    labels: ["minor"],
    version: "v2.0.0",
    previousVersion: "v1.9.3",
    files: [{ path: "migrations/0042.sql", patch: patch("DROP TABLE legacy_orders;") }],
  };

  test("without an order, the change is ambiguous and every vote is named", () => {
    const result = deriveChangeType(TYPES, disagreeing);
    expect(result).toMatchObject({
      ok: false,
      candidates: ["minor", "major", "database", "destructive"],
      reason:
        'the sources disagree: label "minor" → minor; major version bump (v1.9.3 → v2.0.0) → major; path migrations/0042.sql → database; migrations/0042.sql adds "DROP TABLE legacy_orders;" → destructive; the policy declares no order to pick the stricter',
      fix: "make the sources agree (labels, title, version), or declare change_types.order in the policy",
    });
  });

  test("with an order, the strictest wins and the explanation names each vote", () => {
    expect(deriveChangeType(ORDERED, disagreeing)).toMatchObject({
      ok: true,
      changeType: "destructive",
      explanation:
        'label "minor" → minor; major version bump (v1.9.3 → v2.0.0) → major; path migrations/0042.sql → database; migrations/0042.sql adds "DROP TABLE legacy_orders;" → destructive; destructive is the strictest by the policy\'s order',
    });
  });

  test("a label no longer silently beats the version bump", () => {
    const facts = { labels: ["minor"], version: "2.0.0", previousVersion: "1.4.0" };
    expect(deriveChangeType(TYPES, facts).ok).toBe(false);
    expect(deriveChangeType(ORDERED, facts)).toMatchObject({ ok: true, changeType: "major" });
  });

  test("labels of two change types are refused even with an order", () => {
    expect(deriveChangeType(ORDERED, { labels: ["minor", "major"] })).toMatchObject({
      ok: false,
      reason: 'the PR\'s labels mark it as "minor" and "major"; keep the labels of one change type',
      fix: "remove all but one change-type label",
    });
  });

  test("a file list cut short cannot vote, so the type is not decided", () => {
    expect(
      deriveChangeType(ORDERED, { labels: ["minor"], files: [{ path: "a.ts" }], filesComplete: false }),
    ).toMatchObject({ ok: false, fix: "split the pull request" });
  });
});

test.each([
  ["feat: x", { type: "feat", breaking: false }],
  ["feat(api)!: x", { type: "feat", breaking: true }],
  ["Fix!: x", { type: "fix", breaking: true }],
  ["feat:x", undefined],
  ["Add a feature", undefined],
])("conventional title %j", (title, expected) => {
  expect(conventionalTitle(title)).toEqual(expected);
});

describe("in the engine", () => {
  const policy = testPolicy(
    `version: 1
change_types:
  default: minor
  order: [minor, major, database]
  types:
    minor: { labels: [minor], semver: minor }
    major: { labels: [major], semver: major, titles: ["*!"] }
    database: { paths: ["db/migrations/**"] }
environments:
  dev: { approval: none }
`,
  );

  test("the decision carries the explanation, and the check run shows it", () => {
    const decision = evaluate(
      policy,
      "dev",
      evidenceWith((e) => {
        e.pull_request!.title = "feat!: new cart";
        e.pull_request!.files = [{ path: "db/migrations/7.sql", patch: patch("ALTER TABLE carts") }];
      }),
      NOW,
    );
    expect(decision.changeType).toBe("database");
    expect(decision.changeTypeReason).toBe(
      'label "minor" → minor; title "feat!: new cart" → major; path db/migrations/7.sql → database; database is the strictest by the policy\'s order',
    );
    expect(renderMarkdown(decision)).toContain('Change type: `database` (label "minor" → minor;');
  });
});

describe("the policy", () => {
  const load = (types: string) =>
    loadPolicy(
      `version: 1\nchange_types:\n${types}\nenvironments:\n  dev: { approval: none }\n`,
      "tollgate.yml",
    );
  const errors = (types: string) => {
    const result = load(types);
    return result.ok ? [] : result.errors.map(formatPolicyError);
  };

  test("existing policies stay valid: labels and semver alone", () => {
    expect(load("  default: minor\n  types:\n    minor: { labels: [minor], semver: minor }").ok).toBe(true);
  });

  test.each([
    [
      "an order missing a type, naming an unknown one and one twice",
      "  default: a\n  order: [a, c, a]\n  types: { a: {}, b: {} }",
      [
        'tollgate.yml:4:10 change_types.order: the order must list every change type; missing "b"',
        'tollgate.yml:4:14 change_types.order[1]: unknown change type "c" (did you mean "a"?); define it under `change_types.types`',
        'tollgate.yml:4:17 change_types.order[2]: "a" is listed twice',
      ],
    ],
    [
      "a diff pattern that does not compile",
      '  default: a\n  types:\n    a: { diff: ["DROP (TABLE"] }',
      [
        "tollgate.yml:5:17 change_types.types.a.diff[0]: not a regular expression: /DROP (TABLE/i: Unterminated group",
      ],
    ],
    [
      "a diff pattern with nested quantifiers",
      '  default: a\n  types:\n    a: { diff: ["(a+)+$"] }',
      [
        "tollgate.yml:5:17 change_types.types.a.diff[0]: a repeated group (like (a+)+ or (a|b)*) can take exponential time: repeat single characters or classes only",
      ],
    ],
    [
      "a diff pattern with two unbounded repetitions",
      '  default: a\n  types:\n    a: { diff: ["DROP\\\\s+TABLE\\\\s*x", "[*+]+ ok", "a\\\\+b{2,3}"] }',
      [
        "tollgate.yml:5:17 change_types.types.a.diff[0]: 2 unbounded repetitions (*, + or {n,}) can take polynomial time on long lines: use at most one",
      ],
    ],
    [
      "a title that is not a conventional-commit type",
      '  default: a\n  types:\n    a: { titles: ["feat:"] }',
      [
        'tollgate.yml:5:19 change_types.types.a.titles[0]: expected a conventional-commit type such as "feat", "fix!" or "*!" (any breaking change), got "feat:"',
      ],
    ],
  ])("%s", (_, types, expected) => {
    expect(errors(types)).toEqual(expected);
  });
});
