/**
 * Pull requests and reviews ("REST API endpoints for pull requests" and "for pull request reviews"):
 * `pulls/create`, `list`, `get`, `update`, `merge` (refused when not mergeable or when protection or
 * rulesets refuse it), `list-commits`, `list-files`, `create-review` and `list-reviews`, with the `.diff` and
 * `.patch` media types. Announces `pull_request` and `pull_request_review`.
 */
import { formatPatch, mergeable, prCommits, prFiles, unifiedDiff } from "../diff.js";
import { requestedFormat, textReply } from "../media.js";
import { conflict, DOCS, HttpError, invalid, notFound, validationFailed } from "../errors.js";
import { bool, created, obj, ok, oneOf, str, type Ctx } from "../http.js";
import { updateRef } from "../ops.js";
import { mergeRefusal } from "../protection.js";
import { listReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { commitJson, diffEntryJson, personFor } from "../serialize/git.js";
import { pullJson, reviewJson, simplePullJson } from "../serialize/issues.js";
import type { Issue, Repo, Review } from "../state.js";
import { login, repoOf } from "./common.js";

const read = { perm: ["pull_requests", "read"] as [string, "read"] };
const write = { perm: ["pull_requests", "write"] as [string, "write"] };

export function pullOr404(ctx: Ctx, r: Repo): Issue {
  const i = r.issues.get(Number(ctx.params["pull_number"]));
  if (!i?.pull) throw notFound();
  return i;
}

const emitPull = (ctx: Ctx, r: Repo, i: Issue, action: string, extra: Record<string, unknown> = {}): void =>
  ctx.hooks.emit(
    r,
    "pull_request",
    action,
    () => ({ number: i.number, ...extra, pull_request: pullJson(ctx, r, i) }),
    { sender: login(ctx) },
  );

export const pullRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/pulls",
    operationId: "pulls/create",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const b = obj(ctx);
      const head = str(b, "head", "PullRequest", true).replace(/^[^:]+:/, "");
      const base = str(b, "base", "PullRequest", true);
      const title = str(b, "title", "PullRequest") ?? (b["issue"] === undefined ? undefined : "");
      if (title === undefined) throw invalid("PullRequest", "title", "missing_field");
      const headSha = r.refs.get(`refs/heads/${head}`);
      const baseSha = r.refs.get(`refs/heads/${base}`);
      if (!headSha) throw invalid("PullRequest", "head");
      if (!baseSha) throw invalid("PullRequest", "base");
      if (r.git.between(baseSha, headSha).length === 0) {
        throw validationFailed([
          { resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` },
        ]);
      }
      const dup = [...r.issues.values()].find(
        (i) => i.pull && i.state === "open" && i.pull.headRef === head && i.pull.baseRef === base,
      );
      if (dup)
        throw validationFailed([
          {
            resource: "PullRequest",
            code: "custom",
            message: `A pull request already exists for ${r.owner}:${head}.`,
          },
        ]);
      const now = ctx.state.now();
      const number = r.issues.size + 1;
      const issue: Issue = {
        id: ctx.state.nextId("issue"),
        number,
        title,
        body: str(b, "body", "PullRequest") ?? null,
        user: login(ctx),
        labels: [],
        state: "open",
        locked: false,
        created_at: now,
        updated_at: now,
        closed_at: null,
        pull: {
          id: ctx.state.nextId("pull"),
          headRef: head,
          headSha,
          baseRef: base,
          draft: bool(b, "draft", "PullRequest") ?? false,
          merged_at: null,
          merged_by: null,
          merge_commit_sha: null,
          mergedBaseSha: null,
          reviews: [],
        },
      };
      r.issues.set(number, issue);
      emitPull(ctx, r, issue, "opened");
      return created(pullJson(ctx, r, issue));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/pulls",
    operationId: "pulls/list",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const state = oneOf(
        ctx.query.get("state") ?? "open",
        ["open", "closed", "all"] as const,
        "PullRequest",
        "state",
      );
      const head = ctx.query.get("head")?.replace(/^[^:]+:/, "");
      const base = ctx.query.get("base");
      const dir = ctx.query.get("direction") ?? "desc";
      const list = [...r.issues.values()]
        .filter(
          (i) =>
            i.pull &&
            (state === "all" || i.state === state) &&
            (!head || i.pull.headRef === head) &&
            (!base || i.pull.baseRef === base),
        )
        .sort((a, b) => (dir === "asc" ? a.number - b.number : b.number - a.number));
      return listReply(ctx, list, (i) => simplePullJson(ctx, r, i));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/pulls/{pull_number}",
    operationId: "pulls/get",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = pullOr404(ctx, r);
      const format = requestedFormat(ctx);
      if (i.pull && format === "diff") return textReply("diff", unifiedDiff(prFiles(r, i.pull)));
      if (i.pull && format === "patch") return textReply("patch", formatPatch(r, prCommits(r, i.pull)));
      return ok(pullJson(ctx, r, i));
    },
  },
  {
    method: "PATCH",
    path: "/repos/{owner}/{repo}/pulls/{pull_number}",
    operationId: "pulls/update",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = pullOr404(ctx, r);
      const b = obj(ctx);
      const changes: Record<string, { from: unknown }> = {};
      const title = str(b, "title", "PullRequest");
      const body = str(b, "body", "PullRequest");
      const state = oneOf(
        str(b, "state", "PullRequest"),
        ["open", "closed"] as const,
        "PullRequest",
        "state",
      );
      const base = str(b, "base", "PullRequest");
      if (title !== undefined && title !== i.title) {
        changes["title"] = { from: i.title };
        i.title = title;
      }
      if (body !== undefined && body !== i.body) {
        changes["body"] = { from: i.body };
        i.body = body;
      }
      if (base !== undefined && i.pull && base !== i.pull.baseRef) {
        if (!r.refs.has(`refs/heads/${base}`)) throw invalid("PullRequest", "base");
        changes["base"] = { from: { ref: i.pull.baseRef, sha: r.refs.get(`refs/heads/${i.pull.baseRef}`) } };
        i.pull.baseRef = base;
      }
      i.updated_at = ctx.state.now();
      if (Object.keys(changes).length > 0) emitPull(ctx, r, i, "edited", { changes });
      if (state && state !== i.state && !i.pull?.merged_at) {
        i.state = state;
        i.closed_at = state === "closed" ? ctx.state.now() : null;
        emitPull(ctx, r, i, state === "closed" ? "closed" : "reopened");
      }
      return ok(pullJson(ctx, r, i));
    },
  },
  {
    method: "PUT",
    path: "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
    operationId: "pulls/merge",
    need: { perm: ["contents", "write"], role: "write" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = pullOr404(ctx, r);
      const p = i.pull;
      if (!p) throw notFound();
      const b = obj(ctx);
      const method = oneOf(
        str(b, "merge_method", "PullRequest") ?? "merge",
        ["merge", "squash", "rebase"] as const,
        "PullRequest",
        "merge_method",
      );
      const expected = str(b, "sha", "PullRequest");
      if (p.merged_at || i.state !== "open" || !mergeable(r, i)) {
        throw new HttpError(405, {
          message: p.merged_at ? "Pull Request is not mergeable" : "Pull Request is not mergeable",
          documentation_url: DOCS,
          status: "405",
        });
      }
      if (expected !== undefined && expected !== p.headSha)
        throw conflict("Head branch was modified. Review and try the merge again.");
      const refusal = mergeRefusal(ctx.state, r, i, login(ctx));
      if (refusal)
        throw new HttpError(405, { message: refusal.message, documentation_url: DOCS, status: "405" });
      const baseRef = `refs/heads/${p.baseRef}`;
      const baseSha = r.refs.get(baseRef) ?? "";
      const tree = (sha: string | undefined): string => (sha ? (r.git.get(sha, "commit")?.tree ?? "") : "");
      const merged = r.git.mergeTrees(
        tree(r.git.mergeBase(baseSha, p.headSha)),
        tree(baseSha),
        tree(p.headSha),
      );
      if (!merged)
        throw new HttpError(405, {
          message: "Pull Request is not mergeable",
          documentation_url: DOCS,
          status: "405",
        });
      const me = personFor(ctx.state, login(ctx), ctx.state.now());
      const title =
        str(b, "commit_title", "PullRequest") ??
        (method === "squash"
          ? `${i.title} (#${i.number})`
          : `Merge pull request #${i.number} from ${r.owner}/${p.headRef}`);
      const message = str(b, "commit_message", "PullRequest") ?? (method === "squash" ? "" : i.title);
      const commit = r.git.commit({
        tree: merged.sha,
        parents: method === "merge" ? [baseSha, p.headSha] : [baseSha],
        message: message ? `${title}\n\n${message}` : title,
        author: method === "merge" ? me : (r.git.get(p.headSha, "commit")?.author ?? me),
        committer: { name: "GitHub", email: "noreply@github.com", date: me.date },
      });
      p.mergedBaseSha = baseSha;
      p.merged_at = ctx.state.now();
      p.merged_by = login(ctx);
      p.merge_commit_sha = commit.sha;
      i.state = "closed";
      i.closed_at = p.merged_at;
      i.updated_at = p.merged_at;
      updateRef(ctx, r, baseRef, commit.sha, login(ctx));
      emitPull(ctx, r, i, "closed");
      return ok({ sha: commit.sha, merged: true, message: "Pull Request successfully merged" });
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/pulls/{pull_number}/commits",
    operationId: "pulls/list-commits",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const p = pullOr404(ctx, r).pull;
      return listReply(ctx, p ? prCommits(r, p) : [], (c) => commitJson(ctx, r, c));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/pulls/{pull_number}/files",
    operationId: "pulls/list-files",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const p = pullOr404(ctx, r).pull;
      const head = p?.headSha ?? "";
      return listReply(ctx, p ? prFiles(r, p) : [], (f) => diffEntryJson(ctx, r, f, head));
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    operationId: "pulls/create-review",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = pullOr404(ctx, r);
      const p = i.pull;
      if (!p) throw notFound();
      const b = obj(ctx);
      const event = oneOf(
        str(b, "event", "PullRequestReview"),
        ["APPROVE", "REQUEST_CHANGES", "COMMENT"] as const,
        "PullRequestReview",
        "event",
      );
      if (!event)
        throw validationFailed(
          [{ resource: "PullRequestReview", field: "event", code: "missing_field" }],
          "Unprocessable Entity",
        );
      const body = str(b, "body", "PullRequestReview") ?? "";
      const me = login(ctx);
      if (event !== "COMMENT" && me.toLowerCase() === i.user.toLowerCase()) {
        const verb = event === "APPROVE" ? "approve" : "request changes on";
        throw validationFailed([`Review Can not ${verb} your own pull request`], "Unprocessable Entity");
      }
      if (event !== "APPROVE" && body === "")
        throw validationFailed(
          [`Review body is required for ${event === "COMMENT" ? "comment" : "request changes"} events`],
          "Unprocessable Entity",
        );
      const commitId = str(b, "commit_id", "PullRequestReview") ?? p.headSha;
      if (!r.git.get(commitId, "commit")) throw invalid("PullRequestReview", "commit_id");
      const state =
        event === "APPROVE" ? "APPROVED" : event === "REQUEST_CHANGES" ? "CHANGES_REQUESTED" : "COMMENTED";
      const review: Review = {
        id: ctx.state.nextId("review"),
        user: me,
        body,
        state,
        commit_id: commitId,
        submitted_at: ctx.state.now(),
      };
      p.reviews.push(review);
      ctx.hooks.emit(
        r,
        "pull_request_review",
        "submitted",
        () => ({
          review: { ...reviewJson(ctx, r, i, review), state: state.toLowerCase() },
          pull_request: pullJson(ctx, r, i),
        }),
        { sender: me },
      );
      return ok(reviewJson(ctx, r, i, review));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    operationId: "pulls/list-reviews",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = pullOr404(ctx, r);
      return listReply(ctx, i.pull?.reviews ?? [], (rv) => reviewJson(ctx, r, i, rv));
    },
  },
];
