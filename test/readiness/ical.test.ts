/** The iCalendar reader for holiday files: what it reads, in the calendar's zone, and what it refuses by line. */
import { describe, expect, test } from "@jest/globals";
import { parseHolidayCalendar } from "../../src/readiness/ical.js";
import { holidaysInYear } from "../../src/readiness/ical/occurrences.js";

/** A calendar around the given VEVENT lines, CRLF-separated as RFC 5545 writes them. */
const ics = (...lines: string[]) =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Example//Holidays//EN", ...lines, "END:VCALENDAR", ""].join(
    "\r\n",
  );
const event = (...lines: string[]) => ["BEGIN:VEVENT", ...lines, "END:VEVENT"];

/** The holidays of `text` in `year`, read in `zone`, as "date name" lines. */
function holidays(text: string, year: number, zone = "America/New_York"): string[] {
  const parsed = parseHolidayCalendar(text);
  if (!parsed.ok) throw new Error(`line ${parsed.line}: ${parsed.message}`);
  return [...holidaysInYear(parsed.events, year, zone)]
    .map(([date, name]) => `${date} ${name ?? ""}`.trim())
    .sort();
}

describe("reading holidays", () => {
  test.each<[string, string, number, string, string[]]>([
    [
      "an all-day event: its date, named by SUMMARY",
      ics(...event("DTSTART;VALUE=DATE:20261225", "SUMMARY:Christmas Day")),
      2026,
      "America/New_York",
      ["2026-12-25 Christmas Day"],
    ],
    [
      "DTEND is exclusive: a two-day event",
      ics(...event("DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261226", "SUMMARY:Christmas")),
      2026,
      "America/New_York",
      ["2026-12-24 Christmas", "2026-12-25 Christmas"],
    ],
    [
      "DURATION in days, across the new year (each year holds its own dates)",
      ics(...event("DTSTART;VALUE=DATE:20261231", "DURATION:P3D", "SUMMARY:New Year")),
      2027,
      "America/New_York",
      ["2027-01-01 New Year", "2027-01-02 New Year"],
    ],
    [
      "a long SUMMARY folded over lines, with escapes",
      ics(
        ...event(
          "DTSTART;VALUE=DATE:20260704",
          "SUMMARY:Independence Day\\, observed by the ",
          " whole company",
        ),
      ),
      2026,
      "America/New_York",
      ["2026-07-04 Independence Day, observed by the whole company"],
    ],
    [
      "a folded property name and value (a tab continues a line too)",
      ics(...event("DTST", " ART;VALUE=DATE:2026", "\t1111", "SUMMARY:Veterans Day")),
      2026,
      "America/New_York",
      ["2026-11-11 Veterans Day"],
    ],
    [
      "yearly: the same date every year from the start",
      ics(...event("DTSTART;VALUE=DATE:20201225", "RRULE:FREQ=YEARLY", "SUMMARY:Christmas Day")),
      2031,
      "America/New_York",
      ["2031-12-25 Christmas Day"],
    ],
    [
      "yearly on the 4th Thursday of November, with the Friday after as a two-day span",
      ics(
        ...event(
          "DTSTART;VALUE=DATE:20241128",
          "DTEND;VALUE=DATE:20241130",
          "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
          "SUMMARY:Thanksgiving",
        ),
      ),
      2026,
      "America/New_York",
      ["2026-11-26 Thanksgiving", "2026-11-27 Thanksgiving"],
    ],
    [
      "yearly on the last Monday of May",
      ics(
        ...event(
          "DTSTART;VALUE=DATE:20250526",
          "RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO",
          "SUMMARY:Memorial Day",
        ),
      ),
      2026,
      "America/New_York",
      ["2026-05-25 Memorial Day"],
    ],
    [
      "COUNT ends the repeats: the third year is the last",
      ics(...event("DTSTART;VALUE=DATE:20240301", "RRULE:FREQ=YEARLY;COUNT=3", "SUMMARY:Founders Day")),
      2027,
      "America/New_York",
      [],
    ],
    [
      "UNTIL ends the repeats (inclusive)",
      ics(
        ...event("DTSTART;VALUE=DATE:20240301", "RRULE:FREQ=YEARLY;UNTIL=20260301", "SUMMARY:Founders Day"),
      ),
      2026,
      "America/New_York",
      ["2026-03-01 Founders Day"],
    ],
    [
      "INTERVAL=2: every other year",
      ics(...event("DTSTART;VALUE=DATE:20240610", "RRULE:FREQ=YEARLY;INTERVAL=2", "SUMMARY:Offsite")),
      2025,
      "America/New_York",
      [],
    ],
    [
      "EXDATE removes one year's occurrence",
      ics(
        ...event(
          "DTSTART;VALUE=DATE:20240815",
          "RRULE:FREQ=YEARLY",
          "EXDATE;VALUE=DATE:20260815,20270815",
          "SUMMARY:Summer day",
        ),
      ),
      2026,
      "America/New_York",
      [],
    ],
    [
      "29 February repeats only in leap years",
      ics(...event("DTSTART;VALUE=DATE:20240229", "RRULE:FREQ=YEARLY", "SUMMARY:Leap day")),
      2027,
      "America/New_York",
      [],
    ],
    [
      "a cancelled event is no holiday",
      ics(...event("DTSTART;VALUE=DATE:20261225", "STATUS:CANCELLED", "SUMMARY:Christmas Day")),
      2026,
      "America/New_York",
      [],
    ],
    [
      "a timed event in UTC lands on the calendar zone's day (evening before in New York)",
      ics(...event("DTSTART:20261225T030000Z", "DTEND:20261225T040000Z", "SUMMARY:Late party")),
      2026,
      "America/New_York",
      ["2026-12-24 Late party"],
    ],
    [
      "a timed event with a TZID covers every local day it touches",
      ics(
        ...event(
          "DTSTART;TZID=Europe/Stockholm:20261223T120000",
          "DTEND;TZID=Europe/Stockholm:20261225T000000",
          "SUMMARY:Julafton",
        ),
      ),
      2026,
      "Europe/Stockholm",
      ["2026-12-23 Julafton", "2026-12-24 Julafton"],
    ],
    [
      "a floating day-long event stays one day across a daylight-saving change",
      ics(...event("DTSTART:20260308T000000", "DTEND:20260309T000000", "SUMMARY:Spring day")),
      2026,
      "America/New_York",
      ["2026-03-08 Spring day"],
    ],
    [
      "a timed event without an end is a moment on its day; VTIMEZONE and VALARM are skipped",
      ics(
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Stockholm",
        "BEGIN:STANDARD",
        "DTSTART:19701025T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "END:VTIMEZONE",
        ...event(
          "DTSTART;TZID=Europe/Stockholm:20260619T090000",
          "SUMMARY:Midsommarafton",
          "BEGIN:VALARM",
          "ACTION:DISPLAY",
          "TRIGGER:-PT15M",
          "END:VALARM",
        ),
      ),
      2026,
      "Europe/Stockholm",
      ["2026-06-19 Midsommarafton"],
    ],
    [
      "LF line ends, a byte order mark, and two calendars in one file",
      "\uFEFF" +
        ics(...event("DTSTART;VALUE=DATE:20260101", "SUMMARY:New Year")).replace(/\r\n/g, "\n") +
        ics(...event("DTSTART;VALUE=DATE:20260102", "SUMMARY:Day after")),
      2026,
      "America/New_York",
      ["2026-01-01 New Year", "2026-01-02 Day after"],
    ],
  ])("%s", (_, text, year, zone, expected) => {
    expect(holidays(text, year, zone)).toEqual(expected);
  });
});

