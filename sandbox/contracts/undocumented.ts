/**
 * Strict mode's second check of each answer: properties GitHub's documented response schema (the
 * extracted OpenAPI description in schema-defs.json / rest-operations.json) does not list, which a plain
 * schema validator would let through because GitHub's schemas allow extra properties. The few fields GitHub
 * sends although api.github.com's description omits them are listed by name.
 */
import { readFileSync } from "node:fs";
import type { Reply } from "../http.js";
import type { Route } from "../router.js";
import { contractFile, responseErrors, restContract } from "./validate.js";

type Schema = Record<string, unknown>;
let defs: Record<string, Schema> | undefined;

function resolve(s: unknown): Schema | undefined {
  let at = s as Schema | undefined;
  for (let i = 0; at && typeof at["$ref"] === "string" && i < 10; i++) {
    defs ??= (
      JSON.parse(readFileSync(contractFile("schema-defs.json"), "utf8")) as {
        $defs: Record<string, Schema>;
      }
    ).$defs;
    at = defs[(at["$ref"] as string).split("/").pop() ?? ""];
  }
  return at;
}

/** The object branches of a schema (anyOf/oneOf/allOf flattened), null and other types left out. */
function branches(s: unknown): Schema[] {
  const r = resolve(s);
  if (!r) return [];
  const subs = ["anyOf", "oneOf", "allOf"].flatMap((k) => (Array.isArray(r[k]) ? (r[k] as unknown[]) : []));
  return [r, ...subs.flatMap(branches)];
}

/**
 * Properties of an answer that GitHub's documented response schema does not have: GitHub's schemas allow
 * extra properties, so a validator never notices a field the sandbox invented. Only objects whose schema
 * lists its properties (and does not allow arbitrary ones) are checked; the extracted schemas stop at a depth.
 */
export function undocumented(schema: unknown, value: unknown, path = ""): string[] {
  if (Array.isArray(value)) {
    const items = branches(schema)
      .map((b) => b["items"])
      .filter((x) => x !== undefined);
    if (items.length === 0) return [];
    return value.flatMap((v, i) => items.flatMap((it) => undocumented(it, v, `${path}[${i}]`)).slice(0, 50));
  }
  if (!value || typeof value !== "object") return [];
  const objs = branches(schema).filter((b) => b["properties"] && typeof b["properties"] === "object");
  if (objs.length === 0 || branches(schema).some((b) => b["additionalProperties"])) return [];
  const known = new Map<string, unknown[]>();
  for (const b of objs)
    for (const [k, ps] of Object.entries(b["properties"] as Schema))
      known.set(k, [...(known.get(k) ?? []), ps]);
  const out: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const schemas = known.get(k);
    if (!schemas) {
      out.push(`${path}.${k}`);
      continue;
    }
    // A property is fine if any branch describing it accepts its shape.
    const nested = schemas.map((s) => undocumented(s, v, `${path}.${k}`));
    const best = nested.reduce((a, b) => (b.length < a.length ? b : a), nested[0] ?? []);
    out.push(...best);
  }
  return [...new Set(out)];
}

/**
 * GitHub sends these although the api.github.com description leaves them out: GHES's installed version,
 * each rate-limit resource's name, environments' admin bypass, a code scanning rule's security severity.
 */
const SENT_BY_GITHUB = new Set([
  "GET /meta .installed_version",
  ...["core", "search", "graphql", "code_search"].map((r) => `GET /rate_limit .resources.${r}.resource`),
  "GET /rate_limit .rate.resource",
  "GET /repos/{owner}/{repo}/environments .environments[].can_admins_bypass",
  "GET /repos/{owner}/{repo}/environments/{environment_name} .can_admins_bypass",
  "PUT /repos/{owner}/{repo}/environments/{environment_name} .can_admins_bypass",
  "GET /repos/{owner}/{repo}/code-scanning/alerts [].rule.security_severity_level",
]);

/** The properties of an answer that GitHub's description of the operation lacks and GitHub does not send. */
export function undocumentedInResponse(key: string, status: number, body: unknown): string[] {
  const schema = restContract()[key]?.responses[String(status)];
  if (!schema) return [];
  return undocumented(schema, body)
    .map((p) => p.replace(/\[\d+\]/g, "[]"))
    .filter((p) => !SENT_BY_GITHUB.has(`${key} ${p}`));
}

/**
 * Strict mode's check of every answer: GitHub's documented response schema for the operation and status,
 * and no property the description lacks. What it finds is recorded, not thrown: the caller already has its
 * answer, and the test world fails on close when anything was found.
 */
export function answerChecker(): (route: Route, reply: Reply) => string[] {
  restContract();
  return (route, reply) => {
    if (reply.raw !== undefined || reply.body === undefined || reply.status >= 300) return [];
    const key = `${route.method} ${route.path}`;
    return [
      ...responseErrors(key, reply.status, reply.body),
      ...undocumentedInResponse(key, reply.status, reply.body).map(
        (p) => `${p} is not in GitHub's description`,
      ),
    ].map((problem) => `${key} ${reply.status}: ${problem}`);
  };
}
