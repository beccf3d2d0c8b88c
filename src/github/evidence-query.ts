/**
 * The GraphQL queries behind a readiness evaluation, priced by GitHub's formula (requests to fill every
 * connection ÷ 100, at least 1 point; nodes = product of first/last down each path) so that one evaluation
 * costs at most 2 points and 50,000 nodes whatever the repository's size:
 *
 * - `EVIDENCE_QUERY` (1 point): the policy from the default branch, the commit's checks, its deployments
 *   with their statuses (where approvals are recorded), its pull requests (labels, body, files, commits,
 *   reviews), open Dependabot alerts, collaborators' roles and the organization's team slugs.
 * - `followUpQuery(...)` (1 point, only when needed): what depends on the first answer — members of the
 *   teams the policy names (found by their cursor in the team list), the PR head's deployments when the
 *   commit is the PR's merge commit, its first parent's deployments when the merge's tree is not the
 *   head's (see `approvalCoverage`), and the deployments of the PR's earlier commits, read one commit per
 *   alias (no pages nested in pages of commits), as many as the budget allows; beyond that the evidence
 *   says it is incomplete.
 *
 * Lists over a page are flagged as incomplete, never guessed. Tests validate both against GitHub's schema.
 */
const STATUSES = `statuses(first: 100) {
      totalCount
      nodes { state description createdAt logUrl environment creator { __typename login } }
    }`;
const DEPLOYMENTS = `
  nodes {
    databaseId
    environment
    commitOid
    createdAt
    creator { __typename login }
    payload
    latestStatus { state createdAt }
    ${STATUSES}
  }`;

/**
 * The commit's latest status per context (a plain list, not a connection: GitHub charges nothing for it),
 * where the App's indelible decision records are (records.ts `decisionContext`).
 */
const DECISION_STATUSES = `status { contexts { context state description targetUrl createdAt creator { __typename login } } }`;

/**
 * Deployments read per commit: the judged commit and the PR head in full, a merge commit's first
 * parent enough to find its verified success or approvals, earlier commits a few.
 */
export const COMMIT_DEPLOYMENTS = 100;
export const FIRST_PARENT_DEPLOYMENTS = 20;
export const EARLIER_COMMIT_DEPLOYMENTS = 5;
/** Force-pushes read per PR (who made them may not approve); beyond that the evidence is incomplete. */
export const FORCE_PUSHES = 100;
/** People read per co-authored commit: its git author and Co-authored-by trailers. */
export const COMMIT_AUTHORS = 10;
/**
 * Whether GitHub may read co-authors from a commit message: any "Co-authored-by" at all, so that every
 * trailer GitHub recognises is fetched (the follow-up reads the commit's `authors` only for these).
 */
export const mayHaveCoAuthors = (message: string): boolean => /co-authored-by/i.test(message);
/** Requests GitHub charges 1 point for: up to 149 (149 ÷ 100 rounds to 1). */
export const ONE_POINT_REQUESTS = 149;

export const EVIDENCE_QUERY = `
query TollgateEvidence($owner: String!, $name: String!, $sha: GitObjectID!, $policyPath: String!) {
  rateLimit { cost remaining }
  repository(owner: $owner, name: $name) {
    nameWithOwner
    defaultBranchRef { name target { oid } }
    policy: object(expression: $policyPath) { ... on Blob { text oid } }
    owner {
      __typename
      ... on Organization { teams(first: 100) { totalCount edges { cursor node { slug } } } }
    }
    collaborators(first: 100) { totalCount edges { permission node { login } } }
    vulnerabilityAlerts(first: 100, states: [OPEN]) {
      totalCount
      nodes { securityVulnerability { severity advisory { summary } } }
    }
    commit: object(oid: $sha) {
      ... on Commit {
        oid
        tree { oid }
        parents(first: 2) { totalCount nodes { oid } }
        statusCheckRollup {
          contexts(first: 100) {
            totalCount
            nodes {
              __typename
              ... on CheckRun { name status conclusion detailsUrl externalId checkSuite { app { slug } } }
              ... on StatusContext { context state targetUrl }
            }
          }
        }
        deployments(first: ${COMMIT_DEPLOYMENTS}) { totalCount ${DEPLOYMENTS} }
        ${DECISION_STATUSES}
        associatedPullRequests(first: 5) {
          nodes {
            number
            title
            body
            isDraft
            createdAt
            mergedAt
            headRefOid
            mergeCommit { oid }
            author { login }
            labels(first: 100) { totalCount nodes { name } }
            files(first: 100) { totalCount nodes { path } }
            commits(last: 100) {
              totalCount
              nodes {
                commit {
                  oid
                  tree { oid }
                  message
                  author { user { login } }
                  committer { user { login } }
                  signature { isValid wasSignedByGitHub signer { login } }
                  status { contexts { context creator { __typename login } } }
                }
              }
            }
            reviews(first: 100) {
              totalCount
              nodes { author { login } state submittedAt commit { oid } }
            }
            timelineItems(last: 1, itemTypes: [READY_FOR_REVIEW_EVENT]) {
              nodes { ... on ReadyForReviewEvent { createdAt } }
            }
            forcePushes: timelineItems(last: ${FORCE_PUSHES}, itemTypes: [HEAD_REF_FORCE_PUSHED_EVENT]) {
              totalCount
              nodes { ... on HeadRefForcePushedEvent { actor { __typename login } } }
            }
          }
        }
      }
    }
  }
}`;

