/**
 * The HTTP server in front of every route, doing what GitHub does to each request in turn: faults (when
 * injected), authentication, rate limits, routing to GitHub's template — 501 for a GitHub route the
 * sandbox does not model, never a 404 — the route's own authorization, strict contract checks, then
 * `ETag`/`Last-Modified` with 304s, `Location` on creations, media types, HEAD, the `/repositories/{id}`
 * form and a renamed repository's redirect; every API call goes in the request log.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { authenticate, authorizeRepo, type Actor } from "./auth.js";
import type { Faults } from "./faults.js";
import type { Page } from "./pages/index.js";
import { DOCS, HttpError, notFound, unauthorized } from "./errors.js";
import { type Ctx, type Reply } from "./http.js";
import type { Route, Router } from "./router.js";
import type { GraphqlCharge } from "./graphql/index.js";
import type { Resource } from "./ratelimit.js";
import type { State } from "./state.js";
import type { Webhooks } from "./webhooks.js";
import { githubRoute, notModelled } from "./unmodelled.js";
import { restContract } from "./contracts/validate.js";
import { mediaTypeHeader, requestedFormat, withBodyFormat } from "./media.js";
import { conditional } from "./conditional.js";
import { faultReply } from "./fault-replies.js";
import { byRepositoryId, formerName } from "./repository-paths.js";
import { servePage } from "./web-pages.js";

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

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Kind = "rest" | "graphql" | "control";

/** One request on its way through the phases: what each learns, for the next phases and for the log. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly method: string;
  readonly url: URL;
  /** The API path, without GHES's `/api/v3` prefix. */
  readonly path: string;
  readonly kind: Kind;
  readonly requestId: string;
  readonly started: number;
  readonly entry: LogEntry;
  /** Headers on every answer, under those the route sets. */
  readonly headers: Record<string, string>;
  actor: Actor | null;
  token: string | null;
  /** Counted against the primary REST limit once answered (all REST calls but GET /rate_limit). */
  chargeRest: boolean;
}

