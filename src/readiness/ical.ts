/**
 * Holiday calendars in iCalendar form (RFC 5545), read strictly: a holiday file decides when a notice
 * period ends, so anything this reader cannot understand exactly is an error naming its line, never a
 * holiday quietly dropped. Pure: the caller reads the file and names it in the messages.
 *
 * What a holiday calendar needs is read: VEVENTs with an all-day `DTSTART;VALUE=DATE` or a date-time
 * `DTSTART` (UTC, a `TZID` or floating), `DTEND` or `DURATION` spanning one day or several, `SUMMARY` as
 * the holiday's name, `STATUS:CANCELLED` (not a holiday), yearly recurrence
 * (`RRULE:FREQ=YEARLY` with `INTERVAL`, `COUNT`, `UNTIL`, one `BYMONTH`, one `BYMONTHDAY` or one
 * `BYDAY` with an ordinal such as `4TH`) and `EXDATE`. Other recurrences, `RDATE` and `RECURRENCE-ID`
 * are refused. Time zone definitions (VTIMEZONE), alarms, to-dos and journal entries are skipped:
 * `TZID`s must be IANA names.
 */
import { IcsError, clip, unfold, type ContentLine } from "./ical/content-lines.js";
import type { HolidayCalendar, HolidayEvent, IcsTime } from "./ical/types.js";
import {
  DAY,
  dayNumber,
  nominalMs,
  sameKind,
  sameZone,
  timeValue,
  timeValues,
  unescapeText,
} from "./ical/values.js";
import { yearlyRule } from "./ical/yearly-rule.js";

/** Holiday files are short; anything larger is a mistake, not a calendar. */
export const MAX_HOLIDAY_FILE_BYTES = 256 * 1024;
/** The longest span one event may cover: a year. */
const MAX_SPAN_DAYS = 366;

export function parseHolidayCalendar(text: string): HolidayCalendar {
  try {
    if (Buffer.byteLength(text) > MAX_HOLIDAY_FILE_BYTES)
      throw new IcsError(1, `the file is larger than ${MAX_HOLIDAY_FILE_BYTES / 1024} KB`);
    return { ok: true, events: readCalendars(unfold(text)) };
  } catch (error) {
    if (error instanceof IcsError) return { ok: false, line: error.line, message: error.message };
    throw error;
  }
}

/** One or more VCALENDAR objects, nothing outside them. */
function readCalendars(lines: readonly ContentLine[]): HolidayEvent[] {
  if (lines.length === 0) throw new IcsError(1, "the file is empty; expected BEGIN:VCALENDAR");
  const events: HolidayEvent[] = [];
  let at = 0;
  while (at < lines.length) {
    const begin = lines[at]!;
    if (begin.name !== "BEGIN" || begin.value.toUpperCase() !== "VCALENDAR")
      throw new IcsError(
        begin.line,
        `expected BEGIN:VCALENDAR, got "${clip(`${begin.name}:${begin.value}`)}"`,
      );
    at = readCalendar(lines, at, events);
  }
  return events;
}

/** Reads the VCALENDAR opening at `at`; returns the index after its END. */
function readCalendar(lines: readonly ContentLine[], at: number, events: HolidayEvent[]): number {
  const begin = lines[at]!;
  let version: string | undefined;
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.name === "END") {
      if (line.value.toUpperCase() !== "VCALENDAR")
        throw new IcsError(line.line, `END:${line.value} closes nothing open; expected END:VCALENDAR`);
      if (version === undefined)
        throw new IcsError(begin.line, "this VCALENDAR has no VERSION:2.0 (RFC 5545 requires it)");
      return i + 1;
    }
    if (line.name === "BEGIN") {
      const component = line.value.toUpperCase();
      if (component === "VEVENT") {
        const end = componentEnd(lines, i);
        const event = readEvent(lines.slice(i, end + 1));
        if (event) events.push(event);
        i = end;
      } else if (component === "VCALENDAR") {
        throw new IcsError(line.line, "a VCALENDAR cannot be nested in another");
      } else {
        // VTIMEZONE, VTODO, VJOURNAL, VFREEBUSY, extensions: not holidays.
        i = componentEnd(lines, i);
      }
      continue;
    }
    if (line.name === "VERSION") {
      if (line.value !== "2.0")
        throw new IcsError(line.line, `VERSION:${line.value} is not iCalendar 2.0 (RFC 5545)`);
      version = line.value;
    } else if (line.name === "CALSCALE" && line.value.toUpperCase() !== "GREGORIAN") {
      throw new IcsError(line.line, `CALSCALE:${line.value} is not supported; only GREGORIAN is`);
    }
  }
  throw new IcsError(begin.line, "BEGIN:VCALENDAR has no END:VCALENDAR");
}

