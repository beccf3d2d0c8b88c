/**
 * The request layer every route shares: the request context (`Ctx`: caller, state, webhooks, the REST
 * and web base URLs), the reply, and readers of a JSON body that fail as GitHub does (400 "Problems parsing
 * JSON"; 422 "Validation Failed" with `missing_field` / `invalid` field errors, per "Troubleshooting the
 * REST API"). The error answers themselves live in errors.ts, which routes import directly.
 */
import type { IncomingMessage } from "node:http";
import type { Actor } from "./actor.js";
import { DOCS, HttpError, invalid, notFound } from "./errors.js";
import type { Json } from "./json.js";
import type { State } from "./state.js";
import type { Webhooks } from "./webhooks.js";

export type { Json } from "./json.js";

export interface Reply {
  status: number;
  body?: unknown;
  /** a non-JSON answer (raw file content, a diff…); `headers` then carry its content-type */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

export interface Ctx {
  req: IncomingMessage;
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  actor: Actor | null;
  state: State;
  hooks: Webhooks;
  /** Base of REST URLs in representations, e.g. http://127.0.0.1:1234/api/v3 */
  api: string;
  /** Base of HTML URLs, e.g. http://127.0.0.1:1234 */
  web: string;
  /** X-GitHub-Request-Id of this request (GitHub quotes it in secondary-limit refusals) */
  requestId?: string;
}

export const ok = (body: unknown, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  body,
  headers,
});
export const created = (body: unknown): Reply => ({ status: 201, body });
export const noContent = (): Reply => ({ status: 204 });

/** The request body as an object; GitHub answers 400 "Problems parsing JSON" for anything else. */
export function obj(ctx: Ctx): Json {
  const b = ctx.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== "object" || Array.isArray(b)) {
    throw new HttpError(400, { message: "Problems parsing JSON", documentation_url: DOCS, status: "400" });
  }
  return b as Json;
}

export function str(body: Json, key: string, resource: string, required: true): string;
export function str(body: Json, key: string, resource: string, required?: false): string | undefined;
export function str(body: Json, key: string, resource: string, required = false): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw invalid(resource, key, "missing_field");
    return undefined;
  }
  if (typeof v !== "string") throw invalid(resource, key, "invalid", `${key} is not a string`);
  return v;
}

export function bool(body: Json, key: string, resource: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalid(resource, key, "invalid", `${key} is not a boolean`);
  return v;
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  resource: string,
  field: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw invalid(resource, field, "invalid", `${field} is not included in the list`);
  return value as T;
}

export function intParam(ctx: Ctx, name: string): number {
  const n = Number(ctx.params[name]);
  if (!Number.isInteger(n) || n < 0) throw notFound();
  return n;
}
