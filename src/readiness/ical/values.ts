/**
 * iCalendar property values: dates and date-times (UTC, TZID or floating) checked to be real days
 * and real zones, text unescaped, and the day arithmetic the reader and the expansion share.
 */
import { IcsError, type ContentLine } from "./content-lines.js";
import type { IcsTime, IcsZone } from "./types.js";

export const DAY = 86_400_000;

export const yearOf = (date: string) => Number(date.slice(0, 4));
export const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
export const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

export const sameZone = (a: IcsZone, b: IcsZone) =>
  a.kind === b.kind && (a.kind !== "tzid" || a.tzid === (b as { tzid?: string }).tzid);

/** A wall clock as milliseconds, for the length between two times written in the same way. */
export const nominalMs = (t: Extract<IcsTime, { kind: "date-time" }>) =>
  dayNumber(t.date) * DAY + t.second * 1000;

export function sameKind(value: IcsTime, start: IcsTime, line: ContentLine, what: string): IcsTime {
  if (value.kind !== start.kind)
    throw new IcsError(
      line.line,
      `${what} must be a ${start.kind === "date" ? "date (VALUE=DATE)" : "date-time"} like DTSTART`,
    );
  return value;
}

/** A DATE (with VALUE=DATE) or a DATE-TIME (UTC, TZID or floating) property value. */
export function timeValue(line: ContentLine): IcsTime {
  const values = timeValues(line);
  if (values.length !== 1) throw new IcsError(line.line, `${line.name} must have exactly one value`);
  return values[0]!;
}

export function timeValues(line: ContentLine): IcsTime[] {
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

export function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? " " : c));
}
