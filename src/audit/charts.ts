/**
 * The numbers behind the pictures, computed once for both the Markdown (Mermaid) and the HTML (SVG)
 * report so the two always show the same thing: per environment and per week of the period, the
 * deployments by outcome, the median lead time and the median recovery time.
 */
import { DAY, median } from "./dora.js";
import { OUTCOMES, type AuditReport, type Outcome } from "./types.js";

export interface WeekBucket {
  /** YYYY-MM-DD of the bucket's first day. */
  readonly label: string;
  readonly counts: Readonly<Record<Outcome, number>>;
  /** Hours; null when nothing was measured that week. */
  readonly leadHours: number | null;
  readonly recoveryHours: number | null;
}

export interface EnvironmentChart {
  readonly environment: string;
  readonly weeks: readonly WeekBucket[];
}

export const OUTCOME_COLORS: Readonly<Record<Outcome, string>> = {
  success: "#2da44e",
  failure: "#cf222e",
  rolled_back: "#bf8700",
  in_progress: "#0969da",
  rejected: "#8250df",
};

/** At most ~60 bars: a long period gets buckets of several weeks. */
function bucketSize(since: number, until: number): number {
  const weeks = Math.ceil((until - since) / (7 * DAY));
  return Math.max(1, Math.ceil(weeks / 60)) * 7 * DAY;
}

const HOUR = 3_600_000;
const round1 = (v: number | null): number | null => (v === null ? null : Math.round((v / HOUR) * 10) / 10);

export function chartData(report: AuditReport): EnvironmentChart[] {
  const since = Date.parse(report.since);
  const until = Date.parse(report.until);
  const size = bucketSize(since, until);
  const count = Math.max(1, Math.ceil((until - since) / size));
  const bucketOf = (iso: string) => Math.min(count - 1, Math.floor((Date.parse(iso) - since) / size));
  return report.metrics
    .filter((m) => report.records.some((r) => r.environment === m.environment))
    .map((m) => {
      const counts = Array.from(
        { length: count },
        () => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>,
      );
      const leads = Array.from({ length: count }, (): number[] => []);
      const recoveries = Array.from({ length: count }, (): number[] => []);
      for (const r of report.records) {
        if (r.environment !== m.environment) continue;
        const b = bucketOf(r.createdAt);
        counts[b]![r.outcome]++;
        if (r.leadTimeMs !== null) leads[b]!.push(r.leadTimeMs);
      }
      for (const rec of m.recoveries) {
        const t = Date.parse(rec.at);
        if (t >= since && t < until) recoveries[bucketOf(rec.at)]!.push(rec.ms);
      }
      return {
        environment: m.environment,
        weeks: counts.map((c, i) => ({
          label: new Date(since + i * size).toISOString().slice(0, 10),
          counts: c,
          leadHours: round1(median(leads[i]!)),
          recoveryHours: round1(median(recoveries[i]!)),
        })),
      };
    });
}
