/**
 * Never more lenient than GitHub: a route GitHub serves but the sandbox does not model answers 501, not
 * the 404 of a missing resource (code reading 404 as "none" would pass here and be wrong on GitHub), and a
 * GraphQL field or mutation the sandbox does not resolve answers an error instead of null. Each such hit is
 * recorded (`GET /_sandbox/unmodelled`, `Sandbox.unmodelled()`); the test worlds fail when one happened.
 * GitHub's routes come from contracts/github-routes.json, extracted from its OpenAPI description.
 */
import { existsSync, readFileSync } from "node:fs";
import { DOCS, HttpError } from "./errors.js";
import { Router } from "./router.js";

export type { UnmodelledHit } from "./model.js";

export const NOT_MODELLED = "not modelled by the sandbox";

/** The JSON sits next to the contracts in the source tree; compiled to lib/, look back in the source tree. */
function routesFile(): URL {
  const here = new URL("./contracts/github-routes.json", import.meta.url);
  return existsSync(here) ? here : new URL("../../sandbox/contracts/github-routes.json", import.meta.url);
}

let github: Router | undefined;

/** GitHub's REST routes (sandbox/contracts/github-routes.json, from GitHub's OpenAPI description). */
export function githubRoutes(): Router {
  if (github) return github;
  const { routes } = JSON.parse(readFileSync(routesFile(), "utf8")) as { routes: string[] };
  const router = new Router();
  for (const r of routes) {
    const [method = "", path = ""] = r.split(" ");
    router.add({
      method,
      path,
      operationId: "unmodelled",
      handler: () => {
        throw new Error("not modelled");
      },
    });
  }
  github = router;
  return router;
}

/** The GitHub route template a request is for, if GitHub has one. */
export function githubRoute(method: string, path: string): string | undefined {
  return githubRoutes().match(method, path)?.route.path;
}

export function notModelled(method: string, route: string): HttpError {
  return new HttpError(501, {
    message: `${method} ${route} is ${NOT_MODELLED}`,
    documentation_url: DOCS,
    status: "501",
  });
}