/** What the second query asks for; every part optional. */
export interface FollowUp {
  /** Teams the policy names, each with the cursor of the team listed before it (null: the first). */
  readonly teams: readonly { readonly slug: string; readonly after: string | null }[];
  /** The PR head, when it is not the commit judged (a merge commit). */
  readonly head?: string;
  /** The merge commit's first parent, when the merge's tree differs from the head's. */
  readonly parent?: string;
  /** Earlier commits of the PR whose approvals are read (to be shown as stale). */
  readonly earlier: readonly string[];
  /** Commits of the PR whose authors (git author and Co-authored-by trailers) are read. */
  readonly coAuthored?: readonly string[];
}

/** GitHub's request count for a follow-up query (before ÷ 100), by the same rule the sandbox applies. */
export function followUpRequests(f: FollowUp): number {
  return (
    f.teams.length * 2 +
    (f.head ? 1 + COMMIT_DEPLOYMENTS : 0) +
    (f.parent ? 1 + FIRST_PARENT_DEPLOYMENTS : 0) +
    f.earlier.length * (1 + EARLIER_COMMIT_DEPLOYMENTS) +
    (f.coAuthored?.length ?? 0)
  );
}

/**
 * The second query: aliases `t0…` (teams), `head`, `parent` (a merge's first parent), `c0…` (earlier
 * commits), `a0…` (co-authored commits), all values as variables.
 */
export function followUpQuery(f: FollowUp): { query: string; variables: Record<string, unknown> } {
  const variables: Record<string, unknown> = {};
  const params: string[] = ["$owner: String!", "$name: String!"];
  const teams = f.teams.map((t, i) => {
    params.push(`$t${i}: String`);
    variables[`t${i}`] = t.after;
    return `t${i}: teams(first: 1, after: $t${i}) { nodes { slug members(first: 100) { totalCount nodes { login } } } }`;
  });
  const commits: string[] = [];
  const commit = (alias: string, oid: string, first: number) => {
    params.push(`$${alias}: GitObjectID!`);
    variables[alias] = oid;
    commits.push(
      `${alias}: object(oid: $${alias}) { ... on Commit { oid ${DECISION_STATUSES} deployments(first: ${first}) { totalCount ${DEPLOYMENTS} } } }`,
    );
  };
  if (f.head) commit("head", f.head, COMMIT_DEPLOYMENTS);
  if (f.parent) commit("parent", f.parent, FIRST_PARENT_DEPLOYMENTS);
  f.earlier.forEach((oid, i) => commit(`c${i}`, oid, EARLIER_COMMIT_DEPLOYMENTS));
  (f.coAuthored ?? []).forEach((oid, i) => {
    params.push(`$a${i}: GitObjectID!`);
    variables[`a${i}`] = oid;
    commits.push(
      `a${i}: object(oid: $a${i}) { ... on Commit { oid authors(first: ${COMMIT_AUTHORS}) { totalCount nodes { user { login } } } } }`,
    );
  });
  const query = `
query TollgateEvidenceMore(${params.join(", ")}) {
  rateLimit { cost remaining }
  repository(owner: $owner, name: $name) {
    ${teams.length > 0 ? `owner { ... on Organization { ${teams.join(" ")} } }` : ""}
    ${commits.join("\n    ")}
  }
}`;
  return { query, variables };
}

/** GraphQL shows a GitHub App's bot by its slug ("tollgate"), REST by its login ("tollgate[bot]"). */
export interface Actor {
  __typename?: string;
  login: string;
}

/** Whether a GraphQL actor is the account REST knows as `login`; a user named like a bot's slug is not the bot. */
export function isActor(actor: Actor | null, login: string): boolean {
  if (!actor) return false;
  if (login.endsWith("[bot]"))
    return actor.__typename === "Bot" && (actor.login === login || `${actor.login}[bot]` === login);
  return actor.__typename !== "Bot" && actor.login.toLowerCase() === login.toLowerCase();
}

