/**
 * Gathering evidence from GitHub: the GraphQL query (one request), and, only when a checklist scans the
 * diff for secrets, the PR's files with their patches (one REST request). Everything GitHub says is
 * mapped to the engine's Evidence; nothing is invented, and lists GitHub cut short are marked incomplete.
 */
import { evidenceSchema, type Evidence, type EvidenceInput } from "../readiness/evidence.js";
import { readPayload, type DeploymentPayload } from "../records/format.js";
import { graphqlWithPartialData, type GitHubClient, type RepositoryRef } from "./client.js";
import { hasDecisionStatus, standingRejections } from "./decision-status.js";
import { checksOf, shownChecksOf } from "./evidence-checks.js";
import {
  approvalsOf,
  deploymentOf,
  deploymentsCut,
  uniqueById,
  withIndelibleRejections,
  withoutWithdrawn,
} from "./evidence-deployments.js";
import { pullFilesOf } from "./evidence-files.js";
import { readFollowUp, readTeams, type FollowUpAnswer } from "./evidence-follow-up.js";
import { mergeChanges, mergedFrom, mergeEvidence } from "./evidence-merge.js";
import { coAuthorsOf, mapPullRequest, pickPullRequest, reviewsOf } from "./evidence-pull-request.js";
import {
  type Actor,
  EVIDENCE_QUERY,
  type DeploymentNode,
  type EvidenceResponse,
  type FollowUp,
  type PullRequestNode,
} from "./evidence-query.js";
import { permissionsOf, securityAlertsOf } from "./evidence-repository.js";
import { heldNoteOverwritten, heldRuns, type HeldRun } from "./held.js";

export interface EvidenceRequest extends RepositoryRef {
  /** The commit judged: the PR head before merge, the deployed commit after. */
  readonly sha: string;
  /** When the caller knows the PR (the App does), prefer it among the commit's pull requests. */
  readonly pullNumber?: number;
  readonly policyPath: string;
  /** Login of the Tollgate App's bot: only its statuses are approvals. */
  readonly appBot: string;
  /** Logins whose success statuses prove a deployment happened (the App's bot, the workflow's token). */
  readonly trustedWriters: readonly string[];
  readonly initiator?: string;
  readonly strategy?: string;
  readonly version?: string;
  readonly previousVersion?: string;
  /** Fetch the PR's patches for secret scanning (one more request). */
  readonly withPatches?: boolean;
  /** Leave the policy's teams unread unless the second query runs anyway (see `readDeferredTeams`). */
  readonly deferTeams?: boolean;
}

export interface GatheredEvidence {
  /** The policy file's text on the default branch, or null when there is none. */
  readonly policyText: string | null;
  readonly defaultBranch: string;
  /**
   * The default branch's commit when the policy was read (the same query): files the policy names,
   * such as holiday calendars, are read at it, so they always match the policy that named them.
   */
  readonly policyCommit?: string;
  readonly evidence: Evidence;
  /** The pull request number found, if any. */
  readonly pullNumber?: number;
  /** GitHub requests made. */
  readonly requests: number;
  /** Parts of the query GitHub refused (e.g. a permission the token lacks); those facts are missing. */
  readonly warnings: readonly string[];
  /**
   * What Tollgate's own check runs on this commit show (the latest of each name → its external_id, a
   * digest of its content): an evaluation that would show the same again need not write.
   */
  readonly shownChecks: ReadonlyMap<string, string>;
  /**
   * Whether the App's indelible record (a decision commit status) of the decision a comment gave exists on
   * the commit judged or the PR head: a redelivery finds the deployment record written but not this one
   * when the App stopped between the two.
   */
  readonly hasDecisionStatus: (url: string) => boolean;
  /** The runs the App's bot noted it holds at its protection rule on this commit (see held.ts). */
  readonly held: readonly HeldRun[];
  /** Someone else wrote a held context after the App: its notes are read beneath (held.ts, `heldBeneath`). */
  readonly heldNoteOverwritten: boolean;
  /**
   * Tollgate's deployment records of this commit (with its payload), newest first: reusing one saves a
   * request. All of them unless the evidence lists `deployments` as incomplete.
   */
  readonly records: readonly GatheredRecord[];
  /** The policy's teams left unread (`deferTeams`), with their place in the organization's list. */
  readonly deferredTeams?: FollowUp["teams"];
}

export interface GatheredRecord {
  readonly id: number;
  readonly environment: string;
  readonly createdAt: string;
  /** Who created it, as GraphQL names them (a bot by its slug, see `isActor`). */
  readonly creator: Actor | null;
  readonly payload: DeploymentPayload;
  /** Its latest status, lowercased ("queued", "failure" …), or undefined when it has none. */
  readonly latestState?: string;
  /** Its statuses as read, newest first; `complete` is false when GitHub had more than one page. */
  readonly statuses: { readonly nodes: readonly RecordStatus[]; readonly complete: boolean };
}

