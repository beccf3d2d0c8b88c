/**
 * The requests the audit reads the deployment history with, each built here once: a page of deployments
 * (statuses nested, the policy and the recently updated PRs' commits on the first page), the rest of a
 * deployment's statuses over REST, and the linked PRs, many per query. They return GitHub's nodes as
 * they come; src/audit/query.ts pages through them and turns them into facts.
 */
import { DEFAULT_POLICY_PATH } from "../policy/load.js";
import type { AuditClient, GraphqlResult } from "./audit-client.js";

/** A commit's latest status per context (a plain list: GitHub charges nothing for it). */
const CONTEXTS = `status { contexts { context state description targetUrl createdAt creator { __typename login } } }`;

const HISTORY = `query AuditHistory($owner: String!, $name: String!, $after: String, $environments: [String!], $withPolicy: Boolean!, $policy: String!, $first: Boolean!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    policy: object(expression: $policy) @include(if: $withPolicy) { ... on Blob { text oid } }
    pullRequests(first: 100, orderBy: {field: UPDATED_AT, direction: DESC}) @include(if: $first) {
      nodes {
        headRef { target { ... on Commit { oid ${CONTEXTS} } } }
        mergeCommit { oid ${CONTEXTS} }
      }
    }
    deployments(first: 100, after: $after, environments: $environments, orderBy: {field: CREATED_AT, direction: DESC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId commitOid createdAt environment originalEnvironment task description payload
        ref { name }
        creator { __typename login }
        commit { oid ${CONTEXTS} }
        statuses(first: 100) {
          pageInfo { hasNextPage }
          nodes { state description createdAt logUrl environment creator { __typename login } }
        }
      }
    }
  }
}`;

export interface ActorNode {
  __typename?: string;
  login: string;
}
export interface StatusNode {
  state: string;
  description: string | null;
  createdAt: string;
  logUrl: string | null;
  environment: string | null;
  creator: ActorNode | null;
}
export interface DeploymentNode {
  databaseId: number;
  commitOid: string;
  createdAt: string;
  environment: string | null;
  originalEnvironment?: string | null;
  task: string | null;
  description: string | null;
  payload: string | null;
  ref: { name: string } | null;
  creator: ActorNode | null;
  statuses: { pageInfo: { hasNextPage: boolean }; nodes: StatusNode[] };
  commit?: CommitContexts | null;
}
export interface ContextNode {
  context: string;
  state: string;
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
  creator: ActorNode | null;
}
export interface CommitContexts {
  oid: string;
  status: { contexts: ContextNode[] } | null;
}
export interface HistoryPage {
  nameWithOwner: string;
  pullRequests?: {
    nodes: { headRef: { target: CommitContexts | null } | null; mergeCommit: CommitContexts | null }[];
  };
  policy?: { text?: string | null; oid?: string } | null;
  deployments: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: DeploymentNode[];
  };
}

/** One page of 100 deployments, newest first; null when the repository is not there (or not visible). */
export async function readHistoryPage(
  client: AuditClient,
  page: {
    readonly owner: string;
    readonly name: string;
    readonly after: string | null;
    readonly environment?: string | undefined;
    /** The policy file to read from the default branch with this page, if any. */
    readonly policyPath?: string | undefined;
    /** The first page also reads the 100 most recently updated PRs' head and merge commits. */
    readonly first: boolean;
  },
): Promise<HistoryPage | null> {
  const { data } = await client.graphql(HISTORY, {
    owner: page.owner,
    name: page.name,
    after: page.after,
    environments: page.environment ? [page.environment] : null,
    withPolicy: page.policyPath !== undefined,
    policy: policyExpression(page.policyPath ?? DEFAULT_POLICY_PATH),
    first: page.first,
  });
  return (data as { repository: HistoryPage | null }).repository;
}

/** The GraphQL object expression of a file on the default branch. */
export const policyExpression = (path: string) => `HEAD:${path}`;

export interface RestStatus {
  state: string;
  description: string | null;
  created_at: string;
  log_url?: string | null;
  environment?: string | null;
  creator: { login: string } | null;
}

/** One page (1-based, 100 each, newest first) of a deployment's statuses over REST. */
export async function readStatusesPage(
  client: AuditClient,
  repository: string,
  deploymentId: number,
  page: number,
): Promise<RestStatus[]> {
  return (await client.restGet(
    `/repos/${repository}/deployments/${deploymentId}/statuses?per_page=100&page=${page}`,
  )) as RestStatus[];
}

export interface PullNode {
  number: number;
  title: string;
  url: string;
  mergedAt: string | null;
  author: ActorNode | null;
  commits: { nodes: { commit: { authoredDate: string } }[] };
}

/** Several PRs in one query (aliases); a number GitHub does not know comes back null. */
export async function readPulls(
  client: AuditClient,
  owner: string,
  name: string,
  numbers: readonly number[],
): Promise<(PullNode | null)[]> {
  const fields = numbers.map((n) => `pr${n}: pullRequest(number: ${n}) { ...P }`).join("\n    ");
  const query = `query AuditPulls($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    ${fields}
  }
}
fragment P on PullRequest { number title url mergedAt author { login } commits(first: 1) { nodes { commit { authoredDate } } } }`;
  const { data }: GraphqlResult = await client.graphql(query, { owner, name });
  return Object.values((data as { repository: Record<string, PullNode | null> | null }).repository ?? {});
}
