/**
 * What the branch protection routes (protection.ts) and the ruleset routes (rulesets.ts) share: who
 * administers a repository, GitHub's wording for a body its schema refuses ("Invalid request", 422),
 * reading a boolean field as the schema types it, and the 501 for a setting GitHub has but the sandbox
 * does not enforce (recorded like any unmodelled route, never stored and silently ignored).
 */
import { roleAtLeast, roleOf } from "../auth.js";
import { DOCS, HttpError } from "../errors.js";
import { type Ctx, type Json } from "../http.js";
import type { Repo } from "../state.js";
import { NOT_MODELLED } from "../unmodelled.js";

/** A setting GitHub has but the sandbox does not enforce: 501, recorded like any unmodelled route. */
export function unmodelled(ctx: Ctx, what: string): HttpError {
  ctx.state.unmodelled.push({
    at: ctx.state.now(),
    kind: "rest",
    method: ctx.method,
    route: what,
    path: ctx.path,
  });
  return new HttpError(501, {
    message: `${what} is ${NOT_MODELLED}`,
    documentation_url: DOCS,
    status: "501",
  });
}

/** GitHub's wording for a body its schema refuses (the same words strict mode uses). */
export function invalidRequest(detail: string): HttpError {
  return new HttpError(422, {
    message: `Invalid request.\n\n${detail}`,
    errors: [detail],
    documentation_url: DOCS,
    status: "422",
  });
}

/**
 * The caller administers the repository: a site administrator or a user with admin rights, or an
 * installation (whose `administration` permission the route already checked). Anonymous callers never do.
 */
export function administers(ctx: Ctx, r: Repo): boolean {
  const a = ctx.actor;
  if (a?.kind === "installation") return true;
  if (a?.kind !== "user") return false;
  if (ctx.state.account(a.login)?.site_admin) return true;
  return roleAtLeast(roleOf(ctx.state, r, a.login), "admin");
}

export const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
export const nonEmpty = (v: unknown): boolean =>
  isObj(v) && Object.values(v).some((x) => (Array.isArray(x) ? x.length > 0 : x !== undefined));

export function boolField(b: Json, key: string, at: string): boolean | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalidRequest(`For '${at}', ${JSON.stringify(v)} is not a boolean.`);
  return v;
}
