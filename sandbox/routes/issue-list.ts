/**
 * `issues/list-for-repo` ("REST API endpoints for issues"): filters by state (default open), labels,
 * creator and since, sorted by created, updated or comments; pull requests are listed too, with a
 * `pull_request` key. Assignee, mention and milestone filters are not modelled and match no issue, never
 * every issue.
 */
import { invalid } from "../errors.js";
import { type Ctx } from "../http.js";
import { listReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { issueJson } from "../serialize/issues.js";
import type { Issue, Repo } from "../state.js";
import { repoOf } from "./common.js";

/** Comments on an issue, for GitHub's sort=comments. */
const commentCount = (r: Repo, i: Issue): number =>
  [...r.comments.values()].filter((c) => c.issueNumber === i.number).length;

/**
 * GitHub's filters for a repository's issues: state (default open), labels (every one named, any case),
 * creator, since (updated at or after), sorted by created, updated or comments (default created, desc).
 * Assignees, mentions and milestones are not modelled, so filtering by them leaves no issue rather than all.
 */
function selected(ctx: Ctx, r: Repo): Issue[] {
  const q = ctx.query;
  const state = q.get("state") ?? "open";
  const labels = (q.get("labels") ?? "")
    .split(",")
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
  const creator = q.get("creator")?.toLowerCase();
  const since = q.get("since");
  const sinceMs = since === null ? undefined : Date.parse(since);
  if (sinceMs !== undefined && !Number.isFinite(sinceMs)) throw invalid("Issue", "since");
  const nobody = ["assignee", "mentioned", "milestone", "type"].some((k) => {
    const v = q.get(k);
    return v !== null && v !== "*" && v !== "none";
  });
  const sort = q.get("sort") ?? "created";
  const asc = (q.get("direction") ?? "desc") === "asc";
  const key = (i: Issue): number =>
    sort === "comments" ? commentCount(r, i) : Date.parse(sort === "updated" ? i.updated_at : i.created_at);
  if (nobody) return [];
  return [...r.issues.values()]
    .filter((i) => state === "all" || i.state === state)
    .filter((i) => labels.every((l) => i.labels.some((n) => n.toLowerCase() === l)))
    .filter((i) => !creator || i.user.toLowerCase() === creator)
    .filter((i) => sinceMs === undefined || Date.parse(i.updated_at) >= sinceMs)
    .sort((a, b) => (asc ? 1 : -1) * (key(a) - key(b) || a.number - b.number));
}

export const issueListRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/issues",
    operationId: "issues/list-for-repo",
    need: { perm: ["issues", "read"] },
    // Pull requests are issues to this listing, as on GitHub: each carries a `pull_request` key.
    handler: (ctx) => {
      const r = repoOf(ctx);
      return listReply(ctx, selected(ctx, r), (i) => issueJson(ctx, r, i));
    },
  },
];
