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
