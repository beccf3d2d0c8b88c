/**
 * The sandbox's web pages: what github.com serves at the `html_url`s the sandbox's REST API returns,
 * read-only, as plain server-rendered HTML (no scripts, no external resources). `renderPage` maps a
 * path to a page, or undefined when there is none; the server sends it with `PAGE_HEADERS`.
 */
import type { State } from "../state.js";
import { accountPage, appPage, homePage, installationPage, teamPage } from "./account.js";
import { checkRunPage } from "./check-run.js";
import { codePage, commitPage, resolveRef } from "./code.js";
import { deploymentsPage } from "./deployments.js";
import { CONTENT_SECURITY_POLICY, markup, layout } from "./html.js";
import { pullDiff, pullPage } from "./pull.js";
import { invitationsPage, repoPage } from "./repo.js";
import { codeScanningPage, dependabotPage } from "./security.js";
import { workflowRunPage } from "./workflow-run.js";

export interface Page {
  status: number;
  contentType: string;
  body: string;
}

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

const HTML = "text/html; charset=utf-8";
const page = (body: string | undefined): Page | undefined =>
  body === undefined ? undefined : { status: 200, contentType: HTML, body };
const int = (s: string | undefined): number => (s !== undefined && /^\d{1,15}$/.test(s) ? Number(s) : NaN);

/** The page at `path` (already without query), or undefined when the sandbox has no such page. */
export function renderPage(state: State, path: string, query: URLSearchParams): Page | undefined {
  let parts: string[];
  try {
    parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [first, second, third, fourth] = parts;
  if (parts.length === 0) return page(homePage(state));
  if (first === "apps" && parts.length === 2) {
    const app = state.appBySlug(second!);
    return page(app && appPage(state, app));
  }
  if (first === "settings" && second === "installations" && parts.length === 3) {
    const inst = state.installations.get(int(third));
    return page(inst && installationPage(state, inst));
  }
  if (first === "orgs" && third === "teams" && parts.length === 4) {
    const team = state.team(second!, fourth!);
    return page(team && teamPage(state, team));
  }
  if (parts.length === 1) {
    const account = state.account(first!);
    return page(account && accountPage(state, account));
  }
  const r = state.repo(first!, second!);
  if (!r) return undefined;
  const [kind, id, ...rest] = parts.slice(2);
  if (kind === undefined) return page(repoPage(state, r));
  if ((kind === "pull" || kind === "issues") && id !== undefined && rest.length === 0) {
    const diff = /^(\d+)\.(diff|patch)$/.exec(id);
    if (diff && kind === "pull") {
      const issue = r.issues.get(Number(diff[1]));
      return issue?.pull
        ? { status: 200, contentType: "text/plain; charset=utf-8", body: pullDiff(r, issue) }
        : undefined;
    }
    const issue = r.issues.get(int(id));
    return page(issue && pullPage(state, r, issue));
  }
  if (kind === "runs" && rest.length === 0) {
    const run = r.checkRuns.get(int(id));
    return page(run && checkRunPage(state, r, run));
  }
  if (kind === "deployments") {
    if (id === undefined) return page(deploymentsPage(state, r, undefined));
    if (id === "activity_log" && rest.length === 0)
      return page(deploymentsPage(state, r, query.get("environments_filter") || undefined));
    if (rest.length === 0) return page(deploymentsPage(state, r, id));
    return undefined;
  }
  if (kind === "actions" && id === "runs" && rest.length >= 1) {
    const run = r.runs.get(int(rest[0]));
    if (!run || (rest.length > 1 && rest[1] !== "attempts")) return undefined;
    return page(workflowRunPage(state, r, run));
  }
  if (kind === "commit" && id !== undefined && rest.length === 0) {
    const commit = /^[0-9a-f]{4,40}$/.test(id)
      ? [...r.git.objects.values()].find((o) => o.type === "commit" && o.sha.startsWith(id))
      : undefined;
    return page(commit?.type === "commit" ? commitPage(state, r, commit) : undefined);
  }
  if ((kind === "blob" || kind === "tree") && id !== undefined) {
    const at = resolveRef(r, [id, ...rest].join("/"));
    return page(at && codePage(r, at));
  }
  if (kind === "security" && rest.length === 1) {
    const n = int(rest[0]);
    if (id === "code-scanning") {
      const alert = r.codeScanning.find((a) => a.number === n);
      return page(alert && codeScanningPage(r, alert));
    }
    if (id === "dependabot") {
      const alert = r.dependabot.find((a) => a.number === n);
      return page(alert && dependabotPage(r, alert));
    }
  }
  if (kind === "invitations" && id === undefined) return page(invitationsPage(r));
  return undefined;
}

export function notFoundPage(path: string): Page {
  const body = markup`<h2 class="title">404</h2>
    <p>The sandbox has no page at <code>${path}</code>.</p>
    <p><a href="/">The sandbox's home</a></p>`;
  return { status: 404, contentType: HTML, body: layout({ title: "Page not found", body }) };
}
