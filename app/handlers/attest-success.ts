/**
 * deployment_status.created with `success` from the workflow token: the App checks the workflow run the
 * status links (`verifyDeployingRun`) and, if it could have written the status honestly, attests the
 * success with a status of its own, which names the environment and the run. Only that attestation
 * counts as a deployment's success (`statusProof`): the workflow token is every workflow's, including
 * one on a branch nobody reviewed.
 */
import type { Context } from "probot";
import { clientOf } from "../../src/github/client.js";
import { writeDeploymentStatus } from "../../src/github/deployments.js";
import { eventDescription, readPayload, workflowRunIdFrom } from "../../src/records/format.js";
import { verifyDeployingRun } from "../../src/github/runs.js";
import { repoOf } from "../pull-facts.js";
import type { Identity } from "../settings.js";

export async function attestSuccess(
  context: Context<"deployment_status">,
  identity: Identity,
): Promise<void> {
  const { payload, log } = context;
  const status = payload.deployment_status;
  const writer = status.creator?.login ?? "";
  if (writer === identity.bot) return log.debug("the App's own status");
  if (!identity.trustedWriters.includes(writer))
    return log.debug("a success by an untrusted writer: not attested");
  const deployment = payload.deployment;
  const tollgate = readPayload(deployment.payload);
  if (!tollgate) return log.debug("not a Tollgate deployment");
  const environment = (status as { environment?: string }).environment ?? deployment.environment;
  const runId = workflowRunIdFrom(status.log_url ?? status.target_url);
  if (runId === undefined)
    return log.warn({ deployment: deployment.id }, "a success linking no workflow run: not attested");
  const client = clientOf(context.octokit);
  const repo = repoOf(payload);
  const verdict = await verifyDeployingRun(client, repo, {
    runId,
    sha: deployment.sha,
    defaultBranch: payload.repository.default_branch,
    rollback: tollgate.rollback_of !== undefined,
    purpose: "attest",
  });
  if (!verdict.ok) return log.warn({ deployment: deployment.id, why: verdict.why }, "success not attested");
  await writeDeploymentStatus(
    client,
    { ...repo, deploymentId: deployment.id },
    {
      state: "success",
      description: eventDescription(
        "verified",
        `success in ${environment} by run ${verdict.id} (${verdict.path || "workflow"}, ${verdict.event})`,
      ),
      ...(status.log_url ? { logUrl: status.log_url } : {}),
      environment,
      // Attesting is not a new deployment: it must not mark the environment's others inactive.
      autoInactive: false,
    },
  );
}
