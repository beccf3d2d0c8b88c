/** Figures in words, shared by every report format. */
import type { AuditRecord, Metric, Trend } from "./types.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function duration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < HOUR) return `${Math.round(ms / MINUTE)} min`;
  if (ms < 2 * DAY) return `${Math.round((ms / HOUR) * 10) / 10} h`;
  return `${Math.round((ms / DAY) * 10) / 10} d`;
}

export function percent(ratio: number | null): string {
  return ratio === null ? "—" : `${Math.round(ratio * 1000) / 10} %`;
}

/** Deployments per day, said the way people count them. */
export function frequency(perDay: number | null): string {
  if (perDay === null) return "—";
  if (perDay >= 1) return `${Math.round(perDay * 10) / 10}/day`;
  if (perDay >= 1 / 7) return `${Math.round(perDay * 70) / 10}/week`;
  return `${Math.round(perDay * 300) / 10}/month`;
}

export const TREND_SIGN: Readonly<Record<Trend, string>> = {
  better: "▲ better",
  worse: "▼ worse",
  same: "= same",
  "n/a": "n/a",
};

export interface MetricRow {
  readonly name: string;
  readonly value: string;
  readonly previous: string;
  readonly trend: string;
  readonly band: string;
  readonly samples: number;
}

export function metricRows(m: {
  deploymentFrequency: Metric;
  leadTime: Metric;
  changeFailRate: Metric;
  recoveryTime: Metric;
  reworkRate: Metric;
}): MetricRow[] {
  const row = (name: string, metric: Metric, show: (v: number | null) => string): MetricRow => ({
    name,
    value: show(metric.value),
    previous: show(metric.previous),
    trend: TREND_SIGN[metric.trend],
    band: metric.band ? `${metric.band} (${metric.bandNote})` : metric.bandNote,
    samples: metric.samples,
  });
  return [
    row("Deployment frequency", m.deploymentFrequency, frequency),
    row("Change lead time (median)", m.leadTime, duration),
    row("Change fail rate", m.changeFailRate, percent),
    row("Failed deployment recovery time (median)", m.recoveryTime, duration),
    row("Deployment rework rate", m.reworkRate, percent),
  ];
}

/** The eight answers of a record as short strings, for tables and CSV. */
export function recordColumns(r: AuditRecord): Record<string, string> {
  const pr = r.pullRequest;
  return {
    id: String(r.id),
    environment:
      r.originalEnvironment && r.originalEnvironment !== r.environment
        ? `${r.environment} (created for ${r.originalEnvironment})`
        : r.environment,
    created: r.createdAt,
    who: r.initiatedBy ?? "",
    creator: r.creator ?? "",
    what: [r.version ?? "", r.sha.slice(0, 7), pr ? `#${pr.number}` : ""].filter(Boolean).join(" "),
    sha: r.sha,
    pr: pr ? `#${pr.number} ${pr.title}` : "",
    why: [
      r.changeType ?? "",
      r.emergency && r.changeType !== "emergency" ? "emergency" : "",
      r.rollbackOf ? `rollback of ${r.rollbackOf}` : "",
      r.override ? `override: ${r.override.kind}` : "",
    ]
      .filter(Boolean)
      .join(", "),
    how: [r.strategy ?? "", ...r.steps.filter((s) => s.startsWith("step:")).map((s) => s.slice(6))]
      .filter(Boolean)
      .join("; "),
    approvals: r.approvals
      .map(
        (a) =>
          `${a.decision === "approved" ? "✔" : "✘"} @${a.login} ${a.at}${a.trusted ? "" : " (untrusted)"}`,
      )
      .join("; "),
    outcome: r.outcome,
    detail: r.outcomeDetail,
    leadTime: duration(r.leadTimeMs),
    digest: r.digest,
  };
}
