/**
 * Durations as policy authors write them: `30s`, `5m`, `24h`, `2d`, or combined (`1h30m`).
 * Milliseconds (`250ms`) are allowed for latency thresholds and probe timeouts.
 */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d+)(ms|s|m|h|d)/g;
export const DURATION_PATTERN = "^(\\d+(ms|s|m|h|d))+$";
const WHOLE = new RegExp(DURATION_PATTERN);

/** Returns the duration in milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return total;
}

/** The shortest readable form of a duration: 90_000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "0s";
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const unit of ["d", "h", "m", "s"] as const) {
    const size = UNIT_MS[unit];
    // "36h" reads better than "1d12h"; days only from two of them.
    if (unit === "d" && rest < 2 * size) continue;
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 && parts.length === 0) parts.push(`${rest}ms`);
  return parts.join("");
}
