/**
 * The HTTP server in front of every route, doing what GitHub does to each request in turn: faults (when
 * injected), authentication, rate limits, routing to GitHub's template — 501 for a GitHub route the
 * sandbox does not model, never a 404 — the route's own authorization, strict contract checks, then
 * `ETag`/`Last-Modified` with 304s, `Location` on creations, media types, HEAD, the `/repositories/{id}`
 * form and a renamed repository's redirect; every API call goes in the request log.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createHash, randomUUID } from "node:crypto";
import { authenticate, authorizeRepo, type Actor } from "./auth.js";
import type { Faults } from "./faults.js";
import { PAGE_HEADERS, notFoundPage, type Page } from "./pages/index.js";
import { DOCS, HttpError, notFound, unauthorized, type Ctx, type Reply } from "./http.js";
import type { Route, Router } from "./router.js";
import type { GraphqlCharge } from "./graphql/index.js";
import type { Resource } from "./ratelimit.js";
import type { State } from "./state.js";
import type { Webhooks } from "./webhooks.js";
import { githubRoute, notModelled } from "./unmodelled.js";
import { restContract } from "./contracts/validate.js";
import { mediaTypeHeader, requestedFormat, withBodyFormat } from "./media.js";

export interface LogEntry {
  at: string;
  method: string;
  path: string;
  operationId: string | null;
  actor: string | null;
  status: number;
  duration_ms: number;
  fault: string | null;
  /** the budget the request counted against (`core`, `graphql`), null for control calls */
  resource: Resource | null;
  /** primary points spent: REST 1 (0 for a 304 or a refusal), GraphQL the query's cost */
  points: number;
  /** GraphQL only: the call's node count */
  node_count: number | null;
  /** secondary-limit points (GET 1, other methods 5; GraphQL query 1, mutation 5) */
  secondary_points: number;
}

export interface ServerDeps {
  state: State;
  rest: Router;
  control: Router;
  hooks: Webhooks;
  faults: Faults;
  graphql: (ctx: Ctx, charged?: (c: GraphqlCharge) => void) => Promise<Reply>;
  /** the read-only web pages at the html_urls; undefined when there is no page at the path */
  pages?: (path: string, query: URLSearchParams) => Page | undefined;
  /** strict mode: throws a 422 HttpError for a request GitHub's contract refuses */
  validate?: (route: Route, ctx: Ctx) => void;
  /** strict mode: the problems of an answer against GitHub's documented response shape */
  checkAnswer?: (route: Route, reply: Reply) => string[];
  log: (line: string) => void;
  base: () => string;
}

