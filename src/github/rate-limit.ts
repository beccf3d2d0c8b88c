/**
 * GitHub saying "no more for now": a spent primary budget (REST 403/429 with `x-ratelimit-remaining: 0`,
 * or GraphQL's 200 with a `RATE_LIMITED` error) or a secondary limit (403/429 with `retry-after`). Read
 * from the error Octokit throws, with the time the budget resets, so callers can say so in words and fail
 * closed instead of deciding on what they could not read.
 */
export interface RateLimited {
  /** "graphql", "core" … as GitHub's `x-ratelimit-resource` names it, when it does. */
  readonly resource: string | undefined;
  /** When GitHub will answer again. */
  readonly resetAt: Date;
  /** A secondary limit (too much at once) rather than a spent hourly budget. */
  readonly secondary: boolean;
  /** GitHub's own message. */
  readonly message: string;
}

type Headers = Record<string, string | number | undefined>;

function headersOf(error: unknown): Headers {
  const e = error as { response?: { headers?: Headers }; headers?: Headers };
  return e.response?.headers ?? e.headers ?? {};
}

/** The rate limit behind `error`, or undefined when it is another failure. */
export function rateLimitOf(error: unknown, now: Date = new Date()): RateLimited | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as { status?: number; message?: string; errors?: { type?: string; message?: string }[] };
  const headers = headersOf(error);
  const header = (name: string) => {
    const value = headers[name] ?? headers[name.toLowerCase()];
    return value === undefined ? undefined : String(value);
  };
  const graphqlLimited = (e.errors ?? []).find((x) => x.type === "RATE_LIMITED");
  const remaining = header("x-ratelimit-remaining");
  const retryAfter = header("retry-after");
  const restLimited =
    (e.status === 403 || e.status === 429) && (remaining === "0" || retryAfter !== undefined);
  if (!graphqlLimited && !restLimited) return undefined;
  const reset = Number(header("x-ratelimit-reset"));
  const resetAt =
    retryAfter !== undefined && Number.isFinite(Number(retryAfter))
      ? new Date(now.getTime() + Number(retryAfter) * 1000)
      : Number.isFinite(reset) && reset > 0
        ? new Date(reset * 1000)
        : new Date(now.getTime() + 60_000);
  return {
    resource: header("x-ratelimit-resource"),
    resetAt,
    secondary: !graphqlLimited && remaining !== "0",
    message: graphqlLimited?.message ?? e.message ?? "rate limit exceeded",
  };
}

/** "GitHub's API rate limit (graphql) is spent until 21:42 UTC (2026-11-29T21:42:10Z)". */
export function describeRateLimit(limit: RateLimited): string {
  const at = limit.resetAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  const kind = limit.secondary ? "secondary rate limit" : "API rate limit";
  const resource = limit.resource ? ` (${limit.resource})` : "";
  return `GitHub's ${kind}${resource} is spent until ${at.slice(11, 16)} UTC (${at})`;
}
