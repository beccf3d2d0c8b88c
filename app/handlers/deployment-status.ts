/**
 * deployment_status.created with "Tollgate awaiting: …": the Action is waiting for approvals, so the App
 * asks the approvers on the PR, once per deployment (its own earlier comment carries a marker).
 */
import type { Context } from "probot";
import { hasCommentWith, reply } from "../../src/github/comments.js";
import { parseDescription, readPayload } from "../../src/records/format.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import { assess } from "../assess.js";
import { clientOf } from "../../src/github/client.js";
import { repoOf } from "../pull-facts.js";
import { nowOf } from "../readiness-checks.js";
import type { Identity, Settings } from "../settings.js";
import { awaitingComment } from "../awaiting-comment.js";
import { own } from "../../src/policy/own.js";

export async function onDeploymentStatus(
  context: Context<"deployment_status">,
  env: { identity: Identity; settings: Settings },
): Promise<void> {
  const { payload, log } = context;
  const status = payload.deployment_status;
  if (parseDescription(status.description)?.kind !== "awaiting")
    return log.debug("not an awaiting-approval status");
  // Anyone with write access can write a status; only the Action's or the App's own are believed.
  if (!env.identity.trustedWriters.includes(status.creator?.login ?? ""))
    return log.debug("status by an untrusted writer");
  const deployment = payload.deployment;
  const tollgate = readPayload(deployment.payload);
  const client = clientOf(context.octokit);
  const repo = repoOf(payload);
  const known = tollgate?.pull_request?.number;
  const { policy, evidence, gathered } = await assess(client, env.identity, env.settings, {
    ...repo,
    sha: deployment.sha,
    ...(known !== undefined ? { pullNumber: known } : {}),
    ...(tollgate?.requested_by ? { initiator: tollgate.requested_by } : {}),
  });
  const number = known ?? gathered.pullNumber;
  if (number === undefined) return log.debug("no pull request to ask on");
  if (!policy?.ok) return log.debug("no valid policy: the policy check says so");
  const marker = `<!-- tollgate:awaiting:${deployment.id} -->`;
  if (await hasCommentWith(client, repo, number, env.identity.bot, marker))
    return log.debug("already asked for this deployment");
  const environment = own(policy.policy.environments, deployment.environment);
  if (!environment) return log.debug("an environment the policy does not know");
  const decision = evaluate(policy.policy, environment.name, evidence, nowOf(env.settings));
  await reply(
    client,
    repo,
    number,
    awaitingComment({
      decision,
      environment,
      evidence,
      payload: tollgate,
      marker,
      runUrl: status.log_url ?? undefined,
    }),
  );
}
