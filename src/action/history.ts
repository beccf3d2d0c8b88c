/**
 * The environment's last good version before this one: the newest deployment of another commit whose
 * latest outcome (`statusProof`: a success only as the App's verified record) is success — one that
 * later failed (a failed checkpoint, a rollback) is not good. It is the rollback target.
 * Only statuses that recorded this environment themselves count: listing deployments by environment
 * goes by their current environment, which any status writer can change, so a staging deployment of an
 * unapproved commit moved into production's history is listed here but proves nothing.
 * Reads at most 10 deployments and their statuses (REST, newest first), so it stays cheap.
 */
import type { GitHubClient } from "../github/client.js";
import { listDeployments, listDeploymentStatuses } from "../github/deployments.js";
import { statusProof, type Writer } from "../records/format.js";
import type { ActionSettings } from "./inputs.js";

export async function previousSuccess(
  client: GitHubClient,
  settings: Pick<ActionSettings, "owner" | "repo" | "environment" | "sha">,
  writers: {
    readonly app: string;
    readonly workflow: readonly string[];
    /**
     * Believe the workflow token's success as it is. Only to find what runs now (the version a rollback
     * replaces): a forged one can only make the rollback target the version that really runs.
     */
    readonly workflowSuccessCounts?: boolean;
  },
  exceptSha = settings.sha,
): Promise<{ sha?: string; deploymentId?: number; requests: number }> {
  const deployments = await listDeployments(client, settings, {
    environment: settings.environment,
    perPage: 10,
  });
  let requests = 1;
  for (const deployment of deployments) {
    if (deployment.sha.toLowerCase() === exceptSha.toLowerCase()) continue;
    const statuses = await listDeploymentStatuses(client, { ...settings, deploymentId: deployment.id });
    requests++;
    // Newest first, as GitHub lists them: the first outcome is the latest.
    const writerOf = (login: string | undefined): Writer =>
      login === writers.app ? "app" : login && writers.workflow.includes(login) ? "workflow" : "other";
    const outcome = statuses
      .filter((s) => s.environment === settings.environment)
      .map((s) => {
        const writer = writerOf(s.creator?.login);
        return writers.workflowSuccessCounts && writer === "workflow" && s.state === "success"
          ? "success"
          : statusProof(s, writer);
      })
      .find((proof) => proof === "success" || proof === "failure" || proof === "error");
    const ok = outcome === "success";
    if (ok) return { sha: deployment.sha, deploymentId: deployment.id, requests };
  }
  return { requests };
}
