/**
 * The root `node(id:)` field ("Using global node IDs"): an object by its global id, as a webhook payload's
 * `node_id` names it. The sandbox resolves the comments of issues and pull requests (whose reactions
 * say whether an app already answered one); a node in a repository the caller may not read does not
 * resolve, as on GitHub, and any other type is not modelled and says so.
 */
import { authorizeRepo } from "../auth.js";
import { HttpError } from "../errors.js";
import { type Ctx } from "../http.js";
import { NOT_MODELLED } from "../unmodelled.js";
import { commentNode } from "./issues.js";
import { decodeId, gqlError, unresolvable } from "./node-ids.js";

export function nodeById(ctx: Ctx, id: string): Record<string, unknown> {
  const d = decodeId(id);
  if (!d) throw unresolvable(id);
  if (d.type !== "IssueComment") {
    const route = `node(id:) of a ${d.type}`;
    ctx.state.unmodelled.push({ at: ctx.state.now(), kind: "graphql", method: "query", route, path: "" });
    throw gqlError("NOT_MODELLED", `${route} is ${NOT_MODELLED}`);
  }
  for (const r of ctx.state.repos.values()) {
    const c = r.comments.get(Number(d.key));
    const i = c && r.issues.get(c.issueNumber);
    if (!c || !i) continue;
    try {
      authorizeRepo(ctx.state, ctx.actor, r, {});
    } catch (e) {
      if (e instanceof HttpError) throw unresolvable(id);
      throw e;
    }
    return commentNode(ctx, r, i, c);
  }
  throw unresolvable(id);
}
