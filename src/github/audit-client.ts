/**
 * The audit's transport to GitHub: GraphQL for the history, REST GET for the rare deployment with more
 * statuses than one GraphQL page holds, each request counted so the budget (⌈N/100⌉ + 10) can be
 * reported. The CLI uses `httpClient` (plain fetch, every failure an AuditAccessError); the Action passes
 * its own client through `auditClientOf`. The requests themselves are built in ./audit-history.ts.
 */
import { graphqlWithPartialData, type GitHubClient } from "./client.js";

/** Why the audit could not read GitHub: the CLI maps every kind to exit code 2 with this message. */
export class AuditAccessError extends Error {
  constructor(
    readonly kind: "unauthorized" | "not_found" | "forbidden" | "http" | "graphql" | "network",
    message: string,
  ) {
    super(message);
    this.name = "AuditAccessError";
  }
}

export interface AuditClient {
  /** Returns `data`; throws AuditAccessError when GitHub answers with errors and no usable data. */
  graphql(query: string, variables: Readonly<Record<string, unknown>>): Promise<GraphqlResult>;
  restGet(path: string): Promise<unknown>;
  /** Requests made so far. */
  readonly requests: number;
}

export interface GraphqlResult {
  readonly data: unknown;
  /** Errors GitHub returned next to partial data (e.g. one PR number that does not exist). */
  readonly errors: readonly { readonly type?: string; readonly message: string; readonly path?: unknown }[];
}

export interface HttpClientOptions {
  readonly apiUrl: string;
  readonly graphqlUrl: string;
  readonly token: string;
  readonly fetch?: typeof fetch;
}

function httpError(status: number, body: unknown, what: string): AuditAccessError {
  const message = (body as { message?: unknown } | null)?.message;
  const detail = typeof message === "string" ? `: ${message}` : "";
  if (status === 401)
    return new AuditAccessError(
      "unauthorized",
      `GitHub rejected the token (401${detail}); check GITHUB_TOKEN`,
    );
  if (status === 403) return new AuditAccessError("forbidden", `GitHub refused ${what} (403${detail})`);
  if (status === 404)
    return new AuditAccessError(
      "not_found",
      `GitHub answered 404 to ${what}${detail}: check GITHUB_API_URL / GITHUB_GRAPHQL_URL`,
    );
  return new AuditAccessError("http", `GitHub answered ${status} to ${what}${detail}`);
}

export function httpClient(options: HttpClientOptions): AuditClient {
  const doFetch = options.fetch ?? fetch;
  let requests = 0;
  const headers = {
    accept: "application/vnd.github+json",
    authorization: `bearer ${options.token}`,
    "user-agent": "tollgate-audit",
  };
  const call = async (url: string, init: RequestInit, what: string): Promise<unknown> => {
    requests++;
    let res: Response;
    try {
      res = await doFetch(url, { ...init, headers: { ...headers, ...(init.headers ?? {}) } });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new AuditAccessError("network", `cannot reach ${url}: ${cause ?? (error as Error).message}`);
    }
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new AuditAccessError(
        "http",
        `GitHub answered ${res.status} with a body that is not JSON (${what})`,
      );
    }
    if (!res.ok) throw httpError(res.status, body, what);
    return body;
  };
  return {
    get requests() {
      return requests;
    },
    async graphql(query, variables) {
      const body = (await call(
        options.graphqlUrl,
        {
          method: "POST",
          body: JSON.stringify({ query, variables }),
          headers: { "content-type": "application/json" },
        },
        "the GraphQL query",
      )) as { data?: unknown; errors?: GraphqlResult["errors"] } | undefined;
      const errors = body?.errors ?? [];
      if (body?.data === undefined || body.data === null) {
        const first = errors[0];
        throw new AuditAccessError(
          first?.type === "NOT_FOUND" ? "not_found" : "graphql",
          first ? first.message : "GitHub's GraphQL API returned no data",
        );
      }
      return { data: body.data, errors };
    },
    restGet(path) {
      return call(`${options.apiUrl.replace(/\/$/, "")}${path}`, { method: "GET" }, `GET ${path}`);
    },
  };
}

/** The audit over an Octokit-backed client (the Action's token): GitHub's partial data kept, as over HTTP. */
export function auditClientOf(client: GitHubClient): AuditClient {
  let requests = 0;
  return {
    async graphql(query, variables) {
      requests++;
      const { data, errors } = await graphqlWithPartialData<unknown>(client, query, { ...variables });
      return { data, errors: errors.map((message) => ({ message })) };
    },
    async restGet(path) {
      requests++;
      return (await client.request(`GET ${path}`)).data;
    },
    get requests() {
      return requests;
    },
  };
}