describe("refusing what it cannot read exactly, by line", () => {
  test.each<[string, string, number, RegExp]>([
    ["an empty file", "", 1, /empty; expected BEGIN:VCALENDAR/],
    ["no VCALENDAR", "BEGIN:VEVENT\r\nEND:VEVENT\r\n", 1, /expected BEGIN:VCALENDAR/],
    ["no VERSION", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 1, /no VERSION:2\.0/],
    [
      "a vCalendar 1.0 file",
      "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nEND:VCALENDAR\r\n",
      2,
      /VERSION:1\.0 is not iCalendar 2\.0/,
    ],
    [
      "a line without a colon",
      ics(...event("DTSTART;VALUE=DATE:20261225", "SUMMARY Christmas")),
      6,
      /expected ":"/,
    ],
    ["a continuation with nothing to continue", " BEGIN:VCALENDAR\r\n", 1, /has no line to continue/],
    [
      "an empty line inside",
      ics(...event("DTSTART;VALUE=DATE:20261225", "", "SUMMARY:Christmas")),
      6,
      /empty line/,
    ],
    [
      "a VEVENT closed by the calendar's END",
      ics("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261225"),
      6,
      /END:VCALENDAR does not close BEGIN:VEVENT \(line 4\)/,
    ],
    [
      "a file cut short",
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n",
      3,
      /BEGIN:VEVENT has no END:VEVENT/,
    ],
    [
      "END of the wrong component",
      ics("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261225", "END:VTODO"),
      6,
      /END:VTODO does not close BEGIN:VEVENT \(line 4\)/,
    ],
    [
      "a control character",
      ics(...event("DTSTART;VALUE=DATE:20261225", "SUMMARY:Christ\u0007mas")),
      6,
      /control character/,
    ],
    ["no DTSTART", ics(...event("SUMMARY:Christmas")), 4, /has no DTSTART/],
    [
      "a date without VALUE=DATE",
      ics(...event("DTSTART:20261225", "SUMMARY:Christmas")),
      5,
      /needs DTSTART;VALUE=DATE:20261225/,
    ],
    [
      "an impossible date",
      ics(...event("DTSTART;VALUE=DATE:20260230")),
      5,
      /20260230 is not a calendar date/,
    ],
    [
      "an unknown TZID",
      ics(...event("DTSTART;TZID=W. Europe Standard Time:20261225T000000")),
      5,
      /TZID=W\. Europe Standard Time is not an IANA time zone/,
    ],
    [
      "DTEND not after DTSTART",
      ics(...event("DTSTART;VALUE=DATE:20261225", "DTEND;VALUE=DATE:20261225")),
      6,
      /DTEND must be later than DTSTART/,
    ],
    [
      "DTEND and DURATION",
      ics(...event("DTSTART;VALUE=DATE:20261225", "DTEND;VALUE=DATE:20261226", "DURATION:P1D")),
      7,
      /DTEND or DURATION, not both/,
    ],
    [
      "hours in an all-day DURATION",
      ics(...event("DTSTART;VALUE=DATE:20261225", "DURATION:PT8H")),
      6,
      /whole days or weeks/,
    ],
    [
      "a monthly RRULE",
      ics(...event("DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=MONTHLY")),
      6,
      /FREQ=MONTHLY is not supported; a holiday calendar may repeat yearly only/,
    ],
    [
      "a BYDAY without ordinal",
      ics(...event("DTSTART;VALUE=DATE:20261126", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=TH")),
      6,
      /BYDAY=TH is not supported/,
    ],
    [
      "a list of months",
      ics(...event("DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=YEARLY;BYMONTH=1,7")),
      6,
      /BYMONTH=1,7: one value only/,
    ],
    [
      "an unsupported rule part",
      ics(...event("DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=YEARLY;BYSETPOS=1")),
      6,
      /RRULE part BYSETPOS is not supported/,
    ],
    [
      "a DTSTART off its own rule",
      ics(...event("DTSTART;VALUE=DATE:20261127", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH")),
      6,
      /DTSTART 2026-11-27 is not a day this RRULE repeats on/,
    ],
    [
      "RDATE",
      ics(...event("DTSTART;VALUE=DATE:20260101", "RDATE;VALUE=DATE:20270102")),
      6,
      /RDATE is not supported/,
    ],
    [
      "DTSTART twice",
      ics(...event("DTSTART;VALUE=DATE:20260101", "DTSTART;VALUE=DATE:20260102")),
      6,
      /DTSTART more than once/,
    ],
    [
      "a span longer than a year",
      ics(...event("DTSTART;VALUE=DATE:20260101", "DURATION:P400D")),
      6,
      /more than 366 days/,
    ],
  ])("%s", (_, text, line, message) => {
    const parsed = parseHolidayCalendar(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.line).toBe(line);
    expect(parsed.message).toMatch(message);
  });
});
