/**
 * Gathering evidence from GitHub: the GraphQL query (one request), and, only when a checklist scans the
 * diff for secrets, the PR's files with their patches (one REST request). Everything GitHub says is
 * mapped to the engine's Evidence; nothing is invented, and lists GitHub cut short are marked incomplete.
 */
import { evidenceSchema, type Evidence, type EvidenceInput } from "../readiness/evidence.js";
import { graphqlWithPartialData, type GitHubClient, type RepositoryRef } from "./client.js";
import {
  EVIDENCE_QUERY,
  followUpQuery,
  followUpRequests,
  isActor,
  mayHaveCoAuthors,
  ONE_POINT_REQUESTS,
  type CommitAuthors,
  type CommitDeployments,
  type FollowUp,
  type FollowUpResponse,
  type Actor,
  type DeploymentNode,
  type EvidenceResponse,
  type PullRequestNode,
} from "./evidence-query.js";
import {
  parseDecisionContext,
  parseDescription,
  readPayload,
  statusProof,
  type Writer,
} from "../records/format.js";
import { hasDecisionStatus, standingRejections } from "./decision-status.js";
import { heldRuns, isBookkeepingContext, type HeldRun } from "./held.js";

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
  /** Tollgate's deployment records of this commit (with its payload), newest first: reusing one saves a request. */
  readonly records: readonly {
    readonly id: number;
    readonly environment: string;
    readonly createdAt: string;
    /** Its latest status, lowercased ("queued", "failure" …), or undefined when it has none. */
    readonly latestState?: string;
  }[];
}

