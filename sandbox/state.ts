/**
 * The sandbox's state: every account, team, App, installation, token and repository (the record types are
 * in model.ts and re-exported here), the clock tests may move forward, id counters, the rate limits, and
 * the record of unmodelled requests. One `State` per sandbox; routes reach it through `ctx.state`.
 */
import type { Account, App, Installation, Repo, Team, Token, UnmodelledHit } from "./model.js";
import { RateLimits } from "./ratelimit.js";

// The records' types live in model.ts, below the rate limits that read them; importers take them from here.
export type * from "./model.js";

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export class State {
  constructor(options: { rateLimit?: number | undefined; secondaryRateLimit?: boolean | undefined } = {}) {
    this.limits = new RateLimits(this, {
      perHour: options.rateLimit,
      secondary: options.secondaryRateLimit ?? true,
    });
  }

  /** How far the sandbox's clock runs ahead of the real one (moved with `POST /_sandbox/clock`). */
  private clockOffsetMs = 0;

  readonly accounts = new Map<string, Account>();
  readonly teams = new Map<number, Team>();
  readonly repos = new Map<string, Repo>();
  /** A renamed repository's former "owner/name" (lower case) → its id: GitHub redirects the old name. */
  readonly formerNames = new Map<string, number>();
  readonly apps = new Map<number, App>();
  readonly installations = new Map<number, Installation>();
  readonly tokens = new Map<string, Token>();
  /**
   * Signatures whose key is registered on an account (armored signature → login): the sandbox cannot
   * check PGP itself, so a signature verifies only where a test registered its key (`POST /_sandbox/signing-keys`).
   */
  readonly signingKeys = new Map<string, string>();
  readonly limits: RateLimits;
  /** Requests for GitHub routes and GraphQL fields the sandbox does not model (each answered 501 or an error). */
  readonly unmodelled: UnmodelledHit[] = [];
  /** strict mode: answers that broke GitHub's documented response shape, one line per kind of problem */
  readonly offShape = new Set<string>();
  private readonly counters = new Map<string, number>();

  /** The sandbox's clock in epoch milliseconds: rate-limit windows, token expiry and new timestamps follow it. */
  nowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Moves the sandbox's clock forward (never back: GitHub's clock does not run backwards). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += Math.max(0, ms);
  }

  now(): string {
    return iso(this.nowMs());
  }

  /** Ids per resource kind, spread apart so an id of one kind is never mistaken for another. */
  nextId(kind: string): number {
    const base = 1000 + [...kind].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9000, 7) * 1000;
    const n = (this.counters.get(kind) ?? base) + 1;
    this.counters.set(kind, n);
    return n;
  }

  account(login: string): Account | undefined {
    return this.accounts.get(login.toLowerCase());
  }

  repo(owner: string, name: string): Repo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  repoById(id: number): Repo | undefined {
    for (const r of this.repos.values()) if (r.id === id) return r;
    return undefined;
  }

  appBySlug(slug: string): App | undefined {
    for (const a of this.apps.values()) if (a.slug === slug) return a;
    return undefined;
  }

  installationFor(appId: number, repo: Repo): Installation | undefined {
    for (const i of this.installations.values()) {
      if (i.appId !== appId || i.account.toLowerCase() !== repo.owner.toLowerCase()) continue;
      if (i.repositoryIds === "all" || i.repositoryIds.has(repo.id)) return i;
    }
    return undefined;
  }

  /** Installations whose app would be told about an event in this repository. */
  installationsOn(repo: Repo): Installation[] {
    return [...this.installations.values()].filter((i) => this.installationFor(i.appId, repo) === i);
  }

  team(org: string, slug: string): Team | undefined {
    for (const t of this.teams.values())
      if (t.org.toLowerCase() === org.toLowerCase() && t.slug === slug) return t;
    return undefined;
  }
}
