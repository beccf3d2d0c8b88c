/**
 * The pull request's files over REST: with their patches when a checklist scans the diff for secrets,
 * and with their blobs when a merge's changes are compared with the PR's. One request (100 files).
 */
import type { GitHubClient, RepositoryRef } from "./client.js";
import type { PullRequestNode } from "./evidence-query.js";

export interface RestFile {
  filename: string;
  status?: string;
  sha?: string | null;
  previous_filename?: string;
  patch?: string;
}

export async function listPullFiles(
  client: GitHubClient,
  repository: RepositoryRef,
  pullNumber: number,
): Promise<RestFile[]> {
  const response = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
    owner: repository.owner,
    repo: repository.repo,
    pull_number: pullNumber,
    per_page: 100,
  });
  return response.data as RestFile[];
}

/**
 * The PR's files as evidence: the paths the query listed, or, when patches are asked for, the REST
 * list with them (kept as `listed` so a merge's comparison need not read it again).
 */
export async function pullFilesOf(
  client: GitHubClient,
  repository: RepositoryRef,
  pr: PullRequestNode | undefined,
  withPatches: boolean | undefined,
): Promise<{
  files: { path: string; patch?: string }[];
  complete: boolean;
  listed?: RestFile[];
  requests: number;
}> {
  const files = pr?.files?.nodes.map((f) => ({ path: f.path })) ?? [];
  if (!pr || !withPatches)
    return { files, complete: pr ? (pr.files?.totalCount ?? 0) <= files.length : true, requests: 0 };
  const listed = await listPullFiles(client, repository, pr.number);
  return {
    files: listed.map((f) => ({ path: f.filename, ...(f.patch !== undefined ? { patch: f.patch } : {}) })),
    complete: (pr.files?.totalCount ?? listed.length) <= listed.length,
    listed,
    requests: 1,
  };
}
