/**
 * Accounts, as GitHub Enterprise Server administers them ("REST API endpoints for enterprise
 * administration": `enterprise-admin/create-user`, `create-org`, `create-impersonation-o-auth-token`,
 * `promote-user-to-be-site-administrator`, `suspend-user`), read (`users/get-authenticated`,
 * `users/get-by-username`, `orgs/get`) and organized ("REST API endpoints for organization members" and
 * "for teams": `orgs/set-membership-for-user`, `teams/create`, memberships and repository grants).
 */
import { newToken } from "../auth.js";
import { forbidden, notAccessible, invalid, notFound, validationFailed } from "../errors.js";
import { bool, created, noContent, obj, ok, oneOf, str, type Ctx, type Json } from "../http.js";
import { createAccount } from "../ops.js";
import { listReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { fullUser, nodeId, orgFull, orgSimple, simpleUser, type View } from "../serialize/accounts.js";
import type { Account, Team } from "../state.js";
import { login, requireSiteAdmin } from "./common.js";

const LOGIN_RE = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/i;

function accountOr404(ctx: Ctx, name: string | undefined, type?: Account["type"]): Account {
  const a = ctx.state.account(name ?? "");
  if (!a || (type && a.type !== type)) throw notFound();
  return a;
}

function teamJson(v: View, t: Team): Json {
  const org = v.state.account(t.org);
  const url = `${v.api}/organizations/${org?.id ?? 0}/team/${t.id}`;
  return {
    id: t.id,
    node_id: nodeId("Team", t.id),
    url,
    html_url: `${v.web}/orgs/${t.org}/teams/${t.slug}`,
    name: t.name,
    slug: t.slug,
    description: t.description,
    privacy: t.privacy,
    notification_setting: "notifications_enabled",
    permission: "pull",
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    parent: null,
    members_count: t.members.size,
    repos_count: t.repos.size,
    created_at: t.created_at,
    updated_at: t.created_at,
    organization: org ? orgFull(v, org) : null,
    type: "organization",
  };
}

function teamOr404(ctx: Ctx): Team {
  const t = ctx.state.team(ctx.params["org"] ?? "", ctx.params["team_slug"] ?? "");
  if (!t) throw notFound();
  return t;
}

export const accountRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/admin/users",
    operationId: "enterprise-admin/create-user",
    handler: (ctx) => {
      requireSiteAdmin(ctx);
      const b = obj(ctx);
      const name = str(b, "login", "User", true);
      if (!LOGIN_RE.test(name)) throw invalid("User", "login");
      if (ctx.state.account(name))
        throw validationFailed([{ resource: "User", field: "login", code: "already_exists" }]);
      const a = createAccount(ctx.state, {
        login: name,
        type: "User",
        email: str(b, "email", "User") ?? null,
      });
      a.suspended = bool(b, "suspended", "User") ?? false;
      return created(simpleUser(ctx, a.login));
    },
  },
  {
    method: "POST",
    path: "/admin/organizations",
    operationId: "enterprise-admin/create-org",
    handler: (ctx) => {
      requireSiteAdmin(ctx);
      const b = obj(ctx);
      const name = str(b, "login", "Organization", true);
      const admin = str(b, "admin", "Organization", true);
      if (!LOGIN_RE.test(name)) throw invalid("Organization", "login");
      if (ctx.state.account(name))
        throw validationFailed([{ resource: "Organization", field: "login", code: "already_exists" }]);
      const adminAcc = accountOr404(ctx, admin, "User");
      const org = createAccount(ctx.state, {
        login: name,
        type: "Organization",
        name: str(b, "profile_name", "Organization") ?? null,
      });
      org.members.set(adminAcc.login.toLowerCase(), "admin");
      return created(orgSimple(ctx, org));
    },
  },
  {
    method: "POST",
    path: "/admin/users/{username}/authorizations",
    operationId: "enterprise-admin/create-impersonation-o-auth-token",
    handler: (ctx) => {
      requireSiteAdmin(ctx);
      const user = accountOr404(ctx, ctx.params["username"], "User");
      const b = obj(ctx);
      const scopes = Array.isArray(b["scopes"])
        ? b["scopes"].filter((s): s is string => typeof s === "string")
        : [];
      const token = newToken("ghp");
      const id = ctx.state.nextId("authorization");
      ctx.state.tokens.set(token, { token, login: user.login, kind: "user", scopes, expiresAt: null });
      const now = ctx.state.now();
      return created({
        id,
        url: `${ctx.api}/authorizations/${id}`,
        scopes,
        token,
        token_last_eight: token.slice(-8),
        hashed_token: null,
        app: { client_id: "00000000000000000000", name: "GitHub Site Administrator", url: `${ctx.web}/` },
        note: null,
        note_url: null,
        updated_at: now,
        created_at: now,
        fingerprint: null,
        user: simpleUser(ctx, user.login),
        installation: null,
        expires_at: null,
      });
    },
  },
  {
    method: "PUT",
    path: "/users/{username}/site_admin",
    operationId: "enterprise-admin/promote-user-to-be-site-administrator",
    handler: (ctx) => {
      requireSiteAdmin(ctx);
      accountOr404(ctx, ctx.params["username"], "User").site_admin = true;
      return noContent();
    },
  },
  {
    method: "PUT",
    path: "/users/{username}/suspended",
    operationId: "enterprise-admin/suspend-user",
    handler: (ctx) => {
      requireSiteAdmin(ctx);
      accountOr404(ctx, ctx.params["username"], "User").suspended = true;
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/user",
    operationId: "users/get-authenticated",
    handler: (ctx) => {
      if (ctx.actor?.kind === "installation") throw notAccessible();
      return ok(fullUser(ctx, accountOr404(ctx, login(ctx))));
    },
  },
  {
    method: "GET",
    path: "/users/{username}",
    operationId: "users/get-by-username",
    auth: "none",
    handler: (ctx) => ok(fullUser(ctx, accountOr404(ctx, ctx.params["username"]))),
  },
  {
    method: "GET",
    path: "/orgs/{org}",
    operationId: "orgs/get",
    auth: "none",
    handler: (ctx) => ok(orgFull(ctx, accountOr404(ctx, ctx.params["org"], "Organization"))),
  },
  {
    method: "PUT",
    path: "/orgs/{org}/memberships/{username}",
    operationId: "orgs/set-membership-for-user",
    handler: (ctx) => {
      const org = accountOr404(ctx, ctx.params["org"], "Organization");
      requireOrgAdmin(ctx, org);
      const user = accountOr404(ctx, ctx.params["username"], "User");
      const role =
        oneOf(str(obj(ctx), "role", "Membership"), ["admin", "member"] as const, "Membership", "role") ??
        "member";
      org.members.set(user.login.toLowerCase(), role);
      return ok({
        url: `${ctx.api}/orgs/${org.login}/memberships/${user.login}`,
        state: "active",
        role,
        organization_url: `${ctx.api}/orgs/${org.login}`,
        organization: orgSimple(ctx, org),
        user: simpleUser(ctx, user.login),
      });
    },
  },
  {
    method: "POST",
    path: "/orgs/{org}/teams",
    operationId: "teams/create",
    handler: (ctx) => {
      const org = accountOr404(ctx, ctx.params["org"], "Organization");
      requireOrgAdmin(ctx, org);
      const b = obj(ctx);
      const name = str(b, "name", "Team", true);
      const slug = name
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, "-")
        .replace(/^-|-$/g, "");
      if (ctx.state.team(org.login, slug))
        throw validationFailed([{ resource: "Team", field: "name", code: "already_exists" }]);
      const privacy =
        oneOf(str(b, "privacy", "Team"), ["secret", "closed"] as const, "Team", "privacy") ?? "secret";
      const t: Team = {
        id: ctx.state.nextId("team"),
        org: org.login,
        slug,
        name,
        description: str(b, "description", "Team") ?? null,
        privacy,
        members: new Map(),
        repos: new Map(),
        created_at: ctx.state.now(),
      };
      ctx.state.teams.set(t.id, t);
      return created(teamJson(ctx, t));
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/teams/{team_slug}",
    operationId: "teams/get-by-name",
    handler: (ctx) => ok(teamJson(ctx, teamOr404(ctx))),
  },
  {
    method: "GET",
    path: "/orgs/{org}/teams/{team_slug}/members",
    operationId: "teams/list-members-in-org",
    handler: (ctx) => listReply(ctx, [...teamOr404(ctx).members.keys()], (l) => simpleUser(ctx, l)),
  },
  {
    method: "GET",
    path: "/orgs/{org}/teams/{team_slug}/memberships/{username}",
    operationId: "teams/get-membership-for-user-in-org",
    handler: (ctx) => {
      const t = teamOr404(ctx);
      const role = t.members.get((ctx.params["username"] ?? "").toLowerCase());
      if (!role) throw notFound();
      return ok({
        url: `${ctx.api}/organizations/${ctx.state.account(t.org)?.id ?? 0}/team/${t.id}/memberships/${ctx.params["username"]}`,
        role,
        state: "active",
      });
    },
  },
  {
    method: "PUT",
    path: "/orgs/{org}/teams/{team_slug}/memberships/{username}",
    operationId: "teams/add-or-update-membership-for-user-in-org",
    handler: (ctx) => {
      const t = teamOr404(ctx);
      const org = accountOr404(ctx, t.org, "Organization");
      requireOrgAdmin(ctx, org);
      const user = accountOr404(ctx, ctx.params["username"], "User");
      const role =
        oneOf(str(obj(ctx), "role", "Membership"), ["member", "maintainer"] as const, "Membership", "role") ??
        "member";
      t.members.set(user.login.toLowerCase(), role);
      if (!org.members.has(user.login.toLowerCase())) org.members.set(user.login.toLowerCase(), "member");
      return ok({
        url: `${ctx.api}/organizations/${org.id}/team/${t.id}/memberships/${user.login}`,
        role,
        state: "active",
      });
    },
  },
  {
    method: "PUT",
    path: "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}",
    operationId: "teams/add-or-update-repo-permissions-in-org",
    need: { role: "admin" },
    handler: (ctx) => {
      const t = teamOr404(ctx);
      const r = ctx.state.repo(ctx.params["owner"] ?? "", ctx.params["repo"] ?? "");
      if (!r || r.owner.toLowerCase() !== t.org.toLowerCase()) throw notFound();
      const perm =
        oneOf(
          str(obj(ctx), "permission", "Team"),
          ["pull", "triage", "push", "maintain", "admin"] as const,
          "Team",
          "permission",
        ) ?? "push";
      t.repos.set(
        r.id,
        ({ pull: "read", triage: "triage", push: "write", maintain: "maintain", admin: "admin" } as const)[
          perm
        ],
      );
      return noContent();
    },
  },
];

function requireOrgAdmin(ctx: Ctx, org: Account): void {
  const me = login(ctx);
  if (ctx.state.account(me)?.site_admin) return;
  if (org.members.get(me.toLowerCase()) !== "admin")
    throw forbidden("You must be an admin of the organization to do that.");
}
