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
import { localTime, zonedInstant } from "./windows.js";

const DAY = 86_400_000;

/** Where a date-time's wall clock is read: UTC ("Z"), a named zone, or the calendar's own zone (floating). */
export type IcsZone =
  { readonly kind: "utc" } | { readonly kind: "tzid"; readonly tzid: string } | { readonly kind: "floating" };

export type IcsTime =
  | { readonly kind: "date"; readonly date: string }
  | { readonly kind: "date-time"; readonly date: string; readonly second: number; readonly zone: IcsZone };

export interface YearlyRule {
  readonly interval: number;
  readonly count?: number;
  readonly until?: IcsTime;
  readonly month?: number;
  readonly monthDay?: number;
  /** The `ordinal`-th `weekday` (0 = Sunday) of the month; negative ordinals count from its end. */
  readonly weekday?: { readonly ordinal: number; readonly weekday: number };
}

export interface HolidayEvent {
  /** The line of its BEGIN:VEVENT. */
  readonly line: number;
  readonly name?: string;
  readonly start: IcsTime;
  /** Whole days for an all-day event; milliseconds for one that starts at a time. */
  readonly length: number;
  readonly rule?: YearlyRule;
  readonly exceptions: readonly IcsTime[];
}

export type HolidayCalendar =
  | { readonly ok: true; readonly events: readonly HolidayEvent[] }
  | { readonly ok: false; readonly line: number; readonly message: string };

/** Holiday files are short; anything larger is a mistake, not a calendar. */
export const MAX_HOLIDAY_FILE_BYTES = 256 * 1024;
/** The longest span one event may cover: a year. */
const MAX_SPAN_DAYS = 366;

class IcsError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

interface ContentLine {
  readonly line: number;
  readonly name: string;
  readonly params: ReadonlyMap<string, string>;
  readonly value: string;
}

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

/** Logical lines: a physical line starting with a space or a tab continues the one before (RFC 5545 3.1). */
function unfold(text: string): ContentLine[] {
  const physical = text.replace(/^\uFEFF/, "").split(/\r\n|\n/);
  if (physical.at(-1) === "") physical.pop();
  const logical: { line: number; text: string }[] = [];
  physical.forEach((raw, index) => {
    const line = index + 1;
    if (raw.startsWith(" ") || raw.startsWith("\t")) {
      const last = logical.at(-1);
      if (!last)
        throw new IcsError(line, "a continuation line (starting with a space) has no line to continue");
      last.text += raw.slice(1);
    } else if (raw === "") throw new IcsError(line, "an empty line is not an iCalendar content line");
    else logical.push({ line, text: raw });
  });
  return logical.map(({ line, text }) => contentLine(line, text));
}

const NAME_CHARS = /^[A-Za-z0-9-]+/;

/** NAME *(";" param "=" value *("," value)) ":" value, where a param value may be quoted. */
function contentLine(line: number, text: string): ContentLine {
  // RFC 5545 3.1: no control characters but the tab.
  if ([...text].some((c) => (c < " " && c !== "\t") || c === "\u007F"))
    throw new IcsError(line, "a control character is not allowed in a content line");
  const name = NAME_CHARS.exec(text)?.[0];
  if (!name) throw new IcsError(line, `expected NAME:value, got "${clip(text)}"`);
  const params = new Map<string, string>();
  let at = name.length;
  while (text[at] === ";") {
    const param = NAME_CHARS.exec(text.slice(at + 1))?.[0];
    if (!param || text[at + 1 + param.length] !== "=")
      throw new IcsError(line, `expected a parameter NAME=value after ";" in "${clip(text)}"`);
    at += 1 + param.length + 1;
    const values: string[] = [];
    for (;;) {
      if (text[at] === '"') {
        const close = text.indexOf('"', at + 1);
        if (close < 0) throw new IcsError(line, `an unclosed quote in parameter ${param}`);
        values.push(text.slice(at + 1, close));
        at = close + 1;
      } else {
        const value = /^[^";:,]*/.exec(text.slice(at))![0];
        values.push(value);
        at += value.length;
      }
      if (text[at] !== ",") break;
      at++;
    }
    params.set(param.toUpperCase(), values.join(","));
  }
  if (text[at] !== ":") throw new IcsError(line, `expected ":" and a value in "${clip(text)}"`);
  return { line, name: name.toUpperCase(), params, value: text.slice(at + 1) };
}

const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);

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

