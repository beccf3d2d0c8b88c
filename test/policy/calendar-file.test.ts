/**
 * A calendar's holidays from an iCalendar file in the repository: the policy names it (a located error
 * when the path is not one), the evidence carries it as read at the policy's commit, and a business-day
 * notice counts its holidays, or blocks naming the file and line when it is missing or unreadable.
 */
import { describe, expect, test } from "@jest/globals";
import type { GitHubClient } from "../../src/github/client.js";
import { completeEvidence, evidenceNeeds } from "../../src/github/policy-evidence.js";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import type { Evidence } from "../../src/readiness/evidence.js";
import { evidenceWith, testPolicy } from "../readiness/fixtures.js";

const FILE = ".github/holidays.ics";

const POLICY = `version: 1
calendars:
  us:
    timezone: America/New_York
    holidays_file: ${FILE}
environments:
  staging:
    approval: none
  production:
    calendar: us
    approval: required
    approvals: { "*": { from: [alice], notice: 5 business_days } }
    rollback: { redeploy_previous: true }
`;

const THANKSGIVING = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Acme//Holidays//EN",
  "BEGIN:VEVENT",
  "UID:thanksgiving@acme.example",
  "DTSTART;VALUE=DATE:20241128",
  "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
  "SUMMARY:Thanksgiving",
  "END:VEVENT",
  "END:VCALENDAR",
  "",
].join("\r\n");

describe("the policy names the file", () => {
  const errors = (source: string) => {
    const result = loadPolicy(source, "tollgate.yml");
    return result.ok ? [] : result.errors.map(formatPolicyError);
  };

  test("a calendar with a holidays_file loads, and the environment's business days name it", () => {
    const policy = testPolicy(POLICY);
    expect(policy.environments["production"]!.approvals["*"]!.noticeBusinessDays).toMatchObject({
      calendar: "us",
      holidaysFile: FILE,
      holidays: [],
    });
  });

  test.each([
    ["../holidays.ics", "a path out of the repository"],
    ["/etc/holidays.ics", "an absolute path"],
    [".github//holidays.ics", "an empty segment"],
    [".github/holidays.yml", "not an .ics file"],
    [".github\\holidays.ics", "a backslash"],
  ])("%s (%s) is located and refused", (path) => {
    expect(
      errors(`version: 1
calendars:
  us: { timezone: America/New_York, holidays_file: ${JSON.stringify(path)} }
environments:
  production: { calendar: us, approval: none }
`),
    ).toEqual([
      `tollgate.yml:3:52 calendars.us.holidays_file: expected a path in the repository to an .ics file, like .github/holidays.ics, got ${JSON.stringify(path)}`,
    ]);
  });

  test("the file is read only for environments whose business-day notice counts on it", () => {
    const policy = testPolicy(POLICY);
    expect(evidenceNeeds([policy.environments["production"]]).holidayFiles).toEqual([FILE]);
    expect(evidenceNeeds([policy.environments["staging"]]).holidayFiles).toEqual([]);
    expect(
      evidenceNeeds([policy.environments["production"], policy.environments["production"]]).holidayFiles,
    ).toEqual([FILE]);
  });
});

describe("a business-day notice on the file's holidays", () => {
  const policy = testPolicy(POLICY);
  /** Announced (ready for review) on Friday 20 November 2026, 14:00 in New York; alice approved on Monday. */
  const evidence = (files: Evidence["holiday_files"] | undefined) =>
    evidenceWith((e) => {
      e.pull_request!.ready_at = "2026-11-20T19:00:00Z";
      e.approvals = [{ ...e.approvals![0]!, at: "2026-11-23T10:00:00Z" }];
      if (files) e.holiday_files = files;
    });
  const approval = (files: Evidence["holiday_files"] | undefined, now = "2026-11-27T20:00:00Z") =>
    evaluate(policy, "production", evidence(files), new Date(now)).checklist.find(
      (i) => i.id === "approval",
    )!;

  test("a Friday-announced change with 5 business days and Thanksgiving (from the .ics) in between: the Monday after", () => {
    expect(approval({ [FILE]: { text: THANKSGIVING } })).toMatchObject({
      state: "pending",
      code: "notice_pending",
      reason:
        "standard changes need 5 business days (calendar us, America/New_York) notice: deployable from 2026-11-30T19:00:00.000Z (2d23h left)",
    });
    expect(approval({ [FILE]: { text: THANKSGIVING } }, "2026-11-30T19:00:00Z")).toMatchObject({
      state: "passed",
    });
  });

  test("the same change on a file without the holiday: the Friday after", () => {
    const none = THANKSGIVING.replace("BYMONTH=11;BYDAY=4TH", "BYMONTH=11;BYDAY=4TH;COUNT=2");
    expect(approval({ [FILE]: { text: none } })).toMatchObject({ state: "passed" });
  });

  test.each<[string, Evidence["holiday_files"] | undefined, RegExp, RegExp]>([
    [
      "missing on the default branch",
      { [FILE]: { unavailable: "404: there is no file .github/holidays.ics on acme/shop's default branch" } },
      /but the holiday file \.github\/holidays\.ics of calendar us cannot be read: 404: there is no file/,
      /add \.github\/holidays\.ics on the default branch, or remove `holidays_file`/,
    ],
    [
      "malformed",
      { [FILE]: { text: THANKSGIVING.replace("RRULE:FREQ=YEARLY", "RRULE:FREQ=MONTHLY") } },
      /the holiday file \.github\/holidays\.ics:7 of calendar us is not a calendar Tollgate can read exactly: RRULE FREQ=MONTHLY is not supported/,
      /correct line 7 of \.github\/holidays\.ics/,
    ],
    [
      "never read (evidence from elsewhere without it)",
      undefined,
      /the holiday file \.github\/holidays\.ics of calendar us was not read/,
      /holiday_files/,
    ],
  ])("a file %s blocks the approval, naming it", (_, files, reason, fix) => {
    const item = approval(files, "2026-12-31T12:00:00Z");
    expect(item).toMatchObject({ state: "failed", code: "holiday_calendar_unreadable" });
    expect(item.reason).toMatch(
      /^standard changes need 5 business days \(calendar us, America\/New_York\) notice, but /,
    );
    expect(item.reason).toMatch(reason);
    expect(item.fix).toMatch(fix);
    expect(evaluate(policy, "production", evidence(files), new Date("2026-12-31T12:00:00Z")).verdict).toBe(
      "blocked",
    );
  });
});

