/**
 * The PR a comment command binds to (issue_comment payloads carry no commit): its state, head, merge
 * commit and when its head arrived by GitHub's clock, and, in the same request, whether the App's bot
 * already answered the comment.
 */
import type { GitHubClient, RepositoryRef } from "./client.js";

/** What the App reads of a PR to bind a command to a commit. */
const PULL_FIELDS = `
      state
      merged
      headRefOid
      mergeCommit { oid }
      commits(last: 1) {
        nodes { commit { oid committedDate checkSuites(first: 20) { nodes { createdAt app { slug } } } } }
      }`;

/** The PR a comment was made on: issue_comment payloads carry no commit, so the App asks (one request). */
export const PULL_QUERY = `
query TollgatePull($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {${PULL_FIELDS}
    }
  }
}`;

/**
 * A command's PR, and whether the App already answered the comment (its bot's reaction), in the same
 * request: the comment's reaction groups are a plain list, which GitHub does not charge for.
 */
export const COMMAND_QUERY = `
query TollgateCommand($owner: String!, $name: String!, $number: Int!, $comment: ID!) {
  comment: node(id: $comment) { ... on Reactable { reactionGroups { viewerHasReacted } } }
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {${PULL_FIELDS}
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
  comment?: { reactionGroups?: { viewerHasReacted: boolean }[] | null } | null;
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
  return factsOf(data, repo, number, appSlug);
}

/**
 * The PR a command was given on, and whether the App's bot reacted to the command's comment already
 * (it reacts once a command was answered: such a comment never acts again).
 */
export async function commandFacts(
  client: GitHubClient,
  repo: RepositoryRef,
  command: { readonly number: number; readonly commentNodeId: string },
  appSlug: string,
): Promise<{ answered: boolean; pull: PullFacts }> {
  const data = await client.graphql<PullResponse>(COMMAND_QUERY, {
    owner: repo.owner,
    name: repo.repo,
    number: command.number,
    comment: command.commentNodeId,
  });
  const answered = (data.comment?.reactionGroups ?? []).some((group) => group.viewerHasReacted);
  return { answered, pull: factsOf(data, repo, command.number, appSlug) };
}

function factsOf(data: PullResponse, repo: RepositoryRef, number: number, appSlug?: string): PullFacts {
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
