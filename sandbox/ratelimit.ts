/**
 * GitHub's primary and secondary rate limits ("Rate limits for the REST API", "Rate limits and query
 * limits for the GraphQL API"): per-caller hourly budgets for `core` and `graphql`, the `x-ratelimit-*`
 * headers, and GitHub's refusals in its words (REST 403, `retry-after` on the secondary limits — requests
 * in flight, points per minute, content creation; GraphQL's RATE_LIMITED). Usage per token kept for tests.
 */
import type { Actor } from "./actor.js";
import { HttpError } from "./errors.js";
import type { Account, Repo } from "./model.js";

/**
 * What the limits read of the sandbox's state (`State` is one): named here, so that this module sits below
 * state.ts rather than in a circle with it.
 */
export interface LimitsState {
  nowMs(): number;
  account(login: string): Account | undefined;
  readonly repos: ReadonlyMap<string, Repo>;
}

export type Resource = "core" | "graphql";

interface Window {
  used: number;
  /** epoch seconds on the sandbox clock */
  reset: number;
}

/** Whose hourly budget a request spends, and how GitHub names it in its refusal. */
export interface Budget {
  key: string;
  kind: "user" | "installation" | "workflow" | "app" | "anonymous";
  limit: number;
  /** "installation ID 12", "user ID 3", "127.0.0.1" */
  subject: string;
}

/** Totals per token (or per App JWT / anonymous caller), for tests and benchmarks. */
export interface TokenUsage {
  token_hint: string;
  actor: string | null;
  kind: Budget["kind"];
  budget: string;
  requests: number;
  /** REST requests that spent a point (a 304 spends none) */
  core_points: number;
  /** GraphQL points by GitHub's cost formula */
  graphql_points: number;
  graphql_queries: number;
  graphql_nodes: number;
  not_modified: number;
  refused_primary: number;
  refused_secondary: number;
}

const HOUR = 3600;
/** GitHub's published secondary limits (REST and GraphQL rate-limit docs). */
export const SECONDARY = {
  concurrent: 100,
  restPointsPerMinute: 900,
  graphqlPointsPerMinute: 2000,
  contentPerMinute: 80,
  contentPerHour: 500,
} as const;

export const SECONDARY_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID";
const SECONDARY_DOCS =
  "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits";
const PRIMARY_DOCS = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api";

const hint = (token: string): string =>
  token.length > 12 ? `${token.slice(0, 4)}…${token.slice(-4)}` : token;

/**
 * GitHub's rate limits, counted in points on the sandbox's clock.
 *
 * Primary (per hour): a user token 5,000; an installation token 5,000 plus 50 per repository beyond 20 and 50
 * per organization member beyond 20, at most 12,500; the workflow token (the `github-actions` App's
 * installation) 1,000; unauthenticated 60. REST spends one point per request (none for a 304); GraphQL
 * spends the query's cost. `core` and `graphql` are separate budgets, as on GitHub.
 *
 * Secondary (per caller): at most 100 requests in flight; 900 points a minute on REST and 2,000 on GraphQL
 * (GET/HEAD/OPTIONS 1, other methods 5; a GraphQL query 1, a mutation 5); 80 content-creating requests a
 * minute and 500 an hour.
 */
export class RateLimits {
  private readonly windows = new Map<string, Window>();
  private readonly minute = new Map<
    string,
    { start: number; rest: number; graphql: number; content: number }
  >();
  private readonly hourContent = new Map<string, Window>();
  private readonly inFlight = new Map<string, number>();
  private readonly usage = new Map<string, TokenUsage>();
  private readonly perHour: number | undefined;
  readonly secondaryEnabled: boolean;

  /**
   * `perHour` replaces every authenticated budget (a larger organization's or Enterprise Cloud's limit, or a
   * benchmark lifting it); `secondary: false` turns the secondary limits off (GitHub Enterprise Server's
   * default, and what a throughput benchmark needs).
   */
  constructor(
    private readonly state: LimitsState,
    options: { perHour?: number | undefined; secondary?: boolean } = {},
  ) {
    this.perHour = options.perHour;
    this.secondaryEnabled = options.secondary ?? true;
  }

  private nowSec(): number {
    return Math.floor(this.state.nowMs() / 1000);
  }

  /** Authentication makes a new Actor per request, so this remembers each request's budget while it runs. */
  private readonly budgets = new WeakMap<Actor, Budget>();

  budget(actor: Actor | null): Budget {
    if (!actor) return { key: "anonymous", kind: "anonymous", limit: 60, subject: "127.0.0.1" };
    let b = this.budgets.get(actor);
    if (!b) {
      b = this.budgetOf(actor);
      this.budgets.set(actor, b);
    }
    return b;
  }

