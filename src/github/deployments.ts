/**
 * The deployment record of one (environment, commit): found or created with Tollgate's payload, and
 * written to with statuses. Created with `auto_merge: false` (GitHub would otherwise merge the default
 * branch into the ref) and `required_contexts: []` (Tollgate judges checks itself; omitted, GitHub
 * demands every commit status be green before it even creates the deployment).
 */
import type { GitHubClient, RepositoryRef } from "./client.js";
import { fitDescription, readPayload, type DeploymentPayload } from "./records.js";

export interface DeploymentRef extends RepositoryRef {
  readonly environment: string;
  readonly sha: string;
}

export interface DeploymentRecord {
  readonly id: number;
  readonly created: boolean;
  readonly payload?: DeploymentPayload;
}

interface RestDeployment {
  id: number;
  sha: string;
  environment: string;
  created_at: string;
  payload: unknown;
  creator: { login: string } | null;
}

/** The newest Tollgate deployment for (environment, SHA), or a new one. */
export async function findOrCreateDeployment(
  client: GitHubClient,
  target: DeploymentRef,
  create: {
    payload: DeploymentPayload;
    description: string;
    productionEnvironment?: boolean;
    transient?: boolean;
  },
  /** Reuse only a record one of these created (anyone can create a deployment with Tollgate's payload). */
  creators?: readonly string[],
): Promise<DeploymentRecord> {
  const existing = await findDeployment(client, target, creators);
  if (existing) return existing;
  const { data } = await client.request("POST /repos/{owner}/{repo}/deployments", {
    owner: target.owner,
    repo: target.repo,
    ref: target.sha,
    environment: target.environment,
    auto_merge: false,
    required_contexts: [],
    payload: { tollgate: create.payload },
    description: fitDescription(create.description),
    ...(create.productionEnvironment !== undefined
      ? { production_environment: create.productionEnvironment }
      : {}),
    ...(create.transient !== undefined ? { transient_environment: create.transient } : {}),
  });
  const deployment = data as RestDeployment;
  if (typeof deployment.id !== "number") {
    // 202 "Auto-merged …" or a message instead of a deployment: GitHub did not create one.
    throw new Error(`GitHub did not create the deployment: ${JSON.stringify(data)}`);
  }
  return { id: deployment.id, created: true, payload: create.payload };
}

export async function findDeployment(
  client: GitHubClient,
  target: DeploymentRef,
  creators?: readonly string[],
): Promise<DeploymentRecord | undefined> {
  const { data } = await client.request("GET /repos/{owner}/{repo}/deployments", {
    owner: target.owner,
    repo: target.repo,
    sha: target.sha,
    environment: target.environment,
    per_page: 100,
  });
  const ours = (data as RestDeployment[])
    .map((d) => ({ d, payload: readPayload(d.payload) }))
    .filter(
      (entry) =>
        entry.payload !== undefined &&
        entry.d.sha === target.sha &&
        (creators === undefined || (entry.d.creator !== null && creators.includes(entry.d.creator.login))),
    )
    .sort((a, b) => Date.parse(b.d.created_at) - Date.parse(a.d.created_at))[0];
  return ours ? { id: ours.d.id, created: false, payload: ours.payload! } : undefined;
}

export type DeploymentState =
  "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";

export async function writeDeploymentStatus(
  client: GitHubClient,
  target: RepositoryRef & { readonly deploymentId: number },
  status: {
    state: DeploymentState;
    description: string;
    logUrl?: string;
    environmentUrl?: string;
    autoInactive?: boolean;
    /**
     * The environment this status is about. A status records its deployment's environment at the time
     * it is written, and any status writer may move a deployment to another environment, so a decision
     * names its environment itself: the status then carries it whatever happened before.
     */
    environment?: string;
  },
): Promise<void> {
  await client.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: target.owner,
    repo: target.repo,
    deployment_id: target.deploymentId,
    state: status.state,
    description: fitDescription(status.description),
    ...(status.logUrl !== undefined ? { log_url: status.logUrl } : {}),
    ...(status.environmentUrl !== undefined ? { environment_url: status.environmentUrl } : {}),
    ...(status.autoInactive !== undefined ? { auto_inactive: status.autoInactive } : {}),
    ...(status.environment !== undefined ? { environment: status.environment } : {}),
  });
}
