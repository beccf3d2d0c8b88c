import { ok } from "../http.js";
import type { RouteDef } from "../router.js";
import { accountRoutes } from "./accounts.js";
import { actionRoutes } from "./actions.js";
import { appRoutes } from "./apps.js";
import { checkRoutes } from "./checks.js";
import { contentRoutes } from "./contents.js";
import { deploymentRoutes } from "./deployments.js";
import { environmentRoutes } from "./environments.js";
import { gitRoutes } from "./git.js";
import { issueRoutes } from "./issues.js";
import { branchRuleRoutes } from "./protection.js";
import { pullRoutes } from "./pulls.js";
import { repoRoutes } from "./repos.js";
import { securityRoutes } from "./security.js";
import { statusRoutes } from "./statuses.js";

const metaRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/rate_limit",
    operationId: "rate-limit/get",
    auth: "none",
    handler: (ctx) => {
      const core = ctx.state.limits.snapshot(ctx.actor, "core");
      const gql = ctx.state.limits.snapshot(ctx.actor, "graphql");
      const res = (s: typeof core, resource: string): Record<string, unknown> => ({
        limit: s.limit,
        used: s.used,
        remaining: s.remaining,
        reset: s.reset,
        resource,
      });
      const search = { limit: 30, used: 0, remaining: 30, reset: core.reset };
      return ok({
        resources: {
          core: res(core, "core"),
          search: { ...search, resource: "search" },
          graphql: res(gql, "graphql"),
          code_search: { ...search, limit: 10, remaining: 10, resource: "code_search" },
        },
        rate: res(core, "core"),
      });
    },
  },
  {
    method: "GET",
    path: "/meta",
    operationId: "meta/get",
    auth: "none",
    handler: () => ok({ verifiable_password_authentication: false, installed_version: "3.17.0" }),
  },
];

export const restRoutes: RouteDef[] = [
  ...metaRoutes,
  ...accountRoutes,
  ...repoRoutes,
  ...contentRoutes,
  ...gitRoutes,
  ...pullRoutes,
  ...branchRuleRoutes,
  ...issueRoutes,
  ...checkRoutes,
  ...statusRoutes,
  ...deploymentRoutes,
  ...environmentRoutes,
  ...actionRoutes,
  ...securityRoutes,
  ...appRoutes,
];