/** The index of the END matching the BEGIN at `at`, nested components included. */
function componentEnd(lines: readonly ContentLine[], at: number): number {
  const stack = [lines[at]!];
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.name === "BEGIN") stack.push(line);
    else if (line.name === "END") {
      const open = stack.pop()!;
      if (open.value.toUpperCase() !== line.value.toUpperCase())
        throw new IcsError(
          line.line,
          `END:${line.value} does not close BEGIN:${open.value} (line ${open.line})`,
        );
      if (stack.length === 0) return i;
    }
  }
  const open = stack.at(-1)!;
  throw new IcsError(open.line, `BEGIN:${open.value} has no END:${open.value}`);
}

/** A VEVENT's lines, BEGIN to END; undefined when it is cancelled. */
function readEvent(lines: readonly ContentLine[]): HolidayEvent | undefined {
  const begin = lines[0]!;
  const own: ContentLine[] = [];
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i]!;
    // Alarms and other nested components say nothing about the day.
    if (line.name === "BEGIN") i = componentEnd(lines, i);
    else own.push(line);
  }
  const once = (name: string): ContentLine | undefined => {
    const found = own.filter((l) => l.name === name);
    if (found.length > 1) throw new IcsError(found[1]!.line, `a VEVENT has ${name} more than once`);
    return found[0];
  };
  for (const refused of ["RDATE", "RECURRENCE-ID"])
    for (const line of own.filter((l) => l.name === refused))
      throw new IcsError(
        line.line,
        `${refused} is not supported in a holiday calendar; list each holiday as its own VEVENT`,
      );
  const dtstart = once("DTSTART");
  if (!dtstart) throw new IcsError(begin.line, "this VEVENT has no DTSTART");
  const dtend = once("DTEND");
  const duration = once("DURATION");
  const summary = once("SUMMARY");
  const status = once("STATUS");
  const rrule = once("RRULE");
  if (dtend && duration) throw new IcsError(duration.line, "a VEVENT may have DTEND or DURATION, not both");

  const start = timeValue(dtstart);
  const length = eventLength(start, dtstart, dtend, duration);
  const rule = rrule ? yearlyRule(rrule, start) : undefined;
  const exceptions = own
    .filter((l) => l.name === "EXDATE")
    .flatMap((l) => timeValues(l).map((t) => sameKind(t, start, l, "EXDATE")));
  if (status?.value.toUpperCase() === "CANCELLED") return undefined;
  const name = summary ? unescapeText(summary.value).trim() : "";
  return {
    line: begin.line,
    ...(name ? { name } : {}),
    start,
    length,
    ...(rule ? { rule } : {}),
    exceptions,
  };
}

function eventLength(
  start: IcsTime,
  dtstart: ContentLine,
  dtend: ContentLine | undefined,
  duration: ContentLine | undefined,
): number {
  if (dtend) {
    const end = sameKind(timeValue(dtend), start, dtend, "DTEND");
    if (start.kind === "date-time" && !sameZone(start.zone, (end as typeof start).zone))
      throw new IcsError(
        dtend.line,
        "DTEND must be written in the same zone as DTSTART (the same TZID, Z or neither)",
      );
    const length =
      start.kind === "date"
        ? dayNumber(end.date) - dayNumber(start.date)
        : nominalMs(end as Extract<IcsTime, { kind: "date-time" }>) -
          nominalMs(start as Extract<IcsTime, { kind: "date-time" }>);
    if (length <= 0) throw new IcsError(dtend.line, "DTEND must be later than DTSTART");
    return checkedSpan(length, start, dtend);
  }
  if (duration) {
    const parsed = DURATION.exec(duration.value);
    if (!parsed || parsed[1] === "-" || duration.value.endsWith("T") || duration.value === "P")
      throw new IcsError(
        duration.line,
        `DURATION:${duration.value} is not a positive duration like P1D or PT8H`,
      );
    const [weeks, days, hours, minutes, seconds] = [2, 3, 5, 6, 7].map((i) => Number(parsed[i] ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    if (start.kind === "date" && parsed[4] !== undefined)
      throw new IcsError(duration.line, `an all-day event's DURATION must be whole days or weeks (P1D, P1W)`);
    const length =
      start.kind === "date"
        ? weeks * 7 + days
        : (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000;
    if (length <= 0)
      throw new IcsError(duration.line, `DURATION:${duration.value} is not a positive duration`);
    return checkedSpan(length, start, duration);
  }
  // RFC 5545 3.6.1: an all-day event without an end lasts the day; a timed one is a moment in it.
  return start.kind === "date" ? 1 : 0;
}

function checkedSpan(length: number, start: IcsTime, at: ContentLine): number {
  const days = start.kind === "date" ? length : length / DAY;
  if (days > MAX_SPAN_DAYS)
    throw new IcsError(at.line, `the event spans more than ${MAX_SPAN_DAYS} days; a holiday is shorter`);
  return length;
}

const DURATION = /^([+-])?P(?:(\d+)W|(\d+)D)?(T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
