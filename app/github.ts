/** The narrow client and repository of a Probot context, and the PR facts a comment needs. */
import type { GitHubClient, RepositoryRef } from "../src/github/client.js";

export function repoOf(payload: { repository: { name: string; owner: { login: string } } }): RepositoryRef {
  return { owner: payload.repository.owner.login, repo: payload.repository.name };
}

/** The PR a comment was made on: issue_comment payloads carry no commit, so the App asks (one request). */
export const PULL_QUERY = `
query TollgatePull($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      state
      merged
      headRefOid
      mergeCommit { oid }
      commits(last: 1) {
        nodes { commit { oid committedDate checkSuites(first: 20) { nodes { createdAt app { slug } } } } }
      }
    }
  }
}`;

export interface PullFacts {
  readonly state: "OPEN" | "CLOSED" | "MERGED";
  readonly headSha: string;
  readonly mergeSha?: string;
  /**
   * When the head commit arrived, by GitHub's clock: the creation of the check suite GitHub made for
   * the App on that push. A command older than it was given on an earlier commit. Undefined when GitHub
   * made no suite for the App (it was not installed then): the caller falls back to `headCommittedAt`.
   */
  readonly headPushedAt?: string;
  /** When the head commit says it was committed: its pusher writes this, so only a fallback. */
  readonly headCommittedAt?: string;
}

interface PullResponse {
  repository: {
    pullRequest: {
      state: "OPEN" | "CLOSED" | "MERGED";
      merged: boolean;
      headRefOid: string;
      mergeCommit: { oid: string } | null;
      commits: {
        nodes: {
          commit: {
            oid: string;
            committedDate: string;
            checkSuites?: { nodes: { createdAt: string; app: { slug: string } | null }[] } | null;
          };
        }[];
      };
    } | null;
  } | null;
}

export async function pullFacts(
  client: GitHubClient,
  repo: RepositoryRef,
  number: number,
  appSlug?: string,
): Promise<PullFacts> {
  const data = await client.graphql<PullResponse>(PULL_QUERY, { owner: repo.owner, name: repo.repo, number });
  const pr = data.repository?.pullRequest;
  if (!pr) throw new Error(`pull request #${number} was not found in ${repo.owner}/${repo.repo}`);
  const head = pr.commits.nodes[0]?.commit;
  const pushedAt = (head?.checkSuites?.nodes ?? [])
    .filter((suite) => appSlug !== undefined && suite.app?.slug === appSlug)
    .map((suite) => suite.createdAt)
    .sort()[0];
  return {
    state: pr.merged ? "MERGED" : pr.state,
    headSha: pr.headRefOid,
    ...(pr.merged && pr.mergeCommit ? { mergeSha: pr.mergeCommit.oid } : {}),
    ...(head && head.oid === pr.headRefOid ? { headCommittedAt: head.committedDate } : {}),
    ...(head && head.oid === pr.headRefOid && pushedAt ? { headPushedAt: pushedAt } : {}),
  };
}
