/**
 * GitHub App endpoints ("REST API endpoints for GitHub Apps" and "for GitHub App installations",
 * "… for GitHub App webhooks"): `apps/get-authenticated`, installations, `get-repo-installation`,
 * `create-installation-access-token` (a token may be narrowed to repositories and permissions, never
 * widened), `list-repos-accessible-to-installation`, and the App's webhook deliveries with redelivery.
 */
import { newToken } from "../auth.js";
import { HttpError, DOCS, notFound, validationFailed } from "../errors.js";
import { created, obj, ok, type Ctx, type Json } from "../http.js";
import { listReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { appJson, installationJson } from "../serialize/accounts.js";
import { repoJson } from "../serialize/repo.js";
import type { App, Installation, Permissions } from "../state.js";
import type { Delivery } from "../webhooks.js";

function jwtApp(ctx: Ctx): App {
  if (ctx.actor?.kind !== "app")
    throw new HttpError(401, {
      message: "A JSON web token could not be decoded",
      documentation_url: DOCS,
      status: "401",
    });
  return ctx.actor.app;
}

function ownInstallation(ctx: Ctx): Installation {
  const app = jwtApp(ctx);
  const inst = ctx.state.installations.get(Number(ctx.params["installation_id"]));
  if (!inst || inst.appId !== app.id) throw notFound();
  return inst;
}

function deliveryJson(d: Delivery): Json {
  return {
    id: d.id,
    guid: d.guid,
    delivered_at: d.delivered_at,
    redelivery: d.redelivery,
    duration: d.duration,
    status: d.status,
    status_code: d.status_code,
    event: d.event,
    action: d.action,
    installation_id: d.installationId,
    repository_id: d.repositoryId,
    throttled_at: null,
  };
}

export const appRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/app",
    operationId: "apps/get-authenticated",
    auth: "jwt",
    handler: (ctx) => ok(appJson(ctx, jwtApp(ctx))),
  },
  {
    method: "GET",
    path: "/app/installations",
    operationId: "apps/list-installations",
    auth: "jwt",
    handler: (ctx) =>
      listReply(
        ctx,
        [...ctx.state.installations.values()].filter((i) => i.appId === jwtApp(ctx).id),
        (i) => installationJson(ctx, i),
      ),
  },
  {
    method: "GET",
    path: "/app/installations/{installation_id}",
    operationId: "apps/get-installation",
    auth: "jwt",
    handler: (ctx) => ok(installationJson(ctx, ownInstallation(ctx))),
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/installation",
    operationId: "apps/get-repo-installation",
    auth: "jwt",
    handler: (ctx) => {
      const r = ctx.state.repo(ctx.params["owner"] ?? "", ctx.params["repo"] ?? "");
      const inst = r && ctx.state.installationFor(jwtApp(ctx).id, r);
      if (!inst) throw notFound();
      return ok(installationJson(ctx, inst));
    },
  },
  ...(["orgs/{org}", "users/{username}"] as const).map((p): RouteDef => ({
    method: "GET",
    path: `/${p}/installation`,
    operationId: p.startsWith("orgs") ? "apps/get-org-installation" : "apps/get-user-installation",
    auth: "jwt",
    handler: (ctx) => {
      const name = (ctx.params["org"] ?? ctx.params["username"] ?? "").toLowerCase();
      const inst = [...ctx.state.installations.values()].find(
        (i) => i.appId === jwtApp(ctx).id && i.account.toLowerCase() === name,
      );
      if (!inst) throw notFound();
      return ok(installationJson(ctx, inst));
    },
  })),
  {
    method: "POST",
    path: "/app/installations/{installation_id}/access_tokens",
    operationId: "apps/create-installation-access-token",
    auth: "jwt",
    handler: (ctx) => {
      const inst = ownInstallation(ctx);
      const app = jwtApp(ctx);
      const b = obj(ctx);
      // A token may be narrowed to some repositories and to a subset of the installation's permissions, never widened.
      let repositoryIds: Set<number> | undefined;
      const names = b["repositories"];
      const ids = b["repository_ids"];
      if (Array.isArray(names) || Array.isArray(ids)) {
        repositoryIds = new Set();
        for (const n of Array.isArray(names) ? names : []) {
          const r = ctx.state.repo(inst.account, String(n));
          if (!r || ctx.state.installationFor(app.id, r) !== inst)
            throw validationFailed(
              [],
              `There is at least one repository that does not exist or is not accessible to the parent installation.`,
            );
          repositoryIds.add(r.id);
        }
        for (const id of Array.isArray(ids) ? ids : []) {
          const r = ctx.state.repoById(Number(id));
          if (!r || ctx.state.installationFor(app.id, r) !== inst)
            throw validationFailed(
              [],
              `There is at least one repository that does not exist or is not accessible to the parent installation.`,
            );
          repositoryIds.add(r.id);
        }
      }
      let permissions: Permissions = { ...app.permissions };
      const asked = b["permissions"];
      if (asked && typeof asked === "object") {
        const rank = { read: 1, write: 2, admin: 3 } as const;
        permissions = {};
        for (const [k, v] of Object.entries(asked as Record<string, string>)) {
          const have = app.permissions[k];
          if (!have || !(v in rank) || rank[v as keyof typeof rank] > rank[have]) {
            throw validationFailed([], `The permissions requested are not granted to this installation.`);
          }
          permissions[k] = v as "read" | "write";
        }
      }
      const token = newToken("ghs");
      const expiresAt = ctx.state.nowMs() + 3600_000;
      ctx.state.tokens.set(token, {
        token,
        login: `${app.slug}[bot]`,
        kind: "installation",
        installationId: inst.id,
        scopes: [],
        expiresAt,
        permissions,
        ...(repositoryIds ? { repositoryIds } : {}),
      });
      const repos = repositoryIds
        ? [...repositoryIds].map((id) => ctx.state.repoById(id)).filter((r) => r !== undefined)
        : undefined;
      return created({
        token,
        expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
        permissions: { metadata: "read", ...permissions },
        repository_selection: inst.repositoryIds === "all" && !repositoryIds ? "all" : "selected",
        ...(repos ? { repositories: repos.map((r) => repoJson(ctx, r)) } : {}),
      });
    },
  },
  {
    method: "GET",
    path: "/installation/repositories",
    operationId: "apps/list-repos-accessible-to-installation",
    handler: (ctx) => {
      if (ctx.actor?.kind !== "installation")
        throw new HttpError(403, {
          message: "Resource not accessible by integration",
          documentation_url: DOCS,
          status: "403",
        });
      const inst = ctx.actor.installation;
      const narrowed = ctx.actor.token.repositoryIds;
      const repos = [...ctx.state.repos.values()].filter(
        (r) => ctx.state.installationFor(inst.appId, r) === inst && (!narrowed || narrowed.has(r.id)),
      );
      const perPage = Math.min(100, Number(ctx.query.get("per_page") ?? 30) || 30);
      const page = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
      return ok({
        total_count: repos.length,
        repository_selection: inst.repositoryIds === "all" ? "all" : "selected",
        repositories: repos.slice((page - 1) * perPage, page * perPage).map((r) => repoJson(ctx, r)),
      });
    },
  },
  {
    method: "GET",
    path: "/app/hook/deliveries",
    operationId: "apps/list-webhook-deliveries",
    auth: "jwt",
    handler: (ctx) =>
      ok(
        ctx.hooks.deliveries
          .filter((d) => d.appId === jwtApp(ctx).id)
          .slice(-Math.min(100, Number(ctx.query.get("per_page") ?? 30) || 30))
          .reverse()
          .map(deliveryJson),
      ),
  },
  {
    method: "GET",
    path: "/app/hook/deliveries/{delivery_id}",
    operationId: "apps/get-webhook-delivery",
    auth: "jwt",
    handler: (ctx) => {
      const d = ctx.hooks.deliveries.find(
        (x) => x.id === Number(ctx.params["delivery_id"]) && x.appId === jwtApp(ctx).id,
      );
      if (!d) throw notFound();
      return ok({ ...deliveryJson(d), url: d.url, request: d.request, response: d.response });
    },
  },
  {
    method: "POST",
    path: "/app/hook/deliveries/{delivery_id}/attempts",
    operationId: "apps/redeliver-webhook-delivery",
    auth: "jwt",
    handler: (ctx) => {
      const d = ctx.hooks.deliveries.find(
        (x) => x.id === Number(ctx.params["delivery_id"]) && x.appId === jwtApp(ctx).id,
      );
      if (!d) throw notFound();
      ctx.hooks.redeliver(d.id);
      return { status: 202, body: {} };
    },
  },
];
