/** Notice periods in business days, on a holiday calendar, in the environment's time zone. */
import { describe, expect, test } from "@jest/globals";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { BusinessDays } from "../../src/policy/model.js";
import { addBusinessDays, describeNotice } from "../../src/readiness/business-days.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import { evidenceWith, testPolicy } from "./fixtures.js";

const US: BusinessDays = {
  count: 5,
  timezone: "America/New_York",
  weekend: ["sat", "sun"],
  holidays: [{ date: "2026-11-26", name: "Thanksgiving" }],
  calendar: "us",
};

describe("adding business days", () => {
  test.each<[string, string, BusinessDays, string]>([
    [
      "announced on a Friday, Thanksgiving in between: the Monday after, same hour",
      "2026-11-20T19:00:00Z",
      US,
      "2026-11-30T19:00:00.000Z",
    ],
    [
      "announced on a Friday, no holiday: the next Friday",
      "2026-11-20T19:00:00Z",
      { ...US, holidays: [] },
      "2026-11-27T19:00:00.000Z",
    ],
    [
      "announced on a Saturday: counted from Monday's start, five whole business days",
      "2026-11-21T15:00:00Z",
      US,
      "2026-12-01T05:00:00.000Z",
    ],
    [
      "announced on the holiday itself: counted from the next business day's start",
      "2026-11-26T15:00:00Z",
      { ...US, count: 1 },
      "2026-11-30T05:00:00.000Z",
    ],
    [
      "across the end of daylight saving: 15:00 EDT → 15:00 EST",
      "2026-10-30T19:00:00Z",
      { ...US, holidays: [] },
      "2026-11-06T20:00:00.000Z",
    ],
    [
      "a Friday–Saturday weekend",
      "2026-11-19T08:00:00Z",
      { count: 2, timezone: "Asia/Dubai", weekend: ["fri", "sat"], holidays: [] },
      "2026-11-23T08:00:00.000Z",
    ],
    [
      "Friday 22:00 in New York (Saturday in UTC): Friday is the local day, so Monday 22:00",
      "2026-11-21T03:00:00Z",
      { ...US, count: 1 },
      "2026-11-24T03:00:00.000Z",
    ],
  ])("%s", (_, from, days, expected) => {
    expect(new Date(addBusinessDays(Date.parse(from), days)).toISOString()).toBe(expected);
  });

  test("described with the calendar and the zone", () => {
    expect(
      describeNotice({ requirements: [], noticeMs: 0, preApproved: false, noticeBusinessDays: US }),
    ).toBe("5 business days (calendar us, America/New_York)");
  });
});

describe("in the engine", () => {
  const policy = testPolicy(`version: 1
calendars:
  us:
    timezone: America/New_York
    holidays: [{ date: 2026-11-26, name: Thanksgiving }, 2026-12-25]
environments:
  production:
    calendar: us
    approval: required
    approvals: { "*": { from: [alice], notice: 5 business_days } }
    rollback: { redeploy_previous: true }
`);
  const evidence = evidenceWith((e) => {
    e.pull_request!.ready_at = "2026-11-20T19:00:00Z";
    e.approvals = [{ ...e.approvals![0]!, at: "2026-11-23T10:00:00Z" }];
  });
  const approval = (now: string) =>
    evaluate(policy, "production", evidence, new Date(now)).checklist.find((i) => i.id === "approval")!;

  test.each([
    [
      "2026-11-27T20:00:00Z",
      "pending",
      "standard changes need 5 business days (calendar us, America/New_York) notice: deployable from 2026-11-30T19:00:00.000Z (2d23h left)",
    ],
    ["2026-11-30T19:00:00Z", "passed", "approved by @alice (1 of @alice)"],
  ])("at %s the approval row is %s", (now, state, reason) => {
    expect(approval(now)).toMatchObject({ state, reason });
  });
});

describe("the policy", () => {
  const errors = (source: string) => {
    const result = loadPolicy(source, "tollgate.yml");
    return result.ok ? [] : result.errors.map(formatPolicyError);
  };

  test("business days need a time zone", () => {
    expect(
      errors(`version: 1
environments:
  production:
    approval: required
    approvals: { "*": { from: [alice], notice: 5 business_days } }
    rollback: { redeploy_previous: true }
`),
    ).toEqual([
      "tollgate.yml:5:48 environments.production.approvals.*.notice: business days are counted in a time zone: set `windows.timezone` here, or a `timezone` on the environment's calendar",
    ]);
  });

  test("the calendar must exist, and its holidays must be dates", () => {
    expect(
      errors(`version: 1
calendars:
  us: { holidays: [2026-11-31] }
environments:
  production:
    calendar: usa
    approval: none
    windows: { timezone: America/New_York }
`),
    ).toEqual([
      'tollgate.yml:3:20 calendars.us.holidays[0]: expected a date like 2026-12-25, got "2026-11-31"',
      'tollgate.yml:6:15 environments.production.calendar: unknown calendar "usa" (did you mean "us"?); define it under `calendars`',
    ]);
  });
});
