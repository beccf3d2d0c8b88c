/**
 * When deploys may happen: weekly spans, freezes and blackout dates (`windows`), and the holiday
 * calendars business days are counted on (`calendars`). Both read dates, times and time zones.
 */
import * as z from "zod";
import { isTimeZone, name, text } from "./fields.js";

const weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], {
  error: "expected a weekday: mon, tue, wed, thu, fri, sat or sun",
});
const clock = z
  .string({ error: 'expected a time of day like "09:00"' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, {
    error: 'expected a time of day like "09:00" (00:00 to 24:00)',
  });
const weeklySpan = z.strictObject({
  name: text("a name")
    .optional()
    .meta({ description: 'What the span is called in check runs ("Business hours", "Friday afternoon").' }),
  reason: text("a reason")
    .optional()
    .meta({ description: "Why (deny spans): shown when it blocks a deploy." }),
  days: z.array(weekday).min(1).optional().meta({ description: "Weekdays (default: every day)." }),
  from: clock.meta({ description: "Start, local time in the windows' time zone." }),
  to: clock.meta({ description: "End, local time; earlier than `from` means the span crosses midnight." }),
});
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** Date.parse rolls 2026-02-30 over to March; a real calendar date survives the round trip. */
function isCalendarDate(text: string): boolean {
  const day = text.slice(0, 10);
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}
const instantOrDate = z
  .string({ error: "expected a date (2026-12-24) or a date and time with an offset (2026-12-24T12:00:00Z)" })
  .refine((s) => (DATE.test(s) || DATE_TIME.test(s)) && isCalendarDate(s) && !Number.isNaN(Date.parse(s)), {
    error: "expected a date (2026-12-24) or a date and time with an offset (2026-12-24T12:00:00Z)",
  });

const calendarDate = z
  .string({ error: "expected a date like 2026-12-25" })
  .regex(DATE, { error: "expected a date like 2026-12-25" })
  .refine((s) => !DATE.test(s) || isCalendarDate(s), { error: "expected a date like 2026-12-25" });

export const windowsSchema = z
  .strictObject({
    timezone: z
      .string({ error: "expected an IANA time zone such as Europe/Stockholm" })
      .refine(isTimeZone, {
        error: "expected an IANA time zone such as Europe/Stockholm or America/New_York",
      })
      .meta({ description: "IANA time zone in which days and times are read (daylight saving included)." }),
    allow: z
      .array(weeklySpan)
      .min(1)
      .optional()
      .meta({ description: "Deploys only inside one of these weekly spans." }),
    deny: z
      .array(weeklySpan)
      .min(1)
      .optional()
      .meta({ description: 'Never inside these weekly spans ("no Friday afternoon").' }),
    freezes: z
      .array(
        z.strictObject({
          name: text("a name")
            .optional()
            .meta({ description: 'What the freeze is called ("Year-end freeze").' }),
          from: instantOrDate.meta({ description: "First day (or instant) of the freeze." }),
          to: instantOrDate.meta({ description: "Last day (inclusive) or end instant of the freeze." }),
          reason: text("a reason").optional().meta({
            description: "Why: shown in the check run and `explain` while the freeze blocks deploys.",
          }),
        }),
      )
      .optional()
      .meta({ description: "Change freezes." }),
    blackout_dates: z
      .array(
        z.union([calendarDate, z.strictObject({ date: calendarDate, reason: text("a reason").optional() })], {
          error: "expected a date like 2026-12-25, or { date, reason }",
        }),
      )
      .optional()
      .meta({
        description:
          "Whole days, in the windows' time zone, with no deploys: dates, or { date, reason } to say why in the check run.",
      }),
    override: z
      .strictObject({
        change_types: z.array(name("a change type")).min(1).meta({
          description: "Change types that may deploy outside windows and freezes; the override is recorded.",
        }),
      })
      .optional(),
  })
  .meta({ description: "When deploys may happen." });

/**
 * A file in the repository, as the contents API names it: relative, forward slashes, no "." or ".."
 * segments (GitHub resolves none of them), ending in .ics.
 */
const HOLIDAY_FILE_ERROR = "expected a path in the repository to an .ics file, like .github/holidays.ics";
const holidayFilePath = z
  .string({ error: HOLIDAY_FILE_ERROR })
  .max(1000, { error: "the path is longer than 1000 characters" })
  .refine(
    (path) =>
      /\.ics$/i.test(path) &&
      ![...path].some((c) => c < " " || c === "\u007F" || c === "\\") &&
      path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== ".."),
    { error: HOLIDAY_FILE_ERROR },
  );

export const calendarSchema = z
  .strictObject({
    timezone: z
      .string({ error: "expected an IANA time zone such as Europe/Stockholm" })
      .refine(isTimeZone, {
        error: "expected an IANA time zone such as Europe/Stockholm or America/New_York",
      })
      .optional()
      .meta({ description: "The zone days are read in, when the environment has no `windows.timezone`." }),
    weekend: z
      .array(weekday)
      .optional()
      .meta({ description: "Days that are never business days (default sat and sun)." }),
    holidays: z
      .array(
        z.union(
          [
            calendarDate,
            z.strictObject({
              date: calendarDate,
              name: text("a name").optional(),
            }),
          ],
          { error: "expected a date like 2026-12-25, or { date, name }" },
        ),
      )
      .default([])
      .meta({ description: "Holidays: dates (2026-12-25) or { date, name }, never business days." }),
    holidays_file: holidayFilePath.optional().meta({
      description:
        "An iCalendar (.ics) file in the repository whose events are holidays too, read from the default branch with the policy (all-day and timed events, several days, yearly repeats). A file that is missing or that Tollgate cannot read exactly blocks business-day notices, naming the file and line.",
    }),
  })
  .meta({ description: "A holiday calendar: which days are business days." });
