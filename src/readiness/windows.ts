/**
 * Deployment windows, read in the policy's IANA time zone. Local weekday, date and minute come from
 * Intl for the instant being judged, so daylight-saving changes need no special cases: 09:00 in
 * Europe/Stockholm is 08:00Z in winter and 07:00Z in summer, and both are "09:00".
 */
import type { Freeze, Weekday, WeeklySpan, Windows } from "../policy/model.js";

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
const describeSpan = (span: WeeklySpan) =>
  `${span.days.join(",")} ${clock(span.fromMinute)}–${clock(span.toMinute)}`;

export function checkWindows(windows: Windows, instant: Date): WindowCheck {
  const time = localTime(instant, windows.timezone);
  const now = `${time.weekday} ${time.date} ${clock(time.minute)} ${windows.timezone}`;
  const freeze = windows.freezes.find((f) => inFreeze(instant, time, f));
  if (freeze) {
    return {
      open: false,
      kind: "freeze",
      reason: `change freeze${freeze.reason ? ` (${freeze.reason})` : ""} is in effect at ${now}`,
    };
  }
  if (windows.blackoutDates.includes(time.date)) {
    return { open: false, kind: "blackout", reason: `${time.date} is a blackout date` };
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