/** The login REST gives an actor GraphQL named: a bot's with "[bot]" (GraphQL gives its slug alone). */
export function writerLogin(actor: Actor): string {
  return actor.__typename === "Bot" && !actor.login.endsWith("[bot]") ? `${actor.login}[bot]` : actor.login;
}

/** A commit's latest status per context, as GraphQL's `Commit.status.contexts` gives it. */
export interface StatusContextNode {
  readonly context: string;
  readonly state: string;
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly createdAt: string;
  readonly creator: Actor | null;
}

export interface DeploymentNode {
  databaseId: number | null;
  environment: string | null;
  commitOid: string;
  createdAt: string;
  creator: Actor | null;
  payload: string | null;
  latestStatus: { state: string; createdAt: string } | null;
  statuses: {
    totalCount: number;
    nodes: {
      state: string;
      description: string | null;
      createdAt: string;
      logUrl: string | null;
      /** The deployment's environment when this status was written: the status's own, unchangeable. */
      environment: string | null;
      creator: Actor | null;
    }[];
  } | null;
}

export interface PullRequestNode {
  number: number;
  title: string;
  body: string;
  isDraft: boolean;
  createdAt: string;
  mergedAt: string | null;
  headRefOid: string;
  mergeCommit: { oid: string } | null;
  author: { login: string } | null;
  labels: { totalCount: number; nodes: { name: string }[] } | null;
  files: { totalCount: number; nodes: { path: string }[] } | null;
  commits: {
    totalCount: number;
    nodes: {
      commit: {
        oid: string;
        tree?: { oid: string } | null;
        message: string;
        author: { user: { login: string } | null } | null;
        committer: { user: { login: string } | null } | null;
        signature: {
          isValid: boolean;
          wasSignedByGitHub: boolean;
          signer: { login: string } | null;
        } | null;
        /** Its statuses' contexts and writers: where the App's decision records show it was judged. */
        status?: { contexts: { context: string; creator: Actor | null }[] } | null;
      };
    }[];
  };
  reviews: {
    totalCount: number;
    nodes: {
      author: { login: string } | null;
      state: string;
      submittedAt: string | null;
      commit: { oid: string } | null;
    }[];
  } | null;
  timelineItems: { nodes: ({ createdAt?: string } | null)[] };
  forcePushes: { totalCount: number; nodes: ({ actor?: Actor | null } | null)[] } | null;
}

/** A commit's authors as the follow-up reads them (alias `a0…`). */
export interface CommitAuthors {
  oid: string;
  authors: { totalCount: number; nodes: { user: { login: string } | null }[] } | null;
}

export interface CommitDeployments {
  oid: string;
  status: { contexts: StatusContextNode[] } | null;
  deployments: { totalCount: number; nodes: DeploymentNode[] } | null;
}

export interface FollowUpResponse {
  rateLimit: { cost: number; remaining: number } | null;
  repository: {
    owner?: Record<
      string,
      { nodes: { slug: string; members: { totalCount: number; nodes: { login: string }[] } }[] } | undefined
    >;
    [alias: string]: unknown;
  } | null;
}

export interface EvidenceResponse {
  rateLimit: { cost: number; remaining: number } | null;
  repository: {
    nameWithOwner: string;
    defaultBranchRef: { name: string; target: { oid: string } | null } | null;
    policy: { text: string | null; oid: string } | null;
    owner: {
      __typename: string;
      teams?: { totalCount: number; edges: { cursor: string; node: { slug: string } }[] };
    };
    collaborators: { totalCount: number; edges: { permission: string; node: { login: string } }[] } | null;
    vulnerabilityAlerts: {
      totalCount: number;
      nodes: { securityVulnerability: { severity: string; advisory: { summary: string } } | null }[];
    } | null;
    commit: {
      oid: string;
      tree: { oid: string } | null;
      parents: { totalCount: number; nodes: { oid: string }[] } | null;
      statusCheckRollup: {
        contexts: {
          totalCount: number;
          nodes: (
            | {
                __typename: "CheckRun";
                name: string;
                status: string;
                conclusion: string | null;
                detailsUrl: string | null;
                externalId: string | null;
                checkSuite: { app: { slug: string } | null } | null;
              }
            | { __typename: "StatusContext"; context: string; state: string; targetUrl: string | null }
          )[];
        };
      } | null;
      deployments: { totalCount: number; nodes: DeploymentNode[] } | null;
      status: { contexts: StatusContextNode[] } | null;
      associatedPullRequests: { nodes: PullRequestNode[] } | null;
    } | null;
  } | null;
}
