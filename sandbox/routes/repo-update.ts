/**
 * `repos/update` ("REST API endpoints for repositories": update a repository): name (the old name then
 * redirects), description, visibility and default branch. Any other setting GitHub accepts is refused
 * with 501 naming it, never silently dropped.
 */
import { roleOf } from "../auth.js";
import { invalid, validationFailed } from "../errors.js";
import { bool, obj, ok, oneOf, str, type Json } from "../http.js";
import type { RouteDef } from "../router.js";
import { rolePermissions } from "../serialize/collaborators.js";
import { fullRepoJson } from "../serialize/repo.js";
import { notModelled } from "../unmodelled.js";
import { repoOf } from "./common.js";

const NAME_RE = /^[A-Za-z0-9_.-]{1,100}$/;
/** The settings the sandbox keeps; GitHub accepts many more (merge settings, features…), which it does not. */
const MODELLED = new Set(["name", "description", "private", "visibility", "default_branch"]);

export const repoUpdateRoutes: RouteDef[] = [
  {
    method: "PATCH",
    path: "/repos/{owner}/{repo}",
    operationId: "repos/update",
    need: { perm: ["administration", "write"], role: "admin" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const b = obj(ctx);
      // A setting the sandbox would silently drop is refused loudly instead, naming it.
      const unmodelled = Object.keys(b).filter((k) => !MODELLED.has(k));
      if (unmodelled.length > 0) {
        const route = `/repos/{owner}/{repo} with ${unmodelled.join(", ")}`;
        ctx.state.unmodelled.push({
          at: ctx.state.now(),
          kind: "rest",
          method: "PATCH",
          route,
          path: ctx.path,
        });
        throw notModelled("PATCH", route);
      }
      const name = str(b, "name", "Repository");
      const description = str(b, "description", "Repository");
      const isPrivate = bool(b, "private", "Repository");
      const visibility = oneOf(
        str(b, "visibility", "Repository"),
        ["public", "private"] as const,
        "Repository",
        "visibility",
      );
      const defaultBranch = str(b, "default_branch", "Repository");
      if (name !== undefined && !NAME_RE.test(name)) throw invalid("Repository", "name");
      if (defaultBranch !== undefined && !r.refs.has(`refs/heads/${defaultBranch}`))
        throw invalid("Repository", "default_branch");
      if (name !== undefined && name !== r.name) {
        const other = ctx.state.repo(r.owner, name);
        if (other && other !== r)
          throw validationFailed([
            {
              resource: "Repository",
              code: "custom",
              field: "name",
              message: "name already exists on this account",
            },
          ]);
        // GitHub keeps the old name as a redirect to the repository (until a new one takes that name).
        const before = `${r.owner}/${r.name}`.toLowerCase();
        ctx.state.repos.delete(before);
        ctx.state.formerNames.set(before, r.id);
        r.name = name;
        ctx.state.repos.set(`${r.owner}/${r.name}`.toLowerCase(), r);
        ctx.state.formerNames.delete(`${r.owner}/${r.name}`.toLowerCase());
      }
      if (description !== undefined) r.description = description;
      if (isPrivate !== undefined) r.private = isPrivate;
      if (visibility !== undefined) r.private = visibility === "private";
      if (defaultBranch !== undefined) r.defaultBranch = defaultBranch;
      r.updated_at = ctx.state.now();
      const actor = ctx.actor;
      const extra: Json =
        actor?.kind === "user" ? { permissions: rolePermissions(roleOf(ctx.state, r, actor.login)) } : {};
      return ok({ ...fullRepoJson(ctx, r), ...extra });
    },
  },
];
