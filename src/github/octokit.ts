/**
 * The one Octokit factory of the Action and the CLI: `@actions/github`'s Octokit (REST endpoint methods,
 * pagination, the runner's proxy settings), narrowed to a GitHubClient. The App gets its clients from
 * Probot, which authenticates them as the installation.
 */
import { GitHub, getOctokitOptions } from "@actions/github/lib/utils";
import { clientOf, type GitHubClient } from "./client.js";

export interface OctokitOptions {
  /** A token (the workflow's, or a person's); without one, only public data can be read. */
  readonly token?: string | undefined;
  /** The REST API root (GitHub Enterprise Server: `https://HOST/api/v3`); default `GITHUB_API_URL`, else github.com. */
  readonly apiUrl?: string | undefined;
}

export function githubClient(options: OctokitOptions): GitHubClient {
  const base = options.apiUrl ? { baseUrl: options.apiUrl.replace(/\/$/, "") } : {};
  const octokit = options.token ? new GitHub(getOctokitOptions(options.token, base)) : new GitHub(base);
  return clientOf(octokit);
}
