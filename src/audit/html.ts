/**
 * The HTML report: one self-contained file (inline CSS, inline SVG charts, a few lines of inline script
 * to sort the records table), so it can be attached to a ticket or archived and opened offline.
 */
import { chartData } from "./charts.js";
import { metricRows, recordColumns } from "./format.js";
import { escapeHtml as e, outcomeBarsSvg, timesSvg } from "./svg.js";
import type { AuditReport } from "./types.js";

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
table.sortable th{cursor:pointer;user-select:none}table.sortable th[aria-sort=ascending]::after{content:" ▲"}
table.sortable th[aria-sort=descending]::after{content:" ▼"}.charts{display:flex;flex-wrap:wrap;gap:16px}
.chart{border:1px solid #d0d7de;border-radius:6px;background:#fff}.chart .title{font-weight:600;font-size:13px}
.chart .tick{font-size:11px;fill:#57606a}.chart .axis{stroke:#8c959f}.high{color:#cf222e;font-weight:600}
.critical{color:#fff;background:#cf222e;font-weight:700}
code{font-size:12px}.muted{color:#57606a}`;

/** Sorts by the clicked column; cells carry data-sort (numbers sort numerically), clicking again reverses. */
const SCRIPT = `document.querySelectorAll("table.sortable").forEach(function(t){
t.querySelectorAll("th").forEach(function(th,i){th.addEventListener("click",function(){
var asc=th.getAttribute("aria-sort")!=="ascending";t.querySelectorAll("th").forEach(function(h){h.removeAttribute("aria-sort")});
th.setAttribute("aria-sort",asc?"ascending":"descending");var num=th.dataset.type==="num";var body=t.tBodies[0];
var rows=Array.prototype.slice.call(body.rows);rows.sort(function(a,b){var x=a.cells[i].dataset.sort,y=b.cells[i].dataset.sort;
var c=num?Number(x)-Number(y):x.localeCompare(y);return asc?c:-c});rows.forEach(function(r){body.appendChild(r)})})})});`;

function td(text: string, sort: string = text): string {
  return `<td data-sort="${e(sort)}">${e(text)}</td>`;
}

function recordsTable(report: AuditReport): string {
  const head = [
    ["id", "num"],
    ["environment", "text"],
    ["when", "text"],
    ["who", "text"],
    ["what", "text"],
    ["why", "text"],
    ["how", "text"],
    ["approvals", "text"],
    ["outcome", "text"],
    ["lead time", "num"],
    ["digest", "text"],
  ];
  const rows = report.records.map((r) => {
    const c = recordColumns(r);
    return `<tr>${[
      td(c.id!, String(r.id)),
      td(c.environment!),
      td(c.created!),
      td(c.who!),
      td(`${c.what!}${c.pr ? ` — ${c.pr}` : ""}`),
      td(c.why!),
      td(c.how!),
      td(c.approvals!),
      td(`${c.outcome!}: ${c.detail!}`, c.outcome!),
      td(c.leadTime!, String(r.leadTimeMs ?? -1)),
      `<td data-sort="${r.digest}"><code title="${r.digest}">${r.digest.slice(0, 12)}</code></td>`,
    ].join("")}</tr>`;
  });
  return `<table class="sortable" id="records"><thead><tr>${head
    .map(([name, type]) => `<th data-type="${type}">${name}</th>`)
    .join("")}</tr></thead><tbody>${rows.join("\n")}</tbody></table>`;
}

export function renderHtml(report: AuditReport): string {
  const parts: string[] = [];
  const env = report.environment ? `, environment ${report.environment}` : "";
  parts.push(`<h1>Tollgate audit: ${e(report.repository)}${e(env)}</h1>`);
  parts.push(
    `<p class="muted">Period ${e(report.since)} → ${e(report.until)}, compared with the period before. Generated ${e(report.generatedAt)} from GitHub's deployment history alone in ${report.requests} API request(s). Policy: ${e(report.policy ? `${report.policy.source} (sha256 ${report.policy.digest.slice(0, 12)})` : "none")}.</p>`,
  );
  parts.push(
    `<p><strong>${report.records.length} deployment(s), ${report.findings.length} finding(s)</strong></p>`,
  );
  parts.push(
    `<h2>DORA metrics</h2><p class="muted">Bands from the DORA 2024 report, only where its bands are certain.</p>`,
  );
  for (const m of report.metrics) {
    parts.push(
      `<h3>${e(m.environment)}</h3><table class="metrics"><thead><tr><th>metric</th><th>this period</th><th>previous period</th><th>trend</th><th>band (DORA 2024)</th><th>samples</th></tr></thead><tbody>${metricRows(
        m,
      )
        .map(
          (r) =>
            `<tr><td>${e(r.name)}</td><td>${e(r.value)}</td><td>${e(r.previous)}</td><td>${e(r.trend)}</td><td>${e(r.band)}</td><td>${r.samples}</td></tr>`,
        )
        .join("")}</tbody></table>`,
    );
  }
  parts.push(`<h2>Charts</h2><div class="charts">`);
  for (const chart of chartData(report)) parts.push(outcomeBarsSvg(chart), timesSvg(chart));
  parts.push(`</div><h2>Findings</h2>`);
  parts.push(
    report.findings.length === 0
      ? "<p>None.</p>"
      : `<table class="sortable" id="findings"><thead><tr><th data-type="text">severity</th><th data-type="num">deployment</th><th data-type="text">environment</th><th data-type="text">finding</th><th data-type="text">details</th></tr></thead><tbody>${report.findings
          .map(
            (f) =>
              `<tr><td data-sort="${f.severity}" class="${f.severity === "high" || f.severity === "critical" ? f.severity : ""}">${f.severity}</td>${td(String(f.deploymentId))}${td(f.environment)}${td(f.code)}${td(f.message)}</tr>`,
          )
          .join("")}</tbody></table>`,
  );
  parts.push(`<h2>Records</h2>`, recordsTable(report));
  const cmp = report.comparison;
  if (cmp)
    parts.push(
      `<h2>Compared with the report of ${e(cmp.previousGeneratedAt)}</h2><ul><li>unchanged: ${cmp.unchanged}</li><li>grown: ${e(cmp.grown.join(", ") || "none")}</li><li><strong>changed</strong>: ${e(cmp.changed.map((c) => `${c.id} (${c.why})`).join(", ") || "none")}</li><li><strong>disappeared</strong>: ${e(cmp.disappeared.join(", ") || "none")}</li><li><strong>inserted</strong>: ${e(cmp.added.join(", ") || "none")}</li></ul>`,
    );
  if (report.notes.length > 0)
    parts.push(`<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${e(n)}</li>`).join("")}</ul>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tollgate audit: ${e(report.repository)}</title><style>${STYLE}</style></head>
<body>
${parts.join("\n")}
<script>${SCRIPT}</script>
</body></html>
`;
}
