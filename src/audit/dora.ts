/**
 * DORA's five metrics over the records of one environment, for a period and the period of the same
 * length before it. Bands are DORA 2024's (the last report with four levels), and only where the
 * report's bands are certain: deployment frequency and lead time. Change fail rate has only cluster
 * centres (elite 5 %, high 20 %), recovery time and rework rate have no confirmed bands: the figure is
 * shown, and the note says why there is no band.
 */
import { wentOut } from "./links.js";
import type { AuditRecord, Band, EnvironmentMetrics, Metric, Trend } from "./types.js";

export const DAY = 86_400_000;
export const SOURCE = "DORA 2024";

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function frequencyBand(perDay: number, deployments: number): { band: Band | null; note: string } {
  if (deployments === 0) return { band: null, note: "no deployments: no band" };
  if (perDay > 1) return { band: "elite", note: `${SOURCE}: on demand, several a day` };
  if (perDay >= 1 / 7) return { band: "high", note: `${SOURCE}: between daily and weekly` };
  if (perDay >= 1 / 30) return { band: "medium", note: `${SOURCE}: between weekly and monthly` };
  if (perDay >= 1 / 182) return { band: "low", note: `${SOURCE}: between monthly and every six months` };
  return { band: null, note: `less often than every six months: below ${SOURCE}'s bands` };
}

export function leadTimeBand(ms: number | null): { band: Band | null; note: string } {
  if (ms === null) return { band: null, note: "no lead time measured: no band" };
  if (ms < DAY) return { band: "elite", note: `${SOURCE}: less than a day` };
  if (ms < 7 * DAY) return { band: "high", note: `${SOURCE}: between a day and a week` };
  if (ms < 30 * DAY) return { band: "medium", note: `${SOURCE}: between a week and a month` };
  if (ms <= 182 * DAY) return { band: "low", note: `${SOURCE}: between a month and six months` };
  return { band: null, note: `over six months: beyond ${SOURCE}'s bands` };
}

export function changeFailNote(rate: number | null): string {
  const base = `no band: ${SOURCE} gives cluster centres (elite 5 %, high 20 %), not ranges`;
  if (rate === null) return `no deployments: ${base}`;
  if (rate <= 0.05) return `${base}; at or below the elite centre`;
  if (rate <= 0.2) return `${base}; between the elite and high centres`;
  return `${base}; above the high centre`;
}

export function trendOf(current: number | null, previous: number | null, higherIsBetter: boolean): Trend {
  if (current === null || previous === null) return "n/a";
  if (Math.abs(current - previous) <= 1e-9 * Math.max(1, Math.abs(previous))) return "same";
  return current > previous === higherIsBetter ? "better" : "worse";
}

export interface PeriodFigures {
  readonly wentOut: number;
  readonly successes: number;
  readonly perDay: number;
  readonly leadTime: number | null;
  readonly leadSamples: number;
  readonly changeFailRate: number | null;
  readonly recovery: number | null;
  readonly recoverySamples: number;
  readonly unrecovered: number;
  readonly reworkRate: number | null;
  readonly recoveries: readonly { readonly at: string; readonly ms: number }[];
}

/** When a failed change failed: its end (failure, rollback), or its success for one found out later. */
const failedAt = (r: AuditRecord): number => Date.parse(r.finishedAt ?? r.createdAt);

/** `all`: every record of one environment, oldest first (recovery looks past the period's end). */
export function periodFigures(all: readonly AuditRecord[], start: number, end: number): PeriodFigures {
  const inPeriod = all.filter((r) => {
    const t = Date.parse(r.createdAt);
    return t >= start && t < end;
  });
  const out = inPeriod.filter(wentOut);
  const successes = inPeriod.filter((r) => r.outcome === "success");
  const leads = inPeriod.map((r) => r.leadTimeMs).filter((v): v is number => v !== null);
  const failed = out.filter((r) => r.failedChange);
  const recoveries: { at: string; ms: number }[] = [];
  let unrecovered = 0;
  for (const f of failed) {
    const from = failedAt(f);
    // Octopus' definition: from the failed deployment to the next successful one in the environment.
    let next: number | undefined;
    for (const r of all) {
      if (r === f || r.outcome !== "success" || r.failedChange || r.finishedAt === null) continue;
      const t = Date.parse(r.finishedAt);
      if (t > from && (next === undefined || t < next)) next = t;
    }
    if (next !== undefined) recoveries.push({ at: new Date(from).toISOString(), ms: next - from });
    else unrecovered++;
  }
  return {
    wentOut: out.length,
    successes: successes.length,
    perDay: successes.length / ((end - start) / DAY),
    leadTime: median(leads),
    leadSamples: leads.length,
    changeFailRate: out.length === 0 ? null : failed.length / out.length,
    recovery: median(recoveries.map((r) => r.ms)),
    recoverySamples: recoveries.length,
    unrecovered,
    reworkRate: out.length === 0 ? null : out.filter((r) => r.unplanned).length / out.length,
    recoveries,
  };
}

function metric(
  value: number | null,
  samples: number,
  previous: number | null,
  higherIsBetter: boolean,
  band: { band: Band | null; note: string },
): Metric {
  return {
    value,
    samples,
    previous,
    trend: trendOf(value, previous, higherIsBetter),
    band: band.band,
    bandNote: band.note,
  };
}

export function environmentMetrics(
  environment: string,
  records: readonly AuditRecord[],
  period: { readonly previousSince: number; readonly since: number; readonly until: number },
): EnvironmentMetrics {
  const now = periodFigures(records, period.since, period.until);
  const before = periodFigures(records, period.previousSince, period.since);
  return {
    environment,
    deployments: now.wentOut,
    deploymentFrequency: metric(
      now.perDay,
      now.successes,
      before.perDay,
      true,
      frequencyBand(now.perDay, now.successes),
    ),
    leadTime: metric(now.leadTime, now.leadSamples, before.leadTime, false, leadTimeBand(now.leadTime)),
    changeFailRate: metric(now.changeFailRate, now.wentOut, before.changeFailRate, false, {
      band: null,
      note: changeFailNote(now.changeFailRate),
    }),
    recoveryTime: metric(now.recovery, now.recoverySamples, before.recovery, false, {
      band: null,
      note: `no band: ${SOURCE}'s recovery-time bands are unconfirmed`,
    }),
    reworkRate: metric(now.reworkRate, now.wentOut, before.reworkRate, false, {
      band: null,
      note: `no band: deployment rework rate was added in ${SOURCE} without confirmed bands`,
    }),
    unrecovered: now.unrecovered,
    recoveries: now.recoveries,
  };
}
