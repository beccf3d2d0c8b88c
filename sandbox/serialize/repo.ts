/**
 * REST representations of repositories (GitHub's OpenAPI schemas `repository` and `full-repository`),
 * with their REST and web URLs and the URL templates GitHub includes, as the routes and every webhook's
 * `repository` field send them.
 */
import type { Json } from "../json.js";
import type { Repo } from "../state.js";
import { nodeId, simpleUser, type View } from "./accounts.js";

const URL_SUFFIXES: [string, string][] = [
  ["forks_url", "/forks"],
  ["keys_url", "/keys{/key_id}"],
  ["collaborators_url", "/collaborators{/collaborator}"],
  ["teams_url", "/teams"],
  ["hooks_url", "/hooks"],
  ["issue_events_url", "/issues/events{/number}"],
  ["events_url", "/events"],
  ["assignees_url", "/assignees{/user}"],
  ["branches_url", "/branches{/branch}"],
  ["tags_url", "/tags"],
  ["blobs_url", "/git/blobs{/sha}"],
  ["git_tags_url", "/git/tags{/sha}"],
  ["git_refs_url", "/git/refs{/sha}"],
  ["trees_url", "/git/trees{/sha}"],
  ["statuses_url", "/statuses/{sha}"],
  ["languages_url", "/languages"],
  ["stargazers_url", "/stargazers"],
  ["contributors_url", "/contributors"],
  ["subscribers_url", "/subscribers"],
  ["subscription_url", "/subscription"],
  ["commits_url", "/commits{/sha}"],
  ["git_commits_url", "/git/commits{/sha}"],
  ["comments_url", "/comments{/number}"],
  ["issue_comment_url", "/issues/comments{/number}"],
  ["contents_url", "/contents/{+path}"],
  ["compare_url", "/compare/{base}...{head}"],
  ["merges_url", "/merges"],
  ["archive_url", "/{archive_format}{/ref}"],
  ["downloads_url", "/downloads"],
  ["issues_url", "/issues{/number}"],
  ["pulls_url", "/pulls{/number}"],
  ["milestones_url", "/milestones{/number}"],
  ["notifications_url", "/notifications{?since,all,participating}"],
  ["labels_url", "/labels{/name}"],
  ["releases_url", "/releases{/id}"],
  ["deployments_url", "/deployments"],
];

export const repoUrl = (v: View, r: Repo): string => `${v.api}/repos/${r.owner}/${r.name}`;
export const repoHtml = (v: View, r: Repo): string => `${v.web}/${r.owner}/${r.name}`;

/** The full repository representation (REST `GET /repos/{o}/{r}` and webhook `repository`). */
export function repoJson(v: View, r: Repo): Json {
  const url = repoUrl(v, r);
  const html = repoHtml(v, r);
  const openIssues = [...r.issues.values()].filter((i) => i.state === "open").length;
  const host = new URL(v.web).host;
  const urls = Object.fromEntries(URL_SUFFIXES.map(([k, s]) => [k, url + s]));
  return {
    id: r.id,
    node_id: nodeId("Repository", r.id),
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    private: r.private,
    owner: simpleUser(v, r.owner),
    html_url: html,
    description: r.description,
    fork: false,
    url,
    ...urls,
    created_at: r.created_at,
    updated_at: r.updated_at,
    pushed_at: r.pushed_at,
    git_url: `git://${host}/${r.owner}/${r.name}.git`,
    ssh_url: `git@${host}:${r.owner}/${r.name}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: r.private ? "private" : "public",
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: r.defaultBranch,
  };
}

/** The full repository (`GET /repos/{owner}/{repo}`, create, update): the counters only it carries. */
export function fullRepoJson(v: View, r: Repo): Json {
  return { ...repoJson(v, r), network_count: 0, subscribers_count: 0 };
}

/** The short repository object used inside check suites' pull_requests. */
export const repoRef = (v: View, r: Repo): Json => ({ id: r.id, url: repoUrl(v, r), name: r.name });