  private budgetOf(actor: Actor): Budget {
    const override = this.perHour;
    if (actor.kind === "user") {
      const id = this.state.account(actor.login)?.id ?? 0;
      return {
        key: `user:${actor.login.toLowerCase()}`,
        kind: "user",
        limit: override ?? 5000,
        subject: `user ID ${id}`,
      };
    }
    if (actor.kind === "app") {
      return {
        key: `app:${actor.app.id}`,
        kind: "app",
        limit: override ?? 5000,
        subject: `integration ID ${actor.app.id}`,
      };
    }
    const inst = actor.installation;
    const subject = `installation ID ${inst.id}`;
    if (actor.app.slug === "github-actions") {
      // GITHUB_TOKEN: 1,000 per hour per repository; a token narrowed to its repository has its own budget.
      const narrowed = actor.token.repositoryIds ? [...actor.token.repositoryIds].sort().join(",") : "all";
      return { key: `workflow:${inst.id}:${narrowed}`, kind: "workflow", limit: override ?? 1000, subject };
    }
    const account = this.state.account(inst.account);
    const repos =
      inst.repositoryIds === "all"
        ? [...this.state.repos.values()].filter((r) => r.owner.toLowerCase() === inst.account.toLowerCase())
            .length
        : inst.repositoryIds.size;
    const users = account?.type === "Organization" ? account.members.size : 0;
    const scaled = Math.min(12_500, 5000 + 50 * Math.max(0, repos - 20) + 50 * Math.max(0, users - 20));
    return { key: `installation:${inst.id}`, kind: "installation", limit: override ?? scaled, subject };
  }

  private window(key: string): Window {
    const now = this.nowSec();
    let w = this.windows.get(key);
    if (!w || w.reset <= now) {
      w = { used: 0, reset: now + HOUR };
      this.windows.set(key, w);
    }
    return w;
  }

  /** GitHub's `x-ratelimit-*` headers for a budget and resource, as they stand now. */
  headers(actor: Actor | null, resource: Resource): Record<string, string> {
    const s = this.snapshot(actor, resource);
    return {
      "x-ratelimit-limit": String(s.limit),
      "x-ratelimit-remaining": String(s.remaining),
      "x-ratelimit-reset": String(s.reset),
      "x-ratelimit-used": String(s.used),
      "x-ratelimit-resource": resource,
    };
  }

  /** Whether the budget is spent: GitHub refuses once `used` has reached the limit (a costly query may overrun it). */
  exhausted(actor: Actor | null, resource: Resource): boolean {
    const b = this.budget(actor);
    return this.window(`${resource}:${b.key}`).used >= b.limit;
  }

  /** GitHub's primary-limit refusal for REST: 403, `x-ratelimit-remaining: 0`. */
  refuseRest(actor: Actor | null, token: string | null): HttpError {
    this.record(actor, token).refused_primary++;
    const b = this.budget(actor);
    const message =
      b.kind === "anonymous"
        ? `API rate limit exceeded for ${b.subject}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`
        : `API rate limit exceeded for ${b.subject}.`;
    return new HttpError(
      403,
      { message, documentation_url: PRIMARY_DOCS, status: "403" },
      this.headers(actor, "core"),
    );
  }

  /** GitHub's primary-limit refusal for GraphQL: 200 with a RATE_LIMITED error. */
  graphqlRefusal(actor: Actor | null, token: string | null): Record<string, unknown> {
    this.record(actor, token).refused_primary++;
    return {
      errors: [
        { type: "RATE_LIMITED", message: `API rate limit exceeded for ${this.budget(actor).subject}.` },
      ],
    };
  }

  /** Spends points from the caller's hourly budget; returns the headers after spending. */
  charge(actor: Actor | null, resource: Resource, points: number): Record<string, string> {
    const b = this.budget(actor);
    this.window(`${resource}:${b.key}`).used += points;
    return this.headers(actor, resource);
  }

  snapshot(
    actor: Actor | null,
    resource: Resource,
  ): { limit: number; used: number; remaining: number; reset: number } {
    const b = this.budget(actor);
    const w = this.window(`${resource}:${b.key}`);
    return { limit: b.limit, used: w.used, remaining: Math.max(0, b.limit - w.used), reset: w.reset };
  }

