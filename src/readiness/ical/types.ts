/** What a holiday calendar file is read into: events with their start, length and yearly repeats. */

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
