/**
 * GitHub's published contracts, extracted from its OpenAPI description (`@octokit/openapi`, api.github.com)
 * into this folder: request bodies and enum query parameters of each REST operation, response schemas per
 * status, and the webhook payload schemas (x-webhooks, e.g. `pull-request-opened`). Strict mode refuses a
 * request GitHub's contract refuses with 422 and GitHub's wording of schema failures.
 */
import { existsSync, readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { DOCS, HttpError } from "../errors.js";
import { type Ctx } from "../http.js";
import type { Route } from "../router.js";

type Schema = Record<string, unknown>;
export interface OperationContract {
  operationId: string;
  parameters: { name: string; in: string; required: boolean; schema: Schema }[];
  requestBody: { required: boolean; schema: Schema } | null;
  responses: Record<string, Schema | null>;
  /** headers GitHub documents on a response, by status (e.g. Location on a 201) */
  responseHeaders?: Record<string, string[]>;
}

/** The JSON sits next to this file in the source tree; compiled to lib/, look back in the source tree. */
export function contractFile(name: string): URL {
  const here = new URL(`./${name}`, import.meta.url);
  return existsSync(here) ? here : new URL(`../../../sandbox/contracts/${name}`, import.meta.url);
}

let rest: Record<string, OperationContract> | undefined;
let hooks: Record<string, Schema> | undefined;
// verbose: each error carries the offending value, which GitHub quotes in its message.
const ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
let defsLoaded = false;
const compiled = new Map<string, ValidateFunction>();

export function restContract(): Record<string, OperationContract> {
  rest ??= (
    JSON.parse(readFileSync(contractFile("rest-operations.json"), "utf8")) as {
      operations: Record<string, OperationContract>;
    }
  ).operations;
  return rest;
}

export function webhookContract(): Record<string, Schema> {
  hooks ??= (
    JSON.parse(readFileSync(contractFile("webhook-schemas.json"), "utf8")) as {
      webhooks: Record<string, Schema>;
    }
  ).webhooks;
  return hooks;
}

function validator(key: string, schema: Schema): ValidateFunction {
  if (!defsLoaded) {
    ajv.addSchema(JSON.parse(readFileSync(contractFile("schema-defs.json"), "utf8")) as Schema);
    defsLoaded = true;
  }
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(key, v);
  }
  return v;
}

/** A value as GitHub quotes it in a schema failure (Ruby's inspect: `nil` for null). */
const quote = (v: unknown): string => (v === null ? "nil" : v === undefined ? "nil" : JSON.stringify(v));

/**
 * Renders an ajv error the way GitHub words schema failures: `"ref" wasn't supplied.`,
 * `For 'properties/environment_url', nil is not a string.` …
 */
function describe(e: ErrorObject): string {
  const segments = e.instancePath.replace(/^\//, "").split("/").filter(Boolean);
  const at = segments.length === 0 ? "body" : `properties/${segments.join("/")}`;
  if (e.keyword === "required") return `"${String(e.params["missingProperty"])}" wasn't supplied.`;
  if (e.keyword === "enum")
    return `For '${at}', ${quote(e.data)} is not a member of ${JSON.stringify(e.params["allowedValues"])}.`;
  if (e.keyword === "maxLength")
    return `For '${at}', ${quote(e.data)} is too long (maximum is ${String(e.params["limit"])} characters).`;
  if (e.keyword === "type") {
    const types = ([] as unknown[]).concat(e.params["type"]).map(String);
    const names = types.map((t) =>
      t === "integer" || t === "array" || t === "object" ? `an ${t}` : `a ${t}`,
    );
    return `For '${at}', ${quote(e.data)} is not ${names.join(" or ")}.`;
  }
  return `For '${at}', ${e.message ?? "is invalid"}.`;
}

const uniq = (xs: string[]): string[] => [...new Set(xs)];

/**
 * Request fields GitHub accepts `null` for (as "not given") although its description does not mark them
 * nullable. Fields the description marks nullable accept null through the extracted schema itself.
 */
const NULL_ACCEPTED: Record<string, readonly string[]> = {
  "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses": ["environment_url"],
};

/** Errors GitHub's contract reports for this request (body schema and enum query parameters). */
export function requestErrors(key: string, body: unknown, query: URLSearchParams): string[] {
  const op = restContract()[key];
  if (!op) return [];
  const out: string[] = [];
  const nullable = NULL_ACCEPTED[key];
  if (nullable && body && typeof body === "object" && !Array.isArray(body)) {
    const given = body as Record<string, unknown>;
    body = Object.fromEntries(
      Object.entries(given).filter(([k, v]) => !(v === null && nullable.includes(k))),
    );
  }
  if (op.requestBody && (body !== undefined || op.requestBody.required)) {
    const v = validator(`${key} request`, op.requestBody.schema);
    if (!v(body ?? {}))
      out.push(
        ...uniq((v.errors ?? []).filter((e) => !["anyOf", "oneOf", "if"].includes(e.keyword)).map(describe)),
      );
  }
  for (const p of op.parameters) {
    if (p.in !== "query") continue;
    const value = query.get(p.name);
    const allowed = p.schema["enum"];
    if (value !== null && Array.isArray(allowed) && !allowed.includes(value))
      out.push(`For '${p.name}', ${JSON.stringify(value)} is not a member of ${JSON.stringify(allowed)}.`);
  }
  return out;
}

export function responseErrors(key: string, status: number, body: unknown): string[] {
  const op = restContract()[key];
  if (!op) return [`no contract for ${key}`];
  if (!(String(status) in op.responses))
    return [
      `status ${status} is not a documented response of ${key} (${Object.keys(op.responses).join(", ")})`,
    ];
  const schema = op.responses[String(status)];
  if (!schema) return body === undefined || body === "" ? [] : [];
  const v = validator(`${key} ${status}`, schema);
  return v(body)
    ? []
    : (v.errors ?? []).map(
        (e) => `${e.instancePath || "(root)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
      );
}

/** e.g. ("pull_request", "opened") → the x-webhooks schema "pull-request-opened". */
export function webhookErrors(event: string, action: string | null, payload: unknown): string[] {
  const name = `${event}${action ? `-${action}` : ""}`.replace(/_/g, "-");
  const schema = webhookContract()[name];
  if (!schema) return [`no webhook schema for ${name}`];
  const v = validator(`webhook ${name}`, schema);
  return v(payload)
    ? []
    : (v.errors ?? []).map(
        (e) => `${e.instancePath || "(root)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
      );
}

/** Strict mode: refuse with 422, as GitHub does, any request its published contract refuses. */
export function strictValidator(): (route: Route, ctx: Ctx) => void {
  restContract();
  return (route, ctx) => {
    const errors = requestErrors(`${route.method} ${route.path}`, ctx.body, ctx.query);
    if (errors.length > 0) {
      throw new HttpError(422, {
        message: `Invalid request.\n\n${errors.join("\n")}`,
        errors,
        documentation_url: DOCS,
        status: "422",
      });
    }
  };
}
