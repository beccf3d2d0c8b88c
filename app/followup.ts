/**
 * What a recorded decision sets in motion, found statelessly from GitHub: runs held at a custom
 * protection rule for this commit are approved once the gate passes (or rejected on a rejection), and a
 * run whose gate failed fast with "awaiting approval" (its run linked from the deployment's status) is
 * re-run so no runner ever sat waiting for a person.
 */
import type { Policy } from "../src/policy/model.js";
import { parseDescription, workflowRunIdFrom } from "../src/records/format.js";
import { listDeploymentStatuses } from "../src/github/deployments.js";
import { rerunFailedJobs, reviewGate, verifyDeployingRun, waitingRuns } from "../src/github/runs.js";
import { evaluate } from "../src/readiness/evaluate.js";
import type { Evidence } from "../src/readiness/evidence.js";
import { nowOf, type Deps } from "./readiness.js";

export interface Recorded {
  readonly policy: Policy;
  readonly evidence: Evidence;
  readonly environment: string;
  readonly sha: string;
  readonly deploymentId: number;
  readonly defaultBranch: string;
  /** Who started the deployment the Action recorded, if it did. */
  readonly starter: string | undefined;
  readonly rejection: { readonly login: string; readonly reason: string } | undefined;
}

const problem = (error: unknown) => (error instanceof Error ? error.message : String(error));
/** GitHub said no (already reviewed, not gated here, already running); anything else is a real failure. */
export function isRefusal(error: unknown): boolean {
  const status = (error as { status?: number } | null)?.status;
  return status === 403 || status === 404 || status === 409 || status === 422;
}

export async function followUp(deps: Deps, recorded: Recorded): Promise<void> {
  await reviewWaitingRuns(deps, recorded);
  if (!recorded.rejection) await rerunAwaitingRun(deps, recorded);
}

async function reviewWaitingRuns(deps: Deps, recorded: Recorded): Promise<void> {
  const { client, repo, log } = deps;
  const now = nowOf(deps.settings);
  for (const run of await waitingRuns(client, repo, recorded.sha)) {
    const evidence = run.actor ? { ...recorded.evidence, initiator: run.actor } : recorded.evidence;
    const decision = evaluate(recorded.policy, recorded.environment, evidence, now);
    const review = recorded.rejection
      ? {
          state: "rejected" as const,
          comment: `Rejected by @${recorded.rejection.login}: ${recorded.rejection.reason}`,
        }
      : decision.verdict === "allowed"
        ? { state: "approved" as const, comment: `Tollgate: ${decision.summary}` }
        : undefined;
    if (!review) continue;
    try {
      await reviewGate(client, repo, run.id, { environment: recorded.environment, ...review });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // A run gated on another environment, or one already reviewed (a concurrent approval got there first).
      log.debug({ run: run.id, error: problem(error) }, "protection rule not reviewed");
    }
  }
}

async function rerunAwaitingRun(deps: Deps, recorded: Recorded): Promise<void> {
  const { client, repo, log, identity } = deps;
  const statuses = await listDeploymentStatuses(client, { ...repo, deploymentId: recorded.deploymentId });
  // Newest first: the deployment's latest word other than approvals must still be "awaiting".
  const latest = statuses.find((s) => {
    const kind = parseDescription(s.description)?.kind;
    return kind !== undefined && kind !== "approved" && kind !== "rejected";
  });
  if (!latest || parseDescription(latest.description)?.kind !== "awaiting") return;
  if (!identity.trustedWriters.includes(latest.creator?.login ?? "")) return;
  const runId = workflowRunIdFrom(latest.log_url);
  if (runId === undefined) return;
  const evidence = recorded.starter
    ? { ...recorded.evidence, initiator: recorded.starter }
    : recorded.evidence;
  const decision = evaluate(recorded.policy, recorded.environment, evidence, nowOf(deps.settings));
  if (decision.verdict !== "allowed") {
    log.debug({ runId, reason: decision.reasonCode }, "the gate still waits: no re-run yet");
    return;
  }
  // Any workflow can write "awaiting" linking any run: re-run only a run of this very commit.
  const verdict = await verifyDeployingRun(client, repo, {
    runId,
    sha: recorded.sha,
    defaultBranch: recorded.defaultBranch,
    rollback: false,
    purpose: "rerun",
  });
  if (!verdict.ok) {
    log.warn({ runId, why: verdict.why }, "the awaiting status links a run Tollgate does not re-run");
    return;
  }
  try {
    await rerunFailedJobs(client, repo, runId);
    log.info({ runId }, "re-ran the run whose gate awaited approval");
  } catch (error) {
    if (!isRefusal(error)) throw error;
    log.debug({ runId, error: problem(error) }, "re-run refused (already running?)");
  }
}
