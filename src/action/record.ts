/**
 * The deployment record of (environment, SHA): reused when the evidence already shows one (the App may
 * have created it to record an approval), else created with Tollgate's payload — who asked, the change
 * type, the checklist snapshot, the policy digest, the PR, the strategy and any override. Every status
 * the Action writes links the workflow run (`log_url`), which is how the App finds the run to re-run.
 */
import type { GitHubClient } from "../github/client.js";
import { createDeployment, writeDeploymentStatus, type DeploymentState } from "../github/deployments.js";
import {
  eventDescription,
  type DeploymentPayload,
  type Decision,
  type RecordKind,
} from "../records/format.js";
import { deploymentPayload } from "../records/payload.js";
import { rollbackPlanOf } from "../rollout/rollback.js";
import type { ActionSettings } from "./inputs.js";
import type { GateEvaluation } from "./gate.js";
import { own } from "../policy/own.js";

export interface DeploymentHandle {
  readonly id: number;
  readonly created: boolean;
  /** Requests this took (0 when the evidence already named the record). */
  readonly requests: number;
}

export function payloadOf(settings: ActionSettings, evaluation: GateEvaluation): DeploymentPayload {
  const { decision, evidence } = evaluation;
  const environment = own(evaluation.policy.environments, settings.environment);
  return deploymentPayload({
    requestedBy: settings.actor,
    decision,
    policyDigest: decision.policyDigest,
    pullRequest: evidence.pull_request,
    rollout: { strategy: decision.strategy, override: decision.override },
    // What the auditor needs later without today's policy: which rollbacks were configured.
    ...(environment ? { rollbackPlan: rollbackPlanOf(environment) } : {}),
  });
}

const ENDED = new Set(["success", "failure", "error", "inactive"]);

export async function openDeployment(
  client: GitHubClient,
  settings: ActionSettings,
  evaluation: GateEvaluation,
): Promise<DeploymentHandle> {
  // Reuse the record while it is still open (awaiting approval, approved, running); once a rollout has
  // ended on it, a new attempt gets a deployment of its own, so each record tells one story.
  const known = evaluation.gathered.records.find(
    (r) => r.environment === settings.environment && !ENDED.has(r.latestState ?? ""),
  );
  if (known) return { id: known.id, created: false, requests: 0 };
  // The evidence listed this commit's deployments a moment ago, so no second lookup: create it.
  const id = await createDeployment(client, settings, {
    payload: payloadOf(settings, evaluation),
    description: evaluation.decision.summary,
  });
  return { id, created: true, requests: 1 };
}

export interface StatusWriter {
  (state: DeploymentState, kind: Exclude<RecordKind, Decision>, text: string): Promise<void>;
}

/** Writes statuses on one deployment, each linking the run and, on success, the environment's URL. */
export function statusWriter(
  client: GitHubClient,
  settings: ActionSettings,
  deploymentId: number,
  environmentUrl: string | undefined,
  onWrite: (state: DeploymentState) => void,
): StatusWriter {
  return async (state, kind, text) => {
    await writeDeploymentStatus(
      client,
      { owner: settings.owner, repo: settings.repo, deploymentId },
      {
        state,
        description: eventDescription(kind, text),
        logUrl: settings.runUrl,
        environment: settings.environment,
        ...(environmentUrl !== undefined && (state === "success" || state === "in_progress")
          ? { environmentUrl }
          : {}),
      },
    );
    onWrite(state);
  };
}

/** "gate passed (minor, freeze override for hotfix: …)": what the gate let through, and on what grounds. */
export function passedText(evaluation: GateEvaluation): string {
  const { decision } = evaluation;
  const notes = [decision.changeType];
  if (decision.override)
    notes.push(
      `${decision.override.kind} override for ${decision.override.changeType}: ${decision.override.reason}`,
    );
  if (decision.emergency) notes.push(`emergency, approvals due by ${decision.approvals.dueBy ?? "?"}`);
  return `gate passed (${notes.join("; ")})`;
}

/** "needs 1 of group:leads; comment /approve production on PR #12" */
export function awaitingText(evaluation: GateEvaluation): string {
  const { decision, evidence } = evaluation;
  const approval = decision.checklist.find((i) => i.id === "approval");
  const where = evidence.pull_request ? ` on PR #${evidence.pull_request.number}` : "";
  return approval?.code === "notice_pending"
    ? `notice period: ${approval.reason}`
    : `needs ${decision.approvals.required}; comment /approve ${decision.environment}${where}`;
}
