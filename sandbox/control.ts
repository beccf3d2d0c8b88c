/**
 * The sandbox's control API under `/_sandbox` — not part of GitHub's API: register Apps and install them,
 * register signing keys, move timestamps and the clock, inject faults (faults.ts), read the request log,
 * unmodelled hits, rate-limit usage and webhook deliveries, and redeliver a delivery. Tests use it for
 * what a person or GitHub itself does outside the REST API.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { Faults, FaultSpec } from "./faults.js";
import { created, invalid, noContent, notFound, obj, ok, str, validationFailed, type Json } from "./http.js";
import type { RouteDef } from "./router.js";
import type { LogEntry } from "./server.js";
import type { App, Installation, Permissions, Repo } from "./state.js";
import { controlRepoRoutes } from "./control-repos.js";
import { createAccount } from "./ops.js";

export interface ControlDeps {
  faults: Faults;
  requests: () => LogEntry[];
  clearRequests: () => void;
  info: () => Json;
}

/** Objects whose timestamps a test may move into the past (soak times, notice periods, stale approvals). */
function timestamped(r: Repo, kind: string, id: number): Record<string, unknown> | undefined {
  switch (kind) {
    case "pull":
    case "issue":
      return r.issues.get(id) as unknown as Record<string, unknown>;
    case "comment":
      return r.comments.get(id) as unknown as Record<string, unknown>;
    case "deployment":
      return r.deployments.get(id) as unknown as Record<string, unknown>;
    case "deployment_status":
      for (const d of r.deployments.values())
        for (const s of d.statuses) if (s.id === id) return s as unknown as Record<string, unknown>;
      return undefined;
    case "check_run":
      return r.checkRuns.get(id) as unknown as Record<string, unknown>;
    case "status":
      return r.statuses.find((s) => s.id === id) as unknown as Record<string, unknown>;
    case "review":
      for (const i of r.issues.values())
        for (const rv of i.pull?.reviews ?? [])
          if (rv.id === id) return rv as unknown as Record<string, unknown>;
      return undefined;
    case "run":
      return r.runs.get(id) as unknown as Record<string, unknown>;
    default:
      return undefined;
  }
}

