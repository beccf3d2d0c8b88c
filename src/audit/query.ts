/**
 * Reading the history: one GraphQL query per 100 deployments, statuses nested, the policy from the
 * default branch in the first one. Deployments come newest first so reading can stop at the start of
 * the previous period: an audit of last month in a repository with years of history reads last month
 * and the month before, not everything since the first deployment. GitHub's GraphQL API has no filter
 * by date, so this is the only way to bound the reading. The first page also reads the 100 most recently
 * updated PRs' head and merge commits, and every page each deployment's commit, for the App's decision
 * commit statuses (a plain list each, so no more points): a rejection kept there whose deployment record
 * is gone was deleted with it. The requests themselves are built in src/github/audit-history.ts.
 */
import { AuditAccessError, type AuditClient } from "../github/audit-client.js";
import {
  readHistoryPage,
  readPulls,
  readStatusesPage,
  type ActorNode,
  type CommitContexts,
  type DeploymentNode,
} from "../github/audit-history.js";
import { DEFAULT_POLICY_PATH } from "../policy/load.js";
import { parseDecisionContext } from "../records/format.js";
import type { DeploymentFact, PullFact, StatusFact } from "./types.js";

export interface DecisionContextFact {
  readonly sha: string;
  readonly context: string;
  readonly state: string;
  readonly description: string | null;
  readonly url: string | null;
  readonly createdAt: string;
  readonly creator: string | null;
}

/** GraphQL names bots by slug ("tollgate"); REST and the rest of Tollgate say "tollgate[bot]". */
export function actorLogin(actor: ActorNode | null | undefined): string | null {
  if (!actor) return null;
  return actor.__typename === "Bot" && !actor.login.endsWith("[bot]") ? `${actor.login}[bot]` : actor.login;
}

