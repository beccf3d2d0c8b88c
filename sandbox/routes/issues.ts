/**
 * Issues, comments, reactions and labels ("REST API endpoints for issues", "for issue comments", "for
 * reactions", "for labels"): `issues/create`, `get`, the comment operations, reactions on comments, the
 * repository's labels and an issue's labels. Announces `issues`, `issue_comment` (also for GraphQL's
 * addComment, which lands here) and `labeled`/`unlabeled` actions, as GitHub does.
 */
import { forbidden, invalid, notFound, validationFailed } from "../errors.js";
import { created, noContent, obj, ok, oneOf, str, type Ctx, type Json, type Reply } from "../http.js";
import { listReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { nodeId, simpleUser } from "../serialize/accounts.js";
import { commentJson, issueJson, labelJson, pullJson } from "../serialize/issues.js";
import type { Issue, IssueComment, Label, Repo } from "../state.js";
import { appIdOf, ensureLabel, login, repoOf, requireAnyPerm } from "./common.js";

const REACTIONS = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"] as const;

function issueOr404(ctx: Ctx, r: Repo): Issue {
  const i = r.issues.get(Number(ctx.params["issue_number"]));
  if (!i) throw notFound();
  return i;
}

function commentOr404(ctx: Ctx, r: Repo): IssueComment {
  const c = r.comments.get(Number(ctx.params["comment_id"]));
  if (!c) throw notFound();
  return c;
}

/** Comments and labels on a PR need issues or pull_requests permission; on an issue, issues. */
const needFor = (i: Issue | undefined): string[] => (i?.pull ? ["issues", "pull_requests"] : ["issues"]);

function emitComment(ctx: Ctx, r: Repo, c: IssueComment, action: string, extra: Json = {}): void {
  const issue = r.issues.get(c.issueNumber);
  if (!issue) return;
  ctx.hooks.emit(
    r,
    "issue_comment",
    action,
    () => ({ ...extra, issue: issueJson(ctx, r, issue), comment: commentJson(ctx, r, c) }),
    { sender: login(ctx) },
  );
}

/**
 * Announces a label added to or removed from an issue or pull request: GitHub sends it as an `issues` event
 * for an issue and a `pull_request` event for a pull request, each with its own payload shape.
 */
export function emitLabelChange(
  ctx: Ctx,
  r: Repo,
  i: Issue,
  action: "labeled" | "unlabeled",
  l: Label,
): void {
  ctx.hooks.emit(
    r,
    i.pull ? "pull_request" : "issues",
    action,
    () => ({
      ...(i.pull ? { number: i.number, pull_request: pullJson(ctx, r, i) } : { issue: issueJson(ctx, r, i) }),
      label: labelJson(ctx, r, l),
    }),
    { sender: login(ctx) },
  );
}

/** The answer of a change to an issue's labels: every label it now has. */
const labelsReply = (ctx: Ctx, r: Repo, i: Issue): Reply =>
  ok(i.labels.map((n) => labelJson(ctx, r, ensureLabel(ctx, r, n))));

/**
 * Comments on an issue or pull request and announces issue_comment.created: REST's create-comment and
 * GraphQL's addComment both land here. The caller has checked the token may write issues (or pulls).
 */
export function addIssueComment(ctx: Ctx, r: Repo, i: Issue, body: string): IssueComment {
  if (body.length > 65536)
    throw validationFailed([
      {
        resource: "IssueComment",
        field: "data",
        code: "custom",
        message: "Body is too long (maximum is 65536 characters)",
      },
    ]);
  if (i.locked) throw forbidden("Unable to create comment because issue is locked.");
  const now = ctx.state.now();
  const c: IssueComment = {
    id: ctx.state.nextId("comment"),
    issueNumber: i.number,
    body,
    user: login(ctx),
    created_at: now,
    updated_at: now,
    reactions: [],
    appId: appIdOf(ctx),
  };
  r.comments.set(c.id, c);
  i.updated_at = now;
  emitComment(ctx, r, c, "created");
  return c;
}

/** The caller's reaction on a comment (REST content, e.g. "+1"); one per user and content, as on GitHub. */
export function reactToComment(
  ctx: Ctx,
  c: IssueComment,
  content: string,
): { reaction: IssueComment["reactions"][number]; existing: boolean } {
  const me = login(ctx);
  const existing = c.reactions.find((x) => x.user === me && x.content === content);
  if (existing) return { reaction: existing, existing: true };
  const reaction = { id: ctx.state.nextId("reaction"), user: me, content, created_at: ctx.state.now() };
  c.reactions.push(reaction);
  return { reaction, existing: false };
}

export const issueRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/issues",
    operationId: "issues/create",
    need: { perm: ["issues", "write"] },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const b = obj(ctx);
      const title = str(b, "title", "Issue", true);
      const now = ctx.state.now();
      const i: Issue = {
        id: ctx.state.nextId("issue"),
        number: r.issues.size + 1,
        title,
        body: str(b, "body", "Issue") ?? null,
        user: login(ctx),
        labels: [],
        state: "open",
        locked: false,
        created_at: now,
        updated_at: now,
        closed_at: null,
        pull: null,
      };
      r.issues.set(i.number, i);
      ctx.hooks.emit(r, "issues", "opened", () => ({ issue: issueJson(ctx, r, i) }), { sender: login(ctx) });
      return created(issueJson(ctx, r, i));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/issues/{issue_number}",
    operationId: "issues/get",
    need: {},
    handler: (ctx) => ok(issueJson(ctx, repoOf(ctx), issueOr404(ctx, repoOf(ctx)))),
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    operationId: "issues/create-comment",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = issueOr404(ctx, r);
      requireAnyPerm(ctx, needFor(i), "write");
      const c = addIssueComment(ctx, r, i, str(obj(ctx), "body", "IssueComment", true));
      return created(commentJson(ctx, r, c));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    operationId: "issues/list-comments",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = issueOr404(ctx, r);
      requireAnyPerm(ctx, needFor(i), "read");
      return listReply(
        ctx,
        [...r.comments.values()].filter((c) => c.issueNumber === i.number),
        (c) => commentJson(ctx, r, c),
      );
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    operationId: "issues/get-comment",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const c = commentOr404(ctx, r);
      requireAnyPerm(ctx, needFor(r.issues.get(c.issueNumber)), "read");
      return ok(commentJson(ctx, r, c));
    },
  },
  {
    method: "PATCH",
    path: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    operationId: "issues/update-comment",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const c = commentOr404(ctx, r);
      requireAnyPerm(ctx, needFor(r.issues.get(c.issueNumber)), "write");
      const body = str(obj(ctx), "body", "IssueComment", true);
      const from = c.body;
      c.body = body;
      c.updated_at = ctx.state.now();
      emitComment(ctx, r, c, "edited", { changes: { body: { from } } });
      return ok(commentJson(ctx, r, c));
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    operationId: "issues/delete-comment",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const c = commentOr404(ctx, r);
      requireAnyPerm(ctx, needFor(r.issues.get(c.issueNumber)), "write");
      emitComment(ctx, r, c, "deleted");
      r.comments.delete(c.id);
      return noContent();
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    operationId: "reactions/create-for-issue-comment",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const c = commentOr404(ctx, r);
      requireAnyPerm(ctx, needFor(r.issues.get(c.issueNumber)), "write");
      const content =
        oneOf(str(obj(ctx), "content", "Reaction", true), REACTIONS, "Reaction", "content") ?? "+1";
      const me = login(ctx);
      const { reaction, existing } = reactToComment(ctx, c, content);
      const body = {
        id: reaction.id,
        node_id: nodeId("Reaction", reaction.id),
        user: simpleUser(ctx, me),
        content,
        created_at: reaction.created_at,
      };
      return existing ? ok(body) : created(body);
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    operationId: "reactions/list-for-issue-comment",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const c = commentOr404(ctx, r);
      const content = ctx.query.get("content");
      return listReply(
        ctx,
        c.reactions.filter((x) => !content || x.content === content),
        (x) => ({
          id: x.id,
          node_id: nodeId("Reaction", x.id),
          user: simpleUser(ctx, x.user),
          content: x.content,
          created_at: x.created_at,
        }),
      );
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/labels",
    operationId: "issues/create-label",
    need: { perm: ["issues", "write"], role: "write" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const b = obj(ctx);
      const name = str(b, "name", "Label", true);
      if (r.labels.has(name.toLowerCase()))
        throw validationFailed([{ resource: "Label", code: "already_exists", field: "name" }]);
      const color = (str(b, "color", "Label") ?? "ededed").replace(/^#/, "");
      if (!/^[0-9a-fA-F]{6}$/.test(color)) throw invalid("Label", "color");
      const l: Label = {
        id: ctx.state.nextId("label"),
        name,
        color,
        description: str(b, "description", "Label") ?? null,
        default: false,
      };
      r.labels.set(name.toLowerCase(), l);
      return created(labelJson(ctx, r, l));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/labels",
    operationId: "issues/list-labels-for-repo",
    need: {},
    handler: (ctx) => listReply(ctx, [...repoOf(ctx).labels.values()], (l) => labelJson(ctx, repoOf(ctx), l)),
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    operationId: "issues/list-labels-on-issue",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = issueOr404(ctx, r);
      return listReply(
        ctx,
        i.labels.map((n) => ensureLabel(ctx, r, n)),
        (l) => labelJson(ctx, r, l),
      );
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    operationId: "issues/add-labels",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = issueOr404(ctx, r);
      requireAnyPerm(ctx, needFor(i), "write");
      const b = ctx.body;
      const raw = Array.isArray(b)
        ? b
        : Array.isArray((b as Json | undefined)?.["labels"])
          ? ((b as Json)["labels"] as unknown[])
          : null;
      if (!raw) throw invalid("Label", "labels", "missing_field");
      const names = raw.map((x) => (typeof x === "string" ? x : String((x as Json)["name"] ?? "")));
      for (const n of names) {
        const l = ensureLabel(ctx, r, n);
        if (i.labels.some((x) => x.toLowerCase() === l.name.toLowerCase())) continue;
        i.labels.push(l.name);
        i.updated_at = ctx.state.now();
        emitLabelChange(ctx, r, i, "labeled", l);
      }
      return labelsReply(ctx, r, i);
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    operationId: "issues/remove-label",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = issueOr404(ctx, r);
      requireAnyPerm(ctx, needFor(i), "write");
      const name = (ctx.params["name"] ?? "").toLowerCase();
      const idx = i.labels.findIndex((x) => x.toLowerCase() === name);
      if (idx < 0) throw notFound();
      const [removed] = i.labels.splice(idx, 1);
      emitLabelChange(ctx, r, i, "unlabeled", ensureLabel(ctx, r, removed ?? name));
      return labelsReply(ctx, r, i);
    },
  },
];
