/**
 * Yearly recurrence (RRULE:FREQ=YEARLY), the only repeat a holiday calendar may use: its parts read
 * strictly, and the day it falls on in a given year.
 */
import { IcsError, type ContentLine } from "./content-lines.js";
import type { IcsTime, IcsZone, YearlyRule } from "./types.js";
import { timeValue, yearOf } from "./values.js";

const WEEKDAY_CODES = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
const RULE_PARTS = new Set(["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYDAY", "WKST"]);

export function yearlyRule(line: ContentLine, start: IcsTime): YearlyRule {
  const parts = ruleParts(line);
  const number = (name: string, min: number, max: number) => rulePartNumber(parts, line, name, min, max);
  const interval = number("INTERVAL", 1, 1000) ?? 1;
  const count = number("COUNT", 1, 10_000);
  const month = number("BYMONTH", 1, 12);
  const monthDay = number("BYMONTHDAY", -31, 31);
  const weekday = byDay(parts.get("BYDAY"), line);
  if ((weekday || monthDay !== undefined) && month === undefined)
    throw new IcsError(line.line, "RRULE BYDAY and BYMONTHDAY need a BYMONTH in a yearly rule");
  if (weekday && monthDay !== undefined)
    throw new IcsError(line.line, "RRULE BYDAY and BYMONTHDAY together are not supported");
  if (count !== undefined && parts.has("UNTIL"))
    throw new IcsError(line.line, "RRULE may have COUNT or UNTIL, not both");
  const until = parts.has("UNTIL") ? untilOf(parts.get("UNTIL")!, line, start) : undefined;
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

/** NAME=value parts, each once, FREQ=YEARLY, and only the parts a holiday calendar may use. */
function ruleParts(line: ContentLine): Map<string, string> {
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
  return parts;
}

/** One whole, non-zero number within [min, max]; a list is refused (one VEVENT per value). */
function rulePartNumber(
  parts: ReadonlyMap<string, string>,
  line: ContentLine,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = parts.get(name);
  if (text === undefined) return undefined;
  if (text.includes(","))
    throw new IcsError(line.line, `RRULE ${name}=${text}: one value only; write one VEVENT per value`);
  const value = Number(text);
  if (!/^[+-]?\d+$/.test(text) || value < min || value > max || value === 0)
    throw new IcsError(line.line, `RRULE ${name}=${text} is out of range`);
  return value;
}

/** BYDAY: one weekday with its ordinal in the month (4TH, -1MO). */
function byDay(text: string | undefined, line: ContentLine): YearlyRule["weekday"] {
  if (text === undefined) return undefined;
  const m = /^([+-]?[1-5])(SU|MO|TU|WE|TH|FR|SA)$/.exec(text);
  if (!m)
    throw new IcsError(
      line.line,
      `RRULE BYDAY=${text} is not supported; use one weekday with its ordinal, like BYDAY=4TH or BYDAY=-1MO`,
    );
  return { ordinal: Number(m[1]), weekday: WEEKDAY_CODES.indexOf(m[2]!) };
}

/** UNTIL, written as DTSTART is (a date, or a date-time), and in UTC when DTSTART has a zone. */
function untilOf(value: string, line: ContentLine, start: IcsTime): IcsTime {
  const fake: ContentLine = {
    line: line.line,
    name: "UNTIL",
    params: new Map(start.kind === "date" ? [["VALUE", "DATE"]] : []),
    value,
  };
  const until = timeValue(fake);
  if (
    start.kind === "date-time" &&
    start.zone.kind !== "floating" &&
    (until as { zone?: IcsZone }).zone?.kind !== "utc"
  )
    throw new IcsError(
      line.line,
      `RRULE UNTIL=${value} must be in UTC (ending in Z) when DTSTART has a zone`,
    );
  return until;
}

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
