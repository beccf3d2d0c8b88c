/** Tollgate's deployment record of (environment, SHA) with who created it, or undefined. */
import type { GitHubClient, RepositoryRef } from "../src/github/client.js";
import { listDeployments } from "../src/github/deployments.js";
import { readPayload, type DeploymentPayload } from "../src/records/format.js";

export interface FoundDeployment {
  readonly id: number;
  readonly creator: string | undefined;
  readonly payload: DeploymentPayload;
}

export async function tollgateDeployment(
  client: GitHubClient,
  repo: RepositoryRef,
  environment: string,
  sha: string,
): Promise<FoundDeployment | undefined> {
  const found = (await listDeployments(client, repo, { sha, environment, perPage: 100 }))
    .map((d) => ({ d, payload: readPayload(d.payload) }))
    .filter((x) => x.payload !== undefined && x.d.sha === sha)
    .sort((a, b) => Date.parse(b.d.created_at) - Date.parse(a.d.created_at) || b.d.id - a.d.id)[0];
  return found ? { id: found.d.id, creator: found.d.creator?.login, payload: found.payload! } : undefined;
}
