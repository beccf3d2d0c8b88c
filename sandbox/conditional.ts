/**
 * GitHub's conditional requests: the validators a GET answer carries and whether the client's copy is
 * still current, so that the server can answer `304 Not Modified`.
 */
import { createHash } from "node:crypto";

/**
 * GitHub's validators on a GET: a weak `ETag` over the representation, and `Last-Modified` where the
 * resource has an `updated_at`. `If-None-Match` (or, without it, `If-Modified-Since`) that still holds
 * gets `304 Not Modified`, which GitHub does not count against the primary rate limit.
 */
export function conditional(
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
