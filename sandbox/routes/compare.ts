/**
 * `repos/compare-commits-with-basehead` ("REST API endpoints for commits": compare two commits):
 * `BASE...HEAD` against the merge base, `BASE..HEAD` tip to tip, with status, ahead/behind counts, commits
 * (at most 250 without pagination) and files, and the `.diff` / `.patch` media types. A side naming another
 * owner (a fork) is not modelled: 501.
 */
import { filesBetween, formatPatch, unifiedDiff } from "../diff.js";
import { DOCS, HttpError, notFound } from "../errors.js";
import { type Ctx, type Reply } from "../http.js";
import { requestedFormat, textReply } from "../media.js";
import { paginate } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { commitJson, diffEntryJson } from "../serialize/git.js";
import { repoHtml, repoUrl } from "../serialize/repo.js";
import type { Repo } from "../state.js";
import { notModelled } from "../unmodelled.js";
import { commitish, repoOf } from "./common.js";

/** Without page or per_page GitHub lists at most 250 commits, the last being the comparison's newest. */
const UNPAGED_COMMITS = 250;
/** The changed files of the whole comparison, shown on the first page only. */
const MAX_FILES = 300;

/**
 * `BASE...HEAD` compares HEAD with the merge base (what a pull request shows); `BASE..HEAD` compares the
 * two tips directly. Either side may carry `owner:` — the repository's own owner here; another owner names
 * a fork in the network, which the sandbox does not model.
 */
function parseBasehead(ctx: Ctx, r: Repo): { base: string; head: string; direct: boolean } {
  const basehead = ctx.params["basehead"] ?? "";
  const m = /^(.+?)(\.\.\.?)(.+)$/.exec(basehead);
  if (!m) throw notFound();
  const side = (s: string): string => {
    const colon = s.indexOf(":");
    if (colon < 0) return s;
    if (s.slice(0, colon).toLowerCase() !== r.owner.toLowerCase()) {
      const route = "/repos/{owner}/{repo}/compare/{basehead} across forks";
      ctx.state.unmodelled.push({ at: ctx.state.now(), kind: "rest", method: "GET", route, path: ctx.path });
      throw notModelled("GET", route);
    }
    return s.slice(colon + 1);
  };
  return { base: side(m[1] ?? ""), head: side(m[3] ?? ""), direct: m[2] === ".." };
}

function compare(ctx: Ctx): Reply {
  const r = repoOf(ctx);
  const { base, head, direct } = parseBasehead(ctx, r);
  const baseSha = commitish(r, base);
  const headSha = commitish(r, head);
  if (!baseSha || !headSha) throw notFound();
  const mergeBase = r.git.mergeBase(baseSha, headSha);
  if (!mergeBase)
    throw new HttpError(404, {
      message: `No common ancestor between ${base} and ${head}.`,
      documentation_url: DOCS,
      status: "404",
    });
  const commits = r.git.between(baseSha, headSha);
  const behind = r.git.between(headSha, baseSha).length;
  const files = filesBetween(r, direct ? baseSha : mergeBase, headSha);
  const format = requestedFormat(ctx);
  if (format === "diff") return textReply("diff", unifiedDiff(files));
  if (format === "patch") return textReply("patch", formatPatch(r, commits));

  const paged = ctx.query.has("page") || ctx.query.has("per_page");
  const { page, headers } = paged
    ? paginate(ctx, commits)
    : { page: commits.slice(-UNPAGED_COMMITS), headers: {} };
  const firstPage = !paged || Number(ctx.query.get("page") ?? 1) <= 1;
  const baseCommit = r.git.get(baseSha, "commit");
  const mergeBaseCommit = r.git.get(mergeBase, "commit");
  if (!baseCommit || !mergeBaseCommit) throw notFound();
  const spec = `${base}${direct ? ".." : "..."}${head}`;
  const html = `${repoHtml(ctx, r)}/compare/${spec}`;
  const status =
    baseSha === headSha
      ? "identical"
      : mergeBase === baseSha
        ? "ahead"
        : mergeBase === headSha
          ? "behind"
          : "diverged";
  return {
    status: 200,
    headers,
    body: {
      url: `${repoUrl(ctx, r)}/compare/${spec}`,
      html_url: html,
      permalink_url: `${repoHtml(ctx, r)}/compare/${r.owner}:${baseSha.slice(0, 7)}...${r.owner}:${headSha.slice(0, 7)}`,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      base_commit: commitJson(ctx, r, baseCommit),
      merge_base_commit: commitJson(ctx, r, mergeBaseCommit),
      status,
      ahead_by: commits.length,
      behind_by: behind,
      total_commits: commits.length,
      commits: page.map((c) => commitJson(ctx, r, c)),
      files: firstPage ? files.slice(0, MAX_FILES).map((f) => diffEntryJson(ctx, r, f, headSha)) : [],
    },
  };
}

export const compareRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/compare/{basehead}",
    operationId: "repos/compare-commits-with-basehead",
    need: { perm: ["contents", "read"] },
    handler: (ctx) => compare(ctx),
  },
];
