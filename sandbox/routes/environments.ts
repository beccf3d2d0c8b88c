/**
 * Deployment environments and custom deployment protection rules ("REST API endpoints for deployment
 * environments" and "for protection rules"): `repos/get-all-environments`, `get-environment`,
 * `create-or-update-environment`, `delete-an-environment`, `create-deployment-protection-rule` (an App
 * installed on the repository, at most 6 per environment) and `get-all-deployment-protection-rules`;
 * changes need an administrator. The environment body's protections (reviewers, a wait timer, branch
 * policies) are not modelled: setting one is refused with 501 naming it, never accepted and dropped, so no
 * test passes here that GitHub would hold. Their "none" values (0, [], false, null) are accepted.
 */
import { notFound, validationFailed } from "../errors.js";
import { created, noContent, obj, ok, type Ctx } from "../http.js";
import { wrappedReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { environmentJson } from "../serialize/deployments.js";
import { nodeId } from "../serialize/accounts.js";
import type { Environment, Repo } from "../state.js";
import { repoOf } from "./common.js";
import { notModelled } from "../unmodelled.js";

export function ensureEnvironment(ctx: Pick<Ctx, "state">, r: Repo, name: string): Environment {
  const existing = r.environments.get(name.toLowerCase());
  if (existing) return existing;
  const now = ctx.state.now();
  const e: Environment = {
    id: ctx.state.nextId("environment"),
    name,
    created_at: now,
    updated_at: now,
    customRules: [],
  };
  r.environments.set(name.toLowerCase(), e);
  return e;
}

function envOr404(ctx: Ctx, r: Repo): Environment {
  const e = r.environments.get((ctx.params["environment_name"] ?? "").toLowerCase());
  if (!e) throw notFound();
  return e;
}

function ruleJson(ctx: Ctx, rule: Environment["customRules"][number]): Record<string, unknown> {
  const app = ctx.state.apps.get(rule.appId);
  return {
    id: rule.id,
    node_id: nodeId("DeploymentProtectionRule", rule.id),
    enabled: rule.enabled,
    app: {
      id: rule.appId,
      slug: app?.slug ?? "",
      integration_url: `${ctx.api}/apps/${app?.slug ?? ""}`,
      node_id: nodeId("App", rule.appId),
    },
  };
}

/** A protection setting's "none": what an environment without that protection already is. */
const isUnset = (value: unknown) =>
  value === null || value === 0 || value === false || (Array.isArray(value) && value.length === 0);

const admin = { perm: ["administration", "write"] as [string, "write"], role: "admin" as const };
const read = { perm: ["actions", "read"] as [string, "read"] };

export const environmentRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/environments",
    operationId: "repos/get-all-environments",
    need: read,
    handler: (ctx) =>
      wrappedReply(ctx, "environments", [...repoOf(ctx).environments.values()], (e) =>
        environmentJson(ctx, repoOf(ctx), e),
      ),
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/environments/{environment_name}",
    operationId: "repos/get-environment",
    need: read,
    handler: (ctx) => ok(environmentJson(ctx, repoOf(ctx), envOr404(ctx, repoOf(ctx)))),
  },
  {
    method: "PUT",
    path: "/repos/{owner}/{repo}/environments/{environment_name}",
    operationId: "repos/create-or-update-environment",
    need: admin,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const unmodelled = Object.entries(obj(ctx))
        .filter(([, value]) => !isUnset(value))
        .map(([key]) => key);
      if (unmodelled.length > 0) {
        const route = `/repos/{owner}/{repo}/environments/{environment_name} with ${unmodelled.join(", ")}`;
        ctx.state.unmodelled.push({
          at: ctx.state.now(),
          kind: "rest",
          method: "PUT",
          route,
          path: ctx.path,
        });
        throw notModelled("PUT", route);
      }
      const e = ensureEnvironment(ctx, r, ctx.params["environment_name"] ?? "");
      e.updated_at = ctx.state.now();
      return ok(environmentJson(ctx, r, e));
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/environments/{environment_name}",
    operationId: "repos/delete-an-environment",
    need: admin,
    handler: (ctx) => {
      const r = repoOf(ctx);
      r.environments.delete(envOr404(ctx, r).name.toLowerCase());
      return noContent();
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/environments/{environment_name}/deployment_protection_rules",
    operationId: "repos/create-deployment-protection-rule",
    need: admin,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const e = envOr404(ctx, r);
      const id = Number(obj(ctx)["integration_id"]);
      const app = ctx.state.apps.get(id);
      if (!app || !ctx.state.installationFor(app.id, r)) {
        throw validationFailed([
          { resource: "DeploymentProtectionRule", field: "integration_id", code: "invalid" },
        ]);
      }
      if (e.customRules.length >= 6)
        throw validationFailed([
          {
            resource: "DeploymentProtectionRule",
            code: "custom",
            message: "Environments can have at most 6 custom deployment protection rules",
          },
        ]);
      const rule = { id: ctx.state.nextId("protection_rule"), appId: app.id, enabled: true };
      e.customRules.push(rule);
      return created(ruleJson(ctx, rule));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/environments/{environment_name}/deployment_protection_rules",
    operationId: "repos/get-all-deployment-protection-rules",
    need: read,
    handler: (ctx) => {
      const e = envOr404(ctx, repoOf(ctx));
      return ok({
        total_count: e.customRules.length,
        custom_deployment_protection_rules: e.customRules.map((x) => ruleJson(ctx, x)),
      });
    },
  },
];
