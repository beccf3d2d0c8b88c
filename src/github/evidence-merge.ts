/**
 * A PR's merge (or squash) commit judged after the merge: what it changed against its first parent
 * compared with what the PR changed at its head, and its first parent's deployments and approvals,
 * which may let the head's approvals cover it (see `approvalCoverage`).
 */
import type { GitHubClient, RepositoryRef } from "./client.js";
import { approvalsOf, deploymentOf, deploymentsCut, withoutWithdrawn } from "./evidence-deployments.js";
import { listPullFiles, type RestFile } from "./evidence-files.js";
import type { CommitDeployments, EvidenceResponse, FollowUp, PullRequestNode } from "./evidence-query.js";

/** The commit is this PR's merge (or squash) commit, not its head: its first parent and whether its tree is the head's. */
export function mergedFrom(
  commit: NonNullable<NonNullable<EvidenceResponse["repository"]>["commit"]>,
  pr: PullRequestNode | undefined,
): { firstParent: string; sameTree: boolean } | undefined {
  if (!pr || !pr.mergedAt || pr.headRefOid === commit.oid || pr.mergeCommit?.oid !== commit.oid)
    return undefined;
  const firstParent = commit.parents?.nodes[0]?.oid;
  if (!firstParent) return undefined;
  const headTree = pr.commits.nodes.find((n) => n.commit.oid === pr.headRefOid)?.commit.tree?.oid;
  return { firstParent, sameTree: headTree !== undefined && commit.tree?.oid === headTree };
}

/** Paths with their content after the change (null: removed); a rename removes the old path. */
function asChanges(files: readonly RestFile[]): { path: string; blob: string | null }[] {
  return files.flatMap((f) => [
    ...(f.status === "renamed" && f.previous_filename ? [{ path: f.previous_filename, blob: null }] : []),
    { path: f.filename, blob: f.status === "removed" || !f.sha ? null : f.sha },
  ]);
}

/** GitHub lists at most 300 files of a commit on one page. */
const COMMIT_FILES_PAGE = 300;

/**
 * What the merge commit changed against its first parent (REST: a commit's files are its diff against
 * its first parent) and the PR's own files at its head, to compare them; two requests at most (one when
 * the PR's files were read already). A list GitHub cut short, or a refusal, leaves them incomplete.
 */
export async function mergeChanges(
  client: GitHubClient,
  request: RepositoryRef,
  sha: string,
  pr: PullRequestNode,
  prFiles: RestFile[] | undefined,
): Promise<{
  changes?: { path: string; blob: string | null }[];
  approved?: { path: string; blob: string | null }[];
  complete: boolean;
  requests: number;
}> {
  let requests = 0;
  try {
    requests++;
    const { data } = await client.request("GET /repos/{owner}/{repo}/commits/{ref}", {
      owner: request.owner,
      repo: request.repo,
      ref: sha,
    });
    const files = ((data as { files?: RestFile[] }).files ?? []) as RestFile[];
    let approvedFiles = prFiles;
    if (!approvedFiles) {
      requests++;
      approvedFiles = await listPullFiles(client, request, pr.number);
    }
    const complete =
      files.length < COMMIT_FILES_PAGE &&
      (pr.files?.totalCount ?? approvedFiles.length) <= approvedFiles.length;
    return { changes: asChanges(files), approved: asChanges(approvedFiles), complete, requests };
  } catch {
    return { complete: false, requests };
  }
}

export function mergeEvidence(
  merged: { firstParent: string; sameTree: boolean },
  changes: Awaited<ReturnType<typeof mergeChanges>> | undefined,
  parent: CommitDeployments | undefined,
  plan: FollowUp | undefined,
  request: RepositoryRef & { readonly appBot: string; readonly trustedWriters: readonly string[] },
) {
  const deployments = parent?.deployments?.nodes ?? [];
  const complete = parent !== undefined && !deploymentsCut(parent);
  return {
    first_parent: merged.firstParent,
    same_tree_as_head: merged.sameTree,
    ...(changes?.changes ? { changes: changes.changes } : {}),
    ...(changes?.approved ? { approved_changes: changes.approved } : {}),
    changes_complete: changes?.complete ?? merged.sameTree,
    first_parent_deployments: deployments
      .flatMap((d) => deploymentOf(d, request))
      .map(({ environment, state, succeeded_at }) => ({
        environment,
        state,
        ...(succeeded_at ? { succeeded_at } : {}),
      })),
    first_parent_approvals: withoutWithdrawn(
      deployments.flatMap((d) => approvalsOf(d, request.appBot)),
      deployments,
      request.appBot,
    ),
    first_parent_complete: complete && plan?.parent === merged.firstParent,
  };
}
