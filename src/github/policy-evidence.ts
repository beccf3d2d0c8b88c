/**
 * What the policy asks for beyond the GraphQL query: the PR's patches when a checklist scans the diff for
 * secrets (one REST request), code scanning and secret scanning alerts when a `security_alerts` item
 * reads them (one REST request each; they have no GraphQL field), and the iCalendar holiday files of
 * the calendars business-day notices are counted on (one REST contents read each, at the commit the
 * policy was read from: their path is known only once the policy is parsed, and REST costs no GraphQL
 * points). The Action, the App and `tollgate explain --repo` all complete their evidence here, so each
 * judges the same facts.
 *
 * A source that answers 403 (the App or token lacks the permission) or 404 (the feature is not enabled,
 * or no analysis exists yet) is recorded as unavailable with the reason, and the engine blocks on it:
 * its alerts are unknown, never assumed absent.
 */
import type { AlertSource, Environment } from "../policy/model.js";
import { holidayFilesOf } from "../readiness/business-days.js";
import type { Evidence } from "../readiness/evidence.js";
import type { GitHubClient, RepositoryRef } from "./client.js";

export interface EvidenceNeeds {
  /** Whether a checklist scans the PR's diff for secrets. */
  readonly patches: boolean;
  /** REST-only alert sources a `security_alerts` item reads (Dependabot's come with the GraphQL query). */
  readonly alertSources: readonly Exclude<AlertSource, "dependabot">[];
  /** Holiday files (iCalendar) of the calendars the approval rules' business-day notices use. */
  readonly holidayFiles: readonly string[];
}

/** What the checklists of these environments need read. */
export function evidenceNeeds(environments: readonly (Environment | undefined)[]): EvidenceNeeds {
  const items = environments.flatMap((env) => env?.checklist ?? []);
  const sources = new Set<Exclude<AlertSource, "dependabot">>();
  for (const item of items)
    if (item.kind === "security_alerts")
      for (const source of item.sources) if (source !== "dependabot") sources.add(source);
  return {
    patches: items.some((item) => item.kind === "no_secrets"),
    alertSources: [...sources].sort(),
    holidayFiles: holidayFilesOf(environments),
  };
}

/**
 * The evidence with what `needs` asks for added, and the GitHub requests that took. `policyCommit` is
 * the default branch's commit the policy was read at (`GatheredEvidence.policyCommit`).
 */
export async function completeEvidence(
  client: GitHubClient,
  repository: RepositoryRef,
  evidence: Evidence,
  needs: EvidenceNeeds,
  policyCommit?: string,
): Promise<{ evidence: Evidence; requests: number }> {
  let requests = 0;
  let completed = evidence;
  for (const path of needs.holidayFiles) {
    const file = await readHolidayFile(client, repository, path, policyCommit);
    completed = { ...completed, holiday_files: { ...completed.holiday_files, [path]: file.file } };
    requests += file.requests;
  }
  if (needs.patches && evidence.pull_request) {
    completed = await withPatches(client, repository, completed);
    requests++;
  }
  for (const source of needs.alertSources) {
    completed = await withAlerts(client, repository, completed, source);
    requests++;
  }
  return { evidence: completed, requests };
}

/**
 * The PR's patches for secret scanning. GitHub lists at most 100 files per page and omits patches it
 * finds too large; either leaves the diff incomplete, which the engine treats as "not proven secret-free".
 */
export async function withPatches(
  client: GitHubClient,
  repository: RepositoryRef,
  evidence: Evidence,
): Promise<Evidence> {
  const pr = evidence.pull_request;
  if (!pr) return evidence;
  const { data } = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
    owner: repository.owner,
    repo: repository.repo,
    pull_number: pr.number,
    per_page: 100,
  });
  const listed = data as { filename: string; patch?: string }[];
  const files = listed.map((f) => ({
    path: f.filename,
    ...(f.patch !== undefined ? { patch: f.patch } : {}),
  }));
  return {
    ...evidence,
    pull_request: { ...pr, files, files_complete: pr.files_complete && listed.length >= pr.files.length },
  };
}

/** The permission a GitHub App needs to read each source, as GitHub's REST reference names it. */
export const ALERT_PERMISSIONS = {
  code_scanning: "security_events: read",
  secret_scanning: "secret_scanning_alerts: read",
} as const;

const ROUTES = {
  code_scanning: "GET /repos/{owner}/{repo}/code-scanning/alerts",
  secret_scanning: "GET /repos/{owner}/{repo}/secret-scanning/alerts",
} as const;

interface CodeScanningAlert {
  html_url?: string;
  rule?: { security_severity_level?: string | null; description?: string | null };
}
interface SecretScanningAlert {
  html_url?: string;
  secret_type_display_name?: string | null;
  secret_type?: string | null;
}

