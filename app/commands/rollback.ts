/**
 * `/rollback <env>`: an approver of the environment, or anyone with maintain or admin on the repository,
 * dispatches the policy's rollback workflow on the default branch. No approval is needed (rolling back
 * restores a known state), and the request is recorded on the environment's current deployment.
 */
import { isOutOfTime } from "../../src/github/budget.js";
import { eventDescription } from "../../src/records/format.js";
import { dispatchWorkflow } from "../../src/github/runs.js";
import {
  listDeployments,
  listDeploymentStatuses,
  writeDeploymentStatus,
  type DeploymentState,
} from "../../src/github/deployments.js";
import { done, refuse, type CommandContext, type Outcome } from "./outcome.js";
import { rollbackAccess } from "./rollback-access.js";

const WHAT = "rollback";

export async function rollback(cx: CommandContext, environmentName: string): Promise<Outcome> {
  const { client, repo, comment } = cx;
  const access = await rollbackAccess(cx, environmentName, WHAT, "roll it back");
  if (!access.ok) return access.refusal;
  const { environment, gathered } = access;
  const workflow = environment.rollback.workflow;
  if (!workflow)
    return refuse(WHAT, `the policy names no rollback workflow for ${environmentName} (rollback.workflow)`);

  const [current] = await listDeployments(client, repo, { environment: environmentName, perPage: 1 });
  if (!current) return refuse(WHAT, `nothing has been deployed to ${environmentName} yet`);
  const statuses = await listDeploymentStatuses(client, { ...repo, deploymentId: current.id });
  // A redelivered comment acts once: the App's reaction marks it answered (issue-comment.ts), and its
  // request on the deployment covers a stop between the dispatch and the reaction.
  if (statuses.some((s) => s.log_url === comment.url)) {
    cx.log.debug({ url: comment.url }, "rollback already requested by this comment (a redelivery)");
    return done();
  }
  await dispatchWorkflow(client, repo, workflow, gathered.defaultBranch, {
    environment: environmentName,
    requested_by: comment.login,
    comment_url: comment.url,
  });
  // The record keeps the deployment's state: the rollback's own deployment will say how it ended.
  try {
    await writeDeploymentStatus(
      client,
      { ...repo, deploymentId: current.id },
      {
        state: (statuses[0]?.state as DeploymentState | undefined) ?? "success",
        description: eventDescription("rollback", `requested by @${comment.login}`),
        logUrl: comment.url,
        autoInactive: false,
      },
    );
  } catch (error) {
    if (!isOutOfTime(error)) throw error;
    // The rollback is on its way; asking again would start a second one.
    return done(
      `Tollgate started the \`${workflow}\` workflow, then GitHub answered too slowly and it ${error.message}, so the request is not noted on the deployment; the rollback's own deployment records it`,
    );
  }
  return done();
}
