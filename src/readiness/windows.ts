/**
 * Deployment windows, read in the policy's IANA time zone. Local weekday, date and minute come from
 * Intl for the instant being judged, so daylight-saving changes need no special cases: 09:00 in
 * Europe/Stockholm is 08:00Z in winter and 07:00Z in summer, and both are "09:00".
 */
import type { Freeze, Weekday, WeeklySpan, Windows } from "../policy/model.js";
import { own } from "../policy/own.js";

export interface LocalTime {
  readonly weekday: Weekday;
  /** YYYY-MM-DD in the zone. */
  readonly date: string;
  /** Minutes since local midnight. */
  readonly minute: number;
}

export type WindowCheck =
  | { readonly open: true }
  | { readonly open: false; readonly kind: "window" | "freeze" | "blackout"; readonly reason: string };

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: readonly Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export function localTime(instant: Date, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(instant)) parts[part.type] = part.value;
  return {
    weekday: parts.weekday!.slice(0, 3).toLowerCase() as Weekday,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7]!;
}

export function inSpan(time: LocalTime, span: WeeklySpan): boolean {
  if (span.fromMinute < span.toMinute) {
    return span.days.includes(time.weekday) && time.minute >= span.fromMinute && time.minute < span.toMinute;
  }
  // Crosses midnight: the evening part belongs to the listed day, the morning part to the day after.
  return (
    (span.days.includes(time.weekday) && time.minute >= span.fromMinute) ||
    (span.days.includes(previousDay(time.weekday)) && time.minute < span.toMinute)
  );
}

function inFreeze(instant: Date, time: LocalTime, freeze: Freeze): boolean {
  const afterStart =
    typeof freeze.from === "string" ? time.date >= freeze.from : instant.getTime() >= freeze.from;
  const beforeEnd = typeof freeze.to === "string" ? time.date <= freeze.to : instant.getTime() <= freeze.to;
  return afterStart && beforeEnd;
}

const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
const describeSpan = (span: WeeklySpan) => {
  const when = `${span.days.join(",")} ${clock(span.fromMinute)}–${clock(span.toMinute)}`;
  const named = span.name !== undefined ? `"${span.name}" ${when}` : when;
  return span.reason !== undefined ? `${named}: ${span.reason}` : named;
};
const describeFreeze = (freeze: Freeze) =>
  `${freeze.name !== undefined ? `"${freeze.name}"` : "change freeze"}${freeze.reason ? ` (${freeze.reason})` : ""}`;

export function checkWindows(windows: Windows, instant: Date): WindowCheck {
  const time = localTime(instant, windows.timezone);
  const now = `${time.weekday} ${time.date} ${clock(time.minute)} ${windows.timezone}`;
  const freeze = windows.freezes.find((f) => inFreeze(instant, time, f));
  if (freeze) {
    return {
      open: false,
      kind: "freeze",
      reason: `${describeFreeze(freeze)} is in effect at ${now}`,
    };
  }
  if (windows.blackoutDates.includes(time.date)) {
    const why = windows.blackoutReasons && own(windows.blackoutReasons, time.date);
    return {
      open: false,
      kind: "blackout",
      reason: `${time.date} is a blackout date${why ? ` (${why})` : ""}`,
    };
  }
  const denied = windows.deny.find((span) => inSpan(time, span));
  if (denied)
    return { open: false, kind: "window", reason: `${now} falls in a denied span (${describeSpan(denied)})` };
  if (windows.allow.length > 0 && !windows.allow.some((span) => inSpan(time, span))) {
    return {
      open: false,
      kind: "window",
      reason: `${now} is outside the deployment windows (${windows.allow.map(describeSpan).join("; ")})`,
    };
  }
  return { open: true };
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far ahead the next opening is looked for: past this, a window is "not within a year". */
const HORIZON_DAYS = 400;

/** The wall clock of an instant in the zone, as if it were UTC (minute precision). */
function wallClock(instant: number, timeZone: string): number {
  const local = localTime(new Date(instant), timeZone);
  return Date.parse(`${local.date}T00:00:00Z`) + local.minute * MINUTE;
}

/**
 * The first instant whose local time in the zone is `date` at `minute`, or, when daylight saving
 * skips that time (02:30 on the night clocks go forward), the first instant after the gap. When the
 * time happens twice (clocks go back), the earlier.
 */
export function zonedInstant(date: string, minute: number, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minute * MINUTE;
  const offsets = [wall - DAY, wall + DAY].map((t) => wallClock(t, timeZone) - t);
  const candidates = offsets.map((offset) => wall - offset);
  const exact = candidates.filter((t) => wallClock(t, timeZone) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // In a gap: the wall clock jumps past `wall` somewhere between the two candidates.
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (wallClock(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);

/**
 * When deploys are next allowed after `instant`: the first moment the windows open, found among the
 * moments they can open at (a span starting, a denied span or a freeze ending, a day changing), each
 * converted from the zone's wall clock so daylight-saving changes are honoured. Undefined when nothing
 * opens within about a year.
 */
export function nextOpening(windows: Windows, instant: Date): Date | undefined {
  const zone = windows.timezone;
  const now = instant.getTime();
  const minutes = [
    0,
    ...windows.allow.map((s) => s.fromMinute),
    ...windows.deny.map((s) => s.toMinute % (24 * 60)),
  ];
  const freezeEnds = windows.freezes.flatMap((f) => (typeof f.to === "number" ? [f.to + 1] : []));
  let date = localTime(instant, zone).date;
  for (let day = 0; day < HORIZON_DAYS; day++, date = nextDate(date)) {
    const dayStart = zonedInstant(date, 0, zone);
    const candidates = [
      ...new Set([
        ...minutes.map((minute) => zonedInstant(date, minute, zone)),
        ...freezeEnds.filter((t) => t >= dayStart && t < dayStart + DAY + 2 * 3_600_000),
      ]),
    ]
      .filter((t) => t > now)
      .sort((a, b) => a - b);
    const open = candidates.find((t) => checkWindows(windows, new Date(t)).open);
    if (open !== undefined) return new Date(open);
  }
  return undefined;
}

/** "mon 2026-11-30 09:00 Europe/Stockholm (08:00 UTC)": the zone's wall clock, and UTC beside it. */
export function describeInstant(instant: Date, timeZone: string): string {
  const local = localTime(instant, timeZone);
  const utc = instant.toISOString();
  const utcDate = utc.slice(0, 10);
  const utcText = `${utcDate === local.date ? "" : `${utcDate} `}${utc.slice(11, 16)} UTC`;
  return `${local.weekday} ${local.date} ${clock(local.minute)} ${timeZone} (${utcText})`;
}