const sameZone = (a: IcsZone, b: IcsZone) =>
  a.kind === b.kind && (a.kind !== "tzid" || a.tzid === (b as { tzid?: string }).tzid);

/** A wall clock as milliseconds, for the length between two times written in the same way. */
const nominalMs = (t: Extract<IcsTime, { kind: "date-time" }>) => dayNumber(t.date) * DAY + t.second * 1000;

function sameKind(value: IcsTime, start: IcsTime, line: ContentLine, what: string): IcsTime {
  if (value.kind !== start.kind)
    throw new IcsError(
      line.line,
      `${what} must be a ${start.kind === "date" ? "date (VALUE=DATE)" : "date-time"} like DTSTART`,
    );
  return value;
}

/** A DATE (with VALUE=DATE) or a DATE-TIME (UTC, TZID or floating) property value. */
function timeValue(line: ContentLine): IcsTime {
  const values = timeValues(line);
  if (values.length !== 1) throw new IcsError(line.line, `${line.name} must have exactly one value`);
  return values[0]!;
}

function timeValues(line: ContentLine): IcsTime[] {
  const type = (line.params.get("VALUE") ?? "DATE-TIME").toUpperCase();
  if (type !== "DATE" && type !== "DATE-TIME")
    throw new IcsError(line.line, `${line.name};VALUE=${type} is not supported; use DATE or DATE-TIME`);
  const tzid = line.params.get("TZID");
  if (tzid !== undefined && type === "DATE")
    throw new IcsError(line.line, `${line.name}: a date (VALUE=DATE) takes no TZID`);
  const zone: IcsZone | undefined =
    tzid === undefined ? undefined : { kind: "tzid", tzid: ianaZone(tzid, line) };
  return line.value.split(",").map((value) => {
    const date = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
    const dateTime = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(value);
    if (type === "DATE") {
      if (!date)
        throw new IcsError(line.line, `${line.name};VALUE=DATE:${value} is not a date like 20261225`);
      return { kind: "date", date: calendarDate(date, line) };
    }
    if (!dateTime) {
      const hint = date ? ` (an all-day date needs ${line.name};VALUE=DATE:${value})` : "";
      throw new IcsError(line.line, `${line.name}:${value} is not a date-time like 20261225T090000${hint}`);
    }
    const [, , , , hh, mm, ss, utc] = dateTime;
    if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60)
      throw new IcsError(line.line, `${line.name}:${value} is not a time of day`);
    if (utc && zone) throw new IcsError(line.line, `${line.name}: a UTC time (ending in Z) takes no TZID`);
    return {
      kind: "date-time",
      date: calendarDate(dateTime, line),
      second: Number(hh) * 3600 + Number(mm) * 60 + Math.min(59, Number(ss)),
      zone: zone ?? (utc ? { kind: "utc" } : { kind: "floating" }),
    };
  });
}

function calendarDate(match: RegExpExecArray, line: ContentLine): string {
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date)
    throw new IcsError(line.line, `${line.name}: ${match[0]} is not a calendar date`);
  return date;
}

function ianaZone(tzid: string, line: ContentLine): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tzid });
    return tzid;
  } catch {
    throw new IcsError(
      line.line,
      `${line.name}: TZID=${tzid} is not an IANA time zone; use a name like Europe/Stockholm`,
    );
  }
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? " " : c));
}

const WEEKDAY_CODES = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
const RULE_PARTS = new Set(["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYDAY", "WKST"]);

