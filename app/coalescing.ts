/**
 * What keeps a burst of CI news from costing one evaluation per webhook, per App process:
 * - relevance: a check run or status whose name no checklist item names cannot change a decision, and
 *   the App knows the names from the policy, read with a free conditional request (policy-read.ts);
 * - coalescing: one evaluation in flight per (installation, repository, commit, PR); the events that
 *   arrive meanwhile wait for a single trailing evaluation (src/github/coalesce.ts).
 * Both live in the process that serves the webhooks and hold no GitHub fact; a second replica has its
 * own, and GitHub stays the only record (see README, "What a burst costs").
 */
import { Coalescer } from "../src/github/coalesce.js";
import { Turns } from "../src/github/turns.js";
import type { Policy } from "../src/policy/model.js";
import type { Decision } from "../src/readiness/decision.js";
import { PolicyReader, type ConditionalClient } from "./policy-read.js";
import { refreshReadiness, type Deps, type RefreshOptions } from "./readiness-checks.js";

export interface PerProcess {
  readonly evaluations: Coalescer<Decision[]>;
  readonly policies: PolicyReader;
  /** One comment command at a time per pull request (src/github/turns.ts). */
  readonly commands: Turns;
}

export const perProcess = (): PerProcess => ({
  evaluations: new Coalescer<Decision[]>(),
  policies: new PolicyReader(),
  commands: new Turns(),
});

/**
 * Whether `what` (a CI report, a label, a review) may change a decision on this repository, by
 * `canChange` over its policy. When the policy cannot be read for it, or is broken, the answer is yes:
 * a wasted query is better than a lost evaluation.
 */
export async function policyMatters(
  state: PerProcess | undefined,
  client: ConditionalClient,
  deps: Deps,
  defaultBranch: string,
  what: string,
  canChange: (policy: Policy) => boolean,
): Promise<boolean> {
  if (!state) return true;
  let policy;
  try {
    policy = await state.policies.read(client, deps.repo, defaultBranch, deps.settings.policyPath);
  } catch (error) {
    deps.log.debug(
      { what, error: error instanceof Error ? error.message : String(error) },
      "could not read the policy to judge relevance: evaluating",
    );
    return true;
  }
  if (policy === undefined) {
    deps.log.debug({ what }, "no policy on the default branch: no evaluation");
    return false;
  }
  if (!policy.ok || canChange(policy.policy)) return true;
  deps.log.debug({ what }, `the policy does not read ${what}: it cannot change a decision, not evaluated`);
  return false;
}

/** refreshReadiness, coalesced with every other evaluation of the same PR head in this process. */
export function coalescedRefresh(
  state: PerProcess | undefined,
  installation: number | undefined,
  deps: Deps,
  sha: string,
  pullNumber?: number,
  options: RefreshOptions = {},
): Promise<Decision[]> {
  const work = () => refreshReadiness(deps, sha, pullNumber, options);
  if (!state) return work();
  const key = JSON.stringify([
    installation ?? null,
    deps.repo.owner.toLowerCase(),
    deps.repo.repo.toLowerCase(),
    sha,
    pullNumber ?? null,
    options.rewrite === true,
  ]);
  return state.evaluations.run(key, work);
}