async function withAlerts(
  client: GitHubClient,
  repository: RepositoryRef,
  evidence: Evidence,
  source: Exclude<AlertSource, "dependabot">,
): Promise<Evidence> {
  let response: { data: unknown; headers?: Record<string, string | number | undefined> };
  try {
    response = (await client.request(ROUTES[source], {
      owner: repository.owner,
      repo: repository.repo,
      state: "open",
      per_page: 100,
    })) as typeof response;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== 403 && status !== 404) throw error;
    const reason =
      status === 403
        ? `403: the token lacks the ${ALERT_PERMISSIONS[source]} permission`
        : `404: ${source === "code_scanning" ? "code scanning is not enabled or has no analysis" : "secret scanning is not enabled"} on ${repository.owner}/${repository.repo}, or the token may not see it (${ALERT_PERMISSIONS[source]})`;
    return {
      ...evidence,
      alert_sources_unavailable: [...evidence.alert_sources_unavailable, { source, reason }],
    };
  }
  const listed = Array.isArray(response.data) ? response.data : [];
  const alerts =
    source === "code_scanning"
      ? (listed as CodeScanningAlert[]).flatMap((a) => {
          // Alerts of rules without a security severity (code quality) are not security alerts.
          const severity = severityOf(a.rule?.security_severity_level);
          return severity
            ? [
                {
                  source,
                  severity,
                  ...(a.rule?.description ? { summary: a.rule.description } : {}),
                  ...(a.html_url ? { url: a.html_url } : {}),
                },
              ]
            : [];
        })
      : (listed as SecretScanningAlert[]).map((a) => ({
          source,
          // A leaked secret has no severity in GitHub's data; a live credential is treated as critical.
          severity: "critical" as const,
          summary: `secret: ${a.secret_type_display_name ?? a.secret_type ?? "unknown type"}`,
          ...(a.html_url ? { url: a.html_url } : {}),
        }));
  const more = /rel="next"/.test(String(response.headers?.["link"] ?? ""));
  return {
    ...evidence,
    security_alerts: [...evidence.security_alerts, ...alerts],
    incomplete:
      more && !evidence.incomplete.includes("security_alerts")
        ? [...evidence.incomplete, "security_alerts"]
        : evidence.incomplete,
  };
}

function severityOf(level: string | null | undefined): "critical" | "high" | "medium" | "low" | undefined {
  return level === "critical" || level === "high" || level === "medium" || level === "low"
    ? level
    : undefined;
}

/**
 * A holiday file's text at the policy's commit, or why it cannot be had. 404 (no such file there) and
 * 403 (the token may not read contents) are recorded as the file's absence, which blocks the notice
 * periods counted on it; any other failure throws, and the caller fails closed.
 */
async function readHolidayFile(
  client: GitHubClient,
  repository: RepositoryRef,
  path: string,
  policyCommit: string | undefined,
): Promise<{ file: { text: string } | { unavailable: string }; requests: number }> {
  if (policyCommit === undefined)
    return {
      file: {
        unavailable: `the commit the policy was read from is unknown, so ${path} cannot be read with it`,
      },
      requests: 0,
    };
  const where = `${repository.owner}/${repository.repo}'s default branch (commit ${policyCommit.slice(0, 7)})`;
  let data: unknown;
  try {
    // `{+path}` keeps the slashes: Octokit encodes them in `{path}` (".github%2Fholidays.ics"), which
    // GitHub answers 404 for some tokens (octokit/octokit.js#2422).
    ({ data } = await client.request("GET /repos/{owner}/{repo}/contents/{+path}", {
      owner: repository.owner,
      repo: repository.repo,
      path,
      ref: policyCommit,
    }));
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404)
      return { file: { unavailable: `404: there is no file ${path} on ${where}` }, requests: 1 };
    if (status === 403)
      return { file: { unavailable: `403: the token may not read ${path} (contents: read)` }, requests: 1 };
    throw error;
  }
  const entry = data as { type?: string; encoding?: string; content?: string; size?: number };
  if (Array.isArray(data) || entry.type !== "file")
    return { file: { unavailable: `${path} on ${where} is not a file` }, requests: 1 };
  // GitHub sends files over 1 MB without their content (encoding "none").
  if (entry.encoding !== "base64" || typeof entry.content !== "string")
    return {
      file: {
        unavailable: `GitHub did not send the content of ${path} (${entry.size ?? "?"} bytes): too large for a holiday file`,
      },
      requests: 1,
    };
  return { file: { text: Buffer.from(entry.content, "base64").toString("utf8") }, requests: 1 };
}