function yearlyRule(line: ContentLine, start: IcsTime): YearlyRule {
  const parts = new Map<string, string>();
  for (const part of line.value.split(";")) {
    const [key, value, extra] = part.split("=");
    if (!key || value === undefined || extra !== undefined || value === "")
      throw new IcsError(line.line, `RRULE part "${part}" is not NAME=value`);
    const name = key.toUpperCase();
    if (parts.has(name)) throw new IcsError(line.line, `RRULE has ${name} twice`);
    parts.set(name, value.toUpperCase());
  }
  const freq = parts.get("FREQ");
  if (freq !== "YEARLY")
    throw new IcsError(
      line.line,
      freq === undefined
        ? "RRULE has no FREQ"
        : `RRULE FREQ=${freq} is not supported; a holiday calendar may repeat yearly only (FREQ=YEARLY)`,
    );
  for (const name of parts.keys())
    if (!RULE_PARTS.has(name))
      throw new IcsError(line.line, `RRULE part ${name} is not supported in a holiday calendar`);
  const number = (name: string, min: number, max: number): number | undefined => {
    const text = parts.get(name);
    if (text === undefined) return undefined;
    if (text.includes(","))
      throw new IcsError(line.line, `RRULE ${name}=${text}: one value only; write one VEVENT per value`);
    const value = Number(text);
    if (!/^[+-]?\d+$/.test(text) || value < min || value > max || value === 0)
      throw new IcsError(line.line, `RRULE ${name}=${text} is out of range`);
    return value;
  };
  const interval = number("INTERVAL", 1, 1000) ?? 1;
  const count = number("COUNT", 1, 10_000);
  const month = number("BYMONTH", 1, 12);
  const monthDay = number("BYMONTHDAY", -31, 31);
  const byDay = parts.get("BYDAY");
  let weekday: YearlyRule["weekday"];
  if (byDay !== undefined) {
    const m = /^([+-]?[1-5])(SU|MO|TU|WE|TH|FR|SA)$/.exec(byDay);
    if (!m)
      throw new IcsError(
        line.line,
        `RRULE BYDAY=${byDay} is not supported; use one weekday with its ordinal, like BYDAY=4TH or BYDAY=-1MO`,
      );
    weekday = { ordinal: Number(m[1]), weekday: WEEKDAY_CODES.indexOf(m[2]!) };
  }
  if ((weekday || monthDay !== undefined) && month === undefined)
    throw new IcsError(line.line, "RRULE BYDAY and BYMONTHDAY need a BYMONTH in a yearly rule");
  if (weekday && monthDay !== undefined)
    throw new IcsError(line.line, "RRULE BYDAY and BYMONTHDAY together are not supported");
  if (count !== undefined && parts.has("UNTIL"))
    throw new IcsError(line.line, "RRULE may have COUNT or UNTIL, not both");
  let until: IcsTime | undefined;
  if (parts.has("UNTIL")) {
    const value = parts.get("UNTIL")!;
    const fake: ContentLine = {
      line: line.line,
      name: "UNTIL",
      params: new Map(start.kind === "date" ? [["VALUE", "DATE"]] : []),
      value,
    };
    until = timeValue(fake);
    if (
      start.kind === "date-time" &&
      start.zone.kind !== "floating" &&
      (until as { zone?: IcsZone }).zone?.kind !== "utc"
    )
      throw new IcsError(
        line.line,
        `RRULE UNTIL=${value} must be in UTC (ending in Z) when DTSTART has a zone`,
      );
  }
  const rule: YearlyRule = {
    interval,
    ...(count !== undefined ? { count } : {}),
    ...(until ? { until } : {}),
    ...(month !== undefined ? { month } : {}),
    ...(monthDay !== undefined ? { monthDay } : {}),
    ...(weekday ? { weekday } : {}),
  };
  if (ruleDate(rule, start.date, yearOf(start.date)) !== start.date)
    throw new IcsError(
      line.line,
      `DTSTART ${start.date} is not a day this RRULE repeats on; start on its first occurrence`,
    );
  return rule;
}

const yearOf = (date: string) => Number(date.slice(0, 4));
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const pad = (n: number) => String(n).padStart(2, "0");