export function controlRoutes(deps: ControlDeps): RouteDef[] {
  return [
    { method: "GET", path: "/", operationId: "sandbox/info", handler: () => ok(deps.info()) },
    {
      // What a user does in their settings (GPG keys): from now on, this signature verifies as made by
      // a key of theirs, where the committer email is also theirs.
      method: "POST",
      path: "/signing-keys",
      operationId: "sandbox/register-signing-key",
      handler: (ctx) => {
        const b = obj(ctx);
        const login = str(b, "login", "GpgKey", true);
        const signature = str(b, "signature", "GpgKey", true);
        const account = ctx.state.account(login);
        if (!account) throw notFound();
        ctx.state.signingKeys.set(signature, account.login);
        return created({ login: account.login, signature });
      },
    },
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
          id: app.id,
          slug,
          name,
          client_id: app.clientId,
          pem: app.privateKey,
          webhook_secret: app.webhookSecret,
          webhook_url: app.webhookUrl,
          permissions: app.permissions,
          events: app.events,
        });
      },
    },
    {
      method: "PATCH",
      path: "/apps/{app_id}",
      operationId: "sandbox/update-app",
      handler: (ctx) => {
        const app = ctx.state.apps.get(Number(ctx.params["app_id"]));
        if (!app) throw notFound();
        const b = obj(ctx);
        if ("webhook_url" in b) app.webhookUrl = str(b, "webhook_url", "App") ?? null;
        if (b["permissions"]) app.permissions = b["permissions"] as Permissions;
        if (Array.isArray(b["events"])) app.events = (b["events"] as unknown[]).map(String);
        return ok({
          id: app.id,
          slug: app.slug,
          webhook_url: app.webhookUrl,
          permissions: app.permissions,
          events: app.events,
        });
      },
    },
    {
      method: "POST",
      path: "/apps/{app_id}/installations",
      operationId: "sandbox/install-app",
      handler: (ctx) => {
        const app = ctx.state.apps.get(Number(ctx.params["app_id"]));
        if (!app) throw notFound();
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
    {
      method: "POST",
      path: "/timestamps",
      operationId: "sandbox/set-timestamp",
      handler: (ctx) => {
        const b = obj(ctx);
        const [owner, name] = str(b, "repo", "Timestamp", true).split("/");
        const r = ctx.state.repo(owner ?? "", name ?? "");
        if (!r) throw notFound();
        const target = timestamped(r, str(b, "kind", "Timestamp", true), Number(b["id"]));
        if (!target) throw notFound();
        const field =
          str(b, "field", "Timestamp") ?? (b["kind"] === "review" ? "submitted_at" : "created_at");
        if (!(field in target)) throw invalid("Timestamp", "field");
        const at =
          typeof b["ago_seconds"] === "number"
            ? ctx.state.nowMs() - b["ago_seconds"] * 1000
            : Date.parse(str(b, "at", "Timestamp", true));
        if (!Number.isFinite(at)) throw invalid("Timestamp", "at");
        target[field] = new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
        return ok({ [field]: target[field] });
      },
    },
    {
      method: "GET",
      path: "/faults",
      operationId: "sandbox/list-faults",
      handler: () => ok(deps.faults.all()),
    },
    {
      method: "POST",
      path: "/faults",
      operationId: "sandbox/add-fault",
      handler: (ctx) => created(deps.faults.add(obj(ctx) as unknown as FaultSpec)),
    },
    {
      method: "POST",
      path: "/faults/seed",
      operationId: "sandbox/seed-faults",
      handler: (ctx) => {
        deps.faults.seed(Number(obj(ctx)["seed"] ?? 1));
        return noContent();
      },
    },
    {
      method: "DELETE",
      path: "/faults",
      operationId: "sandbox/clear-faults",
      handler: () => {
        deps.faults.clear();
        return noContent();
      },
    },
    {
      method: "DELETE",
      path: "/faults/{id}",
      operationId: "sandbox/remove-fault",
      handler: (ctx) => {
        if (!deps.faults.remove(Number(ctx.params["id"]))) throw notFound();
        return noContent();
      },
    },
    {
      method: "GET",
      path: "/requests",
      operationId: "sandbox/list-requests",
      handler: (ctx) => {
        const op = ctx.query.get("operation");
        return ok(deps.requests().filter((e) => !op || e.operationId === op));
      },
    },
    {
      method: "DELETE",
      path: "/requests",
      operationId: "sandbox/clear-requests",
      handler: () => {
        deps.clearRequests();
        return noContent();
      },
    },
    {
      method: "GET",
      path: "/unmodelled",
      operationId: "sandbox/list-unmodelled",
      handler: (ctx) => ok({ count: ctx.state.unmodelled.length, hits: ctx.state.unmodelled }),
    },
    {
      method: "DELETE",
      path: "/unmodelled",
      operationId: "sandbox/clear-unmodelled",
      handler: (ctx) => {
        ctx.state.unmodelled.splice(0);
        return noContent();
      },
    },
    {
      method: "GET",
      path: "/clock",
      operationId: "sandbox/get-clock",
      handler: (ctx) => ok({ now: ctx.state.now(), epoch: Math.floor(ctx.state.nowMs() / 1000) }),
    },
    {
      method: "POST",
      path: "/clock",
      operationId: "sandbox/advance-clock",
      handler: (ctx) => {
        const b = obj(ctx);
        let ms: number;
        if (typeof b["advance_seconds"] === "number") ms = b["advance_seconds"] * 1000;
        else if (typeof b["to"] === "string" && Number.isFinite(Date.parse(b["to"])))
          ms = Date.parse(b["to"]) - ctx.state.nowMs();
        else throw invalid("Clock", "advance_seconds");
        if (!(ms >= 0)) throw invalid("Clock", "to", "invalid", "the sandbox clock only moves forward");
        ctx.state.advanceClock(ms);
        return ok({ now: ctx.state.now(), epoch: Math.floor(ctx.state.nowMs() / 1000) });
      },
    },
    {
      method: "GET",
      path: "/usage",
      operationId: "sandbox/usage",
      handler: (ctx) => ok(ctx.state.limits.report(ctx.query.get("token"))),
    },
    {
      method: "DELETE",
      path: "/usage",
      operationId: "sandbox/clear-usage",
      handler: (ctx) => {
        ctx.state.limits.clearUsage();
        return noContent();
      },
    },
    {
      method: "GET",
      path: "/deliveries",
      operationId: "sandbox/list-deliveries",
      handler: async (ctx) => {
        if (ctx.query.get("wait") !== "false") await ctx.hooks.idle();
        const event = ctx.query.get("event");
        return ok(
          ctx.hooks.deliveries.filter(
            (d) => !event || d.event === event || `${d.event}.${d.action ?? ""}` === event,
          ),
        );
      },
    },
    {
      method: "POST",
      path: "/deliveries/{id}/redeliver",
      operationId: "sandbox/redeliver",
      handler: (ctx) => {
        const d = ctx.hooks.redeliver(Number(ctx.params["id"]));
        if (!d) throw notFound();
        return { status: 202, body: { id: d.id, guid: d.guid } };
      },
    },
    {
      // GitHub delivers concurrently and promises no order; the default stays one at a time, in order.
      method: "PUT",
      path: "/webhooks/delivery",
      operationId: "sandbox/set-webhook-delivery",
      handler: (ctx) => {
        const b = obj(ctx);
        const mode = str(b, "mode", "WebhookDelivery", true);
        if (mode !== "ordered" && mode !== "concurrent") throw invalid("WebhookDelivery", "mode");
        const delay = b["max_delay_ms"] ?? 0;
        if (typeof delay !== "number" || !Number.isInteger(delay) || delay < 0 || delay > 10_000)
          throw invalid("WebhookDelivery", "max_delay_ms");
        return ok(ctx.hooks.setDelivery({ mode, max_delay_ms: delay }) as unknown as Json);
      },
    },
    ...controlRepoRoutes,
  ];
}
