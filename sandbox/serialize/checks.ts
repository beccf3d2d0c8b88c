/**
 * REST representations of checks and statuses (GitHub's OpenAPI schemas `check-run`, `check-suite`,
 * `status`, `simple-commit-status`): a suite's status and conclusion derived from its runs, the
 * `pull_requests` a check names (open PRs whose head is the commit), and the latest status per context.
 */
import type { Json } from "../http.js";
import type { CheckRun, CheckSuite, CommitStatus, Repo } from "../state.js";
import { appJson, nodeId, simpleUser, type View } from "./accounts.js";
import { headCommitJson } from "./git.js";
import { repoHtml, repoJson, repoRef, repoUrl } from "./repo.js";

/** The minimal PR objects GitHub puts in check runs and suites: open PRs whose head is the sha. */
export function prRefsFor(v: View, r: Repo, sha: string): Json[] {
  return [...r.issues.values()]
    .filter((i) => i.pull && i.state === "open" && i.pull.headSha === sha)
    .map((i) => {
      const p = i.pull as NonNullable<typeof i.pull>;
      return {
        url: `${repoUrl(v, r)}/pulls/${i.number}`,
        id: p.id,
        number: i.number,
        head: { ref: p.headRef, sha: p.headSha, repo: repoRef(v, r) },
        base: { ref: p.baseRef, sha: r.refs.get(`refs/heads/${p.baseRef}`) ?? "", repo: repoRef(v, r) },
      };
    });
}

const CONCLUSION_ORDER = [
  "action_required",
  "cancelled",
  "timed_out",
  "failure",
  "neutral",
  "skipped",
  "stale",
  "success",
];

export function suiteStatus(
  r: Repo,
  s: CheckSuite,
): { status: string; conclusion: string | null; runs: CheckRun[] } {
  const runs = [...r.checkRuns.values()].filter((c) => c.suiteId === s.id);
  if (runs.length === 0) return { status: "queued", conclusion: null, runs };
  if (runs.some((c) => c.status !== "completed")) {
    return {
      status: runs.some((c) => c.status === "in_progress") ? "in_progress" : "queued",
      conclusion: null,
      runs,
    };
  }
  const worst = CONCLUSION_ORDER.find((c) => runs.some((run) => run.conclusion === c)) ?? "success";
  return {
    status: "completed",
    conclusion: worst === "skipped" || worst === "neutral" ? "success" : worst,
    runs,
  };
}

export function suiteJson(v: View, r: Repo, s: CheckSuite): Json {
  const app = v.state.apps.get(s.appId);
  const { status, conclusion, runs } = suiteStatus(r, s);
  const commit = r.git.get(s.headSha, "commit");
  return {
    id: s.id,
    node_id: nodeId("CheckSuite", s.id),
    head_branch: s.headBranch,
    head_sha: s.headSha,
    status,
    conclusion,
    url: `${repoUrl(v, r)}/check-suites/${s.id}`,
    before: s.before,
    after: s.headSha,
    pull_requests: prRefsFor(v, r, s.headSha),
    app: app ? appJson(v, app) : null,
    repository: repoJson(v, r),
    created_at: s.created_at,
    updated_at: s.updated_at,
    latest_check_runs_count: runs.length,
    check_runs_url: `${repoUrl(v, r)}/check-suites/${s.id}/check-runs`,
    head_commit: commit ? headCommitJson(commit) : null,
    rerequestable: true,
    runs_rerequestable: false,
  };
}

export function checkRunJson(v: View, r: Repo, c: CheckRun): Json {
  const app = v.state.apps.get(c.appId);
  const suite = r.checkSuites.get(c.suiteId);
  const url = `${repoUrl(v, r)}/check-runs/${c.id}`;
  return {
    id: c.id,
    head_sha: c.headSha,
    node_id: nodeId("CheckRun", c.id),
    external_id: c.external_id ?? "",
    url,
    html_url: `${repoHtml(v, r)}/runs/${c.id}`,
    details_url: c.details_url ?? `${repoHtml(v, r)}/runs/${c.id}`,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.started_at,
    completed_at: c.completed_at,
    output: { ...c.output, annotations_url: `${url}/annotations` },
    name: c.name,
    // GitHub sends only the suite's id here (check-run's check_suite: { id } | null).
    check_suite: suite ? { id: suite.id } : null,
    app: app ? appJson(v, app) : null,
    pull_requests: prRefsFor(v, r, c.headSha),
  };
}

/** `simple-commit-status`, a status inside a combined status: no creator. */
export function simpleStatusJson(v: View, r: Repo, s: CommitStatus): Json {
  const { creator: _creator, ...simple } = statusJson(v, r, s);
  return simple;
}

export function statusJson(v: View, r: Repo, s: CommitStatus): Json {
  return {
    url: `${repoUrl(v, r)}/statuses/${s.sha}`,
    avatar_url: simpleUser(v, s.creator)["avatar_url"],
    id: s.id,
    node_id: nodeId("StatusContext", s.id),
    state: s.state,
    description: s.description,
    target_url: s.target_url,
    context: s.context,
    created_at: s.created_at,
    updated_at: s.updated_at,
    creator: simpleUser(v, s.creator),
  };
}

/** Latest status per context, newest first, as the combined status endpoint reports them. */
export function latestStatuses(r: Repo, sha: string): CommitStatus[] {
  const seen = new Map<string, CommitStatus>();
  for (const s of [...r.statuses].reverse())
    if (s.sha === sha && !seen.has(s.context)) seen.set(s.context, s);
  return [...seen.values()];
}