/** The day a yearly rule falls on in `year`, or undefined when that year has no such day (29 February). */
export function ruleDate(rule: YearlyRule, start: string, year: number): string | undefined {
  const month = rule.month ?? Number(start.slice(5, 7));
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  let day: number;
  if (rule.weekday) {
    const { ordinal, weekday } = rule.weekday;
    if (ordinal > 0) {
      const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
      day = 1 + ((weekday - first + 7) % 7) + (ordinal - 1) * 7;
    } else {
      const last = new Date(Date.UTC(year, month - 1, days)).getUTCDay();
      day = days - ((last - weekday + 7) % 7) + (ordinal + 1) * 7;
    }
  } else {
    const wanted = rule.monthDay ?? Number(start.slice(8, 10));
    day = wanted > 0 ? wanted : days + wanted + 1;
  }
  return day >= 1 && day <= days ? `${year}-${pad(month)}-${pad(day)}` : undefined;
}

/** Where the event starts in `year`, when it does. */
function occurrenceIn(event: HolidayEvent, year: number): IcsTime | undefined {
  const first = yearOf(event.start.date);
  const rule = event.rule;
  if (!rule) return year === first ? event.start : undefined;
  if (year < first || (year - first) % rule.interval !== 0) return undefined;
  const date = ruleDate(rule, event.start.date, year);
  if (!date) return undefined;
  if (rule.count !== undefined) {
    let before = 0;
    for (let y = first; y < year; y += rule.interval) if (ruleDate(rule, event.start.date, y)) before++;
    if (before >= rule.count) return undefined;
  }
  return { ...event.start, date };
}

/** A time as an instant, floating times read in `timezone`. */
function instantOf(time: Extract<IcsTime, { kind: "date-time" }>, timezone: string): number {
  if (time.zone.kind === "utc") return Date.parse(`${time.date}T00:00:00Z`) + time.second * 1000;
  const zone = time.zone.kind === "tzid" ? time.zone.tzid : timezone;
  return zonedInstant(time.date, Math.floor(time.second / 60), zone) + (time.second % 60) * 1000;
}

function notAfter(time: IcsTime, until: IcsTime, timezone: string): boolean {
  if (time.kind === "date" || until.kind === "date") return time.date <= until.date;
  return instantOf(time, timezone) <= instantOf(until, timezone);
}

function sameTime(a: IcsTime, b: IcsTime, timezone: string): boolean {
  if (a.kind === "date" || b.kind === "date") return a.date === b.date;
  return instantOf(a, timezone) === instantOf(b, timezone);
}

/**
 * The holidays in `year`, as dates in `timezone` (the environment's) with their names: an all-day
 * event covers its dates as written; a timed one every local day it touches.
 */
export function holidaysInYear(
  events: readonly HolidayEvent[],
  year: number,
  timezone: string,
): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>();
  const add = (date: string, name: string | undefined) => {
    // Two holidays on one day: the first named one names it.
    if (yearOf(date) === year && found.get(date) === undefined) found.set(date, name);
  };
  for (const event of events)
    // A span of up to a year, or a zone shift, carries an occurrence over a new year.
    for (let y = year - 1; y <= year + 1; y++) {
      const start = occurrenceIn(event, y);
      if (!start) continue;
      if (event.rule?.until && !notAfter(start, event.rule.until, timezone)) continue;
      if (event.exceptions.some((e) => sameTime(e, start, timezone))) continue;
      if (start.kind === "date") {
        const first = dayNumber(start.date);
        for (let d = 0; d < event.length; d++) add(dateOf(first + d), event.name);
      } else {
        // The end is read on the same wall clock as the start, so a day-long event stays one day
        // across a daylight-saving change.
        const from = instantOf(start, timezone);
        const wall = nominalMs(start) + event.length;
        const end = instantOf(
          { ...start, date: dateOf(Math.floor(wall / DAY)), second: Math.floor((wall % DAY) / 1000) },
          timezone,
        );
        const last = localTime(new Date(Math.max(from, end - 1)), timezone).date;
        for (let d = dayNumber(localTime(new Date(from), timezone).date); d <= dayNumber(last); d++)
          add(dateOf(d), event.name);
      }
    }
  return found;
}