/** Which API a path is for: the control API, GraphQL, or REST (at the root or under `/api/v3`). */
function apiOf(pathname: string): { kind: Kind; path: string } {
  if (pathname.startsWith("/_sandbox/") || pathname === "/_sandbox")
    return { kind: "control", path: pathname };
  if (pathname === "/api/graphql" || pathname === "/graphql") return { kind: "graphql", path: pathname };
  if (pathname.startsWith("/api/v3/") || pathname === "/api/v3")
    return { kind: "rest", path: pathname.slice("/api/v3".length) || "/" };
  return { kind: "rest", path: pathname };
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, { message: "Problems parsing JSON", documentation_url: DOCS, status: "400" });
  }
}

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
    if (servePage(this.deps, req, res, method, url)) return;
    const { kind, path } = apiOf(url.pathname);
    const requestId = randomUUID().toUpperCase().slice(0, 23);
    const x: Exchange = {
      req,
      method,
      url,
      path,
      kind,
      requestId,
      started,
      entry: {
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
      },
      headers: { "x-github-request-id": requestId, "x-github-media-type": "github.v3; format=json" },
      actor: null,
      token: null,
      chargeRest: false,
    };
    const reply = await this.answer(x);
    if (reply === undefined) req.socket.destroy();
    else this.respond(x, res, reply);
  }

  /**
   * The request's answer, phase by phase: its body, an injected fault, authentication, rate limits, then
   * the route (or GraphQL). An error at any phase is the answer; undefined when a fault drops the connection.
   */
  private async answer(x: Exchange): Promise<Reply | undefined> {
    const limits = this.deps.state.limits;
    let entered = false;
    try {
      const raw = await readBody(x.req);
      if (x.kind === "rest")
        x.entry.operationId = this.deps.rest.match(x.method, x.path)?.route.operationId ?? null;
      if (x.kind !== "control" && (await this.injectFault(x)) === "dropped") return undefined;
      const body = parseJson(raw);
      x.actor = x.kind === "control" ? null : authenticate(this.deps.state, x.req.headers.authorization);
      x.entry.actor = x.actor?.login ?? null;
      x.token = x.actor && x.actor.kind !== "app" ? x.actor.token.token : null;
      if (x.kind !== "control") {
        limits.record(x.actor, x.token).requests++;
        limits.enter(x.actor, x.requestId, x.entry.resource ?? "core");
        entered = true;
      }
      if (x.kind === "rest") this.limitRest(x);
      return await this.dispatch(x, body);
    } catch (e) {
      return this.errorReply(x, e);
    } finally {
      if (entered) limits.leave(x.actor);
    }
  }

  /** An injected fault: its latency, then a dropped connection or GitHub's error answer (thrown). */
  private async injectFault(x: Exchange): Promise<"dropped" | undefined> {
    const fault = this.deps.faults.request(x.method, x.path);
    if (!fault) return undefined;
    x.entry.fault = fault.kind;
    if (fault.latency_ms) await sleep(fault.latency_ms);
    if (fault.kind === "drop") {
      x.entry.status = 0;
      this.finish(x.entry, x.started);
      return "dropped";
    }
    const nowMs = this.deps.state.nowMs();
    const early = faultReply(fault.kind, fault.status, fault.retry_after ?? 60, x.requestId, nowMs);
    if (early) throw early;
    return undefined;
  }

  /** REST's primary limit (refused when spent) and secondary points, counted before the route runs. */
  private limitRest(x: Exchange): void {
    const limits = this.deps.state.limits;
    // GET /rate_limit does not count against the primary limit (it does against the secondary one).
    const free = x.method === "GET" && x.path === "/rate_limit";
    if (!free && limits.exhausted(x.actor, "core")) throw limits.refuseRest(x.actor, x.token);
    const read = x.method === "GET" || x.method === "HEAD" || x.method === "OPTIONS";
    const creates = x.method === "POST" && this.deps.rest.match(x.method, x.path)?.route.auth !== "jwt";
    x.entry.secondary_points = limits.secondary(x.actor, "core", read ? 1 : 5, creates, x.requestId);
    x.chargeRest = !free;
  }

  /** GraphQL, or the REST or control route the path names. */
  private async dispatch(x: Exchange, body: unknown): Promise<Reply> {
    const base = this.deps.base();
    const ctx: Ctx = {
      req: x.req,
      method: x.method,
      path: x.path,
      params: {},
      query: x.url.searchParams,
      body,
      actor: x.actor,
      state: this.deps.state,
      hooks: this.deps.hooks,
      api: `${base}/api/v3`,
      web: base,
      requestId: x.requestId,
    };
    if (x.kind === "graphql") {
      x.entry.operationId = "graphql";
      if (x.method !== "POST") throw notFound();
      if (!x.actor) throw unauthorized("This endpoint requires you to be authenticated.");
      return this.deps.graphql(ctx, (c) => {
        x.entry.points = c.points;
        x.entry.node_count = c.nodeCount;
        x.entry.secondary_points = c.secondaryPoints;
      });
    }
    const router = x.kind === "control" ? this.deps.control : this.deps.rest;
    const reply = await this.route(router, ctx, x.actor, x.entry, x.kind);
    // Issues, pull requests, comments and reviews in the body format the Accept header asks for.
    if (x.kind === "rest" && reply.raw === undefined && /^(pulls|issues)\//.test(x.entry.operationId ?? "")) {
      const format = requestedFormat(ctx);
      reply.body = withBodyFormat(reply.body, format);
      x.headers["x-github-media-type"] = mediaTypeHeader(format);
    }
    return reply;
  }

  private errorReply(x: Exchange, e: unknown): Reply {
    if (!(e instanceof HttpError)) return this.internal(e);
    if (
      x.kind !== "control" &&
      String(e.body["message"] ?? "").startsWith("You have exceeded a secondary rate limit")
    )
      this.deps.state.limits.refusedSecondary(x.actor, x.token);
    return { status: e.status, body: e.body, headers: e.headers };
  }

  /**
   * Writes the answer: a 304 where the client's copy is current, the primary limit charged, the request
   * logged, and the headers GitHub puts on every answer.
   */
  private respond(x: Exchange, res: ServerResponse, answered: Reply): void {
    const limits = this.deps.state.limits;
    let reply = answered;
    let payload: string | Buffer | undefined =
      reply.raw !== undefined ? reply.raw : reply.body === undefined ? undefined : JSON.stringify(reply.body);
    if (x.kind === "rest" && x.method === "GET" && reply.status === 200 && payload !== undefined) {
      const validators = conditional(reply.body, payload);
      reply.headers = { ...reply.headers, ...validators.headers };
      if (validators.matches(x.req.headers["if-none-match"], x.req.headers["if-modified-since"])) {
        reply = { status: 304, headers: reply.headers };
        payload = undefined;
        limits.record(x.actor, x.token).not_modified++;
      }
    }
    if (x.chargeRest && reply.status !== 304) {
      x.entry.points = 1;
      limits.record(x.actor, x.token).core_points++;
      reply.headers = { ...reply.headers, ...limits.charge(x.actor, "core", 1) };
    } else if (x.chargeRest) {
      reply.headers = { ...reply.headers, ...limits.headers(x.actor, "core") };
    }
    x.entry.status = reply.status;
    this.finish(x.entry, x.started);
    // GitHub's Date header is GitHub's clock: here the sandbox's, which tests move forward.
    const all: Record<string, string> = {
      ...x.headers,
      date: new Date(this.deps.state.nowMs()).toUTCString(),
      ...reply.headers,
    };
    // A user's token (classic PAT or OAuth) gets its scopes on every API answer, as on GitHub.
    if (x.kind !== "control" && x.actor?.kind === "user")
      all["x-oauth-scopes"] = x.actor.token.scopes.join(", ");
    if (payload !== undefined && reply.raw === undefined)
      all["content-type"] = "application/json; charset=utf-8";
    res.writeHead(reply.status, all);
    res.end(x.method === "HEAD" ? undefined : payload);
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
      kind === "control"
        ? ctx.path.slice("/_sandbox".length) || "/"
        : byRepositoryId(this.deps.state, ctx.path);
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
      if (!r) throw formerName(this.deps.state, ctx, actor, method, path, owner, repo);
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