export type RecordStatus = NonNullable<DeploymentNode["statuses"]>["nodes"][number];

type Repository = NonNullable<EvidenceResponse["repository"]>;
type Commit = NonNullable<Repository["commit"]>;

export async function gatherEvidence(
  client: GitHubClient,
  request: EvidenceRequest,
): Promise<GatheredEvidence> {
  const { repository, commit, errors } = await readCommit(client, request);
  const incomplete = new Set<string>();
  const pr = pickPullRequest(commit.associatedPullRequests?.nodes ?? [], request);
  let requests = 1;

  // A PR's merge (or squash) commit whose tree is not the head's: its first parent's record decides.
  const merged = mergedFrom(commit, pr);
  const parent = merged && !merged.sameTree ? merged.firstParent : undefined;

  // The second query, only for what the first answer says is needed and within one point.
  const { plan, more, deferredTeams } = await readFollowUp(
    client,
    request,
    { repository, sha: commit.oid, pr, parent },
    incomplete,
    { owner: request.owner, appBot: request.appBot, deferTeams: request.deferTeams === true },
  );
  if (more) {
    requests++;
    errors.push(...more.errors);
  }

  const { files, changes } = await readFiles(client, request, commit.oid, pr, merged);
  requests += files.requests + (changes?.requests ?? 0);

  const checks = checksOf(commit, incomplete);
  const shownChecks = shownChecksOf(commit, request.appBot);
  const ownDeployments = commit.deployments?.nodes ?? [];
  // The App's indelible decision records: on this commit, on the PR head it was merged from, and on the
  // PR's earlier commits read (stale there, like their deployment records).
  const decisionCommits = [{ oid: commit.oid, status: commit.status }, ...(more?.commits ?? [])];
  flagCutDeployments(commit, more, plan, incomplete);

  // In this order, so that what is incomplete is listed as it always was.
  const coAuthors = coAuthorsOf(plan, more?.authors ?? [], incomplete);
  const pull_request = pr ? mapPullRequest(pr, files.files, files.complete, coAuthors, incomplete) : null;
  const teams = teamsOf(more, request.owner, incomplete);
  const security_alerts = securityAlertsOf(repository, incomplete);
  if (errors.length > 0) incomplete.add("query");
  const input: EvidenceInput = {
    repository: repository.nameWithOwner,
    sha: commit.oid,
    ...(request.version !== undefined ? { version: request.version } : {}),
    ...(request.previousVersion !== undefined ? { previous_version: request.previousVersion } : {}),
    ...(request.initiator !== undefined ? { initiator: request.initiator } : {}),
    ...(request.strategy !== undefined ? { strategy: request.strategy } : {}),
    pull_request,
    checks,
    reviews: reviewsOf(pr),
    approvals: decisionsOf(ownDeployments, more, decisionCommits, request.appBot),
    deployments: ownDeployments.flatMap((d) => deploymentOf(d, request)),
    ...(merged
      ? { merge: mergeEvidence(merged, changes, parent ? more?.parent : undefined, plan, request) }
      : {}),
    security_alerts,
    teams,
    permissions: permissionsOf(repository),
    incomplete: [...incomplete],
  };

  return {
    policyText: repository.policy?.text ?? null,
    defaultBranch: repository.defaultBranchRef?.name ?? "main",
    ...(repository.defaultBranchRef?.target ? { policyCommit: repository.defaultBranchRef.target.oid } : {}),
    evidence: evidenceSchema.parse(input),
    ...(pr ? { pullNumber: pr.number } : {}),
    requests,
    warnings: errors,
    shownChecks,
    hasDecisionStatus: (url) =>
      decisionCommits.some((c) => hasDecisionStatus(c.status?.contexts ?? [], url, request.appBot)),
    held: heldRuns(commit.status?.contexts ?? [], request.appBot),
    heldNoteOverwritten: heldNoteOverwritten(commit.status?.contexts ?? [], request.appBot),
    records: recordsOf(ownDeployments),
    ...(deferredTeams ? { deferredTeams } : {}),
  };
}

/**
 * The evidence with the teams `gatherEvidence` left unread (`deferTeams`), read now in one query of
 * their own; the evidence as it was when none were left.
 */
export async function readDeferredTeams(
  client: GitHubClient,
  request: RepositoryRef,
  gathered: Pick<GatheredEvidence, "deferredTeams">,
  evidence: Evidence,
): Promise<{ evidence: Evidence; requests: number }> {
  if (!gathered.deferredTeams?.length) return { evidence, requests: 0 };
  const incomplete = new Set(evidence.incomplete);
  const more = await readTeams(client, request, gathered.deferredTeams, incomplete);
  if (more.errors.length > 0) incomplete.add("query");
  const teams = teamsOf(more, request.owner, incomplete);
  return {
    evidence: { ...evidence, teams: { ...evidence.teams, ...teams }, incomplete: [...incomplete] },
    requests: 1,
  };
}