describe("reading the file with the policy", () => {
  const COMMIT = "c0ffee0000000000000000000000000000000000";
  const needs = evidenceNeeds([testPolicy(POLICY).environments["production"]]);
  const base = evidenceWith(() => {});

  function client(answer: (parameters: Record<string, unknown>) => unknown): {
    client: GitHubClient;
    calls: Record<string, unknown>[];
  } {
    const calls: Record<string, unknown>[] = [];
    return {
      calls,
      client: {
        graphql: () => Promise.reject(new Error("no GraphQL here")),
        request: async (route, parameters = {}) => {
          calls.push({ route, ...parameters });
          return { status: 200, data: answer(parameters) };
        },
      },
    };
  }
  const notFound = () => {
    throw Object.assign(new Error("Not Found"), { status: 404 });
  };

  test("one contents read at the policy's commit, decoded", async () => {
    const fake = client(() => ({
      type: "file",
      encoding: "base64",
      content: Buffer.from(THANKSGIVING)
        .toString("base64")
        .replace(/(.{60})/g, "$1\n"),
    }));
    const done = await completeEvidence(fake.client, { owner: "acme", repo: "shop" }, base, needs, COMMIT);
    expect(fake.calls).toEqual([
      {
        route: "GET /repos/{owner}/{repo}/contents/{+path}",
        owner: "acme",
        repo: "shop",
        path: FILE,
        ref: COMMIT,
      },
    ]);
    expect(done.requests).toBe(1);
    expect(done.evidence.holiday_files).toEqual({ [FILE]: { text: THANKSGIVING } });
  });

  test("a 404 is recorded as the file's absence, naming the commit", async () => {
    const done = await completeEvidence(
      client(notFound).client,
      { owner: "acme", repo: "shop" },
      base,
      needs,
      COMMIT,
    );
    expect(done.evidence.holiday_files).toEqual({
      [FILE]: {
        unavailable:
          "404: there is no file .github/holidays.ics on acme/shop's default branch (commit c0ffee0)",
      },
    });
  });

  test("a directory, or content GitHub left out (over 1 MB), is no file", async () => {
    const dir = await completeEvidence(
      client(() => []).client,
      { owner: "acme", repo: "shop" },
      base,
      needs,
      COMMIT,
    );
    expect(dir.evidence.holiday_files[FILE]).toEqual({ unavailable: expect.stringMatching(/is not a file/) });
    const big = await completeEvidence(
      client(() => ({ type: "file", encoding: "none", content: "", size: 2_000_000 })).client,
      { owner: "acme", repo: "shop" },
      base,
      needs,
      COMMIT,
    );
    expect(big.evidence.holiday_files[FILE]).toEqual({
      unavailable: expect.stringMatching(/did not send the content/),
    });
  });

  test("without the policy's commit nothing is read, and the file is unavailable", async () => {
    const fake = client(notFound);
    const done = await completeEvidence(fake.client, { owner: "acme", repo: "shop" }, base, needs);
    expect(fake.calls).toEqual([]);
    expect(done.evidence.holiday_files[FILE]).toEqual({
      unavailable: expect.stringMatching(/commit the policy was read from is unknown/),
    });
  });

  test("any other failure throws: the caller fails closed", async () => {
    const failing = client(() => {
      throw Object.assign(new Error("Server Error"), { status: 502 });
    });
    await expect(
      completeEvidence(failing.client, { owner: "acme", repo: "shop" }, base, needs, COMMIT),
    ).rejects.toThrow("Server Error");
  });
});
