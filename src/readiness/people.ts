/** Who may start a deployment, and who separation of duties keeps from approving it. */
import { describeRef, isCoveredBy, type Directory } from "../approvals/authority.js";
import type { Environment, Policy } from "../policy/model.js";
import type { ChecklistResult } from "./decision.js";
import type { Evidence } from "./evidence.js";

/** Whether whoever started the deployment may; only judged when the evidence knows who that is. */
export function deployerItem(
  policy: Policy,
  environment: Environment,
  evidence: Evidence,
): ChecklistResult | undefined {
  if (!environment.deployers || evidence.initiator === undefined) return undefined;
  const directory: Directory = {
    teams: evidence.teams,
    permissions: evidence.permissions,
    groups: policy.groups,
  };
  const allowed = environment.deployers.some((ref) => isCoveredBy(evidence.initiator!, ref, directory));
  const who = environment.deployers.map(describeRef).join(", ");
  return allowed
    ? {
        id: "deployer",
        title: "Who deploys",
        state: "passed",
        code: "ready",
        reason: `@${evidence.initiator} may deploy here`,
      }
    : {
        id: "deployer",
        title: "Who deploys",
        state: "failed",
        code: "deployer_not_allowed",
        reason: `@${evidence.initiator} may not deploy to ${environment.name} (allowed: ${who})`,
        fix: `ask ${who} to start the deployment`,
      };
}

/** The people separation of duties keeps from approving, with why. */
export function separationOfDuties(environment: Environment, evidence: Evidence): Map<string, string> {
  const excluded = new Map<string, string>();
  if (!environment.separationOfDuties) return excluded;
  const pr = evidence.pull_request;
  if (evidence.initiator) excluded.set(evidence.initiator.toLowerCase(), "started this deployment");
  for (const author of pr?.commit_authors ?? [])
    excluded.set(author.toLowerCase(), "authored commits in this change");
  if (pr) excluded.set(pr.author.toLowerCase(), "authored the pull request");
  return excluded;
}