  /** Per-token totals; the token itself appears only as a hint. */
  record(actor: Actor | null, token: string | null): TokenUsage {
    const b = this.budget(actor);
    const key = actor?.kind === "app" ? b.key : (token ?? "anonymous");
    let u = this.usage.get(key);
    if (!u) {
      u = {
        token_hint: actor?.kind === "app" ? "(app JWT)" : token ? hint(token) : "(none)",
        actor: actor?.login ?? null,
        kind: b.kind,
        budget: b.key,
        requests: 0,
        core_points: 0,
        graphql_points: 0,
        graphql_queries: 0,
        graphql_nodes: 0,
        not_modified: 0,
        refused_primary: 0,
        refused_secondary: 0,
      };
      this.usage.set(key, u);
    }
    return u;
  }

  /** Usage per token (optionally only one), and each budget as it stands. */
  report(token?: string | null): { tokens: TokenUsage[]; budgets: Record<string, unknown>[] } {
    const tokens = token
      ? [...this.usage.entries()].filter(([k]) => k === token).map(([, u]) => u)
      : [...this.usage.values()];
    const now = this.nowSec();
    const budgets = [...this.windows.entries()]
      .filter(([, w]) => w.reset > now)
      .map(([key, w]) => {
        const [resource, ...rest] = key.split(":");
        return { resource, budget: rest.join(":"), used: w.used, reset: w.reset };
      });
    return { tokens, budgets };
  }

  clearUsage(): void {
    this.usage.clear();
  }

  // ---- secondary limits ----

  private exempt(actor: Actor | null): boolean {
    if (!this.secondaryEnabled) return true;
    // GitHub Enterprise Server lets a site administrator exempt accounts; the sandbox's admin sets up worlds.
    return actor?.kind === "user" && this.state.account(actor.login)?.site_admin === true;
  }

  private secondaryError(
    actor: Actor | null,
    retryAfter: number,
    requestId: string,
    resource: Resource,
  ): HttpError {
    return new HttpError(
      403,
      { message: `${SECONDARY_MESSAGE} ${requestId}.`, documentation_url: SECONDARY_DOCS, status: "403" },
      { ...this.headers(actor, resource), "retry-after": String(Math.max(1, retryAfter)) },
    );
  }

  /** One more request in flight for this caller; throws GitHub's secondary refusal past 100. Pair with `leave`. */
  enter(actor: Actor | null, requestId: string, resource: Resource): void {
    if (this.exempt(actor)) return;
    const key = this.budget(actor).key;
    const n = (this.inFlight.get(key) ?? 0) + 1;
    if (n > SECONDARY.concurrent) throw this.secondaryError(actor, 1, requestId, resource);
    this.inFlight.set(key, n);
  }

  leave(actor: Actor | null): void {
    if (this.exempt(actor)) return;
    const key = this.budget(actor).key;
    const n = (this.inFlight.get(key) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, n);
  }

  /**
   * Spends secondary points (REST: GET 1, writes 5; GraphQL: query 1, mutation 5) and counts content creation;
   * throws GitHub's 403 with `retry-after` when a per-minute or per-hour ceiling would be passed.
   */
  secondary(
    actor: Actor | null,
    resource: Resource,
    points: number,
    creates: boolean,
    requestId: string,
  ): number {
    if (this.exempt(actor)) return points;
    const key = this.budget(actor).key;
    const now = this.nowSec();
    let m = this.minute.get(key);
    if (!m || m.start + 60 <= now) {
      m = { start: now, rest: 0, graphql: 0, content: 0 };
      this.minute.set(key, m);
    }
    let h = this.hourContent.get(key);
    if (!h || h.reset <= now) {
      h = { used: 0, reset: now + HOUR };
      this.hourContent.set(key, h);
    }
    const ceiling = resource === "graphql" ? SECONDARY.graphqlPointsPerMinute : SECONDARY.restPointsPerMinute;
    const spent = resource === "graphql" ? m.graphql : m.rest;
    const retry = m.start + 60 - now;
    if (spent + points > ceiling) throw this.secondaryError(actor, retry, requestId, resource);
    if (creates && m.content + 1 > SECONDARY.contentPerMinute)
      throw this.secondaryError(actor, retry, requestId, resource);
    if (creates && h.used + 1 > SECONDARY.contentPerHour)
      throw this.secondaryError(actor, h.reset - now, requestId, resource);
    if (resource === "graphql") m.graphql += points;
    else m.rest += points;
    if (creates) {
      m.content++;
      h.used++;
    }
    return points;
  }

  /** Counts a secondary refusal in the caller's totals. */
  refusedSecondary(actor: Actor | null, token: string | null): void {
    this.record(actor, token).refused_secondary++;
  }
}
