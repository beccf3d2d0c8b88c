/**
 * The one builder of a deployment's `payload.tollgate`, for the Action (the record of a rollout it is
 * about to run) and the App (the record an approval is written to, made before any rollout). Its input
 * is plain values, so the record format depends on nothing else of Tollgate's.
 */
import { PAYLOAD_VERSION, type DeploymentPayload, type RollbackPlanKind } from "./format.js";

export interface PayloadFacts {
  /** Who asked: the workflow's actor, or whom the App's record names. */
  readonly requestedBy: string;
  /** The gate's judgement of the change (a readiness decision satisfies it). */
  readonly decision: {
    readonly changeType: string;
    readonly emergency: boolean;
    readonly checklist: readonly { readonly id: string; readonly state: string }[];
  };
  readonly policyDigest: string;
  readonly pullRequest?: {
    readonly number: number;
    readonly title: string;
    readonly author: string;
    readonly head_sha: string;
  } | null;
  /**
   * What only the rollout knows: the strategy it runs and any override the gate granted it. The App's
   * approval record is made before a rollout is chosen, so it names neither.
   */
  readonly rollout?: {
    readonly strategy?: string | undefined;
    readonly override?:
      { readonly kind: string; readonly changeType: string; readonly reason: string } | undefined;
  };
  /** The environment's rollback plan when the record is made (for the auditor, without today's policy). */
  readonly rollbackPlan?: readonly RollbackPlanKind[] | undefined;
  /** The commit a rollback replaces. */
  readonly rollbackOf?: string | undefined;
}

export function deploymentPayload(facts: PayloadFacts): DeploymentPayload {
  const { decision, pullRequest: pr, rollout } = facts;
  return {
    version: PAYLOAD_VERSION,
    requested_by: facts.requestedBy,
    change_type: decision.changeType,
    emergency: decision.emergency,
    ...(rollout?.strategy !== undefined ? { strategy: rollout.strategy } : {}),
    ...(pr
      ? { pull_request: { number: pr.number, title: pr.title, author: pr.author, head_sha: pr.head_sha } }
      : {}),
    policy_digest: facts.policyDigest,
    checklist: Object.fromEntries(decision.checklist.map((item) => [item.id, item.state])),
    ...(facts.rollbackPlan !== undefined ? { rollback_plan: facts.rollbackPlan } : {}),
    ...(rollout?.override
      ? {
          override: {
            kind: rollout.override.kind,
            change_type: rollout.override.changeType,
            reason: rollout.override.reason,
          },
        }
      : {}),
    ...(facts.rollbackOf !== undefined ? { rollback_of: facts.rollbackOf } : {}),
  };
}
