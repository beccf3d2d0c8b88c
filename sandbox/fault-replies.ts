/**
 * The answers GitHub gives that an injected fault (faults.ts) stands in for: a server error, a secondary
 * rate limit with `Retry-After`, or a primary one (429 with `x-ratelimit-*`). Built here so the server only
 * decides when a fault applies.
 */
import { DOCS, HttpError } from "./errors.js";
import { SECONDARY_MESSAGE } from "./ratelimit.js";

/** The error a fault of this kind answers with; undefined for the kinds that only delay or drop. */
export function faultReply(
  kind: string,
  status: number | undefined,
  retryAfter: number,
  requestId: string,
  nowMs: number,
): HttpError | undefined {
  const reset = String(Math.floor(nowMs / 1000) + retryAfter);
  if (kind === "status") {
    const s = status ?? 500;
    const message = s === 502 ? "Server Error" : s === 503 ? "Service Unavailable" : "Internal Server Error";
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
