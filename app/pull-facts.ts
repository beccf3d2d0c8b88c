/** The repository of a Probot payload, and the PR facts a command needs (src/github/pull-facts.ts). */
import type { GitHubClient, RepositoryRef } from "../src/github/client.js";
import { pullFacts, type PullFacts } from "../src/github/pull-facts.js";

export function repoOf(payload: { repository: { name: string; owner: { login: string } } }): RepositoryRef {
  return { owner: payload.repository.owner.login, repo: payload.repository.name };
}

/** A command's PR: as the handler read it with the comment, or read now. */
export function pullOf(cx: {
  readonly client: GitHubClient;
  readonly repo: RepositoryRef;
  readonly issueNumber: number;
  readonly identity: { readonly slug: string };
  readonly pull?: PullFacts;
}): Promise<PullFacts> {
  return cx.pull ? Promise.resolve(cx.pull) : pullFacts(cx.client, cx.repo, cx.issueNumber, cx.identity.slug);
}
