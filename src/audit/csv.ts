/**
 * One CSV row per record, for spreadsheets. PR titles and notes come from users: a cell that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with an apostrophe.
 */
import { recordColumns } from "./format.js";
import type { AuditReport } from "./types.js";

const COLUMNS = [
  "id",
  "environment",
  "created",
  "who",
  "creator",
  "sha",
  "pr",
  "why",
  "how",
  "approvals",
  "outcome",
  "detail",
  "leadTime",
  "findings",
  "digest",
] as const;

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(report: AuditReport): string {
  const lines = [COLUMNS.join(",")];
  for (const r of report.records) {
    const columns: Record<string, string> = {
      ...recordColumns(r),
      findings: report.findings
        .filter((f) => f.deploymentId === r.id)
        .map((f) => f.code)
        .join(" "),
    };
    lines.push(COLUMNS.map((c) => csvCell(columns[c] ?? "")).join(","));
  }
  // Deployments deleted since an earlier report (--compare) have no record, only findings: a row each.
  const known = new Set(report.records.map((r) => r.id));
  const deleted = [...new Set(report.findings.map((f) => f.deploymentId))].filter((id) => !known.has(id));
  for (const id of deleted) {
    const own = report.findings.filter((f) => f.deploymentId === id);
    const columns: Record<string, string> = {
      id: String(id),
      environment: own[0]!.environment,
      outcome: "deleted",
      detail: "deleted since the earlier report",
      findings: own.map((f) => f.code).join(" "),
    };
    lines.push(COLUMNS.map((c) => csvCell(columns[c] ?? "")).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
