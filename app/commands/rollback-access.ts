/**
 * What `/rollback` and `/tollgate resume|abort` both check first: the PR's commit is judged under the
 * default branch's policy, the environment exists there, and the commenter may roll it back (its
 * approvers, maintain or admin). Either the facts to act on, or the refusal to answer with.
 */
import { mayRollBack } from "../../src/approvals/rollback-authority.js";
import type { GatheredEvidence } from "../../src/github/evidence.js";
import type { Environment } from "../../src/policy/model.js";
import { own } from "../../src/policy/own.js";
import { assess } from "../assess.js";
import { pullOf } from "../pull-facts.js";
import type { PullFacts } from "../../src/github/pull-facts.js";
import { unknownEnvironment } from "./admission.js";
import { refuse, type CommandContext, type Outcome } from "./outcome.js";

export type RollbackAccess =
  | {
      readonly ok: true;
      readonly pr: PullFacts;
      readonly environment: Environment;
      readonly gathered: GatheredEvidence;
    }
  | { readonly ok: false; readonly refusal: Outcome };

export async function rollbackAccess(
  cx: CommandContext,
  environmentName: string,
  /** The command, as refusals name it ("rollback", "resume command"). */
  what: string,
  /** What only approvers, maintain and admin may do, for the refusal ("roll it back"). */
  deed: string,
): Promise<RollbackAccess> {
  const { client, repo, comment } = cx;
  const no = (why: string): RollbackAccess => ({ ok: false, refusal: refuse(what, why) });
  const pr = await pullOf(cx);
  const { policy, evidence, gathered } = await assess(client, cx.identity, cx.settings, {
    ...repo,
    sha: pr.mergeSha ?? pr.headSha,
    pullNumber: cx.issueNumber,
  });
  if (!policy) return no("this repository has no Tollgate policy on its default branch");
  if (!policy.ok)
    return no("the policy on the default branch is invalid, so Tollgate does nothing until it is fixed");
  const unknown = unknownEnvironment(policy.policy, environmentName);
  if (unknown) return no(unknown);
  const environment = own(policy.policy.environments, environmentName)!;
  if (!mayRollBack(policy.policy, environment, evidence, comment.login))
    return no(`only approvers of ${environmentName} and people with the maintain or admin role may ${deed}`);
  return { ok: true, pr, environment, gathered };
}
