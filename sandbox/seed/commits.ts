/**
 * Seeds commits in acme/shop through GitHub's Git database API, as anyone with write access can make
 * them: any author, committer and message, signed or not ("Create a tree", "Create a commit"), and
 * branches moved to them, force-pushed where they do not contain the old head ("Update a reference").
 */
import type { Octokit } from "@octokit/rest";
import { ORG, REPO } from "./world.js";

export interface GitIdentity {
  name: string;
  email: string;
}

export async function createCommit(
  as: Octokit,
  options: {
    parent: string;
    message: string;
    files?: Record<string, string>;
    author?: GitIdentity;
    committer?: GitIdentity;
    signature?: string;
  },
): Promise<string> {
  const { data: parent } = await as.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
    owner: ORG,
    repo: REPO,
    commit_sha: options.parent,
  });
  const { data: tree } = await as.request("POST /repos/{owner}/{repo}/git/trees", {
    owner: ORG,
    repo: REPO,
    base_tree: parent.tree.sha,
    tree: Object.entries(options.files ?? { [`src/${Date.now()}.ts`]: "export {};\n" }).map(
      ([path, content]) => ({ path, mode: "100644" as const, type: "blob" as const, content }),
    ),
  });
  const { data } = await as.request("POST /repos/{owner}/{repo}/git/commits", {
    owner: ORG,
    repo: REPO,
    message: options.message,
    tree: tree.sha,
    parents: [options.parent],
    ...(options.author ? { author: options.author } : {}),
    ...(options.committer ? { committer: options.committer } : {}),
    ...(options.signature ? { signature: options.signature } : {}),
  });
  return data.sha;
}

/** Moves `branch` to `sha`; `force` lets it drop commits, as `git push --force` does. */
export async function moveBranch(as: Octokit, branch: string, sha: string, force = false): Promise<number> {
  const { status } = await as.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
    owner: ORG,
    repo: REPO,
    ref: `heads/${branch}`,
    sha,
    force,
  });
  return status;
}

/** A stand-in for an armored signature: the sandbox verifies it only once its key is registered. */
export const signatureOf = (who: string): string =>
  `-----BEGIN PGP SIGNATURE-----\n\n${Buffer.from(`key of ${who}`).toString("base64")}\n-----END PGP SIGNATURE-----`;

export async function branchHead(as: Octokit, branch: string): Promise<string> {
  const { data } = await as.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
    owner: ORG,
    repo: REPO,
    ref: `heads/${branch}`,
  });
  return data.object.sha;
}
