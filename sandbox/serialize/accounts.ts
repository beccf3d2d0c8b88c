/**
 * REST representations of accounts and Apps, shaped by GitHub's OpenAPI schemas (components/schemas:
 * `simple-user`, `public-user`/`private-user`, `organization-simple`, `organization-full`, `integration`,
 * `installation`) with GitHub's legacy global `node_id`s and the `api`/`web` URLs of the sandbox; also the
 * `installation` object webhooks carry. `View` is what every serializer builds from.
 */
import type { Json } from "../json.js";
import type { Account, App, Installation, State } from "../state.js";

/** What a representation is built from: the state and the request's REST and web bases (a `Ctx` is one). */
export interface View {
  state: State;
  api: string;
  web: string;
}

/** GitHub's legacy global node id: base64("0<len>:<Type><id>"). */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}

export function simpleUser(v: View, login: string): Json {
  const a = v.state.account(login.replace(/\[bot\]$/, "")) ?? v.state.account(login);
  const app = login.endsWith("[bot]") ? v.state.appBySlug(login.slice(0, -5)) : undefined;
  const id = app ? app.id + 40_000_000 : (a?.id ?? 0);
  const name = app ? login : (a?.login ?? login);
  const type = app ? "Bot" : (a?.type ?? "User");
  const u = `${v.api}/users/${encodeURIComponent(name)}`;
  return {
    login: name,
    id,
    node_id: nodeId(type === "Bot" ? "Bot" : type === "Organization" ? "Organization" : "User", id),
    avatar_url: `${v.web}/avatars/u/${id}`,
    gravatar_id: "",
    url: u,
    html_url: app ? `${v.web}/apps/${app.slug}` : `${v.web}/${name}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type,
    site_admin: a?.site_admin ?? false,
  };
}

export function fullUser(v: View, a: Account): Json {
  return {
    ...simpleUser(v, a.login),
    name: a.name,
    company: null,
    blog: "",
    location: null,
    email: a.email,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: [...v.state.repos.values()].filter((r) => r.owner === a.login && !r.private).length,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: a.created_at,
    updated_at: a.created_at,
    ...(a.suspended ? { suspended_at: a.created_at } : {}),
  };
}

export function orgSimple(v: View, a: Account): Json {
  const u = `${v.api}/orgs/${a.login}`;
  return {
    login: a.login,
    id: a.id,
    node_id: nodeId("Organization", a.id),
    url: u,
    repos_url: `${u}/repos`,
    events_url: `${u}/events`,
    hooks_url: `${u}/hooks`,
    issues_url: `${u}/issues`,
    members_url: `${u}/members{/member}`,
    public_members_url: `${u}/public_members{/member}`,
    avatar_url: `${v.web}/avatars/u/${a.id}`,
    description: null,
  };
}

export function orgFull(v: View, a: Account): Json {
  return {
    ...orgSimple(v, a),
    // GitHub's description types these as strings (not nullable): empty rather than null.
    name: a.name ?? "",
    company: "",
    blog: "",
    location: "",
    email: a.email ?? "",
    is_verified: false,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: [...v.state.repos.values()].filter((r) => r.owner === a.login && !r.private).length,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `${v.web}/${a.login}`,
    created_at: a.created_at,
    updated_at: a.created_at,
    type: "Organization",
    archived_at: null,
  };
}

export function appJson(v: View, app: App): Json {
  return {
    id: app.id,
    slug: app.slug,
    client_id: app.clientId,
    node_id: nodeId("App", app.id),
    owner: simpleUser(v, app.owner),
    name: app.name,
    description: "",
    external_url: v.web,
    html_url: `${v.web}/apps/${app.slug}`,
    created_at: app.created_at,
    updated_at: app.updated_at,
    permissions: { metadata: "read", ...app.permissions },
    events: app.events,
    installations_count: [...v.state.installations.values()].filter((i) => i.appId === app.id).length,
  };
}

export function installationJson(v: View, inst: Installation): Json {
  const app = v.state.apps.get(inst.appId) as App;
  const account = v.state.account(inst.account);
  return {
    id: inst.id,
    account: account ? simpleUser(v, account.login) : null,
    repository_selection: inst.repositoryIds === "all" ? "all" : "selected",
    access_tokens_url: `${v.api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${v.api}/installation/repositories`,
    html_url: `${v.web}/settings/installations/${inst.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: account?.id ?? 0,
    target_type: account?.type ?? "User",
    permissions: { metadata: "read", ...app.permissions },
    events: app.events,
    created_at: inst.created_at,
    updated_at: inst.updated_at,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** The `installation` object GitHub adds to every App webhook payload. */
export const installationRef = (inst: Installation): Json => ({
  id: inst.id,
  node_id: nodeId("Integration::Installation", inst.id),
});
