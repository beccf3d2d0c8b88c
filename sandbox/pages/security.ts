/**
 * GitHub's security alert pages (`/{owner}/{repo}/security/code-scanning/{number}` and
 * `/security/dependabot/{number}`, the alerts' `html_url`s): the alert's rule or advisory, severity,
 * state, and where it was found.
 */
import type { CodeScanningAlert, DependabotAlert, Repo } from "../state.js";
import { badge, markup, layout, when } from "./html.js";

const row = (label: string, value: ReturnType<typeof markup> | string | null) =>
  markup`<tr>
    <th>${label}</th>
    <td>${value ?? "—"}</td>
  </tr>`;

export function codeScanningPage(r: Repo, a: CodeScanningAlert): string {
  const body = markup`<h2 class="title">${a.description} <span class="num">#${a.number}</span></h2>
    <div class="sub">
      ${badge(a.state === "open" ? "failure" : "inactive", a.state)} code scanning alert · ${a.tool}
    </div>
    <div class="box">
      <table class="grid">
        ${row("Rule", markup`<code>${a.rule_id}</code>`)} ${row("Severity", a.severity)}
        ${row("Security severity", a.security_severity_level)} ${row("Created", when(a.created_at))}
      </table>
    </div>`;
  return layout({
    title: `Code scanning alert #${a.number} · ${r.owner}/${r.name}`,
    repo: r,
    tab: "security",
    body,
  });
}

export function dependabotPage(r: Repo, a: DependabotAlert): string {
  const body = markup`<h2 class="title">${a.summary} <span class="num">#${a.number}</span></h2>
    <div class="sub">
      ${badge(a.state === "open" ? "failure" : "inactive", a.state)} Dependabot alert · ${a.package}
      (${a.ecosystem})
    </div>
    <div class="box">
      <table class="grid">
        ${row("Severity", a.severity)}
        ${row("Advisory", markup`<code>${a.ghsa_id}</code>${a.cve_id ? markup` · <code>${a.cve_id}</code>` : ""}`)}
        ${row("Vulnerable versions", a.vulnerable_version_range)}
        ${row("Patched version", a.first_patched_version)}
        ${row("Manifest", markup`<code>${a.manifest_path}</code>`)} ${row("Created", when(a.created_at))}
      </table>
    </div>`;
  return layout({
    title: `Dependabot alert #${a.number} · ${r.owner}/${r.name}`,
    repo: r,
    tab: "security",
    body,
  });
}