/** Oldest first. GitHub lists statuses newest first; equal timestamps keep GitHub's relative order. */
function chronological(statuses: readonly StatusFact[]): StatusFact[] {
  return [...statuses].reverse().sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

function deploymentFact(node: DeploymentNode): DeploymentFact {
  return {
    id: node.databaseId,
    environment: node.environment ?? "",
    originalEnvironment: node.originalEnvironment ?? null,
    sha: node.commitOid,
    ref: node.ref?.name ?? null,
    task: node.task,
    description: node.description,
    creator: actorLogin(node.creator),
    createdAt: node.createdAt,
    payload: node.payload,
    statuses: chronological(
      node.statuses.nodes.map((s) => ({
        state: s.state.toLowerCase(),
        description: s.description,
        creator: actorLogin(s.creator),
        createdAt: s.createdAt,
        logUrl: s.logUrl,
        environment: s.environment,
      })),
    ),
    statusesComplete: !node.statuses.pageInfo.hasNextPage,
  };
}

export interface HistoryOptions {
  readonly owner: string;
  readonly name: string;
  readonly environment?: string | undefined;
  /** Reading stops once deployments are older than this (epoch ms). */
  readonly stopBefore: number;
  readonly readPolicy: boolean;
  /** The policy file on the default branch (default `.github/tollgate.yml`). */
  readonly policyPath?: string | undefined;
  readonly onProgress?: ((read: number, total: number) => void) | undefined;
}

export interface History {
  readonly repository: string;
  readonly policyText: string | null;
  readonly deployments: DeploymentFact[];
  /**
   * The Tollgate decision contexts (the App's indelible decision records) on the commits of the
   * deployments read: a commit's latest status per context, with its writer as REST names it.
   */
  readonly decisionContexts: readonly DecisionContextFact[];
  /** Deployments read but older than the start (on the last page read): their records, not reported. */
  readonly earlier: readonly DeploymentFact[];
  /** Whether every deployment of the repository (or environment) was read: nothing older is left. */
  readonly readToStart: boolean;
  readonly totalCount: number;
}

export async function fetchHistory(client: AuditClient, options: HistoryOptions): Promise<History> {
  const deployments: DeploymentFact[] = [];
  const decisionContexts: DecisionContextFact[] = [];
  const seenCommits = new Set<string>();
  const earlier: DeploymentFact[] = [];
  let readToStart = false;
  const readContexts = (commit: CommitContexts | null | undefined) => {
    if (!commit?.oid || seenCommits.has(commit.oid)) return;
    seenCommits.add(commit.oid);
    for (const c of commit.status?.contexts ?? [])
      if (parseDecisionContext(c.context))
        decisionContexts.push({
          sha: commit.oid,
          context: c.context,
          state: c.state.toLowerCase(),
          description: c.description,
          url: c.targetUrl,
          createdAt: c.createdAt,
          creator: actorLogin(c.creator),
        });
  };
  let after: string | null = null;
  let policyText: string | null = null;
  let repository = `${options.owner}/${options.name}`;
  let totalCount = 0;
  for (let page = 0; ; page++) {
    const repo = await readHistoryPage(client, {
      owner: options.owner,
      name: options.name,
      after,
      environment: options.environment,
      ...(page === 0 && options.readPolicy ? { policyPath: options.policyPath ?? DEFAULT_POLICY_PATH } : {}),
      first: page === 0,
    });
    if (!repo)
      throw new AuditAccessError(
        "not_found",
        `repository ${repository} not found, or the token cannot see it`,
      );
    // The recently updated PRs' heads and merge commits: a commit whose only deployment was deleted has
    // no deployment left to find it by.
    for (const pull of repo.pullRequests?.nodes ?? []) {
      readContexts(pull.headRef?.target);
      readContexts(pull.mergeCommit);
    }
    if (page === 0) {
      repository = repo.nameWithOwner;
      policyText = repo.policy?.text ?? null;
      totalCount = repo.deployments.totalCount;
    }
    let reachedStart = false;
    for (const node of repo.deployments.nodes) {
      if (Date.parse(node.createdAt) < options.stopBefore) {
        reachedStart = true;
        earlier.push(deploymentFact(node));
        continue;
      }
      deployments.push(deploymentFact(node));
      readContexts(node.commit);
    }
    options.onProgress?.(deployments.length, totalCount);
    const { hasNextPage, endCursor } = repo.deployments.pageInfo;
    readToStart = !hasNextPage;
    if (!hasNextPage || reachedStart || !endCursor) break;
    after = endCursor;
  }
  return { repository, policyText, deployments, decisionContexts, earlier, readToStart, totalCount };
}

/** The few deployments with more than 100 statuses: their full list over REST, within `budget` requests. */
export async function completeStatuses(
  client: AuditClient,
  repository: string,
  facts: DeploymentFact[],
  budget: number,
): Promise<void> {
  let left = budget;
  for (let i = 0; i < facts.length && left > 0; i++) {
    const fact = facts[i]!;
    if (fact.statusesComplete) continue;
    const all: StatusFact[] = [];
    let complete = false;
    for (let page = 1; left > 0; page++) {
      left--;
      const list = await readStatusesPage(client, repository, fact.id, page);
      all.push(
        ...list.map((s) => ({
          state: s.state,
          description: s.description,
          creator: s.creator?.login ?? null,
          createdAt: s.created_at,
          logUrl: s.log_url || null,
          environment: s.environment ?? null,
        })),
      );
      if (list.length < 100) {
        complete = true;
        break;
      }
    }
    if (complete) facts[i] = { ...fact, statuses: chronological(all), statusesComplete: true };
  }
}

/**
 * The linked PRs' first commits, many PRs per query (aliases), sized so the whole audit stays within
 * its request budget; a number GitHub does not know simply comes back null.
 */
export async function fetchPulls(
  client: AuditClient,
  owner: string,
  name: string,
  numbers: readonly number[],
  budget: number,
): Promise<Map<number, PullFact>> {
  const out = new Map<number, PullFact>();
  if (numbers.length === 0) return out;
  // GitHub has no documented alias limit, but large queries risk its 10 s timeout: 100–500 per query.
  const size = Math.min(500, Math.max(100, Math.ceil(numbers.length / Math.max(1, budget))));
  for (let start = 0; start < numbers.length; start += size) {
    const chunk = numbers.slice(start, start + size).filter((n) => Number.isSafeInteger(n) && n > 0);
    if (chunk.length === 0) continue;
    for (const node of await readPulls(client, owner, name, chunk)) {
      if (!node) continue;
      out.set(node.number, {
        number: node.number,
        title: node.title,
        url: node.url,
        author: node.author?.login ?? null,
        mergedAt: node.mergedAt,
        firstCommitAt: node.commits.nodes[0]?.commit.authoredDate ?? null,
      });
    }
  }
  return out;
}
