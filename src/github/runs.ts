/**
 * Workflow runs the App acts on: custom deployment protection rule reviews, re-runs of runs whose gate
 * failed fast with "awaiting approval", and rollback workflow dispatches.
 */
import type { GitHubClient, RepositoryRef } from "./client.js";

/** GitHub's limit for protection rule comments. */
export const GATE_COMMENT_LIMIT = 1024;

export function fitGateComment(text: string): string {
  return text.length <= GATE_COMMENT_LIMIT ? text : `${text.slice(0, GATE_COMMENT_LIMIT - 1)}…`;
}

/** `…/actions/runs/{run_id}/deployment_protection_rule` → run id. */
export function runIdFromCallback(url: string): number | undefined {
  const match = /\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(url);
  return match ? Number(match[1]) : undefined;
}

/** A status report (no state) or the verdict (approved / rejected) on a run's custom gate. */
export async function reviewGate(
  client: GitHubClient,
  repo: RepositoryRef,
  runId: number,
  review: { environment: string; state?: "approved" | "rejected"; comment: string },
): Promise<void> {
  await client.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule", {
    ...repo,
    run_id: runId,
    environment_name: review.environment,
    ...(review.state ? { state: review.state } : {}),
    comment: fitGateComment(review.comment),
  });
}

export interface WaitingRun {
  readonly id: number;
  readonly actor: string | undefined;
}

/** Runs of `sha` that GitHub holds at a protection rule. */
export async function waitingRuns(
  client: GitHubClient,
  repo: RepositoryRef,
  sha: string,
): Promise<WaitingRun[]> {
  const { data } = await client.request("GET /repos/{owner}/{repo}/actions/runs", {
    ...repo,
    head_sha: sha,
    status: "waiting",
    per_page: 100,
  });
  const runs = (data as { workflow_runs: { id: number; triggering_actor?: { login: string } | null }[] })
    .workflow_runs;
  return runs.map((r) => ({ id: r.id, actor: r.triggering_actor?.login }));
}

export async function rerunFailedJobs(
  client: GitHubClient,
  repo: RepositoryRef,
  runId: number,
): Promise<void> {
  await client.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs", {
    ...repo,
    run_id: runId,
  });
}

export async function dispatchWorkflow(
  client: GitHubClient,
  repo: RepositoryRef,
  workflow: string,
  ref: string,
  inputs: Record<string, string>,
): Promise<void> {
  await client.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
    ...repo,
    workflow_id: workflow,
    ref,
    inputs,
  });
}

/**
 * Events whose runs execute the workflow file of the branch they run on, started by a push or by someone
 * with the right to: on the default branch, that file is reviewed code. Pull request events run the
 * PR's own workflow file (or act for its author), so a deployment they claim proves nothing.
 */
const DEPLOYING_EVENTS = new Set([
  "push",
  "workflow_dispatch",
  "schedule",
  "release",
  "deployment",
  "repository_dispatch",
  "workflow_run",
]);

export type RunVerdict =
  | { readonly ok: true; readonly id: number; readonly path: string; readonly event: string }
  | { readonly ok: false; readonly why: string };

/**
 * Whether the workflow run a status links could have written it honestly: a run of this repository,
 * of its default branch's workflow file, started by a deploying event, still running or successful,
 * and (unless the deployment is a rollback, which redeploys an older commit) of the deployed commit.
 */
export async function verifyDeployingRun(
  client: GitHubClient,
  repo: RepositoryRef,
  claim: {
    runId: number;
    sha: string;
    defaultBranch: string;
    rollback: boolean;
    /**
     * "attest": could the run have written a success (all checks). "rerun": is it the run of this commit
     * that asked for approval; re-running one only repeats a run of an approved commit, whatever its
     * branch, and it has failed by design (fail fast while awaiting approval).
     */
    purpose: "attest" | "rerun";
  },
): Promise<RunVerdict> {
  let data: unknown;
  try {
    ({ data } = await client.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", {
      ...repo,
      run_id: claim.runId,
    }));
  } catch (error) {
    // Anyone who writes a status can link any run number: one that does not exist proves nothing.
    if ((error as { status?: number }).status === 404)
      return { ok: false, why: `run ${claim.runId} does not exist in this repository` };
    throw error;
  }
  const run = data as {
    id: number;
    path?: string;
    event: string;
    head_branch: string | null;
    head_sha: string;
    status: string | null;
    conclusion: string | null;
    head_repository?: { full_name: string } | null;
  };
  const full = `${repo.owner}/${repo.repo}`.toLowerCase();
  if (run.head_repository && run.head_repository.full_name.toLowerCase() !== full)
    return { ok: false, why: `run ${run.id} ran code from ${run.head_repository.full_name}` };
  if (claim.purpose === "rerun")
    return run.head_sha.toLowerCase() === claim.sha.toLowerCase()
      ? { ok: true, id: run.id, path: run.path ?? "", event: run.event }
      : { ok: false, why: `run ${run.id} is of ${run.head_sha.slice(0, 7)}, not ${claim.sha.slice(0, 7)}` };
  if (run.head_branch !== claim.defaultBranch)
    return {
      ok: false,
      why: `run ${run.id} ran the workflow of ${run.head_branch ?? "no branch"}, not of ${claim.defaultBranch}`,
    };
  if (!DEPLOYING_EVENTS.has(run.event))
    return { ok: false, why: `run ${run.id} was started by ${run.event}, which does not deploy` };
  if (!claim.rollback && run.head_sha.toLowerCase() !== claim.sha.toLowerCase())
    return {
      ok: false,
      why: `run ${run.id} is of ${run.head_sha.slice(0, 7)}, not ${claim.sha.slice(0, 7)}`,
    };
  if (run.status === "completed" && run.conclusion !== "success")
    return { ok: false, why: `run ${run.id} ended ${run.conclusion ?? "without a conclusion"}` };
  return { ok: true, id: run.id, path: run.path ?? "", event: run.event };
}