export async function gatherEvidence(
  client: GitHubClient,
  request: EvidenceRequest,
): Promise<GatheredEvidence> {
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

  const incomplete = new Set<string>();
  const pr = pickPullRequest(commit.associatedPullRequests?.nodes ?? [], request);
  let requests = 1;

  // A PR's merge (or squash) commit whose tree is not the head's: its first parent's record decides.
  const merged = mergedFrom(commit, pr);
  const parent = merged && !merged.sameTree ? merged.firstParent : undefined;

  // The second query, only for what the first answer says is needed and within one point.
  const plan = followUpPlan(repository, commit.oid, pr, request.owner, incomplete, parent);
  const more = plan ? await followUp(client, request, plan) : undefined;
  if (more) {
    requests++;
    errors.push(...more.errors);
    // A team not found at its cursor (the list changed between the two reads) is missing, and said so.
    for (const team of plan!.teams)
      if (!more.teams.some((t) => t.slug.toLowerCase() === team.slug)) incomplete.add(`team:${team.slug}`);
  }

  let files = pr?.files?.nodes.map((f) => ({ path: f.path })) ?? [];
  let filesComplete = pr ? (pr.files?.totalCount ?? 0) <= files.length : true;
  let prFiles: RestFile[] | undefined;
  if (pr && request.withPatches) {
    const response = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
      owner: request.owner,
      repo: request.repo,
      pull_number: pr.number,
      per_page: 100,
    });
    requests++;
    const listed = response.data as { filename: string; patch?: string }[];
    files = listed.map((f) => ({ path: f.filename, ...(f.patch !== undefined ? { patch: f.patch } : {}) }));
    filesComplete = (pr.files?.totalCount ?? listed.length) <= listed.length;
    prFiles = listed;
  }
  const changes =
    merged && !merged.sameTree && pr
      ? await mergeChanges(client, request, commit.oid, pr, prFiles)
      : undefined;
  if (changes) requests += changes.requests;

  // The App's decision records are commit statuses too, but no check: they neither pass nor fail the
  // policy's checks (whoever wrote them; one that is not the App's is read below as a hidden decision).
  // Nor do its notes of held runs and the scheduled wakes (held.ts), whoever wrote them.
  const rollupNodes = commit.statusCheckRollup?.contexts.nodes ?? [];
  const checkNodes = rollupNodes.filter(
    (node) =>
      node.__typename === "CheckRun" ||
      (!parseDecisionContext(node.context) && !isBookkeepingContext(node.context)),
  );
  const checks = checkNodes.map((node) =>
    node.__typename === "CheckRun"
      ? {
          name: node.name,
          state: checkRunState(node.status, node.conclusion),
          ...(node.detailsUrl ? { url: node.detailsUrl } : {}),
          ...(node.checkSuite?.app?.slug ? { app: node.checkSuite.app.slug } : {}),
        }
      : {
          name: node.context,
          state: statusState(node.state),
          ...(node.targetUrl ? { url: node.targetUrl } : {}),
        },
  );
  if ((commit.statusCheckRollup?.contexts.totalCount ?? 0) > rollupNodes.length) incomplete.add("checks");
  const appSlug = request.appBot.replace(/\[bot\]$/, "");
  const shownChecks = new Map(
    (commit.statusCheckRollup?.contexts.nodes ?? []).flatMap((node) =>
      node.__typename === "CheckRun" && node.externalId && node.checkSuite?.app?.slug === appSlug
        ? [[node.name, node.externalId] as const]
        : [],
    ),
  );

  const ownDeployments = commit.deployments?.nodes ?? [];
  // The App's indelible decision records: on this commit, on the PR head it was merged from, and on the
  // PR's earlier commits read (stale there, like their deployment records).
  const decisionCommits = [{ oid: commit.oid, status: commit.status }, ...(more?.commits ?? [])];
  // Approvals live on deployments of this commit, of the PR head it was merged from, and of the PR's
  // earlier commits (those are stale, and read only so that the check run can say so).
  const prDeployments = more?.commits.flatMap((c) => c.deployments?.nodes ?? []) ?? [];
  const withApprovals = uniqueById([...ownDeployments, ...prDeployments]);
  if ((commit.deployments?.totalCount ?? 0) > ownDeployments.length) incomplete.add("deployments");
  for (const d of ownDeployments)
    if ((d.statuses?.totalCount ?? 0) > (d.statuses?.nodes.length ?? 0)) incomplete.add("deployments");
  for (const c of more?.commits ?? []) {
    const listed = c.deployments?.nodes ?? [];
    const cut =
      (c.deployments?.totalCount ?? 0) > listed.length ||
      listed.some((d) => (d.statuses?.totalCount ?? 0) > (d.statuses?.nodes.length ?? 0));
    if (cut) incomplete.add(c.oid === plan?.head ? "head_deployments" : "earlier_approvals");
  }

  const input: EvidenceInput = {
    repository: repository.nameWithOwner,
    sha: commit.oid,
    ...(request.version !== undefined ? { version: request.version } : {}),
    ...(request.previousVersion !== undefined ? { previous_version: request.previousVersion } : {}),
    ...(request.initiator !== undefined ? { initiator: request.initiator } : {}),
    ...(request.strategy !== undefined ? { strategy: request.strategy } : {}),
    pull_request: pr
      ? mapPullRequest(
          pr,
          files,
          filesComplete,
          coAuthorsOf(plan, more?.authors ?? [], incomplete),
          incomplete,
        )
      : null,
    checks,
    reviews: (pr?.reviews?.nodes ?? []).flatMap((r) =>
      r.author && r.commit && r.submittedAt && isReviewState(r.state)
        ? [{ author: r.author.login, state: r.state, commit_sha: r.commit.oid, submitted_at: r.submittedAt }]
        : [],
    ),
    approvals: withIndelibleRejections(
      withoutWithdrawn(
        withApprovals.flatMap((d) => approvalsOf(d, request.appBot)),
        withApprovals,
        request.appBot,
      ),
      decisionCommits.flatMap((c) => standingRejections(c.status?.contexts ?? [], c.oid, request.appBot)),
    ),
    deployments: ownDeployments.flatMap((d) => deploymentOf(d, request)),
    ...(merged
      ? { merge: mergeEvidence(merged, changes, parent ? more?.parent : undefined, plan, request) }
      : {}),
    security_alerts: (repository.vulnerabilityAlerts?.nodes ?? []).flatMap((a) =>
      a.securityVulnerability
        ? [
            {
              source: "dependabot" as const,
              severity: severityOf(a.securityVulnerability.severity),
              summary: a.securityVulnerability.advisory.summary,
            },
          ]
        : [],
    ),
    teams: Object.fromEntries(
      (more?.teams ?? []).map((t) => {
        if (t.members.totalCount > t.members.nodes.length) incomplete.add(`team:${t.slug}`);
        return [`${request.owner}/${t.slug}`.toLowerCase(), t.members.nodes.map((m) => m.login)];
      }),
    ),
    permissions: Object.fromEntries(
      (repository.collaborators?.edges ?? []).map((e) => [e.node.login, permissionOf(e.permission)]),
    ),
    incomplete: [],
  };
  if ((repository.vulnerabilityAlerts?.totalCount ?? 0) > (repository.vulnerabilityAlerts?.nodes.length ?? 0))
    incomplete.add("security_alerts");
  if (errors.length > 0) incomplete.add("query");
  input.incomplete = [...incomplete];

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
    records: ownDeployments
      .flatMap((d) =>
        d.databaseId !== null && d.environment && readPayload(d.payload)
          ? [
              {
                id: d.databaseId,
                environment: d.environment,
                createdAt: d.createdAt,
                ...(d.latestStatus ? { latestState: d.latestStatus.state.toLowerCase() } : {}),
              },
            ]
          : [],
      )
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt)),
  };
}

