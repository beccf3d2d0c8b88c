/**
 * Git refs and commits over the Git database API, for the environment lock (src/action/lock.ts): a ref
 * created atomically, moved only by fast-forward, and deleted. `ref` is the full name (`refs/…`).
 */
import type { GitHubClient, RepositoryRef } from "./client.js";

const status = (error: unknown) => (error as { status?: number }).status;

/** A commit's tree, message and committer date. */
export async function readCommit(
  client: GitHubClient,
  repo: RepositoryRef,
  sha: string,
): Promise<{ tree: string; message: string; date: string }> {
  const { data } = await client.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
    owner: repo.owner,
    repo: repo.repo,
    commit_sha: sha,
  });
  const commit = data as { tree: { sha: string }; message?: string; committer?: { date?: string } };
  return { tree: commit.tree.sha, message: commit.message ?? "", date: commit.committer?.date ?? "" };
}

/** A new commit of `tree` with these parents; returns its SHA. */
export async function createCommit(
  client: GitHubClient,
  repo: RepositoryRef,
  commit: { tree: string; parents: readonly string[]; message: string },
): Promise<string> {
  const { data } = await client.request("POST /repos/{owner}/{repo}/git/commits", {
    owner: repo.owner,
    repo: repo.repo,
    message: commit.message,
    tree: commit.tree,
    parents: commit.parents,
  });
  return (data as { sha: string }).sha;
}

/** The SHA a ref points at, or undefined when there is no such ref. */
export async function readRef(
  client: GitHubClient,
  repo: RepositoryRef,
  ref: string,
): Promise<string | undefined> {
  try {
    const { data } = await client.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
      owner: repo.owner,
      repo: repo.repo,
      ref: ref.slice("refs/".length),
    });
    return (data as { object: { sha: string } }).object.sha;
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

/** Creates a ref; false when it already exists (GitHub answers 422, atomically). */
export function createRef(
  client: GitHubClient,
  repo: RepositoryRef,
  ref: string,
  sha: string,
): Promise<boolean> {
  return unlessRefused(
    client.request("POST /repos/{owner}/{repo}/git/refs", { owner: repo.owner, repo: repo.repo, ref, sha }),
  );
}

/** Moves a ref to `sha` only as a fast-forward; false when it is not one (someone moved it first: 422). */
export function fastForwardRef(
  client: GitHubClient,
  repo: RepositoryRef,
  ref: string,
  sha: string,
): Promise<boolean> {
  return unlessRefused(
    client.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
      owner: repo.owner,
      repo: repo.repo,
      ref: ref.slice("refs/".length),
      sha,
      force: false,
    }),
  );
}

/** True once GitHub did it; false where it refused with 422 (the ref exists, or the move is no fast-forward). */
async function unlessRefused(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (error) {
    if (status(error) === 422) return false;
    throw error;
  }
}

export async function deleteRef(client: GitHubClient, repo: RepositoryRef, ref: string): Promise<void> {
  await client.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", {
    owner: repo.owner,
    repo: repo.repo,
    ref: ref.slice("refs/".length),
  });
}
