/**
 * The environment's last good version before this one: the newest deployment of another commit whose
 * newest status from a trusted writer (the App or the workflow token), `inactive` aside, is success —
 * one that later failed (a failed validation, a rollback) is not good. It is the rollback target.
 * Only statuses that recorded this environment themselves count: listing deployments by environment
 * goes by their current environment, which any status writer can change, so a staging deployment of an
 * unapproved commit moved into production's history is listed here but proves nothing.
 * Reads at most 10 deployments and their statuses (REST, newest first), so it stays cheap.
 */
import type { GitHubClient } from "../github/client.js";
import type { ActionSettings } from "./inputs.js";

interface RestDeployment {
  id: number;
  sha: string;
}
interface RestStatus {
  state: string;
  environment?: string;
  creator: { login: string } | null;
}

export async function previousSuccess(
  client: GitHubClient,
  settings: Pick<ActionSettings, "owner" | "repo" | "environment" | "sha">,
  trustedWriters: readonly string[],
  exceptSha = settings.sha,
): Promise<{ sha?: string; deploymentId?: number; requests: number }> {
  const { data } = await client.request("GET /repos/{owner}/{repo}/deployments", {
    owner: settings.owner,
    repo: settings.repo,
    environment: settings.environment,
    per_page: 10,
  });
  let requests = 1;
  for (const deployment of data as RestDeployment[]) {
    if (deployment.sha.toLowerCase() === exceptSha.toLowerCase()) continue;
    const statuses = await client.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
      owner: settings.owner,
      repo: settings.repo,
      deployment_id: deployment.id,
      per_page: 100,
    });
    requests++;
    // Newest first, as GitHub lists them. `inactive` only says a newer deployment replaced it.
    const newest = (statuses.data as RestStatus[]).find(
      (s) =>
        s.state !== "inactive" &&
        s.environment === settings.environment &&
        s.creator !== null &&
        trustedWriters.includes(s.creator.login),
    );
    const ok = newest?.state === "success";
    if (ok) return { sha: deployment.sha, deploymentId: deployment.id, requests };
  }
  return { requests };
}
