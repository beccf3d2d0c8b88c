/**
 * REST representations of git data and commits (GitHub's OpenAPI schemas `git-commit`, `commit`, `diff-entry`, the
 * webhooks' `head_commit`), the identity GitHub gives a user committing through the API, commits linked to
 * accounts by email, and signature verification as GitHub reports it (`verification.reason`: `valid` only
 * with a key registered on the account the committer email belongs to; else `unsigned`, `unknown_key`…).
 */
import type { FileChange } from "../diff.js";
import { commitPayload, type Commit, type GitPerson } from "../git.js";
import type { Json } from "../http.js";
import type { Repo, State } from "../state.js";
import { nodeId, simpleUser, type View } from "./accounts.js";
import { repoHtml, repoUrl } from "./repo.js";

/** The git identity GitHub uses for a user who commits through the API. */
export function personFor(state: State, login: string, date: string): GitPerson {
  const a = state.account(login.replace(/\[bot\]$/, ""));
  const app = login.endsWith("[bot]") ? state.appBySlug(login.slice(0, -5)) : undefined;
  const id = app ? app.id + 40_000_000 : (a?.id ?? 0);
  const email = a?.email && !app ? a.email : `${id}+${login}@users.noreply.github.com`;
  return { name: app ? login : (a?.name ?? login), email, date };
}

/** Maps a commit's author email back to the account, as GitHub links commits to users. */
export function loginForEmail(state: State, email: string): string | null {
  const m = /^\d+\+(.+)@users\.noreply\./.exec(email);
  if (m?.[1]) return m[1];
  for (const a of state.accounts.values())
    if (a.email && a.email.toLowerCase() === email.toLowerCase()) return a.login;
  return null;
}

export interface Verification {
  verified: boolean;
  /** GitHub's REST reasons: `valid`, `unsigned`, `unknown_key`, `bad_email`, `no_user` … */
  reason: string;
  signature: string | null;
  payload: string | null;
  verified_at: string | null;
  /** The account the committer email belongs to (GraphQL's `signer`), valid or not. */
  signer: string | null;
}

/**
 * A commit's signature as GitHub verifies it: unsigned without one; `unknown_key` unless its key is
 * registered on an account; `no_user` / `bad_email` unless the committer email belongs to that very account.
 * The sandbox never signs commits itself.
 */
export function verificationOf(state: State, c: Commit): Verification {
  const emailOwner = loginForEmail(state, c.committer.email);
  if (c.signature === undefined)
    return {
      verified: false,
      reason: "unsigned",
      signature: null,
      payload: null,
      verified_at: null,
      signer: null,
    };
  const payload = commitPayload(c);
  const keyOwner = state.signingKeys.get(c.signature);
  const reason = !keyOwner
    ? "unknown_key"
    : !emailOwner
      ? "no_user"
      : emailOwner.toLowerCase() !== keyOwner.toLowerCase()
        ? "bad_email"
        : "valid";
  return {
    verified: reason === "valid",
    reason,
    signature: c.signature,
    payload,
    verified_at: reason === "valid" ? c.committer.date : null,
    signer: emailOwner,
  };
}

function restVerification(state: State, c: Commit): Json {
  const { signer: _signer, ...rest } = verificationOf(state, c);
  return rest as unknown as Json;
}

export function gitCommitJson(v: View, r: Repo, c: Commit): Json {
  const url = repoUrl(v, r);
  return {
    sha: c.sha,
    node_id: nodeId("Commit", `${r.id}:${c.sha}`),
    url: `${url}/git/commits/${c.sha}`,
    html_url: `${repoHtml(v, r)}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    tree: { sha: c.tree, url: `${url}/git/trees/${c.tree}` },
    message: c.message,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${url}/git/commits/${p}`,
      html_url: `${repoHtml(v, r)}/commit/${p}`,
    })),
    verification: restVerification(v.state, c),
  };
}

/**
 * REST `diff-entry`: one file a pull request or a comparison changes, its links pointing at the file as it
 * stands in `headSha`.
 */
export function diffEntryJson(v: View, r: Repo, f: FileChange, headSha: string): Json {
  return {
    sha: f.sha,
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    blob_url: `${repoHtml(v, r)}/blob/${headSha}/${f.filename}`,
    raw_url: `${repoHtml(v, r)}/raw/${headSha}/${f.filename}`,
    contents_url: `${repoUrl(v, r)}/contents/${f.filename}?ref=${headSha}`,
    patch: f.patch,
  };
}

/** REST `commit` object (commits API, status payloads). */
export function commitJson(v: View, r: Repo, c: Commit): Json {
  const url = repoUrl(v, r);
  const author = loginForEmail(v.state, c.author.email);
  const committer = loginForEmail(v.state, c.committer.email);
  return {
    sha: c.sha,
    node_id: nodeId("Commit", `${r.id}:${c.sha}`),
    commit: {
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: `${url}/git/trees/${c.tree}` },
      url: `${url}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: restVerification(v.state, c),
    },
    url: `${url}/commits/${c.sha}`,
    html_url: `${repoHtml(v, r)}/commit/${c.sha}`,
    comments_url: `${url}/commits/${c.sha}/comments`,
    author: author ? simpleUser(v, author) : null,
    committer: committer ? simpleUser(v, committer) : null,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${url}/commits/${p}`,
      html_url: `${repoHtml(v, r)}/commit/${p}`,
    })),
  };
}

/** Webhook `head_commit` (check_suite, workflow_run). */
export function headCommitJson(c: Commit): Json {
  return {
    id: c.sha,
    tree_id: c.tree,
    message: c.message,
    timestamp: c.committer.date,
    author: { name: c.author.name, email: c.author.email },
    committer: { name: c.committer.name, email: c.committer.email },
  };
}