/** Teams named in a policy (`@org/team`), as written; only the repository owner's are looked up. */
export function namedTeams(policyText: string | null, owner: string): string[] {
  if (!policyText) return [];
  const found = new Set<string>();
  for (const match of policyText.matchAll(/@([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9][A-Za-z0-9_.-]*)/g))
    if (match[1]!.toLowerCase() === owner.toLowerCase()) found.add(match[2]!.toLowerCase());
  return [...found];
}

/**
 * What the follow-up query must read, or undefined when the first answer holds everything: the named
 * teams (by cursor), the PR head's deployments when the commit is its merge commit, the authors of the
 * PR's commits whose message may name co-authors (who may not approve), then as many of the PR's earlier
 * commits (newest first) as one point pays for; those left out are flagged.
 */
function followUpPlan(
  repository: NonNullable<EvidenceResponse["repository"]>,
  sha: string,
  pr: PullRequestNode | undefined,
  owner: string,
  incomplete: Set<string>,
  parent: string | undefined,
): FollowUp | undefined {
  const listed = repository.owner.teams;
  const edges = listed?.edges ?? [];
  const teams: { slug: string; after: string | null }[] = [];
  for (const slug of namedTeams(repository.policy?.text ?? null, owner)) {
    const at = edges.findIndex((e) => e.node.slug.toLowerCase() === slug);
    if (at >= 0) teams.push({ slug, after: at === 0 ? null : edges[at - 1]!.cursor });
    else if (listed && listed.totalCount > edges.length) incomplete.add(`team:${slug}`);
  }
  const head = pr && pr.headRefOid !== sha ? pr.headRefOid : undefined;
  let plan: FollowUp = { teams: [], ...(head ? { head } : {}), earlier: [] };
  // Teams first (they decide who may approve), within the budget.
  const fitting: typeof teams = [];
  for (const team of teams) {
    if (followUpRequests({ ...plan, teams: [...fitting, team] }) > ONE_POINT_REQUESTS)
      incomplete.add(`team:${team.slug}`);
    else fitting.push(team);
  }
  // Then a merge's first parent, whose verified success or approvals may let the head's approvals cover it.
  // When it does not fit, it is not read, and the merge is covered only if it needs no such record.
  if (parent && followUpRequests({ ...plan, teams: fitting, parent }) <= ONE_POINT_REQUESTS)
    plan = { ...plan, parent };
  const coAuthored: string[] = [];
  for (const { commit } of pr?.commits.nodes ?? []) {
    if (!mayHaveCoAuthors(commit.message)) continue;
    const next = { ...plan, teams: fitting, coAuthored: [...coAuthored, commit.oid] };
    if (followUpRequests(next) > ONE_POINT_REQUESTS) incomplete.add("co_authors");
    else coAuthored.push(commit.oid);
  }
  const candidates = (pr?.commits.nodes ?? [])
    .map((n) => n.commit.oid)
    .filter((oid) => oid !== sha && oid !== pr?.headRefOid)
    .reverse();
  const earlier: string[] = [];
  for (const oid of candidates) {
    if (
      followUpRequests({ ...plan, teams: fitting, coAuthored, earlier: [...earlier, oid] }) >
      ONE_POINT_REQUESTS
    )
      break;
    earlier.push(oid);
  }
  if (earlier.length < candidates.length || (pr && pr.commits.totalCount > pr.commits.nodes.length))
    incomplete.add("earlier_approvals");
  const final: FollowUp = { ...plan, teams: fitting, earlier, coAuthored };
  return final.teams.length > 0 ||
    final.head ||
    final.parent ||
    final.earlier.length > 0 ||
    coAuthored.length > 0
    ? final
    : undefined;
}

