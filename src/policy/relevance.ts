/**
 * Which CI reports can change a readiness decision, known from the policy alone. A checklist reads CI
 * only through `checks` items, and those match check runs and commit statuses by exact name (the
 * policy language has no wildcard and no "all checks" form; `{ name, app }` still names the check, and
 * a report of that name from another App or a status is shown as "not counted", so it changes the run
 * too). Prerequisites read deployments, not checks. So a check run or status whose name no checklist
 * item of any environment names cannot change any decision, and evaluating on it would only spend a
 * query. Check suites are never evidence: the evidence reads the runs inside them, each of which has
 * its own `check_run.completed`. One status always can: the scheduled wake's, written when a gate's due
 * time came (src/action/wake.ts) — time alone changed the decision.
 *
 * The same holds for a PR's labels and reviews: labels are read only by change types that declare
 * `labels`, and reviews only by a `reviews` checklist item, so a label or a review on a PR under a policy
 * with neither cannot change a decision.
 */
import type { Policy } from "./model.js";

/** Every check name any environment's checklist waits for. */
export function checkNamesOf(policy: Policy): ReadonlySet<string> {
  const names = new Set<string>();
  for (const env of Object.values(policy.environments))
    for (const item of env.checklist)
      if (item.kind === "checks") for (const check of item.checks) names.add(check.name);
  return names;
}

/** The status a scheduled wake writes on a commit whose due time came (src/github/due.ts). */
export const WAKE_CONTEXT = "tollgate/wake";

/** Whether a CI report named `name` (a check run's name or a status's context) can change a decision. */
export const canChangeDecision = (policy: Policy, name: string): boolean =>
  name === WAKE_CONTEXT || checkNamesOf(policy).has(name);

/** Whether a PR's labels can change a decision: only change types that declare labels read them. */
export const labelsCanChangeDecision = (policy: Policy): boolean =>
  Object.values(policy.changeTypes.types).some((type) => type.labels.length > 0);

/** Whether a PR's reviews can change a decision: only a `reviews` checklist item reads them. */
export const reviewsCanChangeDecision = (policy: Policy): boolean =>
  Object.values(policy.environments).some((env) => env.checklist.some((item) => item.kind === "reviews"));
