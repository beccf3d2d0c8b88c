/** Pull request facts read over REST (the evidence query reads the rest in GraphQL). */
import type { GitHubClient, RepositoryRef } from "./client.js";

/** The PR's head branch name: untrusted text, for environment variables only. Empty when GitHub gives none. */
export async function pullRequestBranch(
  client: GitHubClient,
  repo: RepositoryRef,
  pullNumber: number,
): Promise<string> {
  const { data } = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner: repo.owner,
    repo: repo.repo,
    pull_number: pullNumber,
  });
  const branch = (data as { head?: { ref?: unknown } }).head?.ref;
  return typeof branch === "string" ? branch : "";
}