async function followUp(
  client: GitHubClient,
  request: EvidenceRequest,
  plan: FollowUp,
): Promise<{
  teams: { slug: string; members: { totalCount: number; nodes: { login: string }[] } }[];
  commits: CommitDeployments[];
  parent: CommitDeployments | undefined;
  authors: CommitAuthors[];
  errors: string[];
}> {
  const { query, variables } = followUpQuery(plan);
  const { data, errors } = await graphqlWithPartialData<FollowUpResponse>(client, query, {
    owner: request.owner,
    name: request.repo,
    ...variables,
  });
  const repository = data.repository;
  const teams = plan.teams.flatMap((t, i) => {
    // The team at the cursor must be the one asked for: a team created meanwhile shifts the list.
    const team = repository?.owner?.[`t${i}`]?.nodes[0];
    return team && team.slug.toLowerCase() === t.slug ? [team] : [];
  });
  const commits = ["head", ...plan.earlier.map((_, i) => `c${i}`)].flatMap((alias) => {
    const c = repository?.[alias] as CommitDeployments | null | undefined;
    return c ? [c] : [];
  });
  const parent = plan.parent
    ? ((repository?.["parent"] as CommitDeployments | null | undefined) ?? undefined)
    : undefined;
  const authors = (plan.coAuthored ?? []).flatMap((oid, i) => {
    const c = repository?.[`a${i}`] as CommitAuthors | null | undefined;
    return c && c.oid === oid ? [c] : [];
  });
  return { teams, commits, parent, authors, errors };
}

interface RestFile {
  filename: string;
  status?: string;
  sha?: string | null;
  previous_filename?: string;
  patch?: string;
}

/** The commit is this PR's merge (or squash) commit, not its head: its first parent and whether its tree is the head's. */
function mergedFrom(
  commit: NonNullable<NonNullable<EvidenceResponse["repository"]>["commit"]>,
  pr: PullRequestNode | undefined,
): { firstParent: string; sameTree: boolean } | undefined {
  if (!pr || !pr.mergedAt || pr.headRefOid === commit.oid || pr.mergeCommit?.oid !== commit.oid)
    return undefined;
  const firstParent = commit.parents?.nodes[0]?.oid;
  if (!firstParent) return undefined;
  const headTree = pr.commits.nodes.find((n) => n.commit.oid === pr.headRefOid)?.commit.tree?.oid;
  return { firstParent, sameTree: headTree !== undefined && commit.tree?.oid === headTree };
}

/** Paths with their content after the change (null: removed); a rename removes the old path. */
function asChanges(files: readonly RestFile[]): { path: string; blob: string | null }[] {
  return files.flatMap((f) => [
    ...(f.status === "renamed" && f.previous_filename ? [{ path: f.previous_filename, blob: null }] : []),
    { path: f.filename, blob: f.status === "removed" || !f.sha ? null : f.sha },
  ]);
}

/** GitHub lists at most 300 files of a commit on one page. */
const COMMIT_FILES_PAGE = 300;

/**
 * What the merge commit changed against its first parent (REST: a commit's files are its diff against
 * its first parent) and the PR's own files at its head, to compare them; two requests at most (one when
 * the PR's files were read already). A list GitHub cut short, or a refusal, leaves them incomplete.
 */
async function mergeChanges(
  client: GitHubClient,
  request: EvidenceRequest,
  sha: string,
  pr: PullRequestNode,
  prFiles: RestFile[] | undefined,
): Promise<{
  changes?: { path: string; blob: string | null }[];
  approved?: { path: string; blob: string | null }[];
  complete: boolean;
  requests: number;
}> {
  let requests = 0;
  try {
    requests++;
    const { data } = await client.request("GET /repos/{owner}/{repo}/commits/{ref}", {
      owner: request.owner,
      repo: request.repo,
      ref: sha,
    });
    const files = ((data as { files?: RestFile[] }).files ?? []) as RestFile[];
    let approvedFiles = prFiles;
    if (!approvedFiles) {
      requests++;
      const response = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
        owner: request.owner,
        repo: request.repo,
        pull_number: pr.number,
        per_page: 100,
      });
      approvedFiles = response.data as RestFile[];
    }
    const complete =
      files.length < COMMIT_FILES_PAGE &&
      (pr.files?.totalCount ?? approvedFiles.length) <= approvedFiles.length;
    return { changes: asChanges(files), approved: asChanges(approvedFiles), complete, requests };
  } catch {
    return { complete: false, requests };
  }
}

