/**
 * The web pages at GitHub's html_urls, served by the same server as the API: which requests are for a
 * page rather than the API, and the page (or a 404 page) for them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { PAGE_HEADERS, notFoundPage, type Page } from "./pages/index.js";
import type { Router } from "./router.js";

/**
 * Serves a web page when the request is for one: a GET or HEAD outside the API's prefixes for a path
 * that has a page, unless it is also a REST path (REST is served at the root too, as api.github.com
 * does) asked for by an API client rather than a browser (which accepts text/html). A browser gets a
 * 404 page where there is neither. Pages are neither API calls nor rate-limited, so they are not in
 * the request log, and faults do not apply to them.
 */
export function servePage(
  deps: {
    readonly pages?: ((path: string, query: URLSearchParams) => Page | undefined) | undefined;
    readonly rest: Router;
  },
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  url: URL,
): boolean {
  const path = url.pathname;
  if (!deps.pages || (method !== "GET" && method !== "HEAD")) return false;
  if (/^\/(api\/v3|_sandbox)(\/|$)/.test(path) || path === "/api/graphql" || path === "/graphql")
    return false;
  const browser = /\btext\/html\b/.test(req.headers.accept ?? "");
  const rest = deps.rest.match("GET", path) !== undefined;
  if (rest && !browser) return false;
  const found = deps.pages(path, url.searchParams);
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
