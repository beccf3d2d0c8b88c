/**
 * `tollgate validate` reads the calendars' holiday files with the gate's own reader, from the repository
 * the policy is in, and locates what it cannot read by file and line.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@jest/globals";
import { repositoryRootOf } from "../../src/cli/holiday-files.js";
import { baseEvidence } from "../readiness/fixtures.js";
import { run } from "./helpers.js";

const POLICY = `version: 1
calendars:
  ops: { timezone: Europe/Stockholm, holidays_file: .github/holidays.ics }
environments:
  production: { calendar: ops, approval: none }
`;

const calendar = (rule: string) =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "BEGIN:VEVENT",
    "DTSTART;VALUE=DATE:20261224",
    rule,
    "SUMMARY:Julafton",
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");

/** A repository checkout with the policy in .github/ and, when given, its holiday file. */
function repository(ics?: string): string {
  const root = mkdtempSync(join(tmpdir(), "tollgate-holidays-"));
  mkdirSync(join(root, ".github"));
  writeFileSync(join(root, ".github", "tollgate.yml"), POLICY);
  if (ics !== undefined) writeFileSync(join(root, ".github", "holidays.ics"), ics);
  return root;
}

test("the repository is the directory above .github/, or else the policy's own", () => {
  expect(repositoryRootOf(".github/tollgate.yml")).toBe(".");
  expect(repositoryRootOf("/src/shop/.github/tollgate.yml")).toBe("/src/shop");
  expect(repositoryRootOf("examples/policies/standard-change-management/tollgate.yml")).toBe(
    "examples/policies/standard-change-management",
  );
});

test("a holiday file the gate can read: valid", async () => {
  const root = repository(calendar("RRULE:FREQ=YEARLY"));
  expect(await run("validate", join(root, ".github", "tollgate.yml"))).toMatchObject({ code: 0, err: "" });
});

test("a malformed holiday file: exit 1, located by file and line", async () => {
  const root = repository(calendar("RRULE:FREQ=WEEKLY"));
  const policy = join(root, ".github", "tollgate.yml");
  const result = await run("validate", policy);
  expect(result.code).toBe(1);
  expect(result.err.split("\n")).toEqual([
    `${join(root, ".github", "holidays.ics")}:5: RRULE FREQ=WEEKLY is not supported; a holiday calendar may repeat yearly only (FREQ=YEARLY)`,
    `${policy}: 1 holiday file error`,
    "",
  ]);
});

test("a holiday file not in this checkout: valid, with a warning that the gate needs it", async () => {
  const root = repository();
  const result = await run("validate", join(root, ".github", "tollgate.yml"));
  expect(result.code).toBe(0);
  expect(result.err).toContain(
    "the gate reads .github/holidays.ics from the default branch and blocks business-day notices without it",
  );
});

test("tollgate explain --evidence reads the holiday file from the policy's checkout, as the gate would from the default branch", async () => {
  const root = repository(
    [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "BEGIN:VEVENT",
      "DTSTART;VALUE=DATE:20261126",
      "SUMMARY:Thanksgiving",
      "END:VEVENT",
      "END:VCALENDAR",
      "",
    ].join("\r\n"),
  );
  const policy = join(root, ".github", "tollgate.yml");
  writeFileSync(
    policy,
    `version: 1
calendars:
  ops: { timezone: America/New_York, holidays_file: .github/holidays.ics }
environments:
  production:
    calendar: ops
    approval: required
    approvals: { "*": { from: [alice], notice: 5 business_days } }
    rollback: { redeploy_previous: true }
`,
  );
  const evidence = join(root, "evidence.json");
  const facts = baseEvidence();
  facts.pull_request!.ready_at = "2026-11-20T19:00:00Z";
  writeFileSync(evidence, JSON.stringify(facts));
  const args = [
    "explain",
    "--policy",
    policy,
    "--environment",
    "production",
    "--evidence",
    evidence,
    "--at",
    "2026-11-27T20:00:00Z",
  ];
  const read = await run(...args);
  expect(read.out).toContain("deployable from 2026-11-30T19:00:00.000Z");

  writeFileSync(join(root, ".github", "holidays.ics"), "BEGIN:VCALENDAR\r\n");
  const broken = await run(...args);
  expect(broken.code).toBe(1);
  expect(broken.out).toContain(
    "the holiday file .github/holidays.ics:1 of calendar ops is not a calendar Tollgate can read exactly",
  );
});
