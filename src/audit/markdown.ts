/**
 * The Markdown report, for a PR comment, an issue or a job summary. Charts are Mermaid `xychart-beta`
 * blocks, which GitHub renders. xychart has no stacked bars and no legend: outcomes are drawn as
 * cumulative bars, tallest first, so each colour shows one outcome's share, and the legend is text.
 */
import { chartData, OUTCOME_COLORS, type EnvironmentChart } from "./charts.js";
import { metricRows, recordColumns } from "./format.js";
import { OUTCOMES, type AuditReport } from "./types.js";

/** Table cells: no pipes or line breaks may escape. */
export const cell = (text: string): string =>
  text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const label = (text: string): string => `"${text.replace(/"/g, "'")}"`;

function outcomeChart(chart: EnvironmentChart): string {
  const reversed = [...OUTCOMES].reverse();
  const max = Math.max(1, ...chart.weeks.map((w) => OUTCOMES.reduce((s, o) => s + w.counts[o], 0)));
  const palette = OUTCOMES.map((o) => OUTCOME_COLORS[o]).join(", ");
  // Series i is the sum of outcomes i..end, so success (drawn first) is the whole bar's height.
  const series = OUTCOMES.map((_, i) =>
    chart.weeks.map((w) => reversed.slice(0, OUTCOMES.length - i).reduce((s, o) => s + w.counts[o], 0)),
  );
  return [
    "```mermaid",
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    "xychart-beta",
    `    title ${label(`${chart.environment}: deployments per week by outcome`)}`,
    `    x-axis [${chart.weeks.map((w) => label(w.label.slice(5))).join(", ")}]`,
    `    y-axis "Deployments" 0 --> ${max}`,
    ...series.map((s) => `    bar [${s.join(", ")}]`),
    "```",
    "",
    OUTCOMES.map((o) => `<span style="color:${OUTCOME_COLORS[o]}">■</span> ${o.replace("_", " ")}`).join(
      " · ",
    ),
  ].join("\n");
}

function timeChart(chart: EnvironmentChart): string | undefined {
  const leads = chart.weeks.map((w) => w.leadHours ?? 0);
  const recoveries = chart.weeks.map((w) => w.recoveryHours ?? 0);
  if (!chart.weeks.some((w) => w.leadHours !== null || w.recoveryHours !== null)) return undefined;
  const max = Math.max(1, ...leads, ...recoveries);
  return [
    "```mermaid",
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #cf222e"}}}}%%`,
    "xychart-beta",
    `    title ${label(`${chart.environment}: median lead time and recovery time per week (hours)`)}`,
    `    x-axis [${chart.weeks.map((w) => label(w.label.slice(5))).join(", ")}]`,
    `    y-axis "Hours" 0 --> ${Math.ceil(max)}`,
    `    line [${leads.join(", ")}]`,
    `    line [${recoveries.join(", ")}]`,
    "```",
    "",
    `<span style="color:#0969da">■</span> lead time · <span style="color:#cf222e">■</span> recovery time (0 = nothing measured that week)`,
  ].join("\n");
}

function summary(report: AuditReport): string[] {
  const env = report.environment ? `, environment ${report.environment}` : "";
  const critical = report.findings.filter((f) => f.severity === "critical").length;
  const high = report.findings.filter((f) => f.severity === "high").length;
  return [
    `# Tollgate audit: ${report.repository}${env}`,
    "",
    `Period ${report.since} → ${report.until} (compared with ${report.previousSince} → ${report.since}). ` +
      `Generated ${report.generatedAt} from GitHub's deployment history alone in ${report.requests} API request(s). ` +
      `Policy: ${report.policy ? `${report.policy.source} (sha256 ${report.policy.digest.slice(0, 12)})` : "none"}.`,
    "",
    `**${report.records.length} deployment(s), ${report.findings.length} finding(s)** (${critical > 0 ? `${critical} critical, ` : ""}${high} high).`,
    "",
  ];
}

function metricsSection(report: AuditReport): string[] {
  const out = [
    "## DORA metrics",
    "",
    "Bands from the DORA 2024 report (the last with four levels), only where its bands are certain.",
    "",
  ];
  for (const m of report.metrics) {
    out.push(
      `### ${m.environment}`,
      "",
      "| metric | this period | previous period | trend | band (DORA 2024) | samples |",
      "|---|---|---|---|---|---|",
    );
    for (const r of metricRows(m))
      out.push(`| ${r.name} | ${r.value} | ${r.previous} | ${r.trend} | ${cell(r.band)} | ${r.samples} |`);
    if (m.unrecovered > 0)
      out.push("", `${m.unrecovered} failure(s) not yet followed by a successful deployment.`);
    out.push("");
  }
  return out;
}

function chartsSection(report: AuditReport): string[] {
  const out = ["## Charts", ""];
  for (const chart of chartData(report)) {
    out.push(outcomeChart(chart), "");
    const times = timeChart(chart);
    if (times) out.push(times, "");
  }
  return out;
}

function findingsSection(report: AuditReport): string[] {
  if (report.findings.length === 0) return ["## Findings", "", "None.", ""];
  return [
    "## Findings",
    "",
    "| severity | deployment | environment | finding | details |",
    "|---|---|---|---|---|",
    ...report.findings.map(
      (f) =>
        `| ${f.severity === "critical" ? "**critical**" : f.severity} | ${f.deploymentId} | ${cell(f.environment)} | ${f.code} | ${cell(f.message)} |`,
    ),
    "",
  ];
}

function recordsSection(report: AuditReport): string[] {
  const rows = report.records.map((r) => {
    const c = recordColumns(r);
    const row = [
      c.id,
      c.environment,
      c.created,
      c.who,
      c.what,
      c.why,
      c.how,
      c.approvals,
      `${c.outcome}: ${c.detail}`,
      c.leadTime,
      `\`${c.digest!.slice(0, 12)}\``,
    ];
    return `| ${row.map((v) => cell(v ?? "")).join(" | ")} |`;
  });
  return [
    "## Records",
    "",
    "| id | environment | when | who | what | why | how | approvals | outcome | lead time | digest |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ];
}

function comparisonSection(report: AuditReport): string[] {
  const cmp = report.comparison;
  if (!cmp) return [];
  return [
    `## Compared with the report of ${cmp.previousGeneratedAt}`,
    "",
    `- unchanged: ${cmp.unchanged}`,
    `- grown (statuses added since, as GitHub allows): ${cmp.grown.join(", ") || "none"}`,
    `- **changed**: ${cmp.changed.map((c) => `${c.id} (${c.why})`).join(", ") || "none"}`,
    `- **disappeared**: ${cmp.disappeared.join(", ") || "none"}`,
    `- **inserted into history already reported**: ${cmp.added.join(", ") || "none"}`,
    "",
  ];
}

export function renderMarkdown(report: AuditReport): string {
  return [
    ...summary(report),
    ...metricsSection(report),
    ...chartsSection(report),
    ...findingsSection(report),
    ...recordsSection(report),
    ...comparisonSection(report),
    ...(report.notes.length > 0 ? ["## Notes", "", ...report.notes.map((n) => `- ${n}`), ""] : []),
  ].join("\n");
}
