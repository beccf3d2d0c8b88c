import { readFileSync } from "node:fs";
import { contractFile, restContract } from "./validate.js";

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

export function undocumentedInResponse(key: string, status: number, body: unknown): string[] {
  const schema = restContract()[key]?.responses[String(status)];
  return schema ? undocumented(schema, body).map((p) => p.replace(/\[\d+\]/g, "[]")) : [];
}
