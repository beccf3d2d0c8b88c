/**
 * Notice periods. A duration is added to the announcement as it is; business days are counted on the
 * environment's calendar in its time zone: from the announcement's local time of day, each following
 * day that is neither a weekend day nor a holiday is one business day. An announcement made on a day
 * that is not a business day counts from the start of the next one.
 */
import { formatDuration } from "../policy/duration.js";
import type { ApprovalRule, BusinessDays, Environment, Weekday } from "../policy/model.js";
import type { Evidence } from "./evidence.js";
import { parseHolidayCalendar } from "./ical.js";
import { holidaysInYear } from "./ical/occurrences.js";
import type { HolidayEvent } from "./ical/types.js";
import { localTime, zonedInstant } from "./windows.js";

const DAY = 86_400_000;
const WEEKDAYS: readonly Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const weekdayOf = (date: string): Weekday => WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);

/** The holiday files (iCalendar) of the calendars these environments' business-day notices count on. */
export function holidayFilesOf(environments: readonly (Environment | undefined)[]): string[] {
  const files = new Set<string>();
  for (const env of environments)
    for (const rule of Object.values(env?.approvals ?? {}))
      if (rule.noticeBusinessDays?.holidaysFile !== undefined)
        files.add(rule.noticeBusinessDays.holidaysFile);
  return [...files].sort();
}

/** Whether a date (in the calendar's zone) is a holiday of an iCalendar file. */
export type HolidayLookup = (date: string) => boolean;

function isBusinessDay(date: string, days: BusinessDays, fileHoliday?: HolidayLookup): boolean {
  return (
    !days.weekend.includes(weekdayOf(date)) &&
    !days.holidays.some((h) => h.date === date) &&
    !fileHoliday?.(date)
  );
}

/** The instant `days.count` business days after `from`, the file's holidays counted when given. */
export function addBusinessDays(from: number, days: BusinessDays, fileHoliday?: HolidayLookup): number {
  const local = localTime(new Date(from), days.timezone);
  let date = local.date;
  let minute = local.minute;
  if (!isBusinessDay(date, days, fileHoliday)) {
    do date = nextDate(date);
    while (!isBusinessDay(date, days, fileHoliday));
    minute = 0;
  }
  for (let counted = 0; counted < days.count;) {
    date = nextDate(date);
    if (isBusinessDay(date, days, fileHoliday)) counted++;
  }
  return zonedInstant(date, minute, days.timezone);
}

/** The holidays of parsed iCalendar events as dates in `timezone`, expanded a year at a time as asked. */
export function holidayLookup(events: readonly HolidayEvent[], timezone: string): HolidayLookup {
  const years = new Map<number, Map<string, string | undefined>>();
  return (date) => {
    const year = Number(date.slice(0, 4));
    let holidays = years.get(year);
    if (!holidays) years.set(year, (holidays = holidaysInYear(events, year, timezone)));
    return holidays.has(date);
  };
}

/** Why a notice period cannot be counted: the calendar's holiday file is missing or unreadable. */
export interface NoticeProblem {
  readonly reason: string;
  readonly fix: string;
}

/**
 * The holidays of the calendar's iCalendar file, from the evidence: a file that was not read, is
 * missing or does not parse is a problem naming it (and the line), never a calendar without holidays.
 */
export function fileHolidays(
  days: BusinessDays,
  evidence: Pick<Evidence, "holiday_files">,
): { lookup?: HolidayLookup } | { problem: NoticeProblem } {
  const path = days.holidaysFile;
  if (path === undefined) return {};
  const of = days.calendar !== undefined ? ` of calendar ${days.calendar}` : "";
  const file = Object.hasOwn(evidence.holiday_files, path) ? evidence.holiday_files[path] : undefined;
  if (!file)
    return {
      problem: {
        reason: `the holiday file ${path}${of} was not read, so business days cannot be counted`,
        fix: `read ${path} from the default branch with the policy (the evidence's holiday_files)`,
      },
    };
  if ("unavailable" in file)
    return {
      problem: {
        reason: `the holiday file ${path}${of} cannot be read: ${file.unavailable}`,
        fix: `add ${path} on the default branch, or remove \`holidays_file\` from the calendar`,
      },
    };
  const parsed = parseHolidayCalendar(file.text);
  if (!parsed.ok)
    return {
      problem: {
        reason: `the holiday file ${path}:${parsed.line}${of} is not a calendar Tollgate can read exactly: ${parsed.message}`,
        fix: `correct line ${parsed.line} of ${path} on the default branch`,
      },
    };
  return { lookup: holidayLookup(parsed.events, days.timezone) };
}

/** When the notice period of a change announced at `announcedAt` ends, or why it cannot be known. */
export function noticeEnd(
  rule: ApprovalRule,
  announcedAt: number,
  evidence: Pick<Evidence, "holiday_files">,
): { at: number } | { problem: NoticeProblem } {
  const days = rule.noticeBusinessDays;
  if (!days) return { at: announcedAt + rule.noticeMs };
  const file = fileHolidays(days, evidence);
  if ("problem" in file) return file;
  return { at: addBusinessDays(announcedAt, days, file.lookup) };
}

/** "24h", or "5 business days (calendar us-holidays, America/New_York)". */
export function describeNotice(rule: ApprovalRule): string {
  const days = rule.noticeBusinessDays;
  if (!days) return formatDuration(rule.noticeMs);
  const where = [days.calendar !== undefined ? `calendar ${days.calendar}` : "", days.timezone]
    .filter(Boolean)
    .join(", ");
  return `${days.count} business day${days.count === 1 ? "" : "s"} (${where})`;
}
