/**
 * What GitHub does on its own when something happens, shared by the REST routes, GraphQL mutations and
 * the control API: creating accounts and repositories (with GitHub's default labels), writing a commit,
 * moving a ref with what a push announces (`pull_request.synchronize` for open pull requests with that
 * head, and a check suite per App with checks permission, `check_suite.requested`).
 */
import type { Commit } from "./git.js";
import { GitStore } from "./git.js";
import type { Ctx } from "./http.js";
import { pullsWithHead } from "./diff.js";
import type { Account, AccountType, CheckSuite, Repo, State } from "./state.js";
import { pullJson } from "./serialize/issues.js";
import { personFor } from "./serialize/git.js";
import { suiteJson } from "./serialize/checks.js";

export function createAccount(
  state: State,
  a: { login: string; type: AccountType; email?: string | null; name?: string | null; site_admin?: boolean },
): Account {
  const acc: Account = {
    id: state.nextId(a.type === "Organization" ? "org" : "user"),
    login: a.login,
    type: a.type,
    site_admin: a.site_admin ?? false,
    name: a.name ?? null,
    email: a.email ?? null,
    created_at: state.now(),
    members: new Map(),
    suspended: false,
  };
  state.accounts.set(a.login.toLowerCase(), acc);
  return acc;
}

export function createRepo(
  state: State,
  owner: string,
  name: string,
  opts: {
    private?: boolean;
    description?: string | null;
    auto_init?: boolean;
    default_branch?: string;
    creator: string;
  },
): Repo {
  const now = state.now();
  const repo: Repo = {
    id: state.nextId("repo"),
    name,
    owner,
    private: opts.private ?? false,
    description: opts.description ?? null,
    defaultBranch: opts.default_branch ?? "main",
    git: new GitStore(),
    refs: new Map(),
    collaborators: new Map(),
    invitations: new Map(),
    labels: new Map(),
    issues: new Map(),
    comments: new Map(),
    checkSuites: new Map(),
    checkRuns: new Map(),
    statuses: [],
    deployments: new Map(),
    environments: new Map(),
    workflows: new Map(),
    runs: new Map(),
    codeScanning: [],
    secretScanning: [],
    dependabot: [],
    scanners: { code_scanning: false, secret_scanning: false },
    created_at: now,
    updated_at: now,
    pushed_at: now,
  };
  state.repos.set(`${owner}/${name}`.toLowerCase(), repo);
  for (const [n, color, description] of DEFAULT_LABELS) {
    repo.labels.set(n, { id: state.nextId("label"), name: n, color, description, default: true });
  }
  if (opts.auto_init) {
    const c = writeCommit(
      state,
      repo,
      undefined,
      [{ path: "README.md", content: Buffer.from(`# ${name}\n`) }],
      "Initial commit",
      opts.creator,
    );
    repo.refs.set(`refs/heads/${repo.defaultBranch}`, c.sha);
  }
  return repo;
}

/** The labels GitHub creates in every new repository, with its colours and descriptions. */
const DEFAULT_LABELS: [string, string, string][] = [
  ["bug", "d73a4a", "Something isn't working"],
  ["documentation", "0075ca", "Improvements or additions to documentation"],
  ["duplicate", "cfd3d7", "This issue or pull request already exists"],
  ["enhancement", "a2eeef", "New feature or request"],
  ["good first issue", "7057ff", "Good for newcomers"],
  ["help wanted", "008672", "Extra attention is needed"],
  ["invalid", "e4e669", "This doesn't seem right"],
  ["question", "d876e3", "Further information is requested"],
  ["wontfix", "ffffff", "This will not be worked on"],
];

/** A commit on top of `parent` changing the given files (content null deletes). */
export function writeCommit(
  state: State,
  repo: Repo,
  parent: string | undefined,
  changes: { path: string; content: Buffer | null; mode?: string }[],
  message: string,
  author: string,
): Commit {
  const base = parent ? repo.git.get(parent, "commit") : undefined;
  const files = base ? repo.git.flatten(base.tree) : new Map<string, { sha: string; mode: string }>();
  for (const ch of changes) {
    if (ch.content === null) files.delete(ch.path);
    else files.set(ch.path, { sha: repo.git.blob(ch.content).sha, mode: ch.mode ?? "100644" });
  }
  const tree = repo.git.fromFlat(files);
  const person = personFor(state, author, state.now());
  return repo.git.commit({
    tree: tree.sha,
    parents: parent ? [parent] : [],
    message,
    author: person,
    committer: person,
  });
}

/**
 * Moves a ref and announces what GitHub announces for a push to a branch:
 * pull_request.synchronize for open PRs with that head, and check_suite.requested.
 */
export function updateRef(ctx: Ctx, repo: Repo, ref: string, sha: string, sender: string): void {
  const before = repo.refs.get(ref) ?? null;
  repo.refs.set(ref, sha);
  if (before === sha || !ref.startsWith("refs/heads/")) return;
  repo.pushed_at = ctx.state.now();
  const branch = ref.slice("refs/heads/".length);
  requestCheckSuites(ctx, repo, sha, branch, before, sender);
  for (const issue of pullsWithHead(repo, branch)) {
    const pull = issue.pull;
    if (!pull) continue;
    // A head that no longer contains the old one was force-pushed: GitHub's timeline names who did it.
    if (before && !repo.git.ancestors(sha).has(before))
      (pull.forcePushes ??= []).push({ actor: sender, before, after: sha, created_at: ctx.state.now() });
    pull.headSha = sha;
    issue.updated_at = ctx.state.now();
    ctx.hooks.emit(
      repo,
      "pull_request",
      "synchronize",
      () => ({ number: issue.number, before, after: sha, pull_request: pullJson(ctx, repo, issue) }),
      {
        sender,
      },
    );
  }
}

/** GitHub creates a check suite per App with checks permission and asks it to run (check_suite.requested). */
function requestCheckSuites(
  ctx: Ctx,
  repo: Repo,
  sha: string,
  branch: string,
  before: string | null,
  sender: string,
): void {
  for (const inst of ctx.state.installationsOn(repo)) {
    const app = ctx.state.apps.get(inst.appId);
    if (!app || app.permissions["checks"] !== "write") continue;
    const suite = ensureSuite(ctx.state, repo, app.id, sha, branch, before);
    if (!app.events.includes("check_suite")) continue;
    ctx.hooks.emit(repo, "check_suite", "requested", () => ({ check_suite: suiteJson(ctx, repo, suite) }), {
      sender,
      onlyApp: app.id,
    });
  }
}

export function ensureSuite(
  state: State,
  repo: Repo,
  appId: number,
  sha: string,
  branch: string | null,
  before: string | null = null,
): CheckSuite {
  for (const s of repo.checkSuites.values()) if (s.appId === appId && s.headSha === sha) return s;
  const now = state.now();
  const s: CheckSuite = {
    id: state.nextId("check_suite"),
    appId,
    headSha: sha,
    headBranch: branch,
    before,
    created_at: now,
    updated_at: now,
  };
  repo.checkSuites.set(s.id, s);
  return s;
}

export function branchOf(repo: Repo, sha: string): string | null {
  for (const [ref, s] of repo.refs) if (s === sha && ref.startsWith("refs/heads/")) return ref.slice(11);
  return null;
}
