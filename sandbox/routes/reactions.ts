/**
 * `reactions/delete-for-issue-comment` ("REST API endpoints for reactions"): a reaction is its creator's
 * alone; another user's reaction is, to the caller, not there to delete (404).
 */
import { notFound } from "../errors.js";
import { noContent } from "../http.js";
import type { RouteDef } from "../router.js";
import { login, repoOf, requireAnyPerm } from "./common.js";

export const reactionRoutes: RouteDef[] = [
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions/{reaction_id}",
    operationId: "reactions/delete-for-issue-comment",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const c = r.comments.get(Number(ctx.params["comment_id"]));
      if (!c) throw notFound();
      const issue = r.issues.get(c.issueNumber);
      requireAnyPerm(ctx, issue?.pull ? ["issues", "pull_requests"] : ["issues"], "write");
      // A reaction is its creator's alone: GitHub deletes only the caller's own reactions, and another
      // writer's is, to the caller, not there to delete.
      const me = login(ctx).toLowerCase();
      const idx = c.reactions.findIndex(
        (x) => x.id === Number(ctx.params["reaction_id"]) && x.user.toLowerCase() === me,
      );
      if (idx < 0) throw notFound();
      c.reactions.splice(idx, 1);
      return noContent();
    },
  },
];
