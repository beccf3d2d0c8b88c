/**
 * What a mode hands back to run(): the evaluation, what was written, and whether the step fails. The
 * versioned result JSON (`result` output) is built from it; its fields are only ever added to.
 */
import type { DeploymentState } from "../github/deployments.js";
import type { RateLimited } from "../github/rate-limit.js";
import type { RolloutOutcome, RolloutResult } from "../rollout/executor.js";
import type { GateEvaluation } from "./gate.js";
import type { ActionSettings } from "./inputs.js";

export const RESULT_VERSION = 1;

export interface ModeOutcome {
  readonly evaluation?: GateEvaluation;
  readonly deploymentId?: number;
  /** The last deployment status written. */
  readonly status?: DeploymentState;
  readonly rolledBack: boolean;
  readonly previousSha?: string;
  /** Why the step fails; undefined when it succeeds. */
  readonly failure?: string;
  /**
   * A rollback failed: the environment may be broken and needs a human now. The step fails with exit
   * code 2 (not 1), a "Tollgate CRITICAL" error annotation and the deployment status `error`.
   */
  readonly critical?: boolean;
  /** How the rollout (deploy mode) or the rollback (rollback, checkpoints) ended, when one ran. */
  readonly rollout?: RolloutOutcome;
  /** Where `mode: audit` wrote its HTML report. */
  readonly auditReport?: string;
  /** Extra Markdown sections for the job summary (a rollout timeline, an audit). */
  readonly sections: readonly string[];
  /** GitHub requests the mode made. */
  readonly requests: number;
}

export type ResultDecision = "allowed" | "waiting" | "blocked" | "error";

export function resultJson(settings: ActionSettings, outcome: ModeOutcome) {
  const decision = outcome.evaluation?.decision;
  const pr = outcome.evaluation?.evidence.pull_request;
  return {
    version: RESULT_VERSION,
    mode: settings.mode,
    environment: settings.environment,
    sha: settings.sha,
    decision: (decision?.verdict ?? (outcome.failure ? "error" : "allowed")) as ResultDecision,
    reason_code: decision?.reasonCode ?? (outcome.failure ? "action_error" : "ready"),
    summary: decision?.summary ?? outcome.failure ?? "",
    change_type: decision?.changeType ?? null,
    emergency: decision?.emergency ?? false,
    strategy: decision?.strategy ?? settings.strategy ?? null,
    override: decision?.override ?? null,
    pull_request: pr ? { number: pr.number, title: pr.title, author: pr.author } : null,
    checklist: (decision?.checklist ?? []).map((i) => ({
      id: i.id,
      state: i.state,
      code: i.code,
      reason: i.reason,
    })),
    approvals: decision
      ? {
          required: decision.approvals.required,
          satisfied: decision.approvals.satisfied,
          counted: decision.approvals.counted.map((c) => c.login),
        }
      : null,
    deployment_id: outcome.deploymentId ?? null,
    status: outcome.status ?? null,
    rolled_back: outcome.rolledBack,
    rollout: outcome.rollout ?? null,
    critical: outcome.critical ?? false,
    previous_sha: outcome.previousSha ?? null,
    dry_run: settings.dryRun,
    requests: outcome.requests,
    failure: outcome.failure ?? null,
  };
}
export type ActionResult = ReturnType<typeof resultJson>;

/** For a failure before any mode ran (bad inputs, an invalid policy, GitHub unreachable). */
export function errorResult(message: string, settings?: ActionSettings, limited?: RateLimited) {
  return {
    version: RESULT_VERSION,
    mode: settings?.mode ?? null,
    environment: settings?.environment ?? null,
    sha: settings?.sha ?? null,
    decision: "error" as ResultDecision,
    reason_code: limited ? "rate_limited" : "action_error",
    summary: message,
    failure: message,
    /** When GitHub refused for its rate limit: when it answers again (ISO 8601), else null. */
    rate_limit_reset: limited ? limited.resetAt.toISOString() : null,
  };
}

/** A rollout that did not succeed fails the step; so does one whose outcome the record does not hold. */
export function rolloutFailure(result: RolloutResult): { failure?: string } {
  if (result.unrecorded !== undefined)
    return {
      failure: `Rollout ${result.outcome}, but its outcome could not be written on the deployment (${result.unrecorded}): the record still says it runs; write the outcome again by re-running this job, or roll back`,
    };
  return result.outcome === "success" ? {} : { failure: `Rollout ${result.outcome}: ${result.reason}` };
}
