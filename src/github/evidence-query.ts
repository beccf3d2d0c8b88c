/**
 * The one GraphQL query behind every readiness evaluation: the policy from the default branch, the
 * commit's checks, its pull request (labels, body, files, commits, reviews, the head commit's
 * deployments), the commit's deployments with their statuses (where approvals are recorded), open
 * Dependabot alerts, team members and collaborators' roles. Lists over 100 are flagged as incomplete,
 * never guessed. A test validates it against GitHub's published schema.
 */
const DEPLOYMENTS = `
  nodes {
    databaseId
    environment
    commitOid
    createdAt
    creator { login }
    payload
    latestStatus { state createdAt }
    statuses(first: 100) {
      totalCount
      nodes { state description createdAt logUrl environment creator { __typename login } }
    }
  }`;

export const EVIDENCE_QUERY = `
query TollgateEvidence($owner: String!, $name: String!, $sha: GitObjectID!, $policyPath: String!) {
  rateLimit { cost remaining }
  repository(owner: $owner, name: $name) {
    nameWithOwner
    defaultBranchRef { name }
    policy: object(expression: $policyPath) { ... on Blob { text oid } }
    owner {
      __typename
      ... on Organization {
        teams(first: 100) { totalCount nodes { slug members(first: 100) { totalCount nodes { login } } } }
      }
    }
    collaborators(first: 100) { totalCount edges { permission node { login } } }
    vulnerabilityAlerts(first: 100, states: [OPEN]) {
      totalCount
      nodes { securityVulnerability { severity advisory { summary } } }
    }
    commit: object(oid: $sha) {
      ... on Commit {
        oid
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
        deployments(first: 100) { totalCount ${DEPLOYMENTS} }
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
            commits(first: 100) {
              totalCount
              nodes {
                commit {
                  oid
                  author { user { login } }
                  committer { user { login } }
                  deployments(first: 5) { totalCount ${DEPLOYMENTS} }
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
            headCommit: commits(last: 1) {
              nodes { commit { oid deployments(first: 100) { totalCount ${DEPLOYMENTS} } } }
            }
          }
        }
      }
    }
  }
}`;

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

export interface DeploymentNode {
  databaseId: number | null;
  environment: string | null;
  commitOid: string;
  createdAt: string;
  creator: { login: string } | null;
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
        author: { user: { login: string } | null } | null;
        committer: { user: { login: string } | null } | null;
        /** Approvals given on earlier commits of the PR: read so the check run can say they went stale. */
        deployments: { totalCount: number; nodes: DeploymentNode[] } | null;
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
  headCommit: {
    nodes: { commit: { oid: string; deployments: { totalCount: number; nodes: DeploymentNode[] } | null } }[];
  };
}

export interface EvidenceResponse {
  rateLimit: { cost: number; remaining: number } | null;
  repository: {
    nameWithOwner: string;
    defaultBranchRef: { name: string } | null;
    policy: { text: string | null; oid: string } | null;
    owner: {
      __typename: string;
      teams?: {
        totalCount: number;
        nodes: { slug: string; members: { totalCount: number; nodes: { login: string }[] } }[];
      };
    };
    collaborators: { totalCount: number; edges: { permission: string; node: { login: string } }[] } | null;
    vulnerabilityAlerts: {
      totalCount: number;
      nodes: { securityVulnerability: { severity: string; advisory: { summary: string } } | null }[];
    } | null;
    commit: {
      oid: string;
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
      associatedPullRequests: { nodes: PullRequestNode[] } | null;
    } | null;
  } | null;
}
