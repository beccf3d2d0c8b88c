/**
 * Repositories ("REST API endpoints for repositories", "for collaborators", "for commits", "for branches"):
 * `repos/create-for-authenticated-user`, `create-in-org`, `get` (with the caller's `permissions`),
 * `delete`, adding a collaborator (an invitation unless already a member), accepting an invitation,
 * collaborator checks and permission levels, `list-commits`, `get-commit`,
 * `list-pull-requests-associated-with-commit` and `get-branch` with its protection summary.
 */
import { roleOf } from "../auth.js";
import { commitFiles, formatPatch, unifiedDiff } from "../diff.js";
import { requestedFormat, textReply } from "../media.js";
import { conflict, invalid, invalidBecause, notFound, validationFailed } from "../errors.js";
import { bool, created, noContent, obj, ok, oneOf, str, type Ctx } from "../http.js";
import { createRepo } from "../ops.js";
import { listReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { simpleUser } from "../serialize/accounts.js";
import { commitJson, diffEntryJson, loginForEmail } from "../serialize/git.js";
import type { Commit } from "../git.js";
import { simplePullJson } from "../serialize/issues.js";
import { branchProtectionSummary } from "../serialize/protection.js";
import { invitationJson, rolePermissions } from "../serialize/collaborators.js";
import { fullRepoJson } from "../serialize/repo.js";
import type { RepoRole } from "../state.js";
import { commitish, login, repoOf } from "./common.js";

const NAME_RE = /^[A-Za-z0-9_.-]{1,100}$/;
const PERM_TO_ROLE: Record<string, RepoRole> = {
  pull: "read",
  triage: "triage",
  push: "write",
  maintain: "maintain",
  admin: "admin",
};

function create(ctx: Ctx, owner: string): ReturnType<typeof created> {
  const b = obj(ctx);
  const name = str(b, "name", "Repository", true);
  if (!NAME_RE.test(name)) throw invalid("Repository", "name", "custom", "name is invalid");
  if (ctx.state.repo(owner, name)) {
    throw validationFailed(
      [
        {
          resource: "Repository",
          code: "custom",
          field: "name",
          message: "name already exists on this account",
        },
      ],
      "Repository creation failed.",
    );
  }
  const r = createRepo(ctx.state, owner, name, {
    private: bool(b, "private", "Repository") ?? false,
    description: str(b, "description", "Repository") ?? null,
    auto_init: bool(b, "auto_init", "Repository") ?? false,
    creator: login(ctx),
  });
  return created(fullRepoJson(ctx, r));
}

export const repoRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/user/repos",
    operationId: "repos/create-for-authenticated-user",
    handler: (ctx) => create(ctx, login(ctx)),
  },
  {
    method: "POST",
    path: "/orgs/{org}/repos",
    operationId: "repos/create-in-org",
    handler: (ctx) => {
      const org = ctx.state.account(ctx.params["org"] ?? "");
      if (!org || org.type !== "Organization") throw notFound();
      const me = login(ctx).toLowerCase();
      if (!org.members.has(me) && !ctx.state.account(me)?.site_admin) throw notFound();
      return create(ctx, org.login);
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}",
    operationId: "repos/get",
    need: { perm: ["metadata", "read"] },
    // GitHub adds the caller's permissions on the repository when the request is authenticated.
    handler: (ctx) => {
      const r = repoOf(ctx);
      const actor = ctx.actor;
      const permissions =
        actor?.kind === "user"
          ? rolePermissions(roleOf(ctx.state, r, actor.login))
          : actor?.kind === "installation"
            ? {
                admin: false,
                maintain: false,
                push: actor.permissions["contents"] === "write",
                triage: false,
                pull: true,
              }
            : undefined;
      return ok({ ...fullRepoJson(ctx, r), ...(permissions ? { permissions } : {}) });
    },
  },
  {
    method: "PUT",
    path: "/repos/{owner}/{repo}/collaborators/{username}",
    operationId: "repos/add-collaborator",
    need: { perm: ["administration", "write"], role: "admin" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const user = ctx.state.account(ctx.params["username"] ?? "");
      if (!user || user.type !== "User") throw notFound();
      const perm =
        oneOf(
          str(obj(ctx), "permission", "Collaborator"),
          Object.keys(PERM_TO_ROLE),
          "Collaborator",
          "permission",
        ) ?? "push";
      const role = PERM_TO_ROLE[perm] ?? "write";
      const lower = user.login.toLowerCase();
      const org = ctx.state.account(r.owner);
      // Existing collaborators and organization members are updated in place (204); others get an invitation (201).
      if (r.collaborators.has(lower) || (org?.type === "Organization" && org.members.has(lower))) {
        r.collaborators.set(lower, role);
        return noContent();
      }
      const id = ctx.state.nextId("invitation");
      const invitation = { login: user.login, role, inviter: login(ctx), created_at: ctx.state.now() };
      r.invitations.set(id, invitation);
      return created(invitationJson(ctx, r, id, invitation));
    },
  },
  {
    method: "PATCH",
    path: "/user/repository_invitations/{invitation_id}",
    operationId: "repos/accept-invitation-for-authenticated-user",
    handler: (ctx) => {
      const id = Number(ctx.params["invitation_id"]);
      const me = login(ctx);
      for (const r of ctx.state.repos.values()) {
        const inv = r.invitations.get(id);
        if (!inv || inv.login.toLowerCase() !== me.toLowerCase()) continue;
        r.invitations.delete(id);
        r.collaborators.set(me.toLowerCase(), inv.role);
        return noContent();
      }
      throw notFound();
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/collaborators/{username}",
    operationId: "repos/check-collaborator",
    need: { perm: ["metadata", "read"] },
    handler: (ctx) => {
      const role = roleOf(ctx.state, repoOf(ctx), ctx.params["username"] ?? "");
      if (!role) throw notFound();
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/collaborators/{username}/permission",
    operationId: "repos/get-collaborator-permission-level",
    need: { perm: ["metadata", "read"] },
    handler: (ctx) => {
      const user = ctx.state.account(ctx.params["username"] ?? "");
      if (!user) throw notFound();
      const role = roleOf(ctx.state, repoOf(ctx), user.login);
      // `permission` keeps the legacy four values; `role_name` carries triage/maintain.
      const permission =
        role === null ? "none" : role === "maintain" ? "write" : role === "triage" ? "read" : role;
      const roleName = role === null ? "none" : role;
      return ok({
        permission,
        role_name: roleName,
        user: { ...simpleUser(ctx, user.login), permissions: rolePermissions(role), role_name: roleName },
      });
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/commits",
    operationId: "repos/list-commits",
    need: { perm: ["contents", "read"] },
    handler: (ctx) => {
      const r = repoOf(ctx);
      if (r.refs.size === 0) throw conflict("Git Repository is empty.");
      const start = commitish(r, ctx.query.get("sha") ?? r.defaultBranch);
      if (!start || !r.git.get(start, "commit")) throw notFound();
      // Every commit reachable from sha, newest first by committer date (ties in history order).
      const reachable: Commit[] = [];
      const seen = new Set<string>();
      const queue = [start];
      while (queue.length > 0) {
        const sha = queue.shift() as string;
        if (seen.has(sha)) continue;
        seen.add(sha);
        const c = r.git.get(sha, "commit");
        if (!c) continue;
        reachable.push(c);
        queue.push(...c.parents);
      }
      const path = ctx.query.get("path")?.replace(/^\/+|\/+$/g, "");
      const author = ctx.query.get("author")?.toLowerCase();
      const since = Date.parse(ctx.query.get("since") ?? "");
      const until = Date.parse(ctx.query.get("until") ?? "");
      const list = reachable
        .map((c, i) => ({ c, i }))
        .sort((a, b) => Date.parse(b.c.committer.date) - Date.parse(a.c.committer.date) || a.i - b.i)
        .map(({ c }) => c)
        .filter(
          (c) =>
            !path || commitFiles(r, c).some((f) => f.filename === path || f.filename.startsWith(`${path}/`)),
        )
        .filter(
          (c) =>
            !author ||
            c.author.email.toLowerCase() === author ||
            loginForEmail(ctx.state, c.author.email)?.toLowerCase() === author,
        )
        .filter((c) => Number.isNaN(since) || Date.parse(c.committer.date) >= since)
        .filter((c) => Number.isNaN(until) || Date.parse(c.committer.date) <= until);
      return listReply(ctx, list, (c) => commitJson(ctx, r, c));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/commits/{ref}",
    operationId: "repos/get-commit",
    need: { perm: ["contents", "read"] },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const sha = commitish(r, ctx.params["ref"] ?? "");
      const c = sha ? r.git.get(sha, "commit") : undefined;
      if (!c) throw invalidBecause("Commit", "sha", `No commit found for SHA: ${ctx.params["ref"] ?? ""}`);
      const format = requestedFormat(ctx);
      if (format === "sha") return textReply("sha", c.sha);
      const files = commitFiles(r, c);
      if (format === "diff") return textReply("diff", unifiedDiff(files));
      if (format === "patch") return textReply("patch", formatPatch(r, [c]));
      const additions = files.reduce((n, f) => n + f.additions, 0);
      const deletions = files.reduce((n, f) => n + f.deletions, 0);
      return ok({
        ...commitJson(ctx, r, c),
        stats: { total: additions + deletions, additions, deletions },
        files: files.map((f) => diffEntryJson(ctx, r, f, c.sha)),
      });
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/commits/{commit_sha}/pulls",
    operationId: "repos/list-pull-requests-associated-with-commit",
    need: { perm: ["pull_requests", "read"] },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const sha = commitish(r, ctx.params["commit_sha"] ?? "");
      if (!sha)
        throw invalidBecause("Commit", "sha", `No commit found for SHA: ${ctx.params["commit_sha"] ?? ""}`);
      const prs = [...r.issues.values()].filter((i) => {
        const p = i.pull;
        if (!p) return false;
        if (p.merge_commit_sha === sha || p.headSha === sha) return true;
        return (
          r.git.ancestors(p.headSha).has(sha) &&
          !r.git.ancestors(p.mergedBaseSha ?? r.refs.get(`refs/heads/${p.baseRef}`) ?? "").has(sha)
        );
      });
      return listReply(ctx, prs, (i) => simplePullJson(ctx, r, i));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/branches/{branch}",
    operationId: "repos/get-branch",
    need: { perm: ["contents", "read"] },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const name = ctx.params["branch"] ?? "";
      const sha = r.refs.get(`refs/heads/${name}`);
      const c = sha ? r.git.get(sha, "commit") : undefined;
      if (!c) throw notFound();
      return ok({
        name,
        commit: commitJson(ctx, r, c),
        _links: {
          self: `${ctx.api}/repos/${r.owner}/${r.name}/branches/${name}`,
          html: `${ctx.web}/${r.owner}/${r.name}/tree/${name}`,
        },
        ...branchProtectionSummary(r, name),
        protection_url: `${ctx.api}/repos/${r.owner}/${r.name}/branches/${name}/protection`,
      });
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}",
    operationId: "repos/delete",
    need: { perm: ["administration", "write"], role: "admin" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      if (
        r.deployments.size > 0 &&
        [...r.deployments.values()].some((d) => d.statuses.at(-1)?.state === "in_progress")
      ) {
        throw conflict("Repository has deployments in progress");
      }
      ctx.state.repos.delete(`${r.owner}/${r.name}`.toLowerCase());
      return noContent();
    },
  },
];
