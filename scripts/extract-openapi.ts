/**
 * Extracts, from GitHub's OpenAPI description (@octokit/openapi), the contract of every REST operation the
 * sandbox serves and the schemas of the webhooks it sends, into small committed JSON files under
 * sandbox/contracts/. The full description is 73 MB; install it only for this script:
 *
 *   npm install --no-save @octokit/openapi && npx tsx scripts/extract-openapi.ts
 *   (or OPENAPI_DIR=/path/to/@octokit/openapi/generated npx tsx scripts/extract-openapi.ts)
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { format } from "prettier";
import { join } from "node:path";
import { restRoutes } from "../sandbox/routes/index.js";

type Schema = Record<string, unknown>;
const dir = process.env["OPENAPI_DIR"] ?? join(process.cwd(), "node_modules/@octokit/openapi/generated");
const out = join(process.cwd(), "sandbox/contracts");

const KEEP = [
  "type",
  "required",
  "properties",
  "items",
  "enum",
  "maxLength",
  "minLength",
  "maxItems",
  "minItems",
  "maximum",
  "minimum",
  "anyOf",
  "oneOf",
  "allOf",
  "nullable",
  "additionalProperties",
  "const",
];

function isAccountErratum(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  const req = v.map((m) => ((m as Schema)["required"] ?? []) as string[]);
  return req.some((r) => r.includes("login")) && req.some((r) => r.includes("slug") && !r.includes("login"));
}

/** Keeps what a validator needs (types, required, enums, limits) and drops prose, to a depth. */
function prune(s: unknown, depth: number): unknown {
  if (Array.isArray(s)) return s.map((x) => prune(x, depth));
  if (!s || typeof s !== "object") return s;
  if (depth <= 0) return {};
  const src = s as Schema;
  const o: Schema = {};
  for (const k of KEEP) {
    if (k === "nullable") continue;
    if (!(k in src)) continue;
    const v = src[k];
    if (k === "properties" && v && typeof v === "object") {
      o[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, prune(ps, depth - 1)]));
    } else if (k === "items" || k === "additionalProperties") {
      o[k] = typeof v === "object" ? prune(v, depth - 1) : v;
    } else if (k === "allOf" && isAccountErratum(v)) {
      // Erratum: installation.account is described as allOf [simple-user, enterprise], which nothing can
      // satisfy (GitHub sends one or the other); the intended meaning is anyOf.
      o["anyOf"] = prune(v, depth);
    } else if (k === "anyOf" || k === "oneOf" || k === "allOf") {
      o[k] = prune(v, depth);
    } else if (k === "enum" && Array.isArray(v) && v.includes("check_run") && v.includes("workflow_run")) {
      // Erratum: the webhook schemas' list of App events predates deployment_protection_rule, which Apps
      // subscribe to (GitHub's custom deployment protection rule docs); the enum lags the product.
      o[k] = v.includes("deployment_protection_rule") ? v : [...v, "deployment_protection_rule"];
    } else o[k] = v;
  }
  // OpenAPI 3.0's `nullable` becomes plain JSON Schema so any validator reads it the same way.
  if (src["nullable"] === true) {
    if (typeof o["type"] === "string") {
      o["type"] = [o["type"], "null"];
      if (Array.isArray(o["enum"]) && !o["enum"].includes(null))
        o["enum"] = [...(o["enum"] as unknown[]), null];
    } else return { anyOf: [o, { type: "null" }] };
  }
  return o;
}

interface Param {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId: string;
  parameters?: Param[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<
    string,
    { content?: Record<string, { schema?: Schema }>; headers?: Record<string, unknown> }
  >;
}
type Spec = {
  paths: Record<string, Record<string, Operation>>;
  "x-webhooks"?: Record<string, { post: Operation }>;
};

/** Shared sub-schemas (users, repositories …) are stored once in defs and referenced, which keeps the files small. */
const defs: Record<string, unknown> = {};
function share(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(share);
  if (!s || typeof s !== "object") return s;
  const o: Schema = {};
  for (const [k, v] of Object.entries(s as Schema)) {
    o[k] =
      k === "properties" && v && typeof v === "object"
        ? Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, share(ps)]))
        : share(v);
  }
  const json = JSON.stringify(o);
  if (json.length < 300 || !("properties" in o || "items" in o || "anyOf" in o)) return o;
  const id = createHash("sha1").update(json).digest("hex").slice(0, 12);
  defs[id] = o;
  return { $ref: `defs.json#/$defs/${id}` };
}