const SECONDARY_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID";

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class SandboxServer {
  readonly requests: LogEntry[] = [];
  readonly server: Server;

  constructor(private readonly deps: ServerDeps) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://sandbox");
    const method = (req.method ?? "GET").toUpperCase();
    const requestId = randomUUID().toUpperCase().slice(0, 23);
    if (this.page(req, res, method, url)) return;
    let path = url.pathname;
    let kind: "rest" | "graphql" | "control" = "rest";
    if (path.startsWith("/_sandbox/") || path === "/_sandbox") kind = "control";
    else if (path === "/api/graphql" || path === "/graphql") kind = "graphql";
    else if (path.startsWith("/api/v3/") || path === "/api/v3") path = path.slice("/api/v3".length) || "/";
    const entry: LogEntry = {
      at: this.deps.state.now(),
      method,
      path,
      operationId: null,
      actor: null,
      status: 0,
      duration_ms: 0,
      fault: null,
      resource: kind === "control" ? null : kind === "graphql" ? "graphql" : "core",
      points: 0,
      node_count: null,
      secondary_points: 0,
    };
    const limits = this.deps.state.limits;
    let actor: Actor | null = null;
    let token: string | null = null;
    let entered = false;
    let chargeRest = false;
    const headers: Record<string, string> = {
      "x-github-request-id": requestId,
      "x-github-media-type": "github.v3; format=json",
    };
    let reply: Reply;
    try {
      const raw = await readBody(req);
      if (kind === "rest") entry.operationId = this.deps.rest.match(method, path)?.route.operationId ?? null;
      if (kind !== "control") {
        const fault = this.deps.faults.request(method, path);
        if (fault) {
          entry.fault = fault.kind;
          if (fault.latency_ms) await sleep(fault.latency_ms);
          if (fault.kind === "drop") {
            entry.status = 0;
            this.finish(entry, started);
            req.socket.destroy();
            return;
          }
          const early = this.faultReply(fault.kind, fault.status, fault.retry_after ?? 60, requestId);
          if (early) throw early;
        }
      }
      let body: unknown = undefined;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          throw new HttpError(400, {
            message: "Problems parsing JSON",
            documentation_url: DOCS,
            status: "400",
          });
        }
      }
      actor = kind === "control" ? null : authenticate(this.deps.state, req.headers.authorization);
      entry.actor = actor?.login ?? null;
      token = actor && actor.kind !== "app" ? actor.token.token : null;
      if (kind !== "control") {
        limits.record(actor, token).requests++;
        limits.enter(actor, requestId, entry.resource ?? "core");
        entered = true;
      }
      if (kind === "rest") {
        // GET /rate_limit does not count against the primary limit (it does against the secondary one).
        const free = method === "GET" && path === "/rate_limit";
        if (!free && limits.exhausted(actor, "core")) throw limits.refuseRest(actor, token);
        const read = method === "GET" || method === "HEAD" || method === "OPTIONS";
        const creates = method === "POST" && this.deps.rest.match(method, path)?.route.auth !== "jwt";
        entry.secondary_points = limits.secondary(actor, "core", read ? 1 : 5, creates, requestId);
        chargeRest = !free;
      }
      const base = this.deps.base();
      const ctx: Ctx = {
        req,
        method,
        path,
        params: {},
        query: url.searchParams,
        body,
        actor,
        state: this.deps.state,
        hooks: this.deps.hooks,
        api: `${base}/api/v3`,
        web: base,
        requestId,
      };
      if (kind === "graphql") {
        entry.operationId = "graphql";
        if (method !== "POST") throw notFound();
        if (!actor) throw unauthorized("This endpoint requires you to be authenticated.");
        reply = await this.deps.graphql(ctx, (c) => {
          entry.points = c.points;
          entry.node_count = c.nodeCount;
          entry.secondary_points = c.secondaryPoints;
        });
      } else {
        reply = await this.route(
          kind === "control" ? this.deps.control : this.deps.rest,
          ctx,
          actor,
          entry,
          kind,
        );
        // Issues, pull requests, comments and reviews in the body format the Accept header asks for.
        if (kind === "rest" && reply.raw === undefined && /^(pulls|issues)\//.test(entry.operationId ?? "")) {
          const format = requestedFormat(ctx);
          reply.body = withBodyFormat(reply.body, format);
          headers["x-github-media-type"] = mediaTypeHeader(format);
        }
      }
    } catch (e) {
      reply =
        e instanceof HttpError ? { status: e.status, body: e.body, headers: e.headers } : this.internal(e);
      if (
        e instanceof HttpError &&
        kind !== "control" &&
        String(e.body["message"] ?? "").startsWith("You have exceeded a secondary rate limit")
      )
        limits.refusedSecondary(actor, token);
    } finally {
      if (entered) limits.leave(actor);
    }
    let payload: string | Buffer | undefined =
      reply.raw !== undefined ? reply.raw : reply.body === undefined ? undefined : JSON.stringify(reply.body);
    if (kind === "rest" && method === "GET" && reply.status === 200 && payload !== undefined) {
      const validators = conditional(reply.body, payload);
      reply.headers = { ...reply.headers, ...validators.headers };
      if (validators.matches(req.headers["if-none-match"], req.headers["if-modified-since"])) {
        reply = { status: 304, headers: reply.headers };
        payload = undefined;
        limits.record(actor, token).not_modified++;
      }
    }
    if (chargeRest && reply.status !== 304) {
      entry.points = 1;
      limits.record(actor, token).core_points++;
      reply.headers = { ...reply.headers, ...limits.charge(actor, "core", 1) };
    } else if (chargeRest) {
      reply.headers = { ...reply.headers, ...limits.headers(actor, "core") };
    }
    entry.status = reply.status;
    this.finish(entry, started);
    // GitHub's Date header is GitHub's clock: here the sandbox's, which tests move forward.
    const all: Record<string, string> = {
      ...headers,
      date: new Date(this.deps.state.nowMs()).toUTCString(),
      ...reply.headers,
    };
    // A user's token (classic PAT or OAuth) gets its scopes on every API answer, as on GitHub.
    if (kind !== "control" && actor?.kind === "user") all["x-oauth-scopes"] = actor.token.scopes.join(", ");
    if (payload !== undefined && reply.raw === undefined)
      all["content-type"] = "application/json; charset=utf-8";
    res.writeHead(reply.status, all);
    res.end(method === "HEAD" ? undefined : payload);
  }

  /**
   * Serves a web page when the request is for one: a GET or HEAD outside the API's prefixes for a path
   * that has a page, unless it is also a REST path (REST is served at the root too, as api.github.com
   * does) asked for by an API client rather than a browser (which accepts text/html). A browser gets a
   * 404 page where there is neither. Pages are neither API calls nor rate-limited, so they are not in
   * the request log, and faults do not apply to them.
   */
  private page(req: IncomingMessage, res: ServerResponse, method: string, url: URL): boolean {
    const path = url.pathname;
    if (!this.deps.pages || (method !== "GET" && method !== "HEAD")) return false;
    if (/^\/(api\/v3|_sandbox)(\/|$)/.test(path) || path === "/api/graphql" || path === "/graphql")
      return false;
    const browser = /\btext\/html\b/.test(req.headers.accept ?? "");
    const rest = this.deps.rest.match("GET", path) !== undefined;
    if (rest && !browser) return false;
    const found = this.deps.pages(path, url.searchParams);
    if (!found && (rest || !browser)) return false;
    const page = found ?? notFoundPage(path);
    const body = Buffer.from(page.body, "utf8");
    res.writeHead(page.status, {
      ...PAGE_HEADERS,
      "content-type": page.contentType,
      "content-length": String(body.length),
    });
    res.end(method === "HEAD" ? undefined : body);
    return true;
  }

  private async route(
    router: Router,
    ctx: Ctx,
    actor: Actor | null,
    entry: LogEntry,
    kind: string,
  ): Promise<Reply> {
    // GitHub answers HEAD wherever it answers GET, with the same status and headers and no body.
    const method = ctx.method === "HEAD" && kind === "rest" ? "GET" : ctx.method;
    const path =
      kind === "control" ? ctx.path.slice("/_sandbox".length) || "/" : this.byRepositoryId(ctx.path);
    const m = router.match(method, path);
    if (!m) {
      const github = kind === "rest" ? githubRoute(method, path) : undefined;
      if (github === undefined) throw notFound();
      entry.operationId = "unmodelled";
      this.deps.state.unmodelled.push({
        at: this.deps.state.now(),
        kind: "rest",
        method,
        route: github,
        path: ctx.path,
      });
      this.deps.log(`sandbox: ${ctx.method} ${github} is not modelled (${ctx.path})`);
      throw notModelled(method, github);
    }
    entry.operationId = m.route.operationId;
    ctx.params = m.params;
    const auth = m.route.auth ?? (kind === "control" ? "none" : "token");
    if (auth === "jwt" && actor?.kind !== "app") {
      throw new HttpError(401, {
        message: "A JSON web token could not be decoded",
        documentation_url: DOCS,
        status: "401",
      });
    }
    if (auth === "token" && actor?.kind === "app") {
      throw new HttpError(403, {
        message: "Resource not accessible by integration",
        documentation_url: DOCS,
        status: "403",
      });
    }
    const { owner, repo } = m.params;
    if (kind === "rest" && auth !== "jwt" && owner !== undefined && repo !== undefined) {
      const r = this.deps.state.repo(owner, repo);
      if (!r) throw this.formerName(ctx, actor, method, path, owner, repo);
      authorizeRepo(this.deps.state, actor, r, m.route.need ?? {});
    }
    if (kind === "rest") this.deps.validate?.(m.route, ctx);
    const reply = await m.route.handler(ctx);
    if (kind === "rest") {
      withLocation(m.route, reply);
      for (const problem of this.deps.checkAnswer?.(m.route, reply) ?? [])
        this.deps.state.offShape.add(problem);
    }
    return reply;
  }

  /**
   * GitHub serves every repository route by the repository's id too (`/repositories/{id}/…`, the form its
   * redirects point to): the same operation as `/repos/{owner}/{repo}/…`.
   */
  private byRepositoryId(path: string): string {
    const m = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
    if (!m) return path;
    const r = this.deps.state.repoById(Number(m[1]));
    if (!r) throw notFound();
    return `/repos/${r.owner}/${r.name}${m[2] ?? ""}`;
  }

  /**
   * A renamed repository's old name redirects to it by id, as GitHub does: 301 for a GET (and HEAD), 307
   * for any other method, which a client repeats with the same method and body. A repository the caller
   * cannot see stays a 404.
   */
  private formerName(
    ctx: Ctx,
    actor: Actor | null,
    method: string,
    path: string,
    owner: string,
    repo: string,
  ): HttpError {
    const id = this.deps.state.formerNames.get(`${owner}/${repo}`.toLowerCase());
    const r = id === undefined ? undefined : this.deps.state.repoById(id);
    if (!r) return notFound();
    authorizeRepo(this.deps.state, actor, r, {});
    const rest = path.replace(/^\/repos\/[^/]+\/[^/]+/, "");
    const query = ctx.query.toString();
    const url = `${ctx.api}/repositories/${r.id}${rest}${query ? `?${query}` : ""}`;
    const permanent = method === "GET";
    return new HttpError(
      permanent ? 301 : 307,
      {
        message: permanent ? "Moved Permanently" : "Temporary Redirect",
        url,
        documentation_url: "https://docs.github.com/v3/#http-redirects",
      },
      { location: url },
    );
  }

  private faultReply(
    kind: string,
    status: number | undefined,
    retryAfter: number,
    requestId: string,
  ): HttpError | undefined {
    const reset = String(Math.floor(this.deps.state.nowMs() / 1000) + retryAfter);
    if (kind === "status") {
      const s = status ?? 500;
      const message =
        s === 502 ? "Server Error" : s === 503 ? "Service Unavailable" : "Internal Server Error";
      return new HttpError(s, { message, documentation_url: DOCS, status: String(s) });
    }
    if (kind === "secondary_rate_limit") {
      return new HttpError(
        403,
        {
          message: `${SECONDARY_MESSAGE} ${requestId}.`,
          documentation_url:
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
          status: "403",
        },
        { "retry-after": String(retryAfter) },
      );
    }
    if (kind === "rate_limit") {
      return new HttpError(
        429,
        {
          message: "API rate limit exceeded. Please wait before you try again.",
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
          status: "429",
        },
        { "retry-after": String(retryAfter), "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
      );
    }
    return undefined;
  }

  private internal(e: unknown): Reply {
    this.deps.log(`sandbox error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return { status: 500, body: { message: "Server Error", documentation_url: DOCS, status: "500" } };
  }

  private finish(entry: LogEntry, started: number): void {
    entry.duration_ms = Math.round((performance.now() - started) * 100) / 100;
    this.requests.push(entry);
    if (this.requests.length > 50_000) this.requests.splice(0, 10_000);
  }
}

/** GitHub's `Location` where its description documents one (creations): the URL of what was created. */
function withLocation(route: Route, reply: Reply): void {
  const documented = restContract()[`${route.method} ${route.path}`]?.responseHeaders?.[String(reply.status)];
  const body = reply.body;
  const url =
    body && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>)["url"]
      : undefined;
  if (documented?.includes("Location") && typeof url === "string")
    reply.headers = { ...reply.headers, location: url };
}

/**
 * GitHub's validators on a GET: a weak `ETag` over the representation, and `Last-Modified` where the
 * resource has an `updated_at`. `If-None-Match` (or, without it, `If-Modified-Since`) that still holds
 * gets `304 Not Modified`, which GitHub does not count against the primary rate limit.
 */
function conditional(
  body: unknown,
  payload: string | Buffer,
): {
  headers: Record<string, string>;
  matches: (ifNoneMatch: string | undefined, ifModifiedSince: string | undefined) => boolean;
} {
  const etag = `W/"${createHash("sha256").update(payload).digest("hex")}"`;
  const headers: Record<string, string> = { etag };
  const updated =
    body && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>)["updated_at"]
      : undefined;
  const modified = typeof updated === "string" ? Date.parse(updated) : NaN;
  if (Number.isFinite(modified)) headers["last-modified"] = new Date(modified).toUTCString();
  const strip = (t: string): string => t.trim().replace(/^W\//, "");
  return {
    headers,
    matches: (ifNoneMatch, ifModifiedSince) => {
      if (ifNoneMatch !== undefined) {
        return ifNoneMatch.split(",").some((t) => t.trim() === "*" || strip(t) === strip(etag));
      }
      if (ifModifiedSince !== undefined && Number.isFinite(modified)) {
        const since = Date.parse(ifModifiedSince);
        return Number.isFinite(since) && Math.floor(modified / 1000) <= Math.floor(since / 1000);
      }
      return false;
    },
  };
}
