/** Named windows and freezes, and when the next window opens, across daylight-saving changes. */
import { describe, expect, test } from "@jest/globals";
import type { Windows } from "../../src/policy/model.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import { checkWindows, describeInstant, nextOpening, zonedInstant } from "../../src/readiness/windows.js";
import { evidenceWith, testPolicy } from "./fixtures.js";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"] as const;
const STOCKHOLM: Windows = {
  timezone: "Europe/Stockholm",
  allow: [{ name: "Business hours", days: WEEKDAYS, fromMinute: 9 * 60, toMinute: 17 * 60 }],
  deny: [
    {
      name: "Friday afternoon",
      reason: "nobody is around to fix it over the weekend",
      days: ["fri"],
      fromMinute: 12 * 60,
      toMinute: 24 * 60,
    },
  ],
  freezes: [{ name: "Year-end freeze", from: "2026-12-20", to: "2027-01-06", reason: "holidays" }],
  blackoutDates: ["2026-11-26"],
  overrideChangeTypes: [],
};
const NEW_YORK: Windows = {
  ...STOCKHOLM,
  timezone: "America/New_York",
  allow: [{ days: WEEKDAYS, fromMinute: 10 * 60, toMinute: 16 * 60 }],
  deny: [],
  freezes: [],
  blackoutDates: [],
};
/** 02:30 on the nights the clocks change: skipped in March, twice in October. */
const NIGHT: Windows = {
  ...NEW_YORK,
  timezone: "Europe/Stockholm",
  allow: [{ days: ["sun"], fromMinute: 2 * 60 + 30, toMinute: 4 * 60 }],
};
const INSTANT_FREEZE: Windows = {
  ...NEW_YORK,
  timezone: "Europe/Stockholm",
  allow: [],
  freezes: [{ from: Date.parse("2026-12-01T06:00:00Z"), to: Date.parse("2026-12-01T12:00:00Z") }],
};

describe("the next window", () => {
  test.each<[string, Windows, string, string]>([
    [
      "Friday evening before summer time ends: Monday 09:00 is 08:00 UTC",
      STOCKHOLM,
      "2026-10-23T16:00:00Z",
      "mon 2026-10-26 09:00 Europe/Stockholm (08:00 UTC)",
    ],
    [
      "Friday evening before summer time starts: Monday 09:00 is 07:00 UTC",
      STOCKHOLM,
      "2026-03-27T17:00:00Z",
      "mon 2026-03-30 09:00 Europe/Stockholm (07:00 UTC)",
    ],
    [
      "early on a weekday: the same morning",
      STOCKHOLM,
      "2026-11-24T06:00:00Z",
      "tue 2026-11-24 09:00 Europe/Stockholm (08:00 UTC)",
    ],
    [
      "on a blackout date: the next morning",
      STOCKHOLM,
      "2026-11-26T10:00:00Z",
      "fri 2026-11-27 09:00 Europe/Stockholm (08:00 UTC)",
    ],
    [
      "in the year-end freeze: the first business morning after it",
      STOCKHOLM,
      "2026-12-22T09:00:00Z",
      "thu 2027-01-07 09:00 Europe/Stockholm (08:00 UTC)",
    ],
    [
      "New York, the weekend daylight saving ends: Monday 10:00 EST is 15:00 UTC",
      NEW_YORK,
      "2026-10-31T15:00:00Z",
      "mon 2026-11-02 10:00 America/New_York (15:00 UTC)",
    ],
    [
      "New York in the evening: the UTC date differs",
      NEW_YORK,
      "2026-11-24T23:30:00Z",
      "wed 2026-11-25 10:00 America/New_York (15:00 UTC)",
    ],
    [
      "a window from 02:30 on the night 02:00–03:00 is skipped: it opens at 03:00",
      NIGHT,
      "2026-03-28T12:00:00Z",
      "sun 2026-03-29 03:00 Europe/Stockholm (01:00 UTC)",
    ],
    [
      "a window from 02:30 on the night 02:30 happens twice: the first",
      NIGHT,
      "2026-10-24T12:00:00Z",
      "sun 2026-10-25 02:30 Europe/Stockholm (00:30 UTC)",
    ],
    [
      "a freeze ending at an instant",
      INSTANT_FREEZE,
      "2026-12-01T08:00:00Z",
      "tue 2026-12-01 13:00 Europe/Stockholm (12:00 UTC)",
    ],
  ])("%s", (_, windows, now, expected) => {
    const at = new Date(now);
    expect(checkWindows(windows, at).open).toBe(false);
    const opens = nextOpening(windows, at)!;
    expect(describeInstant(opens, windows.timezone)).toBe(expected);
    expect(checkWindows(windows, opens).open).toBe(true);
    // A minute earlier it was still closed: this is the first open moment.
    expect(checkWindows(windows, new Date(opens.getTime() - 60_000)).open).toBe(false);
  });

  test("a window that never opens is said so", () => {
    const never: Windows = { ...STOCKHOLM, freezes: [{ from: "2026-01-01", to: "2028-12-31" }] };
    expect(nextOpening(never, new Date("2026-11-24T10:00:00Z"))).toBeUndefined();
  });

  test.each([
    ["2026-03-29", 150, "2026-03-29T01:00:00.000Z"],
    ["2026-10-25", 150, "2026-10-25T00:30:00.000Z"],
    ["2026-07-01", 540, "2026-07-01T07:00:00.000Z"],
  ])("%s at minute %d in Stockholm is %s", (date, minute, iso) => {
    expect(new Date(zonedInstant(date, minute, "Europe/Stockholm")).toISOString()).toBe(iso);
  });
});

describe("names and reasons in the check run", () => {
  const policy = testPolicy(`version: 1
change_types:
  default: minor
  types: { minor: {}, hotfix: { labels: [hotfix] } }
environments:
  production:
    approval: none
    windows:
      timezone: Europe/Stockholm
      allow: [{ name: Business hours, days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }]
      deny:
        - name: Friday afternoon
          reason: nobody is around to fix it over the weekend
          days: [fri]
          from: "12:00"
          to: "24:00"
      freezes: [{ name: Year-end freeze, from: 2026-12-20, to: 2027-01-06, reason: holidays }]
      override: { change_types: [hotfix] }
`);
  const window = (now: string) =>
    evaluate(
      policy,
      "production",
      evidenceWith(() => {}),
      new Date(now),
    ).checklist.find((i) => i.id === "window")!;

  test.each([
    [
      "2026-11-27T13:00:00Z",
      'fri 2026-11-27 14:00 Europe/Stockholm falls in a denied span ("Friday afternoon" fri 12:00–24:00: nobody is around to fix it over the weekend); the next window opens mon 2026-11-30 09:00 Europe/Stockholm (08:00 UTC)',
    ],
    [
      "2026-12-22T09:00:00Z",
      '"Year-end freeze" (holidays) is in effect at tue 2026-12-22 10:00 Europe/Stockholm; the next window opens thu 2027-01-07 09:00 Europe/Stockholm (08:00 UTC)',
    ],
    [
      "2026-11-28T10:00:00Z",
      'sat 2026-11-28 11:00 Europe/Stockholm is outside the deployment windows ("Business hours" mon,tue,wed,thu,fri 09:00–17:00); the next window opens mon 2026-11-30 09:00 Europe/Stockholm (08:00 UTC)',
    ],
  ])("at %s", (now, reason) => {
    expect(window(now)).toMatchObject({ state: "failed", reason });
  });
});
