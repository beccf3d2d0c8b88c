/**
 * Collaborators and invitations ("REST API endpoints for collaborators" and "for repository
 * invitations"): `repos/list-collaborators` (affiliation all: owner, organization owners, direct
 * collaborators and team members), `remove-collaborator`, the repository's invitations, and the
 * invitee's own (`list-invitations-for-authenticated-user`, `decline-invitation-for-authenticated-user`).
 */
import { roleOf } from "../auth.js";
import { notFound } from "../errors.js";
import { noContent, obj, ok, oneOf, str, type Ctx } from "../http.js";
import { listReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { collaboratorJson, invitationJson, type Invitation } from "../serialize/collaborators.js";
import type { Repo, RepoRole } from "../state.js";
import { login, repoOf } from "./common.js";

const ROLES = ["read", "triage", "write", "maintain", "admin"] as const;

/**
 * Everyone with a role on the repository, as GitHub lists collaborators (affiliation=all): the owner,
 * organization owners, direct collaborators and members of teams granted the repository.
 */
function withAccess(ctx: Ctx, r: Repo, affiliation: string): { login: string; role: RepoRole }[] {
  const logins = new Set<string>();
  const owner = ctx.state.account(r.owner);
  if (affiliation !== "outside") {
    if (owner?.type === "User") logins.add(owner.login);
    if (owner?.type === "Organization") for (const m of owner.members.keys()) logins.add(m);
    for (const t of ctx.state.teams.values())
      if (t.repos.has(r.id)) for (const m of t.members.keys()) logins.add(m);
  }
  const members = owner?.type === "Organization" ? owner.members : new Map<string, string>();
  for (const c of r.collaborators.keys()) if (affiliation !== "outside" || !members.has(c)) logins.add(c);
  const out: { login: string; role: RepoRole }[] = [];
  for (const l of logins) {
    const role = roleOf(ctx.state, r, l);
    const account = ctx.state.account(l);
    if (role && account) out.push({ login: account.login, role });
  }
  return out.sort((a, b) => (ctx.state.account(a.login)?.id ?? 0) - (ctx.state.account(b.login)?.id ?? 0));
}

function repoInvitation(ctx: Ctx, r: Repo): [number, Invitation] {
  const id = Number(ctx.params["invitation_id"]);
  const inv = r.invitations.get(id);
  if (!inv) throw notFound();
  return [id, inv];
}

/** The caller's own invitation of that id, on whichever repository it is for. */
function myInvitation(ctx: Ctx): [Repo, number, Invitation] {
  const id = Number(ctx.params["invitation_id"]);
  const me = login(ctx).toLowerCase();
  for (const r of ctx.state.repos.values()) {
    const inv = r.invitations.get(id);
    if (inv && inv.login.toLowerCase() === me) return [r, id, inv];
  }
  throw notFound();
}

export const collaboratorRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/collaborators",
    operationId: "repos/list-collaborators",
    // GitHub: the caller needs write, maintain or admin on the repository (an App, metadata read).
    need: { perm: ["metadata", "read"], role: "write" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const affiliation = oneOf(
        ctx.query.get("affiliation") ?? undefined,
        ["outside", "direct", "all"],
        "Collaborator",
        "affiliation",
      );
      const permission = oneOf(ctx.query.get("permission") ?? undefined, ROLES, "Collaborator", "permission");
      let people = withAccess(ctx, r, affiliation ?? "all");
      if (affiliation === "direct")
        people = people.filter((p) => r.collaborators.has(p.login.toLowerCase()) || p.login === r.owner);
      if (permission) people = people.filter((p) => p.role === permission);
      return listReply(ctx, people, (p) => collaboratorJson(ctx, p.login, p.role));
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/collaborators/{username}",
    operationId: "repos/remove-collaborator",
    need: { perm: ["administration", "write"], role: "admin" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const user = ctx.state.account(ctx.params["username"] ?? "");
      if (!user) throw notFound();
      const lower = user.login.toLowerCase();
      r.collaborators.delete(lower);
      // GitHub also cancels the user's pending invitation to the repository.
      for (const [id, inv] of r.invitations) if (inv.login.toLowerCase() === lower) r.invitations.delete(id);
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/invitations",
    operationId: "repos/list-invitations",
    need: { perm: ["administration", "read"], role: "admin" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      return listReply(ctx, [...r.invitations], ([id, inv]) => invitationJson(ctx, r, id, inv));
    },
  },
  {
    method: "PATCH",
    path: "/repos/{owner}/{repo}/invitations/{invitation_id}",
    operationId: "repos/update-invitation",
    need: { perm: ["administration", "write"], role: "admin" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const [id, inv] = repoInvitation(ctx, r);
      const role = oneOf(
        str(obj(ctx), "permissions", "RepositoryInvitation"),
        ROLES,
        "RepositoryInvitation",
        "permissions",
      );
      if (role) inv.role = role;
      return ok(invitationJson(ctx, r, id, inv));
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/invitations/{invitation_id}",
    operationId: "repos/delete-invitation",
    need: { perm: ["administration", "write"], role: "admin" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const [id] = repoInvitation(ctx, r);
      r.invitations.delete(id);
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/user/repository_invitations",
    operationId: "repos/list-invitations-for-authenticated-user",
    handler: (ctx) => {
      const me = login(ctx).toLowerCase();
      const mine: [Repo, number, Invitation][] = [];
      for (const r of ctx.state.repos.values())
        for (const [id, inv] of r.invitations) if (inv.login.toLowerCase() === me) mine.push([r, id, inv]);
      return listReply(ctx, mine, ([r, id, inv]) => invitationJson(ctx, r, id, inv));
    },
  },
  {
    method: "DELETE",
    path: "/user/repository_invitations/{invitation_id}",
    operationId: "repos/decline-invitation-for-authenticated-user",
    handler: (ctx) => {
      const [r, id] = myInvitation(ctx);
      r.invitations.delete(id);
      return noContent();
    },
  },
];