console.error(`reading ${dir}`);
const dotcom = JSON.parse(readFileSync(join(dir, "api.github.com.deref.json"), "utf8")) as Spec;
const ghes = JSON.parse(readFileSync(join(dir, "ghes-3.17.deref.json"), "utf8")) as Spec;

const operations: Record<string, unknown> = {};
const missing: string[] = [];
for (const route of restRoutes) {
  const method = route.method.toLowerCase();
  const fromDotcom = dotcom.paths[route.path]?.[method];
  const op = fromDotcom ?? ghes.paths[route.path]?.[method];
  if (!op) {
    missing.push(`${route.method} ${route.path}`);
    continue;
  }
  if (op.operationId !== route.operationId)
    console.error(
      `note: ${route.method} ${route.path} is ${op.operationId} (sandbox says ${route.operationId})`,
    );
  const body = op.requestBody?.content?.["application/json"]?.schema;
  const responses: Record<string, unknown> = {};
  // The headers GitHub documents on a creation (Location), which the sandbox sends as GitHub does.
  const responseHeaders: Record<string, string[]> = {};
  for (const [status, res] of Object.entries(op.responses)) {
    const schema = res.content?.["application/json"]?.schema;
    responses[status] = schema ? share(prune(schema, 6)) : null;
    const named = Object.keys(res.headers ?? {}).filter((h) => h === "Location");
    if (named.length > 0) responseHeaders[status] = named;
  }
  operations[`${route.method} ${route.path}`] = {
    operationId: op.operationId,
    source: fromDotcom ? "api.github.com" : "ghes-3.17",
    parameters: (op.parameters ?? []).map((p) => ({
      name: p.name,
      in: p.in,
      required: p.required ?? false,
      schema: prune(p.schema ?? {}, 3),
    })),
    requestBody: body ? { required: op.requestBody?.required ?? false, schema: share(prune(body, 6)) } : null,
    responses,
    ...(Object.keys(responseHeaders).length > 0 ? { responseHeaders } : {}),
  };
}

const EVENTS = [
  "pull-request-opened",
  "pull-request-synchronize",
  "pull-request-closed",
  "pull-request-reopened",
  "pull-request-edited",
  "pull-request-labeled",
  "pull-request-unlabeled",
  "pull-request-review-submitted",
  "issue-comment-created",
  "issue-comment-edited",
  "issue-comment-deleted",
  "issues-opened",
  "issues-labeled",
  "issues-unlabeled",
  "check-run-created",
  "check-run-completed",
  "check-run-rerequested",
  "check-suite-requested",
  "check-suite-completed",
  "status",
  "deployment-created",
  "deployment-status-created",
  "deployment-protection-rule-requested",
  "workflow-run-requested",
  "workflow-run-in-progress",
  "workflow-run-completed",
];
const webhooks: Record<string, unknown> = {};
for (const name of EVENTS) {
  const schema = dotcom["x-webhooks"]?.[name]?.post.requestBody?.content?.["application/json"]?.schema;
  if (!schema) missing.push(`webhook ${name}`);
  else webhooks[name] = share(prune(schema, 6));
}

const write = async (file: string, value: unknown): Promise<void> =>
  writeFileSync(join(out, file), await format(JSON.stringify(value), { parser: "json", printWidth: 110 }));
const source =
  "@octokit/openapi generated/api.github.com.deref.json (+ ghes-3.17.deref.json for admin endpoints)";
await write("rest-operations.json", { source, operations });
await write("webhook-schemas.json", { source, webhooks });
await write("schema-defs.json", { $id: "defs.json", $defs: defs });
console.error(
  `${Object.keys(operations).length} operations, ${Object.keys(webhooks).length} webhook schemas`,
);
if (missing.length > 0) {
  console.error(`not in GitHub's description: ${missing.join(", ")}`);
  process.exitCode = 1;
}
