/**
 * REST representations of deployments, deployment statuses and environments (GitHub's OpenAPI schemas
 * `deployment`, `deployment-status`, `environment` — its `protection_rules` (reviewers, wait timer) and
 * branch policy stay empty: not modelled), as the routes and the `deployment` / `deployment_status`
 * webhooks send them.
 */
import type { Json } from "../http.js";
import type { Deployment, DeploymentStatus, Environment, Repo } from "../state.js";
import { appJson, nodeId, simpleUser, type View } from "./accounts.js";
import { repoHtml, repoUrl } from "./repo.js";

export function deploymentJson(v: View, r: Repo, d: Deployment): Json {
  const url = `${repoUrl(v, r)}/deployments/${d.id}`;
  const app = d.appId === null ? undefined : v.state.apps.get(d.appId);
  return {
    url,
    id: d.id,
    node_id: nodeId("Deployment", d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.original_environment,
    environment: d.environment,
    description: d.description,
    creator: simpleUser(v, d.creator),
    created_at: d.created_at,
    updated_at: d.updated_at,
    statuses_url: `${url}/statuses`,
    repository_url: repoUrl(v, r),
    transient_environment: d.transient_environment,
    production_environment: d.production_environment,
    performed_via_github_app: app ? appJson(v, app) : null,
  };
}

export function deploymentStatusJson(v: View, r: Repo, d: Deployment, s: DeploymentStatus): Json {
  const durl = `${repoUrl(v, r)}/deployments/${d.id}`;
  const app = s.appId === null ? undefined : v.state.apps.get(s.appId);
  return {
    url: `${durl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId("DeploymentStatus", s.id),
    state: s.state,
    creator: simpleUser(v, s.creator),
    description: s.description,
    environment: s.environment,
    target_url: s.target_url,
    created_at: s.created_at,
    updated_at: s.updated_at,
    deployment_url: durl,
    repository_url: repoUrl(v, r),
    environment_url: s.environment_url,
    log_url: s.log_url,
    performed_via_github_app: app ? appJson(v, app) : null,
  };
}

export function environmentJson(v: View, r: Repo, e: Environment): Json {
  return {
    id: e.id,
    node_id: nodeId("Environment", e.id),
    name: e.name,
    url: `${repoUrl(v, r)}/environments/${encodeURIComponent(e.name)}`,
    html_url: `${repoHtml(v, r)}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
    created_at: e.created_at,
    updated_at: e.updated_at,
    protection_rules: [],
    deployment_branch_policy: null,
    can_admins_bypass: true,
  };
}
