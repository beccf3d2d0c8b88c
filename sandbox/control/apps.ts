/**
 * Control routes for GitHub Apps, which a person registers and installs in GitHub's settings rather than
 * through the REST API: register an App (its key pair, webhook secret and bot account), change its webhook,
 * permissions and events, and install it on an account for all or selected repositories.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { invalid, notFound, validationFailed } from "../errors.js";
import { created, obj, ok, str, type Ctx } from "../http.js";
import type { RouteDef } from "../router.js";
import type { App, Installation, Permissions } from "../state.js";
import { createAccount } from "../ops.js";

/** The App a /apps/{app_id} control route names. */
function appOf(ctx: Ctx): App {
  const app = ctx.state.apps.get(Number(ctx.params["app_id"]));
  if (!app) throw notFound();
  return app;
}

/** What the control API says of an App's settings, on registering and on every change. */
function appSettings(app: App) {
  return {
    id: app.id,
    slug: app.slug,
    webhook_url: app.webhookUrl,
    permissions: app.permissions,
    events: app.events,
  };
}

/** Registering, changing and installing GitHub Apps. */
export const appRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/apps",
    operationId: "sandbox/register-app",
    handler: (ctx) => {
      const b = obj(ctx);
      const name = str(b, "name", "App", true);
      const slug =
        str(b, "slug", "App") ??
        name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, "-")
          .replace(/^-|-$/g, "");
      if (ctx.state.appBySlug(slug))
        throw validationFailed([{ resource: "App", field: "name", code: "already_exists" }]);
      const owner = str(b, "owner", "App") ?? "sandbox-admin";
      if (!ctx.state.account(owner)) throw invalid("App", "owner");
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const now = ctx.state.now();
      const app: App = {
        id: ctx.state.nextId("app"),
        slug,
        name,
        owner,
        clientId: `Iv1.${randomBytes(8).toString("hex")}`,
        privateKey: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
        publicKey,
        webhookSecret: str(b, "webhook_secret", "App") ?? randomBytes(20).toString("hex"),
        webhookUrl: str(b, "webhook_url", "App") ?? null,
        permissions: (b["permissions"] ?? {}) as Permissions,
        events: Array.isArray(b["events"]) ? (b["events"] as unknown[]).map(String) : [],
        created_at: now,
        updated_at: now,
      };
      ctx.state.apps.set(app.id, app);
      createAccount(ctx.state, { login: `${slug}[bot]`, type: "Bot" });
      return created({
        ...appSettings(app),
        name,
        client_id: app.clientId,
        pem: app.privateKey,
        webhook_secret: app.webhookSecret,
      });
    },
  },
  {
    method: "PATCH",
    path: "/apps/{app_id}",
    operationId: "sandbox/update-app",
    handler: (ctx) => {
      const app = appOf(ctx);
      const b = obj(ctx);
      if ("webhook_url" in b) app.webhookUrl = str(b, "webhook_url", "App") ?? null;
      if (b["permissions"]) app.permissions = b["permissions"] as Permissions;
      if (Array.isArray(b["events"])) app.events = (b["events"] as unknown[]).map(String);
      return ok(appSettings(app));
    },
  },
  {
    method: "POST",
    path: "/apps/{app_id}/installations",
    operationId: "sandbox/install-app",
    handler: (ctx) => {
      const app = appOf(ctx);
      const b = obj(ctx);
      const account = ctx.state.account(str(b, "account", "Installation", true));
      if (!account) throw invalid("Installation", "account");
      const names = b["repositories"];
      let repositoryIds: Installation["repositoryIds"] = "all";
      if (Array.isArray(names)) {
        repositoryIds = new Set();
        for (const n of names) {
          const r = ctx.state.repo(account.login, String(n));
          if (!r) throw invalid("Installation", "repositories");
          repositoryIds.add(r.id);
        }
      }
      const now = ctx.state.now();
      const inst: Installation = {
        id: ctx.state.nextId("installation"),
        appId: app.id,
        account: account.login,
        repositoryIds,
        created_at: now,
        updated_at: now,
      };
      ctx.state.installations.set(inst.id, inst);
      return created({
        id: inst.id,
        app_id: app.id,
        account: account.login,
        repository_selection: repositoryIds === "all" ? "all" : "selected",
      });
    },
  },
];
