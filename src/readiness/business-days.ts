/**
 * Notice periods. A duration is added to the announcement as it is; business days are counted on the
 * environment's calendar in its time zone: from the announcement's local time of day, each following
 * day that is neither a weekend day nor a holiday is one business day. An announcement made on a day
 * that is not a business day counts from the start of the next one.
 */
import { formatDuration } from "../policy/duration.js";
import type { ApprovalRule, BusinessDays, Weekday } from "../policy/model.js";
import { localTime, zonedInstant } from "./windows.js";

const DAY = 86_400_000;
const WEEKDAYS: readonly Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const weekdayOf = (date: string): Weekday => WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);

function isBusinessDay(date: string, days: BusinessDays): boolean {
  return !days.weekend.includes(weekdayOf(date)) && !days.holidays.some((h) => h.date === date);
}

/** The instant `days.count` business days after `from`. */
export function addBusinessDays(from: number, days: BusinessDays): number {
  const local = localTime(new Date(from), days.timezone);
  let date = local.date;
  let minute = local.minute;
  if (!isBusinessDay(date, days)) {
    do date = nextDate(date);
    while (!isBusinessDay(date, days));
    minute = 0;
  }
  for (let counted = 0; counted < days.count;) {
    date = nextDate(date);
    if (isBusinessDay(date, days)) counted++;
  }
  return zonedInstant(date, minute, days.timezone);
}

/** When the notice period of a change announced at `announcedAt` ends. */
export function noticeEnd(rule: ApprovalRule, announcedAt: number): number {
  return rule.noticeBusinessDays
    ? addBusinessDays(announcedAt, rule.noticeBusinessDays)
    : announcedAt + rule.noticeMs;
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