/** The first query: the repository and the commit judged, or an error naming which is missing. */
async function readCommit(
  client: GitHubClient,
  request: EvidenceRequest,
): Promise<{ repository: Repository; commit: Commit; errors: string[] }> {
  const { data, errors } = await graphqlWithPartialData<EvidenceResponse>(client, EVIDENCE_QUERY, {
    owner: request.owner,
    name: request.repo,
    sha: request.sha,
    policyPath: `HEAD:${request.policyPath}`,
  });
  const repository = data.repository;
  if (!repository)
    throw new Error(`repository ${request.owner}/${request.repo} was not found or is not accessible`);
  const commit = repository.commit;
  if (!commit) throw new Error(`commit ${request.sha} was not found in ${request.owner}/${request.repo}`);
  return { repository, commit, errors };
}

/**
 * The PR's files (with patches when asked for), and, for a merge commit whose tree is not the head's,
 * what it changed compared with what the PR changed.
 */
async function readFiles(
  client: GitHubClient,
  request: EvidenceRequest,
  sha: string,
  pr: PullRequestNode | undefined,
  merged: ReturnType<typeof mergedFrom>,
) {
  const files = await pullFilesOf(client, request, pr, request.withPatches);
  const changes =
    merged && !merged.sameTree && pr ? await mergeChanges(client, request, sha, pr, files.listed) : undefined;
  return { files, changes };
}

/**
 * Flags the deployment lists GitHub cut short: the commit's own, the PR head's it was merged from, and
 * the PR's earlier commits'.
 */
function flagCutDeployments(
  commit: Commit,
  more: FollowUpAnswer | undefined,
  plan: FollowUp | undefined,
  incomplete: Set<string>,
): void {
  if (deploymentsCut(commit)) incomplete.add("deployments");
  for (const c of more?.commits ?? [])
    if (deploymentsCut(c)) incomplete.add(c.oid === plan?.head ? "head_deployments" : "earlier_approvals");
}

/**
 * Approvals and rejections: those on deployments of this commit, of the PR head it was merged from, and
 * of the PR's earlier commits (those are stale, and read only so that the check run can say so), less the
 * withdrawn, with the rejections the indelible records say stand.
 */
function decisionsOf(
  ownDeployments: readonly DeploymentNode[],
  more: FollowUpAnswer | undefined,
  decisionCommits: readonly { oid: string; status: Commit["status"] }[],
  appBot: string,
) {
  const prDeployments = more?.commits.flatMap((c) => c.deployments?.nodes ?? []) ?? [];
  const withApprovals = uniqueById([...ownDeployments, ...prDeployments]);
  return withIndelibleRejections(
    withoutWithdrawn(
      withApprovals.flatMap((d) => approvalsOf(d, appBot)),
      withApprovals,
      appBot,
    ),
    decisionCommits.flatMap((c) => standingRejections(c.status?.contexts ?? [], c.oid, appBot)),
  );
}

/** The policy's teams the follow-up read (`owner/slug` → members); a team with more members than read is flagged. */
function teamsOf(more: FollowUpAnswer | undefined, owner: string, incomplete: Set<string>) {
  return Object.fromEntries(
    (more?.teams ?? []).map((t) => {
      if (t.members.totalCount > t.members.nodes.length) incomplete.add(`team:${t.slug}`);
      return [`${owner}/${t.slug}`.toLowerCase(), t.members.nodes.map((m) => m.login)];
    }),
  );
}

/** Tollgate's deployment records of the commit (those with its payload), newest first. */
function recordsOf(ownDeployments: readonly DeploymentNode[]): GatheredEvidence["records"] {
  const newestFirst = (a: { createdAt: string }, b: { createdAt: string }) =>
    Date.parse(b.createdAt) - Date.parse(a.createdAt);
  return ownDeployments
    .flatMap((d): GatheredRecord[] => {
      const payload = readPayload(d.payload);
      if (d.databaseId === null || !d.environment || !payload) return [];
      const statuses = d.statuses?.nodes ?? [];
      return [
        {
          id: d.databaseId,
          environment: d.environment,
          createdAt: d.createdAt,
          creator: d.creator,
          payload,
          ...(d.latestStatus ? { latestState: d.latestStatus.state.toLowerCase() } : {}),
          statuses: {
            nodes: [...statuses].sort(newestFirst),
            complete: d.statuses !== null && d.statuses.totalCount <= statuses.length,
          },
        },
      ];
    })
    .sort((a, b) => newestFirst(a, b) || b.id - a.id);
}
