/**
 * The route table: each route is GitHub's OpenAPI path template with its operationId (the key into
 * contracts/rest-operations.json), what it requires of the caller on the repository, and its handler.
 * Matching follows GitHub's templates: `{ref}`, `{path}` and `{basehead}` may contain slashes, and the
 * route with the most literal text wins.
 */
import type { Requirement } from "./auth.js";
import type { Ctx, Reply } from "./http.js";

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export interface RouteDef {
  method: string;
  /** OpenAPI path template, e.g. /repos/{owner}/{repo}/pulls/{pull_number} */
  path: string;
  /** GitHub's operationId (e.g. "pulls/create"), the key into the extracted contract */
  operationId: string;
  /** repository routes: what the actor needs on {owner}/{repo} */
  need?: Requirement;
  /** "jwt" routes take only an App JWT; "user" routes need a user or installation token */
  auth?: "jwt" | "token" | "none";
  handler: Handler;
}

export interface Route extends RouteDef {
  regex: RegExp;
  names: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: Route[] = [];

  add(...defs: RouteDef[]): void {
    for (const def of defs) {
      const names: string[] = [];
      // {+path} style and a trailing {ref}/{path}/{basehead} param may contain slashes (branch names), as in
      // GitHub's templates.
      const source = def.path
        .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
        .replace(/\{(\w+)\}/g, (_m, name: string) => {
          names.push(name);
          return name === "path" || name === "ref" || name === "basehead" || name === "name_with_slashes"
            ? "(.+?)"
            : "([^/]+)";
        });
      this.routes.push({ ...def, regex: new RegExp(`^${source}/?$`), names });
    }
  }

  all(): readonly Route[] {
    return this.routes;
  }

  match(method: string, path: string): Match | undefined {
    // {ref} and {path} may contain slashes, so several routes can match: the one with the most literal text wins.
    let best: { route: Route; m: RegExpExecArray; literal: number } | undefined;
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const literal = route.path.replace(/\{\w+\}/g, "").length;
      if (!best || literal > best.literal) best = { route, m, literal };
    }
    if (!best) return undefined;
    const params: Record<string, string> = {};
    const { route, m } = best;
    route.names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1] ?? "");
    });
    return { route, params };
  }
}
