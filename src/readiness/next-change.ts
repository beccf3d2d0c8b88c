/**
 * When a decision changes by time alone: the earliest time an item names (a soak or notice period
 * ending, a window opening, an emergency's approval deadline passing). Nothing else has to happen on
 * GitHub for the verdict to change then, so the App records that time and is woken at it.
 */
import type { Decision } from "./decision.js";

export function nextChange(decisions: readonly Decision[], now: Date): Date | undefined {
  const times = decisions
    .flatMap((d) => d.checklist)
    .flatMap((item) => (item.until === undefined ? [] : [Date.parse(item.until)]))
    .filter((t) => Number.isFinite(t) && t > now.getTime());
  return times.length === 0 ? undefined : new Date(Math.min(...times));
}
