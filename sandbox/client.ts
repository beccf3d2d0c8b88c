/**
 * The sandbox's typed client for tests and tools: GitHub's own endpoints where GitHub has one (GHES's
 * `POST /admin/users` and `/admin/organizations`, impersonation tokens, `POST /user/repos`, the contents
 * and git refs APIs) and the sandbox's control API (`/_sandbox/…`: Apps, faults, clock, usage, signing
 * keys, unmodelled hits, deliveries) for what GitHub has no endpoint for. Machinery, not a GitHub model.
 */
import type { UnmodelledHit } from "./unmodelled.js";
import type { Fault, FaultSpec } from "./faults.js";
import type { TokenUsage } from "./ratelimit.js";
import type { LogEntry } from "./server.js";
import type { Delivery } from "./webhooks.js";

export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} → ${status}: ${JSON.stringify(body)}`);
  }
}

export interface RegisteredApp {
  id: number;
  slug: string;
  name: string;
  client_id: string;
  pem: string;
  webhook_secret: string;
  webhook_url: string | null;
}

export interface AppRegistration {
  name: string;
  webhook_url?: string;
  webhook_secret?: string;
  permissions?: Record<string, "read" | "write" | "admin">;
  events?: string[];
  owner?: string;
}

/** Typed access to the sandbox: GitHub's own endpoints where GitHub has one, /_sandbox otherwise. */
export class SandboxClient {
  constructor(
    readonly url: string,
    readonly adminToken: string,
  ) {}

  /** A REST call under /api/v3 as the given token (the site admin's by default). */
  async rest<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token: string | null = this.adminToken,
  ): Promise<T> {
    return this.call<T>(method, `${this.url}/api/v3${path}`, body, token);
  }

  async control<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return this.call<T>(method, `${this.url}/_sandbox${path}`, body, null);
  }

  async graphql<T = unknown>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
    return this.call<T>("POST", `${this.url}/api/graphql`, { query, variables }, token);
  }

  private async call<T>(method: string, url: string, body: unknown, token: string | null): Promise<T> {
    const headers: Record<string, string> = { accept: "application/vnd.github+json" };
    if (token) headers["authorization"] = `token ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new SandboxError(res.status, parsed, `${method} ${url}`);
    return parsed as T;
  }

  /** GHES: POST /admin/users, then an impersonation token so the user acts as themself. */
  async createUser(login: string, email?: string): Promise<{ login: string; id: number; token: string }> {
    const user = await this.rest<{ id: number; login: string }>("POST", "/admin/users", {
      login,
      ...(email ? { email } : {}),
    });
    const auth = await this.rest<{ token: string }>("POST", `/admin/users/${login}/authorizations`, {
      scopes: ["repo", "read:org", "workflow"],
    });
    return { login: user.login, id: user.id, token: auth.token };
  }

  /** GHES: POST /admin/organizations with its first owner. */
  async createOrg(login: string, admin: string): Promise<{ login: string; id: number }> {
    return this.rest("POST", "/admin/organizations", { login, admin });
  }

  /** POST /user/repos as the user, or /orgs/{org}/repos when `org` is given. */
  async createRepo(
    token: string,
    name: string,
    opts: { org?: string; private?: boolean; auto_init?: boolean } = {},
  ): Promise<{ id: number; full_name: string; default_branch: string }> {
    const { org, ...body } = opts;
    return this.rest(
      "POST",
      org ? `/orgs/${org}/repos` : "/user/repos",
      { name, auto_init: true, ...body },
      token,
    );
  }

  /** Creates or updates a file through the contents API: one commit on `branch`. */
  async putFile(
    token: string,
    repo: string,
    path: string,
    content: string,
    opts: { branch?: string; message?: string } = {},
  ): Promise<{ commit: { sha: string } }> {
    let sha: string | undefined;
    try {
      const q = opts.branch ? `?ref=${encodeURIComponent(opts.branch)}` : "";
      sha = (await this.rest<{ sha: string }>("GET", `/repos/${repo}/contents/${path}${q}`, undefined, token))
        .sha;
    } catch (e) {
      if (!(e instanceof SandboxError) || e.status !== 404) throw e;
    }
    return this.rest(
      "PUT",
      `/repos/${repo}/contents/${path}`,
      {
        message: opts.message ?? `Update ${path}`,
        content: Buffer.from(content).toString("base64"),
        ...(opts.branch ? { branch: opts.branch } : {}),
        ...(sha ? { sha } : {}),
      },
      token,
    );
  }

  /** Creates a branch from another branch's tip (POST /git/refs). */
  async createBranch(token: string, repo: string, branch: string, from: string): Promise<string> {
    const ref = await this.rest<{ object: { sha: string } }>(
      "GET",
      `/repos/${repo}/git/ref/heads/${from}`,
      undefined,
      token,
    );
    await this.rest(
      "POST",
      `/repos/${repo}/git/refs`,
      { ref: `refs/heads/${branch}`, sha: ref.object.sha },
      token,
    );
    return ref.object.sha;
  }

  /** Points and requests per token (`token` narrows to one), and every budget's window. */
  usage(token?: string): Promise<{ tokens: TokenUsage[]; budgets: Record<string, unknown>[] }> {
    return this.control("GET", `/usage${token ? `?token=${encodeURIComponent(token)}` : ""}`);
  }

  /** Moves the sandbox clock forward; rate-limit windows reset on it. */
  advanceClock(seconds: number): Promise<{ now: string; epoch: number }> {
    return this.control("POST", "/clock", { advance_seconds: seconds });
  }

  /** Registers the key behind `signature` on `login`'s account, so commits carrying it verify as theirs. */
  registerSigningKey(login: string, signature: string): Promise<{ login: string; signature: string }> {
    return this.control("POST", "/signing-keys", { login, signature });
  }

  registerApp(reg: AppRegistration): Promise<RegisteredApp> {
    return this.control("POST", "/apps", reg);
  }

  installApp(appId: number, account: string, repositories?: string[]): Promise<{ id: number }> {
    return this.control("POST", `/apps/${appId}/installations`, {
      account,
      ...(repositories ? { repositories } : {}),
    });
  }

  setTimestamp(body: {
    repo: string;
    kind: string;
    id: number;
    field?: string;
    ago_seconds?: number;
    at?: string;
  }): Promise<Record<string, string>> {
    return this.control("POST", "/timestamps", body);
  }

  addFault(spec: FaultSpec): Promise<Fault> {
    return this.control("POST", "/faults", spec);
  }

  async clearFaults(): Promise<void> {
    await this.control("DELETE", "/faults");
  }

  requests(operation?: string): Promise<LogEntry[]> {
    return this.control("GET", `/requests${operation ? `?operation=${encodeURIComponent(operation)}` : ""}`);
  }

  /** Requests for GitHub routes or GraphQL fields the sandbox does not model (answered 501 or an error). */
  unmodelled(): Promise<{ count: number; hits: UnmodelledHit[] }> {
    return this.control("GET", "/unmodelled");
  }

  /**
   * How the repository's webhooks go out: `concurrent` as GitHub does (the default, 50 ms), each after a
   * seeded random delay below `max_delay_ms`, overlapping and out of order; or `ordered`, one at a time.
   */
  setWebhookDelivery(mode: "ordered" | "concurrent", max_delay_ms = 0): Promise<unknown> {
    return this.control("PUT", "/webhooks/delivery", { mode, max_delay_ms });
  }

  /** Waits for queued deliveries first, so what a test reads is settled. */
  deliveries(event?: string): Promise<Delivery[]> {
    return this.control("GET", `/deliveries${event ? `?event=${encodeURIComponent(event)}` : ""}`);
  }

  redeliver(id: number): Promise<{ id: number; guid: string }> {
    return this.control("POST", `/deliveries/${id}/redeliver`);
  }
}