function mergeEvidence(
  merged: { firstParent: string; sameTree: boolean },
  changes: Awaited<ReturnType<typeof mergeChanges>> | undefined,
  parent: CommitDeployments | undefined,
  plan: FollowUp | undefined,
  request: EvidenceRequest,
) {
  const deployments = parent?.deployments?.nodes ?? [];
  const complete =
    parent !== undefined &&
    (parent.deployments?.totalCount ?? 0) <= deployments.length &&
    deployments.every((d) => (d.statuses?.totalCount ?? 0) <= (d.statuses?.nodes.length ?? 0));
  return {
    first_parent: merged.firstParent,
    same_tree_as_head: merged.sameTree,
    ...(changes?.changes ? { changes: changes.changes } : {}),
    ...(changes?.approved ? { approved_changes: changes.approved } : {}),
    changes_complete: changes?.complete ?? merged.sameTree,
    first_parent_deployments: deployments
      .flatMap((d) => deploymentOf(d, request))
      .map(({ environment, state, succeeded_at }) => ({
        environment,
        state,
        ...(succeeded_at ? { succeeded_at } : {}),
      })),
    first_parent_approvals: withoutWithdrawn(
      deployments.flatMap((d) => approvalsOf(d, request.appBot)),
      deployments,
      request.appBot,
    ),
    first_parent_complete: complete && plan?.parent === merged.firstParent,
  };
}

function uniqueById(deployments: readonly DeploymentNode[]): DeploymentNode[] {
  const seen = new Set<number | null>();
  return deployments.filter((d) => {
    if (d.databaseId !== null && seen.has(d.databaseId)) return false;
    seen.add(d.databaseId);
    return true;
  });
}

/**
 * The PR the commit belongs to: the one named, else the one whose head or merge commit it is. Never
 * merely "a PR containing it": an intermediate commit of a merged PR, or a commit of the default branch
 * that several PRs contain, was approved by no one, and must not borrow a PR's approvals or its body.
 */
function pickPullRequest(
  prs: readonly PullRequestNode[],
  request: EvidenceRequest,
): PullRequestNode | undefined {
  const isOf = (p: PullRequestNode) => p.headRefOid === request.sha || p.mergeCommit?.oid === request.sha;
  return (
    prs.find((p) => p.number === request.pullNumber && isOf(p)) ??
    prs.find((p) => p.headRefOid === request.sha) ??
    prs.find((p) => p.mergeCommit?.oid === request.sha)
  );
}

/**
 * The co-authors GitHub linked to users on the commits the follow-up read (the git author, listed
 * first, is already among the commit authors); a commit asked for but not answered, or with more
 * authors than read, leaves the co-authors incomplete.
 */
function coAuthorsOf(
  plan: FollowUp | undefined,
  answered: readonly CommitAuthors[],
  incomplete: Set<string>,
): string[] {
  const found = new Set<string>();
  for (const oid of plan?.coAuthored ?? []) {
    const c = answered.find((a) => a.oid === oid);
    if (!c?.authors || c.authors.totalCount > c.authors.nodes.length) incomplete.add("co_authors");
    for (const person of c?.authors?.nodes.slice(1) ?? []) if (person.user) found.add(person.user.login);
  }
  return [...found];
}

/** The account a commit's valid signature proves; never GitHub's own signature on someone's behalf. */
function signerOf(commit: PullRequestNode["commits"]["nodes"][number]["commit"]): string | undefined {
  const s = commit.signature;
  return s?.isValid && !s.wasSignedByGitHub && s.signer ? s.signer.login : undefined;
}

