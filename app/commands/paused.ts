/**
 * `/tollgate resume <env>` and `/tollgate abort <env>`: the way out of a paused rollout from the PR. Who may
 * roll the environment back (its approvers, maintain or admin) decides; the App records the decision on
 * the paused deployment as its bot (`Tollgate resume: by @alice`, the comment as `log_url`) and re-runs
 * the paused workflow run's failed jobs (a paused run fails, so it can be re-run). The re-run, in
 * `mode: deploy` on the same commit, finds the decision and carries it out (src/action/paused.ts); only
 * a decision written by the App's bot counts there, so writing the same words gives nobody a say.
 */
import {
  listDeployments,
  listDeploymentStatuses,
  writeDeploymentStatus,
} from "../../src/github/deployments.js";
import {
  pauseDecisionDescription,
  readPayload,
  workflowRunIdFrom,
  type PauseChoice,
} from "../../src/records/format.js";
import { rolloutState } from "../../src/github/rollout-state.js";
import { rerunFailedJobs, verifyDeployingRun } from "../../src/github/runs.js";
import { isRefusal } from "../followup.js";
import { done, refuse, type CommandContext, type Outcome } from "./outcome.js";
import { rollbackAccess } from "./rollback-access.js";

/** How many of the environment's newest deployments are searched for the paused one (as the Action's scan). */
const SCAN = 10;

export async function decidePause(
  cx: CommandContext,
  choice: PauseChoice,
  environmentName: string,
): Promise<Outcome> {
  const { client, repo, comment, identity } = cx;
  const what = `${choice} command`;
  const access = await rollbackAccess(cx, environmentName, what, `${choice} its paused rollout`);
  if (!access.ok) return access.refusal;
  const { pr, gathered } = access;

  const shas = new Set([pr.headSha, pr.mergeSha].flatMap((s) => (s ? [s.toLowerCase()] : [])));
  const trusted = [identity.bot, ...identity.trustedWriters];
  const deployments = await listDeployments(client, repo, { environment: environmentName, perPage: SCAN });
  for (const deployment of deployments) {
    if (!shas.has(deployment.sha.toLowerCase()) || !readPayload(deployment.payload)) continue;
    const statuses = await listDeploymentStatuses(client, { ...repo, deploymentId: deployment.id });
    const state = rolloutState(statuses, trusted, identity.bot);
    if (state.pausedAt === undefined || !state.newest) continue;
    // A redelivered comment acts once: the reaction marks it answered (issue-comment.ts), and its record
    // on the deployment covers a stop between the write and the reaction (the re-run is asked again).
    const recorded = statuses.some((s) => s.log_url === comment.url && s.creator?.login === identity.bot);
    if (!recorded)
      await writeDeploymentStatus(
        client,
        { ...repo, deploymentId: deployment.id },
        {
          state: "in_progress",
          description: pauseDecisionDescription(choice, comment.login),
          logUrl: comment.url,
          autoInactive: false,
          environment: environmentName,
        },
      );
    const rerun = await rerunPaused(cx, state.newest.log_url, deployment.sha, gathered.defaultBranch);
    return rerun
      ? done()
      : done(
          `Tollgate recorded the decision to ${choice} the rollout of ${environmentName} paused at ${state.pausedAt}, but could not re-run the paused run; re-run it (or run the deploy workflow for ${deployment.sha.slice(0, 7)}) and it will ${choice} the rollout`,
        );
  }
  return refuse(what, `no rollout of ${environmentName} for this pull request's commit is paused`);
}

/** Re-runs the paused run's failed jobs; false when there is no such run to re-run. */
async function rerunPaused(
  cx: CommandContext,
  runUrl: string | null | undefined,
  sha: string,
  defaultBranch: string,
): Promise<boolean> {
  const runId = workflowRunIdFrom(runUrl);
  if (runId === undefined) return false;
  // Only a run of the paused commit: whoever wrote the pause chose the link.
  const verdict = await verifyDeployingRun(cx.client, cx.repo, {
    runId,
    sha,
    defaultBranch,
    rollback: false,
    purpose: "rerun",
  });
  if (!verdict.ok) {
    cx.log.warn({ runId, why: verdict.why }, "the paused record links a run Tollgate does not re-run");
    return false;
  }
  try {
    await rerunFailedJobs(cx.client, cx.repo, runId);
    cx.log.info({ runId }, "re-ran the paused run to carry out the decision");
    return true;
  } catch (error) {
    if (!isRefusal(error)) throw error;
    cx.log.debug({ runId }, "re-run refused (already running?)");
    return false;
  }
}
