/** Deploy windows as the engine reads them: spans in minutes after local midnight, freezes as dates or instants. */
import type { Weekday, Windows } from "../model.js";
import { dictionary } from "../own.js";
import type { WindowsDocument } from "../schema.js";

const minuteOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
const ALL_DAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const instantOrDate = (text: string): string | number => (text.length === 10 ? text : Date.parse(text));

export function normalizeWindows(doc: WindowsDocument): Windows {
  const spans = (list: WindowsDocument["allow"]) =>
    (list ?? []).map((s) => ({
      ...(s.name !== undefined ? { name: s.name } : {}),
      ...(s.reason !== undefined ? { reason: s.reason } : {}),
      days: s.days ?? ALL_DAYS,
      fromMinute: minuteOf(s.from),
      toMinute: minuteOf(s.to),
    }));
  return {
    timezone: doc.timezone,
    allow: spans(doc.allow),
    deny: spans(doc.deny),
    freezes: (doc.freezes ?? []).map((f) => ({
      ...(f.name !== undefined ? { name: f.name } : {}),
      from: instantOrDate(f.from),
      to: instantOrDate(f.to),
      ...(f.reason !== undefined ? { reason: f.reason } : {}),
    })),
    blackoutDates: (doc.blackout_dates ?? []).map((d) => (typeof d === "string" ? d : d.date)),
    blackoutReasons: dictionary(
      (doc.blackout_dates ?? []).flatMap((d) =>
        typeof d !== "string" && d.reason !== undefined ? [[d.date, d.reason] as const] : [],
      ),
    ),
    overrideChangeTypes: doc.override?.change_types ?? [],
  };
}
