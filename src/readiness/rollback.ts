/**
 * A rollback redeploy as evidence: `rollback_of` says this deployment puts the environment back on
 * `sha`, replacing the commit it names. The claim alone proves nothing (whoever builds the evidence
 * writes it), so it counts only when `sha` itself once succeeded on this environment, as a verified
 * deployment status says (`succeeded_at`: only the App's `Tollgate verified:` record, see `statusProof`): the code was
 * running there before, which is what lets a rollback skip approval. A claim that does not hold waives
 * nothing and blocks, so that a mislabelled redeploy is not mistaken for a new one either.
 */
import type { Environment } from "../policy/model.js";
import type { ChecklistResult } from "./decision.js";
import type { Evidence } from "./evidence.js";

const short = (sha: string) => sha.slice(0, 7);

export interface RollbackClaim {
  readonly item: ChecklistResult;
  /** The claim holds and the policy's `rollback.approval` is none: approval is not needed. */
  readonly waivesApproval: boolean;
}

export function rollbackClaim(
  environmentName: string,
  environment: Environment,
  evidence: Evidence,
): RollbackClaim | undefined {
  const replaced = evidence.rollback_of;
  if (replaced === undefined) return undefined;
  const id = "rollback";
  const title = `Rollback of ${short(replaced)}`;
  const refused = (reason: string, fix: string): RollbackClaim => ({
    item: { id, title, state: "failed", code: "rollback_unverified", reason, fix },
    waivesApproval: false,
  });
  if (sameCommit(replaced, evidence.sha))
    return refused(
      `rollback_of names ${short(evidence.sha)}, the commit being deployed: a rollback replaces another commit`,
      "set rollback_of to the commit the rollback replaces",
    );
  const successes = evidence.deployments
    .filter(
      (d) =>
        d.environment === environmentName &&
        sameCommit(d.sha, evidence.sha) &&
        d.succeeded_at !== undefined &&
        (d.state === "success" || d.state === "inactive"),
    )
    .map((d) => d.succeeded_at!)
    .sort((a, b) => Date.parse(b) - Date.parse(a));
  const last = successes[0];
  if (last === undefined)
    return refused(
      `${short(evidence.sha)} has no verified successful deployment to ${environmentName}: redeploying it is not a rollback, so nothing is waived`,
      `deploy it as a new change (with approval), or roll back to a commit that ran on ${environmentName} before`,
    );
  const waives = environment.rollback.approval === "none";
  return {
    item: {
      id,
      title,
      state: "passed",
      code: "ready",
      reason: `${short(evidence.sha)} succeeded on ${environmentName} at ${last}; ${
        waives ? "the policy needs no approval for rollbacks" : "the policy requires approval for rollbacks"
      }`,
    },
    waivesApproval: waives,
  };
}

/** Evidence may give a SHA abbreviated: the shorter must be the start of the longer. */
function sameCommit(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x.length <= y.length ? y.startsWith(x) : x.startsWith(y);
}
