/**
 * The deployment record of one (environment, commit): found or created with Tollgate's payload, and
 * written to with statuses. Created with `auto_merge: false` (GitHub would otherwise merge the default
 * branch into the ref) and `required_contexts: []` (Tollgate judges checks itself; omitted, GitHub
 * demands every commit status be green before it even creates the deployment).
 */
import type { GitHubClient, RepositoryRef } from "./client.js";
import { fitDescription, readPayload, type DeploymentPayload } from "../records/format.js";

export interface DeploymentRef extends RepositoryRef {
  readonly environment: string;
  readonly sha: string;
}

export interface DeploymentRecord {
  readonly id: number;
  readonly created: boolean;
  readonly payload?: DeploymentPayload;
}

/** A deployment as GitHub's REST API lists it (the fields Tollgate reads). */
export interface RestDeployment {
  readonly id: number;
  readonly sha: string;
  readonly environment: string;
  readonly created_at: string;
  readonly payload: unknown;
  readonly creator: { readonly login: string } | null;
}

/** A deployment status as GitHub's REST API lists it (the fields Tollgate reads). */
export interface RestDeploymentStatus {
  readonly state: string;
  readonly description: string | null;
  readonly created_at: string;
  readonly log_url?: string | null;
  readonly environment?: string | null;
  readonly creator: { readonly login: string } | null;
}

/**
 * A repository's deployments, newest first (GitHub's order), one page: by environment (its current
 * environment, which any status writer can change) and/or commit.
 */
export async function listDeployments(
  client: GitHubClient,
  repo: RepositoryRef,
  filter: { readonly environment?: string; readonly sha?: string; readonly perPage: number },
): Promise<RestDeployment[]> {
  const { data } = await client.request("GET /repos/{owner}/{repo}/deployments", {
    owner: repo.owner,
    repo: repo.repo,
    ...(filter.sha !== undefined ? { sha: filter.sha } : {}),
    ...(filter.environment !== undefined ? { environment: filter.environment } : {}),
    per_page: filter.perPage,
  });
  return data as RestDeployment[];
}

type DeploymentTarget = RepositoryRef & { readonly deploymentId: number };

/** The one request for a deployment's statuses (newest first, GitHub's order). */
function requestStatuses(
  client: GitHubClient,
  target: DeploymentTarget,
  perPage: number,
  headers?: Record<string, string>,
) {
  return client.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: target.owner,
    repo: target.repo,
    deployment_id: target.deploymentId,
    per_page: perPage,
    ...(headers ? { headers } : {}),
  });
}

/** A deployment's statuses, newest first (GitHub's order), one page of up to 100. */
export async function listDeploymentStatuses(
  client: GitHubClient,
  target: DeploymentTarget,
  perPage = 100,
): Promise<RestDeploymentStatus[]> {
  return (await requestStatuses(client, target, perPage)).data as RestDeploymentStatus[];
}

/**
 * The ETag of a deployment's newest status, asked conditionally: with `ifNoneMatch`, GitHub answers
 * 304 Not Modified (no points) while it still holds, which Octokit reports as an error with `status: 304`.
 */
export async function newestStatusTag(
  client: GitHubClient,
  target: DeploymentTarget,
  ifNoneMatch: string | undefined,
): Promise<{ readonly modified: false } | { readonly modified: true; readonly etag: string | undefined }> {
  try {
    const response = (await requestStatuses(
      client,
      target,
      1,
      ifNoneMatch ? { "if-none-match": ifNoneMatch } : undefined,
    )) as { headers?: Record<string, string | undefined> };
    return { modified: true, etag: response.headers?.["etag"] };
  } catch (error) {
    if ((error as { status?: number }).status === 304) return { modified: false };
    throw error;
  }
}

/** Creates a deployment with Tollgate's payload and settings; throws when GitHub did not create one. */
export async function createDeployment(
  client: GitHubClient,
  target: DeploymentRef,
  create: {
    readonly payload: DeploymentPayload;
    readonly description: string;
    readonly productionEnvironment?: boolean;
    readonly transient?: boolean;
  },
): Promise<number> {
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
  const id = (data as { id?: unknown }).id;
  // 202 "Auto-merged …" or a message instead of a deployment: GitHub did not create one.
  if (typeof id !== "number")
    throw new Error(`GitHub did not create the deployment: ${JSON.stringify(data)}`);
  return id;
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
  const id = await createDeployment(client, target, create);
  return { id, created: true, payload: create.payload };
}

export async function findDeployment(
  client: GitHubClient,
  target: DeploymentRef,
  creators?: readonly string[],
): Promise<DeploymentRecord | undefined> {
  const deployments = await listDeployments(client, target, {
    sha: target.sha,
    environment: target.environment,
    perPage: 100,
  });
  const ours = deployments
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
