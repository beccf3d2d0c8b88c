/**
 * The mutations the sandbox models — refs (createRef, updateRef, deleteRef, updateRefs), comments
 * (addComment) and reactions (addReaction, removeReaction) — with GitHub's permission checks and its
 * error shapes. Each goes through the same code as its REST twin, so it announces the same webhooks
 * (addComment: issue_comment.created; a branch move: pull_request.synchronize, check_suite.requested).
 * Any other mutation is not on the root and so answers the sandbox's "not modelled" error.
 */
import { authorizeRepo, type Requirement } from "../auth.js";
import { HttpError } from "../errors.js";
import { type Ctx } from "../http.js";
import { NOT_MODELLED } from "../unmodelled.js";
import { updateRef } from "../ops.js";
import { addIssueComment, reactToComment } from "../routes/issues.js";
import { refuseProtectedPush } from "../routes/protected-push.js";
import { login, requireAnyPerm } from "../routes/common.js";
import type { Issue, IssueComment, Repo } from "../state.js";
import {
  commentNode,
  issueNode,
  pullNode,
  REACTION_CONTENT,
  reactionGroups,
  reactionNode,
} from "./issues.js";
import { decodeId, gqlError, unresolvable } from "./node-ids.js";
import { qualifiedRefNode, refIdKey } from "./nodes.js";

type Obj = Record<string, unknown>;
const ZERO = "0".repeat(40);

/**
 * GitHub's GraphQL refusals: an integration without the permission gets "Resource not accessible by
 * integration", a user without the role "<login> does not have the correct permissions to execute
 * `<Mutation>`", a repository the caller may not see is a node that does not resolve.
 */
function refusal(ctx: Ctx, e: unknown, mutation: string, id: string): unknown {
  if (!(e instanceof HttpError)) return e;
  if (e.status === 404) return unresolvable(id);
  if (e.status === 403 || e.status === 401) {
    if (ctx.actor?.kind === "installation" && e.message === "Resource not accessible by integration")
      return gqlError("FORBIDDEN", e.message);
    if (e.status === 403 && ctx.actor?.kind === "user" && /push access|admin rights/.test(e.message))
      return gqlError(
        "FORBIDDEN",
        `${ctx.actor.login} does not have the correct permissions to execute \`${mutation}\``,
      );
    return gqlError("FORBIDDEN", e.message);
  }
  const errors = e.body["errors"];
  const first = Array.isArray(errors) ? (errors[0] as Obj | string | undefined) : undefined;
  const detail =
    typeof first === "string" ? first : typeof first?.["message"] === "string" ? first["message"] : e.message;
  return gqlError("UNPROCESSABLE", detail === "Validation Failed" ? e.message : detail);
}

function guarded<T>(ctx: Ctx, mutation: string, id: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    throw refusal(ctx, e, mutation, id);
  }
}

function repoFor(ctx: Ctx, id: string, need: Requirement, mutation: string): Repo {
  const d = decodeId(id);
  const r = d?.type === "Repository" ? ctx.state.repoById(Number(d.key)) : undefined;
  if (!r) throw unresolvable(id);
  guarded(ctx, mutation, id, () => authorizeRepo(ctx.state, ctx.actor, r, need));
  return r;
}

function refFor(ctx: Ctx, id: string, mutation: string): { r: Repo; qualified: string } {
  const d = decodeId(id);
  const key = d?.type === "Ref" ? refIdKey(d.key) : null;
  const r = key ? ctx.state.repoById(key.repoId) : undefined;
  if (!key || !r) throw unresolvable(id);
  guarded(ctx, mutation, id, () => authorizeRepo(ctx.state, ctx.actor, r, WRITE));
  if (!r.refs.has(key.qualified)) throw unresolvable(id);
  return { r, qualified: key.qualified };
}

/** Issues and pull requests by node id: the subject of addComment. */
function subjectFor(ctx: Ctx, id: string, mutation: string): { r: Repo; i: Issue } {
  const d = decodeId(id);
  if (d && (d.type === "Issue" || d.type === "PullRequest")) {
    const n = Number(d.key);
    for (const r of ctx.state.repos.values())
      for (const i of r.issues.values())
        if (d.type === "Issue" ? !i.pull && i.id === n : i.pull?.id === n) {
          guarded(ctx, mutation, id, () => authorizeRepo(ctx.state, ctx.actor, r, {}));
          return { r, i };
        }
  }
  throw unresolvable(id);
}

