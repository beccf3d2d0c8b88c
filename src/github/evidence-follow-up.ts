/**
 * The evidence query's follow-up: what the first answer says is still needed (the policy's teams, the
 * PR head's and earlier commits' deployments, a merge's first parent, co-authors), read in a second
 * query that stays within one point; whatever does not fit is flagged incomplete, never guessed.
 */
import { graphqlWithPartialData, type GitHubClient, type RepositoryRef } from "./client.js";
import { DECISION_CONTEXT_PREFIX } from "../records/format.js";
import {
  followUpQuery,
  isActor,
  followUpRequests,
  mayHaveCoAuthors,
  ONE_POINT_REQUESTS,
  type CommitAuthors,
  type CommitDeployments,
  type EvidenceResponse,
  type FollowUp,
  type FollowUpResponse,
  type PullRequestNode,
} from "./evidence-query.js";

export interface FollowUpAnswer {
  teams: { slug: string; members: { totalCount: number; nodes: { login: string }[] } }[];
  commits: CommitDeployments[];
  parent: CommitDeployments | undefined;
  authors: CommitAuthors[];
  errors: string[];
}

/**
 * The follow-up, when the first answer calls for one: its plan and GitHub's answer. A team not found at
 * its cursor (the list changed between the two reads) is missing, and said so.
 */
export async function readFollowUp(
  client: GitHubClient,
  request: RepositoryRef,
  first: {
    repository: NonNullable<EvidenceResponse["repository"]>;
    sha: string;
    pr: PullRequestNode | undefined;
    parent: string | undefined;
  },
  incomplete: Set<string>,
  options: FollowUpOptions,
): Promise<{ plan?: FollowUp; more?: FollowUpAnswer; deferredTeams?: FollowUp["teams"] }> {
  const plan = followUpPlan(first.repository, first.sha, first.pr, incomplete, first.parent, options);
  if (!plan) return {};
  const { teams, ...rest } = plan;
  const teamsOnly = !rest.head && !rest.parent && rest.earlier.length === 0 && !rest.coAuthored?.length;
  if (options.deferTeams && teamsOnly) return { deferredTeams: teams };
  const more = await queryFollowUp(client, request, plan);
  flagTeamsNotFound(teams, more.teams, incomplete);
  return { plan, more };
}

export interface FollowUpOptions {
  /** The repository's owner: only its teams are looked up. */
  readonly owner: string;
  /** The App's bot: an earlier commit is read only where its decision records are. */
  readonly appBot: string;
  /**
   * Leave the teams unread when nothing else calls for the second query: the caller reads them with
   * `readTeams` only if a decision turns out to ask who is in them.
   */
  readonly deferTeams?: boolean;
}

/** The members of teams a follow-up plan found, read on their own (one point). */
export async function readTeams(
  client: GitHubClient,
  request: RepositoryRef,
  teams: FollowUp["teams"],
  incomplete: Set<string>,
): Promise<FollowUpAnswer> {
  const more = await queryFollowUp(client, request, { teams, earlier: [] });
  flagTeamsNotFound(teams, more.teams, incomplete);
  return more;
}

function flagTeamsNotFound(
  asked: FollowUp["teams"],
  found: FollowUpAnswer["teams"],
  incomplete: Set<string>,
): void {
  for (const team of asked)
    if (!found.some((t) => t.slug.toLowerCase() === team.slug)) incomplete.add(`team:${team.slug}`);
}

/**
 * Whether the App's bot wrote a decision record (an approval or a rejection, see decision-status.ts) on
 * a commit: only such an earlier commit can hold approvals to show as stale, or a standing rejection.
 */
function judgedByApp(commit: PullRequestNode["commits"]["nodes"][number]["commit"], appBot: string): boolean {
  return (commit.status?.contexts ?? []).some(
    (c) => c.context.startsWith(DECISION_CONTEXT_PREFIX) && isActor(c.creator, appBot),
  );
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
 * commits the App judged (newest first) as one point pays for; those left out are flagged.
 */
function followUpPlan(
  repository: NonNullable<EvidenceResponse["repository"]>,
  sha: string,
  pr: PullRequestNode | undefined,
  incomplete: Set<string>,
  parent: string | undefined,
  { owner, appBot }: FollowUpOptions,
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
    .filter((n) => judgedByApp(n.commit, appBot))
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

async function queryFollowUp(
  client: GitHubClient,
  request: RepositoryRef,
  plan: FollowUp,
): Promise<FollowUpAnswer> {
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