function mapPullRequest(
  pr: PullRequestNode,
  files: { path: string; patch?: string }[],
  filesComplete: boolean,
  coAuthors: readonly string[],
  incomplete: Set<string>,
) {
  if ((pr.reviews?.totalCount ?? 0) > (pr.reviews?.nodes.length ?? 0)) incomplete.add("reviews");
  if (pr.commits.totalCount > pr.commits.nodes.length) incomplete.add("commits");
  if (!pr.forcePushes || pr.forcePushes.totalCount > pr.forcePushes.nodes.length) incomplete.add("pushers");
  const authors = new Set<string>();
  for (const { commit } of pr.commits.nodes) {
    for (const person of [commit.author?.user, commit.committer?.user]) {
      // GitHub commits its web merges as "web-flow"; that is not a person on the change.
      if (person && person.login !== "web-flow") authors.add(person.login);
    }
  }
  const pushers = new Set<string>();
  for (const event of pr.forcePushes?.nodes ?? [])
    if (event?.actor)
      pushers.add(event.actor.__typename === "Bot" ? `${event.actor.login}[bot]` : event.actor.login);
  const readyAt = pr.timelineItems.nodes.find((n) => n?.createdAt)?.createdAt ?? pr.createdAt;
  return {
    number: pr.number,
    title: pr.title,
    author: pr.author?.login ?? "ghost",
    body: pr.body,
    labels: pr.labels?.nodes.map((l) => l.name) ?? [],
    draft: pr.isDraft,
    head_sha: pr.headRefOid,
    ready_at: readyAt,
    ...(pr.mergedAt ? { merged_at: pr.mergedAt } : {}),
    commit_authors: [...authors],
    co_authors: coAuthors.filter((login) => login !== "web-flow"),
    pushers: [...pushers],
    commits: pr.commits.nodes.map(({ commit }) => {
      const signer = signerOf(commit);
      return { sha: commit.oid, ...(signer ? { signed_by: signer } : {}) };
    }),
    files,
    files_complete: filesComplete,
  };
}

/**
 * Approvals and rejections: only statuses written by the Tollgate App's bot, bound to their deployment's
 * commit (a deployment's SHA never changes) and to the environment the status itself recorded. The
 * deployment's current environment is not read: any status writer can move a deployment elsewhere.
 */
function approvalsOf(deployment: DeploymentNode, appBot: string) {
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
 * What a deployment proves, per environment its statuses recorded themselves (never its current
 * environment, which any status writer can change): the latest outcome among the statuses that prove
 * something (`statusProof`: a success only as the App's verified record), else the latest progress.
 * A deployment with no such status is listed as pending, so it can be seen but never counts.
 */
/**
 * The union of the deployment records' decisions and the rejections the indelible records say stand, one
 * per comment (the deployment record's when both hold it): deleting a deployment erases no rejection.
 */
function withIndelibleRejections<T extends { url?: string }, R extends { url?: string }>(
  fromDeployments: T[],
  standing: R[],
): (T | R)[] {
  const urls = new Set(fromDeployments.flatMap((a) => (a.url ? [a.url] : [])));
  return [...fromDeployments, ...standing.filter((r) => r.url === undefined || !urls.has(r.url))];
}

/** Approvals whose comment was deleted no longer count: the App recorded their withdrawal (same `log_url`). */
function withoutWithdrawn<T extends { decision: string; url?: string }>(
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

function deploymentOf(
  deployment: DeploymentNode,
  request: EvidenceRequest,
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

function writerOf(creator: Actor | null, request: EvidenceRequest): Writer {
  if (isActor(creator, request.appBot)) return "app";
  return request.trustedWriters.some((writer) => isActor(creator, writer)) ? "workflow" : "other";
}

type DeploymentState = "success" | "failure" | "error" | "in_progress" | "queued" | "pending" | "inactive";
function checkRunState(status: string, conclusion: string | null) {
  if (status !== "COMPLETED") return "pending" as const;
  switch (conclusion) {
    case "SUCCESS":
      return "success" as const;
    case "NEUTRAL":
      return "neutral" as const;
    case "SKIPPED":
      return "skipped" as const;
    default:
      // failure, cancelled, timed_out, action_required, stale, startup_failure: none of them is a pass.
      return "failure" as const;
  }
}

function statusState(state: string) {
  switch (state) {
    case "SUCCESS":
      return "success" as const;
    case "FAILURE":
      return "failure" as const;
    case "ERROR":
      return "error" as const;
    default:
      return "pending" as const;
  }
}

const isReviewState = (
  state: string,
): state is "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" =>
  ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"].includes(state);

function severityOf(severity: string): "critical" | "high" | "medium" | "low" {
  switch (severity) {
    case "CRITICAL":
      return "critical";
    case "HIGH":
      return "high";
    case "LOW":
      return "low";
    default:
      return "medium";
  }
}

function permissionOf(permission: string): "admin" | "maintain" | "write" | "triage" | "read" {
  const roles = {
    ADMIN: "admin",
    MAINTAIN: "maintain",
    WRITE: "write",
    TRIAGE: "triage",
    READ: "read",
  } as const;
  return roles[permission as keyof typeof roles] ?? "read";
}
