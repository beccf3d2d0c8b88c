/**
 * Holiday events expanded into the dates of one year, in the environment's time zone: yearly repeats,
 * their COUNT, UNTIL and EXDATEs applied, timed events covering every local day they touch.
 */
import { localTime, zonedInstant } from "../windows.js";
import type { HolidayEvent, IcsTime } from "./types.js";
import { DAY, dateOf, dayNumber, nominalMs, yearOf } from "./values.js";
import { ruleDate } from "./yearly-rule.js";

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
