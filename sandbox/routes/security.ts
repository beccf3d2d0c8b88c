/**
 * Security alert lists ("REST API endpoints for code scanning", "for secret scanning", "for Dependabot
 * alerts"): `code-scanning/list-alerts-for-repo` (404 "no analysis found" until a scanner has run),
 * `secret-scanning/list-alerts-for-repo` (404 unless enabled) and `dependabot/list-alerts-for-repo`.
 * Alerts cannot be raised through the REST API; the control API seeds them.
 */
import { DOCS, HttpError, invalid } from "../errors.js";
import { listReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { repoHtml, repoUrl } from "../serialize/repo.js";
import { repoOf } from "./common.js";

const CVSS = { low: 3.1, medium: 5.3, high: 7.5, critical: 9.8 } as const;

/** Alerts can't be raised through the REST API (they come from scanners); the control API seeds them. */
export const securityRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/code-scanning/alerts",
    operationId: "code-scanning/list-alerts-for-repo",
    need: { perm: ["security_events", "read"] },
    handler: (ctx) => {
      const r = repoOf(ctx);
      if (!r.scanners.code_scanning)
        throw new HttpError(404, { message: "no analysis found", documentation_url: DOCS, status: "404" });
      const state = ctx.query.get("state");
      const severity = ctx.query.get("severity");
      const list = r.codeScanning
        .filter(
          (a) =>
            (!state || a.state === state) &&
            (!severity || a.security_severity_level === severity || a.severity === severity),
        )
        .reverse();
      return listReply(ctx, list, (a) => ({
        number: a.number,
        created_at: a.created_at,
        updated_at: a.created_at,
        url: `${repoUrl(ctx, r)}/code-scanning/alerts/${a.number}`,
        html_url: `${repoHtml(ctx, r)}/security/code-scanning/${a.number}`,
        instances_url: `${repoUrl(ctx, r)}/code-scanning/alerts/${a.number}/instances`,
        state: a.state,
        fixed_at: null,
        dismissed_by: null,
        dismissed_at: null,
        dismissed_reason: null,
        dismissed_comment: null,
        rule: {
          id: a.rule_id,
          severity: a.severity,
          security_severity_level: a.security_severity_level,
          description: a.description,
          name: a.rule_id,
          tags: ["security"],
        },
        tool: { name: a.tool, version: null, guid: null },
        most_recent_instance: {
          ref: `refs/heads/${r.defaultBranch}`,
          analysis_key: ".github/workflows/codeql.yml:analyze",
          environment: "{}",
          category: "",
          state: a.state,
          commit_sha: r.refs.get(`refs/heads/${r.defaultBranch}`) ?? "",
          message: { text: a.description },
          location: { path: "", start_line: 1, end_line: 1, start_column: 1, end_column: 1 },
          classifications: [],
        },
      }));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/secret-scanning/alerts",
    operationId: "secret-scanning/list-alerts-for-repo",
    need: { perm: ["secret_scanning_alerts", "read"], role: "admin" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      if (!r.scanners.secret_scanning)
        throw new HttpError(404, {
          message: "Secret scanning is disabled on this repository.",
          documentation_url: DOCS,
          status: "404",
        });
      const state = ctx.query.get("state");
      if (state !== null && state !== "open" && state !== "resolved")
        throw invalid("SecretScanningAlert", "state");
      const list = r.secretScanning.filter((a) => !state || a.state === state).reverse();
      return listReply(ctx, list, (a) => ({
        number: a.number,
        created_at: a.created_at,
        updated_at: a.created_at,
        url: `${repoUrl(ctx, r)}/secret-scanning/alerts/${a.number}`,
        html_url: `${repoHtml(ctx, r)}/security/secret-scanning/${a.number}`,
        locations_url: `${repoUrl(ctx, r)}/secret-scanning/alerts/${a.number}/locations`,
        state: a.state,
        resolution: a.resolution,
        resolved_at: null,
        resolved_by: null,
        resolution_comment: null,
        secret_type: a.secret_type,
        secret_type_display_name: a.secret_type_display_name,
        secret: a.secret,
        push_protection_bypassed: false,
        push_protection_bypassed_by: null,
        push_protection_bypassed_at: null,
        validity: a.validity,
        publicly_leaked: false,
        multi_repo: false,
        is_base64_encoded: false,
        has_more_locations: false,
      }));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/dependabot/alerts",
    operationId: "dependabot/list-alerts-for-repo",
    need: { perm: ["vulnerability_alerts", "read"] },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const states = ctx.query.get("state")?.split(",");
      const severities = ctx.query.get("severity")?.split(",");
      const list = r.dependabot
        .filter(
          (a) => (!states || states.includes(a.state)) && (!severities || severities.includes(a.severity)),
        )
        .reverse();
      return listReply(ctx, list, (a) => {
        const pkg = { ecosystem: a.ecosystem, name: a.package };
        const vuln = {
          package: pkg,
          severity: a.severity,
          vulnerable_version_range: a.vulnerable_version_range,
          first_patched_version: a.first_patched_version ? { identifier: a.first_patched_version } : null,
        };
        return {
          number: a.number,
          state: a.state,
          dependency: {
            package: pkg,
            manifest_path: a.manifest_path,
            scope: "runtime",
            relationship: "direct",
          },
          security_advisory: {
            ghsa_id: a.ghsa_id,
            cve_id: a.cve_id,
            summary: a.summary,
            description: a.summary,
            vulnerabilities: [vuln],
            severity: a.severity,
            cvss: { vector_string: null, score: CVSS[a.severity] },
            cvss_severities: null,
            epss: null,
            cwes: [],
            identifiers: [{ type: "GHSA", value: a.ghsa_id }],
            references: [],
            published_at: a.created_at,
            updated_at: a.created_at,
            withdrawn_at: null,
          },
          security_vulnerability: vuln,
          url: `${repoUrl(ctx, r)}/dependabot/alerts/${a.number}`,
          html_url: `${repoHtml(ctx, r)}/security/dependabot/${a.number}`,
          created_at: a.created_at,
          updated_at: a.created_at,
          dismissed_at: null,
          dismissed_by: null,
          dismissed_reason: null,
          dismissed_comment: null,
          fixed_at: null,
          auto_dismissed_at: null,
        };
      });
    },
  },
];