/** Comments by node id: the reactable subjects the sandbox models. */
function commentFor(ctx: Ctx, id: string, mutation: string): { r: Repo; i: Issue; c: IssueComment } {
  const d = decodeId(id);
  if (d?.type === "IssueComment") {
    for (const r of ctx.state.repos.values()) {
      const c = r.comments.get(Number(d.key));
      const i = c && r.issues.get(c.issueNumber);
      if (c && i) {
        guarded(ctx, mutation, id, () => authorizeRepo(ctx.state, ctx.actor, r, {}));
        return { r, i, c };
      }
    }
  }
  if (d && ["Issue", "PullRequest", "CommitComment", "PullRequestReview", "Discussion"].includes(d.type)) {
    const route = `${mutation} on a ${d.type}`;
    ctx.state.unmodelled.push({ at: ctx.state.now(), kind: "graphql", method: "mutation", route, path: "" });
    throw gqlError("NOT_MODELLED", `${route} is ${NOT_MODELLED}`);
  }
  throw unresolvable(id);
}

const WRITE: Requirement = { perm: ["contents", "write"], role: "write" };
const issuePerms = (i: Issue): string[] => (i.pull ? ["issues", "pull_requests"] : ["issues"]);

function validRefName(name: string): boolean {
  return (
    name.startsWith("refs/") &&
    name.split("/").length >= 3 &&
    !/(\.\.|[\s~^:?*[\\]|@\{|\/\/|\/$|\.lock$|\.$)/.test(name)
  );
}

/** One ref change with git's rules (a move is a fast-forward unless forced) and branch protection's. */
function moveRef(ctx: Ctx, r: Repo, qualified: string, sha: string, force: boolean): void {
  if (sha === ZERO) {
    if (!r.refs.has(qualified)) throw gqlError("UNPROCESSABLE", `Reference ${qualified} does not exist`);
    if (qualified === `refs/heads/${r.defaultBranch}`)
      throw gqlError("UNPROCESSABLE", "Cannot delete the default branch");
    refuseProtectedPush(ctx, r, qualified, { sha: null, force: false });
    r.refs.delete(qualified);
    return;
  }
  if (!r.git.get(sha, "commit")) throw gqlError("UNPROCESSABLE", `Object ${sha} does not exist`);
  const current = r.refs.get(qualified);
  const fastForward = current === undefined || r.git.ancestors(sha).has(current);
  if (!fastForward && !force) throw gqlError("UNPROCESSABLE", `Update of ${qualified} is not a fast forward`);
  refuseProtectedPush(ctx, r, qualified, { sha, force: !fastForward });
  updateRef(ctx, r, qualified, sha, login(ctx));
}

interface Input {
  input: Obj & { clientMutationId?: string | null };
}

const mutationId = (input: Input["input"]): string | null => input.clientMutationId ?? null;

function createRefMutation(ctx: Ctx, { input }: Input): Obj {
  const r = repoFor(ctx, String(input["repositoryId"]), WRITE, "CreateRef");
  const name = String(input["name"]);
  const oid = String(input["oid"]);
  if (!validRefName(name))
    throw gqlError(
      "UNPROCESSABLE",
      `${name} is not a valid ref name: it must start with refs/ and name a branch or tag`,
    );
  if (r.refs.has(name))
    throw gqlError("UNPROCESSABLE", `A ref named "${name}" already exists in the repository.`);
  guarded(ctx, "CreateRef", String(input["repositoryId"]), () => moveRef(ctx, r, name, oid, false));
  return {
    __typename: "CreateRefPayload",
    clientMutationId: mutationId(input),
    ref: qualifiedRefNode(ctx, r, name),
  };
}

function updateRefMutation(ctx: Ctx, { input }: Input): Obj {
  const id = String(input["refId"]);
  const { r, qualified } = refFor(ctx, id, "UpdateRef");
  const oid = String(input["oid"]);
  guarded(ctx, "UpdateRef", id, () => moveRef(ctx, r, qualified, oid, input["force"] === true));
  return {
    __typename: "UpdateRefPayload",
    clientMutationId: mutationId(input),
    ref: qualifiedRefNode(ctx, r, qualified),
  };
}

function deleteRefMutation(ctx: Ctx, { input }: Input): Obj {
  const id = String(input["refId"]);
  const { r, qualified } = refFor(ctx, id, "DeleteRef");
  guarded(ctx, "DeleteRef", id, () => moveRef(ctx, r, qualified, ZERO, false));
  return { __typename: "DeleteRefPayload", clientMutationId: mutationId(input) };
}

interface RefUpdate {
  name: string;
  afterOid: string;
  beforeOid?: string | null;
  force?: boolean | null;
}

/** One of `updateRefs`' updates checked against the refs as they stand, without applying it. */
function checkRefUpdate(ctx: Ctx, r: Repo, id: string, u: RefUpdate): void {
  if (!validRefName(u.name)) throw gqlError("UNPROCESSABLE", `${u.name} is not a valid ref name`);
  const current = r.refs.get(u.name);
  if (u.beforeOid !== undefined && u.beforeOid !== null && (current ?? ZERO) !== u.beforeOid)
    throw gqlError("UNPROCESSABLE", `${u.name} does not point to ${u.beforeOid}`);
  if (u.afterOid === ZERO) {
    if (!current) throw gqlError("UNPROCESSABLE", `Reference ${u.name} does not exist`);
    if (u.name === `refs/heads/${r.defaultBranch}`)
      throw gqlError("UNPROCESSABLE", "Cannot delete the default branch");
    guarded(ctx, "UpdateRefs", id, () => refuseProtectedPush(ctx, r, u.name, { sha: null, force: false }));
    return;
  }
  if (!r.git.get(u.afterOid, "commit"))
    throw gqlError("UNPROCESSABLE", `Object ${u.afterOid} does not exist`);
  const fastForward = current === undefined || r.git.ancestors(u.afterOid).has(current);
  if (!fastForward && u.force !== true)
    throw gqlError("UNPROCESSABLE", `Update of ${u.name} is not a fast forward`);
  guarded(ctx, "UpdateRefs", id, () =>
    refuseProtectedPush(ctx, r, u.name, { sha: u.afterOid, force: !fastForward }),
  );
}

/** All or nothing: every update is checked against the refs as they stand before any is applied. */
function updateRefsMutation(ctx: Ctx, { input }: Input): Obj {
  const id = String(input["repositoryId"]);
  const r = repoFor(ctx, id, WRITE, "UpdateRefs");
  const updates = (input["refUpdates"] ?? []) as RefUpdate[];
  for (const u of updates) checkRefUpdate(ctx, r, id, u);
  for (const u of updates) guarded(ctx, "UpdateRefs", id, () => moveRef(ctx, r, u.name, u.afterOid, true));
  return { __typename: "UpdateRefsPayload", clientMutationId: mutationId(input) };
}

function addCommentMutation(ctx: Ctx, { input }: Input): Obj {
  const id = String(input["subjectId"]);
  const { r, i } = subjectFor(ctx, id, "AddComment");
  const c = guarded(ctx, "AddComment", id, () => {
    requireAnyPerm(ctx, issuePerms(i), "write");
    return addIssueComment(ctx, r, i, String(input["body"]));
  });
  const node = commentNode(ctx, r, i, c);
  const cursor = Buffer.from(`cursor:${c.id}`).toString("base64");
  return {
    __typename: "AddCommentPayload",
    clientMutationId: mutationId(input),
    commentEdge: { __typename: "IssueCommentEdge", cursor, node },
    timelineEdge: { __typename: "IssueTimelineItemEdge", cursor, node },
    subject: i.pull ? pullNode(ctx, r, i) : issueNode(ctx, r, i),
  };
}

export function mutationRoot(ctx: Ctx): Obj {
  return {
    createRef: (args: Input) => createRefMutation(ctx, args),
    updateRef: (args: Input) => updateRefMutation(ctx, args),
    deleteRef: (args: Input) => deleteRefMutation(ctx, args),
    updateRefs: (args: Input) => updateRefsMutation(ctx, args),
    addComment: (args: Input) => addCommentMutation(ctx, args),
    addReaction: ({ input }: Input) => react(ctx, input, "AddReaction"),
    removeReaction: ({ input }: Input) => react(ctx, input, "RemoveReaction"),
  };
}

function react(ctx: Ctx, input: Input["input"], mutation: "AddReaction" | "RemoveReaction"): Obj {
  const id = String(input["subjectId"]);
  const { r, i, c } = commentFor(ctx, id, mutation);
  const content = Object.entries(REACTION_CONTENT).find(([, g]) => g === input["content"])?.[0];
  if (!content) throw gqlError("UNPROCESSABLE", `${String(input["content"])} is not a reaction`);
  const me = login(ctx);
  const reaction = guarded(ctx, mutation, id, () => {
    requireAnyPerm(ctx, issuePerms(i), "write");
    if (mutation === "AddReaction") return reactToComment(ctx, c, content).reaction;
    const at = c.reactions.findIndex((x) => x.user === me && x.content === content);
    return at < 0 ? null : (c.reactions.splice(at, 1)[0] ?? null);
  });
  return {
    __typename: mutation === "AddReaction" ? "AddReactionPayload" : "RemoveReactionPayload",
    clientMutationId: mutationId(input),
    reaction: reaction ? reactionNode(ctx, r, i, c, reaction) : null,
    reactionGroups: reactionGroups(ctx, r, i, c, me.toLowerCase()),
    subject: commentNode(ctx, r, i, c),
  };
}
