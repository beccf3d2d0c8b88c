import { describe, expect, test } from "@jest/globals";
import { deriveChangeType, semverBump } from "../../src/readiness/change-type.js";
import { globToRegExp, matchesAny } from "../../src/readiness/glob.js";
import { checkboxState, hasContent, sectionText } from "../../src/readiness/markdown.js";
import { findSecrets } from "../../src/readiness/secrets.js";
import { checkWindows, inSpan, localTime } from "../../src/readiness/windows.js";
import { loadEvidence } from "../../src/readiness/load-evidence.js";
import { formatPolicyError } from "../../src/policy/errors.js";
import type { Windows } from "../../src/policy/model.js";

describe("change type", () => {
  const none = { paths: [], diff: [], titles: [] };
  const types = {
    default: "minor",
    types: {
      minor: { labels: ["Minor"], semver: "minor" as const, ...none },
      major: { labels: ["major"], semver: "major" as const, ...none },
      patch: { labels: [], ...none },
    },
  };
  test.each([
    [["MINOR"], undefined, undefined, "minor", "label"],
    [[], "2.0.0", "1.4.2", "major", "major version bump"],
    [[], "v1.5.0", "v1.4.2", "minor", "minor version bump"],
    [[], "v1.4.3", "v1.4.2", "minor", "default"],
    [[], "not-semver", "v1.4.2", "minor", "default"],
    [[], undefined, undefined, "minor", "default"],
  ])("labels %j, %s after %s → %s (%s)", (labels, version, previous, changeType, source) => {
    expect(deriveChangeType(types, { labels, version, previousVersion: previous })).toMatchObject({
      ok: true,
      changeType,
      source,
    });
  });
  test("semver bumps", () => {
    expect(semverBump("1.2.3", "1.2.3")).toBeUndefined();
    expect(semverBump("1.2.4", "1.2.3")).toBe("patch");
  });
});

describe("globs", () => {
  test.each([
    ["db/migrations/**", "db/migrations/2026/01.sql", true],
    ["db/**/*.sql", "db/x.sql", true],
    ["db/**/*.sql", "db/a/b/x.sql", true],
    ["*.md", "docs/a.md", false],
    ["**/*.md", "docs/a.md", true],
    ["CHANGELOG.md", "CHANGELOG.md", true],
    ["CHANGELOG.md", "CHANGELOGXmd", false],
    ["file?.txt", "file1.txt", true],
  ])("%s matches %s: %s", (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
  test("any of several", () => expect(matchesAny("a/b.ts", ["*.md", "a/*.ts"])).toBe(true));
});

describe("PR description", () => {
  const body =
    "# Title\nintro\n\n## Rollback plan:\nRevert.\n### Details\nmore\n## Next\n- [x] Runbook **updated**\n* [ ] Monitoring configured\r\n";
  test("a section runs to the next heading of its level", () => {
    expect(sectionText(body, "rollback plan")).toBe("Revert.\n### Details\nmore");
    expect(sectionText(body, "Missing")).toBeUndefined();
  });
  test("template residue is not content", () => {
    expect(hasContent("<!-- fill me -->\n[describe the plan]\n- \n")).toBe(false);
    expect(hasContent("- [x] done")).toBe(true);
  });
  test("checkboxes", () => {
    expect(checkboxState(body, "Runbook updated")).toBe("checked");
    expect(checkboxState(body, "Monitoring configured")).toBe("unchecked");
    expect(checkboxState(body, "Absent")).toBeUndefined();
  });
});

describe("secrets", () => {
  test("finds secrets in added lines only, with the new line number", () => {
    const patch = [
      "@@ -10,3 +10,4 @@",
      " context",
      "-const old = 'AKIAABCDEFGHIJKLMNOP';",
      "+const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';",
      "\\ No newline at end of file",
      "+-----BEGIN RSA PRIVATE KEY-----",
      '+password = "hunter2hunter2"',
      "+const ok = process.env.PASSWORD;",
    ].join("\n");
    expect(findSecrets("a.ts", patch)).toEqual([
      { path: "a.ts", line: 11, kind: "GitHub token" },
      { path: "a.ts", line: 12, kind: "private key" },
      { path: "a.ts", line: 13, kind: "hard-coded credential" },
    ]);
  });
});

describe("windows", () => {
  const windows = (over: Partial<Windows>): Windows => ({
    timezone: "America/New_York",
    allow: [],
    deny: [],
    freezes: [],
    blackoutDates: [],
    overrideChangeTypes: [],
    ...over,
  });
  test("local time in the zone", () => {
    expect(localTime(new Date("2026-03-08T06:59:00Z"), "America/New_York")).toEqual({
      weekday: "sun",
      date: "2026-03-08",
      minute: 1 * 60 + 59,
    });
    // 07:00Z is 03:00 EDT: the clocks skipped 02:00–03:00.
    expect(localTime(new Date("2026-03-08T07:00:00Z"), "America/New_York").minute).toBe(3 * 60);
  });
  test("a span across midnight belongs to the day it starts", () => {
    const night = { days: ["fri" as const], fromMinute: 22 * 60, toMinute: 2 * 60 };
    expect(inSpan({ weekday: "fri", date: "", minute: 23 * 60 }, night)).toBe(true);
    expect(inSpan({ weekday: "sat", date: "", minute: 60 }, night)).toBe(true);
    expect(inSpan({ weekday: "sat", date: "", minute: 23 * 60 }, night)).toBe(false);
    expect(inSpan({ weekday: "fri", date: "", minute: 60 }, night)).toBe(false);
  });
  test("freezes given as instants", () => {
    const freeze = windows({
      freezes: [{ from: Date.parse("2026-06-01T12:00:00Z"), to: Date.parse("2026-06-01T18:00:00Z") }],
    });
    expect(checkWindows(freeze, new Date("2026-06-01T13:00:00Z"))).toMatchObject({
      open: false,
      kind: "freeze",
      reason: expect.stringContaining("change freeze is in effect"),
    });
    expect(checkWindows(freeze, new Date("2026-06-01T19:00:00Z"))).toEqual({ open: true });
  });
});

describe("evidence files", () => {
  test("errors are located like policy errors", () => {
    const result = loadEvidence(
      '{\n  "repository": "acme",\n  "sha": "xyz",\n  "pull_request": null\n}',
      "e.json",
    );
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      'e.json:2:17 repository: expected OWNER/REPO, got "acme"',
      'e.json:3:10 sha: expected a commit SHA, got "xyz"',
    ]);
  });
  test("defaults fill what the file leaves out", () => {
    const result = loadEvidence(`repository: a/b\nsha: ${"c".repeat(40)}\npull_request: null\n`, "e.yml");
    expect(result.ok && result.evidence.checks).toEqual([]);
  });
});
