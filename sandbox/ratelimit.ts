import type { Actor } from "./auth.js";
import { DOCS, HttpError } from "./http.js";

interface Bucket {
  used: number;
  reset: number;
}

/** Primary rate limits with GitHub's headers: 5,000/h per user or installation, 60/h unauthenticated. */
export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();

  /** Requests per hour for a user or installation: 5,000 is GitHub's base (larger organizations get more). */
  constructor(private readonly perHour = 5000) {}

  take(actor: Actor | null, kind: string): Record<string, string> {
    const resource = kind === "graphql" ? "graphql" : "core";
    const limit = actor ? this.perHour : 60;
    const key = `${resource}:${actor?.login ?? "anonymous"}`;
    const now = Math.floor(Date.now() / 1000);
    let b = this.buckets.get(key);
    if (!b || b.reset <= now) {
      b = { used: 0, reset: now + 3600 };
      this.buckets.set(key, b);
    }
    const headers = (used: number): Record<string, string> => ({
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(0, limit - used)),
      "x-ratelimit-reset": String(b.reset),
      "x-ratelimit-used": String(used),
      "x-ratelimit-resource": resource,
    });
    if (b.used >= limit) {
      throw new HttpError(
        403,
        {
          message: `API rate limit exceeded for ${actor?.login ?? "your IP"}.`,
          documentation_url: DOCS,
          status: "403",
        },
        headers(b.used),
      );
    }
    b.used++;
    return headers(b.used);
  }

  snapshot(
    actor: Actor | null,
    resource: "core" | "graphql",
  ): { limit: number; used: number; remaining: number; reset: number } {
    const limit = actor ? this.perHour : 60;
    const b = this.buckets.get(`${resource}:${actor?.login ?? "anonymous"}`);
    const used = b?.used ?? 0;
    return { limit, used, remaining: limit - used, reset: b?.reset ?? Math.floor(Date.now() / 1000) + 3600 };
  }
}
