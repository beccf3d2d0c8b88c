/**
 * What deployments prove: approvals and rejections (only the App's bot's statuses), their withdrawals,
 * and each deployment's outcome per environment its statuses recorded (a success only as the App's
 * verified record), and whether GitHub cut a commit's list of them short.
 */
import { parseDescription, statusProof, type Writer } from "../records/format.js";
import { isActor, type Actor, type CommitDeployments, type DeploymentNode } from "./evidence-query.js";

/** Whose statuses count: the App's bot, and the writers whose success proves a deployment happened. */
interface Writers {
  readonly appBot: string;
  readonly trustedWriters: readonly string[];
}

/** Whether a commit's deployments, or any of their statuses, were cut short by the query. */
export function deploymentsCut(commit: Pick<CommitDeployments, "deployments">): boolean {
  const listed = commit.deployments?.nodes ?? [];
  return (
    (commit.deployments?.totalCount ?? 0) > listed.length ||
    listed.some((d) => (d.statuses?.totalCount ?? 0) > (d.statuses?.nodes.length ?? 0))
  );
}

/** A deployment read twice (on the commit and on a commit of its PR) counts once. */
export function uniqueById(deployments: readonly DeploymentNode[]): DeploymentNode[] {
  const seen = new Set<number | null>();
  return deployments.filter((d) => {
    if (d.databaseId !== null && seen.has(d.databaseId)) return false;
    seen.add(d.databaseId);
    return true;
  });
}

/**
 * Approvals and rejections: only statuses written by the Tollgate App's bot, bound to their deployment's
 * commit (a deployment's SHA never changes) and to the environment the status itself recorded. The
 * deployment's current environment is not read: any status writer can move a deployment elsewhere.
 */
export function approvalsOf(deployment: DeploymentNode, appBot: string) {
  return (deployment.statuses?.nodes ?? []).flatMap((status) => {
    if (!isActor(status.creator, appBot) || !status.environment) return [];
    const record = parseDescription(status.description);
    if (!record || (record.kind !== "approved" && record.kind !== "rejected")) return [];
    return [
      {
        approver: record.login,
        decision: record.kind === "approved" ? ("approve" as const) : ("reject" as const),
        environment: status.environment,
        sha: deployment.commitOid,
        at: status.createdAt,
        ...(status.logUrl ? { url: status.logUrl } : {}),
        ...(record.note ? { note: record.note } : {}),
      },
    ];
  });
}

/**
 * The union of the deployment records' decisions and the rejections the indelible records say stand, one
 * per comment (the deployment record's when both hold it): deleting a deployment erases no rejection.
 */
export function withIndelibleRejections<T extends { url?: string }, R extends { url?: string }>(
  fromDeployments: T[],
  standing: R[],
): (T | R)[] {
  const urls = new Set(fromDeployments.flatMap((a) => (a.url ? [a.url] : [])));
  return [...fromDeployments, ...standing.filter((r) => r.url === undefined || !urls.has(r.url))];
}

/** Approvals whose comment was deleted no longer count: the App recorded their withdrawal (same `log_url`). */
export function withoutWithdrawn<T extends { decision: string; url?: string }>(
  approvals: T[],
  deployments: readonly DeploymentNode[],
  appBot: string,
): T[] {
  const withdrawn = new Set(
    deployments.flatMap((d) =>
      (d.statuses?.nodes ?? []).flatMap((s) =>
        isActor(s.creator, appBot) && s.logUrl && parseDescription(s.description)?.kind === "withdrawn"
          ? [s.logUrl]
          : [],
      ),
    ),
  );
  return approvals.filter((a) => a.decision !== "approve" || a.url === undefined || !withdrawn.has(a.url));
}

/**
 * What a deployment proves, per environment its statuses recorded themselves (never its current
 * environment, which any status writer can change): the latest outcome among the statuses that prove
 * something (`statusProof`: a success only as the App's verified record), else the latest progress.
 * A deployment with no such status is listed as pending, so it can be seen but never counts.
 */
export function deploymentOf(
  deployment: DeploymentNode,
  request: Writers,
): { environment: string; sha: string; state: DeploymentState; created_at: string; succeeded_at?: string }[] {
  const proofs = (deployment.statuses?.nodes ?? [])
    .flatMap((s) => {
      const proof = s.environment ? statusProof(s, writerOf(s.creator, request)) : undefined;
      return proof ? [{ proof, environment: s.environment!, at: s.createdAt }] : [];
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const base = { sha: deployment.commitOid, created_at: deployment.createdAt };
  if (proofs.length === 0)
    return deployment.environment
      ? [{ ...base, environment: deployment.environment, state: "pending" as const }]
      : [];
  const environments = [...new Set(proofs.map((p) => p.environment))];
  return environments.map((environment) => {
    const own = proofs.filter((p) => p.environment === environment);
    // An outcome ends an attempt, and a new attempt is a new deployment, so the latest outcome is the
    // deployment's state; progress only while there is none yet.
    const latest =
      own.filter((p) => p.proof === "success" || p.proof === "failure" || p.proof === "error").at(-1) ??
      own.filter((p) => p.proof !== "inactive").at(-1);
    const success = own.find((p) => p.proof === "success");
    const state: DeploymentState = !latest
      ? "inactive"
      : latest.proof === "progress"
        ? "in_progress"
        : latest.proof;
    return { ...base, environment, state, ...(success ? { succeeded_at: success.at } : {}) };
  });
}

function writerOf(creator: Actor | null, request: Writers): Writer {
  if (isActor(creator, request.appBot)) return "app";
  return request.trustedWriters.some((writer) => isActor(creator, writer)) ? "workflow" : "other";
}

type DeploymentState = "success" | "failure" | "error" | "in_progress" | "queued" | "pending" | "inactive";
