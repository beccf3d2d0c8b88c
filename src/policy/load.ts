/**
 * Reading a policy file: YAML → located value → schema → semantic checks → the normalized Policy.
 * Every problem is reported, each with file, line, column and key path; nothing throws on bad input.
 */
import type { PathSegment, PolicyError } from "./errors.js";
import { locator, parseLocatedYaml, sortByPosition, validateLocated } from "./located-yaml.js";
import type { Policy } from "./model.js";
import { normalizePolicy } from "./normalize.js";
import { policySchema, type PolicyDocument } from "./schema.js";
import { checkSemantics } from "./semantics.js";

export const DEFAULT_POLICY_PATH = ".github/tollgate.yml";

export type LoadResult =
  | { readonly ok: true; readonly policy: Policy; readonly document: PolicyDocument }
  | { readonly ok: false; readonly errors: readonly PolicyError[] };

export function loadPolicy(source: string, file = DEFAULT_POLICY_PATH): LoadResult {
  const parsed = parseLocatedYaml(source, file);
  if (!parsed.ok) return parsed;
  const { value } = parsed;
  const at = locator(parsed.map, file);

  if (value === undefined || value === null) {
    return {
      ok: false,
      errors: [at([], "the policy file is empty: start with `version: 1` and `environments:`")],
    };
  }
  // zod drops a "__proto__" key without a word; a policy that names one is refused instead.
  const reserved = reservedKeys(value).map((path) =>
    at(path, '"__proto__" cannot be a name: it is reserved by JavaScript', true),
  );
  if (reserved.length > 0) return { ok: false, errors: reserved };
  const result = validateLocated(policySchema, value, at);
  if (!result.ok)
    return {
      ok: false,
      errors: sortByPosition([...result.errors, ...semanticsDespite(result.errors, value, at)]),
    };
  const semantic = checkSemantics(result.data).map((issue) => at(issue.path, issue.message, issue.atKey));
  if (semantic.length > 0) return { ok: false, errors: sortByPosition(semantic) };
  return { ok: true, policy: normalizePolicy(result.data, source), document: result.data };
}

/** Paths of every "__proto__" key in the parsed YAML; each node is walked once, aliases included. */
function reservedKeys(root: unknown): PathSegment[][] {
  const found: PathSegment[][] = [];
  const seen = new WeakSet<object>();
  const walk = (value: unknown, path: PathSegment[]) => {
    if (value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i]));
    else
      for (const key of Object.keys(value)) {
        if (key === "__proto__") found.push([...path, key]);
        else walk((value as Record<string, unknown>)[key], [...path, key]);
      }
  };
  walk(root, []);
  return found;
}

/**
 * Cross-reference errors, reported alongside schema errors so one run shows everything. The semantic
 * checks assume a well-typed document, so they run on a best-effort basis here: nothing they say about
 * a part the schema already rejected is kept, and if the malformed parts trip them up they say nothing.
 */
function semanticsDespite(
  schemaErrors: readonly PolicyError[],
  value: unknown,
  at: ReturnType<typeof locator>,
): PolicyError[] {
  const broken = schemaErrors.map((e) => e.path);
  const overlaps = (path: string) =>
    broken.some(
      (b) =>
        b === "" ||
        path === b ||
        path.startsWith(`${b}.`) ||
        path.startsWith(`${b}[`) ||
        b.startsWith(`${path}.`) ||
        b.startsWith(`${path}[`),
    );
  try {
    return checkSemantics(value as PolicyDocument)
      .map((issue) => at(issue.path, issue.message, issue.atKey))
      .filter((error) => !overlaps(error.path));
  } catch {
    return [];
  }
}
