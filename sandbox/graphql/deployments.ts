/**
 * GraphQL Deployment, DeploymentStatus and their connections (GitHub's schema: `Repository.deployments`,
 * `Commit.deployments`, DeploymentState derived from the latest status, the payload as a JSON string),
 * and `Repository.vulnerabilityAlerts` (RepositoryVulnerabilityAlert, severity MODERATE for REST's medium).
 */
import { GraphQLError } from "graphql";
import { nodeId, type View } from "../serialize/accounts.js";
import type { Deployment, DeploymentStatus, Repo } from "../state.js";
import { actorNode } from "./actors.js";
import { connection, type PageArgs } from "./connection.js";
import { links } from "./links.js";

const up = (s: string): string => s.toUpperCase();

/** DeploymentState as GitHub derives it from the latest status. */
function deploymentState(d: Deployment): string {
  const latest = d.statuses.at(-1);
  if (!latest) return "PENDING";
  if (latest.state === "success") return "ACTIVE";
  if (latest.state === "inactive") return d.transient_environment ? "DESTROYED" : "INACTIVE";
  return up(latest.state);
}

export function deploymentStatusNode(
  v: View,
  r: Repo,
  d: Deployment,
  s: DeploymentStatus,
): Record<string, unknown> {
  return {
    __typename: "DeploymentStatus",
    id: nodeId("DeploymentStatus", s.id),
    state: up(s.state),
    description: s.description,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
    creator: () => actorNode(v, s.creator),
    logUrl: s.log_url || null,
    environmentUrl: s.environment_url || null,
    environment: s.environment,
    deployment: () => deploymentNode(v, r, d),
  };
}

export function deploymentNode(v: View, r: Repo, d: Deployment): Record<string, unknown> {
  return {
    __typename: "Deployment",
    id: nodeId("Deployment", d.id),
    databaseId: d.id,
    commitOid: d.sha,
    commit: () => commitRef(v, r, d.sha),
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    creator: () => actorNode(v, d.creator),
    description: d.description,
    environment: d.environment,
    latestEnvironment: d.environment,
    originalEnvironment: d.original_environment,
    // GraphQL exposes the payload as a JSON string (REST gives the object).
    payload: JSON.stringify(d.payload ?? {}),
    task: d.task,
    state: deploymentState(d),
    latestStatus: () => {
      const s = d.statuses.at(-1);
      return s ? deploymentStatusNode(v, r, d, s) : null;
    },
    statuses: (args: PageArgs) =>
      connection("statuses", [...d.statuses].reverse(), args, (s) => deploymentStatusNode(v, r, d, s)),
    ref: () => {
      const sha = r.refs.get(`refs/heads/${d.ref}`);
      return sha
        ? { __typename: "Ref", name: d.ref, prefix: "refs/heads/", id: nodeId("Ref", `${r.id}:${d.ref}`) }
        : null;
    },
    repository: () => repoLink(v, r),
  };
}

interface DeploymentArgs extends PageArgs {
  environments?: string[] | null;
  orderBy?: { field: string; direction: "ASC" | "DESC" } | null;
}

export function deploymentsConnection(
  v: View,
  r: Repo,
  args: DeploymentArgs,
  sha?: string,
): Record<string, unknown> {
  const envs = args.environments;
  let list = [...r.deployments.values()].filter(
    (d) => (!sha || d.sha === sha) && (!envs || envs.length === 0 || envs.includes(d.environment)),
  );
  list.sort((a, b) => a.id - b.id);
  if (args.orderBy?.direction === "DESC") list = list.reverse();
  return connection("deployments", list, args, (d) => deploymentNode(v, r, d));
}

/** Severity enum differs from REST: "medium" is MODERATE. */
const SEVERITY: Record<string, string> = {
  low: "LOW",
  medium: "MODERATE",
  moderate: "MODERATE",
  high: "HIGH",
  critical: "CRITICAL",
};

export function vulnerabilityAlerts(
  v: View,
  r: Repo,
  args: PageArgs & { states?: string[] | null },
  allowed: boolean,
): Record<string, unknown> {
  if (!allowed)
    throw new GraphQLError("Resource not accessible by integration", { extensions: { type: "FORBIDDEN" } });
  const states = args.states?.map((s) => s.toLowerCase());
  const list = r.dependabot.filter((a) => !states || states.length === 0 || states.includes(a.state));
  return connection("vulnerabilityAlerts", list, args, (a) => {
    const advisory = {
      __typename: "SecurityAdvisory",
      ghsaId: a.ghsa_id,
      summary: a.summary,
      severity: SEVERITY[a.severity] ?? "HIGH",
      permalink: `${v.web}/advisories/${a.ghsa_id}`,
    };
    return {
      __typename: "RepositoryVulnerabilityAlert",
      id: nodeId("RepositoryVulnerabilityAlert", a.number),
      number: a.number,
      state: up(a.state),
      createdAt: a.created_at,
      vulnerableManifestPath: a.manifest_path,
      vulnerableRequirements: a.vulnerable_version_range,
      securityAdvisory: advisory,
      securityVulnerability: {
        __typename: "SecurityVulnerability",
        severity: SEVERITY[a.severity] ?? "HIGH",
        vulnerableVersionRange: a.vulnerable_version_range,
        package: { name: a.package, ecosystem: up(a.ecosystem === "pip" ? "PIP" : a.ecosystem) },
        firstPatchedVersion: a.first_patched_version ? { identifier: a.first_patched_version } : null,
        advisory,
      },
    };
  });
}

const commitRef = (v: View, r: Repo, sha: string): unknown => links.commit(v, r, sha);
const repoLink = (v: View, r: Repo): unknown => links.repo(v, r);
