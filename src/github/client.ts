/**
 * The narrow view of an Octokit that Tollgate's GitHub adapters need. Probot's `context.octokit`, the
 * Action's `getOctokit(token)` and `@octokit/rest` all satisfy it, and a test fake is a few lines.
 */
export interface GitHubClient {
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  request(
    route: string,
    parameters?: Record<string, unknown>,
  ): Promise<{ status: number; data: unknown; headers?: Readonly<Record<string, unknown>> }>;
}

/** What every Octokit (Probot's, @actions/github's, @octokit/rest's) offers; `clientOf` narrows it. */
export interface OctokitLike {
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  request(
    route: string,
    parameters?: Record<string, unknown>,
  ): Promise<{ status: number; data: unknown; headers?: Readonly<Record<string, unknown>> }>;
}

export function clientOf(octokit: OctokitLike): GitHubClient {
  return {
    graphql: <T>(query: string, variables?: Record<string, unknown>) => octokit.graphql<T>(query, variables),
    request: (route, parameters) => octokit.request(route, parameters),
  };
}

export interface RepositoryRef {
  readonly owner: string;
  readonly repo: string;
}

/** GitHub's GraphQL errors come with partial data; a field the token may not read should not sink the rest. */
export async function graphqlWithPartialData<T>(
  client: GitHubClient,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data: T; errors: string[] }> {
  try {
    return { data: await client.graphql<T>(query, variables), errors: [] };
  } catch (error) {
    const partial = error as { data?: T; errors?: { message: string; path?: (string | number)[] }[] };
    if (partial.data && partial.errors) {
      return {
        data: partial.data,
        errors: partial.errors.map((e) => `${(e.path ?? []).join(".")}: ${e.message}`),
      };
    }
    throw error;
  }
}
