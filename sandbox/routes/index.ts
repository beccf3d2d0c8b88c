/**
 * Every REST route the sandbox models, gathered into one table (router.ts), plus the API root
 * (`meta/root`), `rate-limit/get` (which spends no primary point) and `meta/get`. A GitHub route missing
 * from the table answers 501 (unmodelled.ts); the generated docs/sandbox-compatibility.md lists them all.
 */
import { ok } from "../http.js";
import type { RouteDef } from "../router.js";
import { accountRoutes } from "./accounts.js";
import { actionRoutes } from "./actions.js";
import { appRoutes } from "./apps.js";
import { checkRoutes } from "./checks.js";
import { collaboratorRoutes } from "./collaborators.js";
import { compareRoutes } from "./compare.js";
import { contentRoutes } from "./contents.js";
import { deploymentRoutes } from "./deployments.js";
import { environmentRoutes } from "./environments.js";
import { gitRoutes } from "./git.js";
import { issueRoutes } from "./issues.js";
import { branchProtectionRoutes } from "./protection.js";
import { rulesetRoutes } from "./rulesets.js";
import { issueListRoutes } from "./issue-list.js";
import { labelRoutes } from "./labels.js";
import { reactionRoutes } from "./reactions.js";
import { pullRoutes } from "./pulls.js";
import { updateBranchRoutes } from "./update-branch.js";
import { repoRoutes } from "./repos.js";
import { repoUpdateRoutes } from "./repo-update.js";
import { securityRoutes } from "./security.js";
import { statusRoutes } from "./statuses.js";

/** The API root: GitHub's hypermedia index of URL templates (RFC 6570), answered without authentication. */
function apiRoot(api: string, web: string): Record<string, string> {
  const search = (kind: string, extra = "{&page,per_page,sort,order}"): string =>
    `${api}/search/${kind}?q={query}${extra}`;
  return {
    current_user_url: `${api}/user`,
    current_user_authorizations_html_url: `${web}/settings/connections/applications{/client_id}`,
    authorizations_url: `${api}/authorizations`,
    code_search_url: search("code"),
    commit_search_url: search("commits"),
    emails_url: `${api}/user/emails`,
    emojis_url: `${api}/emojis`,
    events_url: `${api}/events`,
    feeds_url: `${api}/feeds`,
    followers_url: `${api}/user/followers`,
    following_url: `${api}/user/following{/target}`,
    gists_url: `${api}/gists{/gist_id}`,
    issue_search_url: search("issues"),
    issues_url: `${api}/issues`,
    keys_url: `${api}/user/keys`,
    label_search_url: `${api}/search/labels?q={query}&repository_id={repository_id}{&page,per_page}`,
    notifications_url: `${api}/notifications`,
    organization_url: `${api}/orgs/{org}`,
    organization_repositories_url: `${api}/orgs/{org}/repos{?type,page,per_page,sort}`,
    organization_teams_url: `${api}/orgs/{org}/teams`,
    public_gists_url: `${api}/gists/public`,
    rate_limit_url: `${api}/rate_limit`,
    repository_url: `${api}/repos/{owner}/{repo}`,
    repository_search_url: search("repositories"),
    current_user_repositories_url: `${api}/user/repos{?type,page,per_page,sort}`,
    starred_url: `${api}/user/starred{/owner}{/repo}`,
    starred_gists_url: `${api}/gists/starred`,
    topic_search_url: search("topics", "{&page,per_page}"),
    user_url: `${api}/users/{user}`,
    user_organizations_url: `${api}/user/orgs`,
    user_repositories_url: `${api}/users/{user}/repos{?type,page,per_page,sort}`,
    user_search_url: search("users"),
  };
}

const metaRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/",
    operationId: "meta/root",
    auth: "none",
    handler: (ctx) => ok(apiRoot(ctx.api, ctx.web)),
  },
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
  ...repoUpdateRoutes,
  ...collaboratorRoutes,
  ...contentRoutes,
  ...gitRoutes,
  ...compareRoutes,
  ...pullRoutes,
  ...branchProtectionRoutes,
  ...rulesetRoutes,
  ...updateBranchRoutes,
  ...issueRoutes,
  ...issueListRoutes,
  ...labelRoutes,
  ...reactionRoutes,
  ...checkRoutes,
  ...statusRoutes,
  ...deploymentRoutes,
  ...environmentRoutes,
  ...actionRoutes,
  ...securityRoutes,
  ...appRoutes,
];
