/**
 * Reading a policy file: YAML → located value → schema → semantic checks → the normalized Policy.
 * Every problem is reported, each with file, line, column and key path; nothing throws on bad input.
 */
import type { PolicyError } from "./errors.js";
import { locator, parseLocatedYaml, sortByPosition, validateLocated } from "./located.js";
import { normalizePolicy, type Policy } from "./model.js";
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
  const result = validateLocated(policySchema, value, at);
  if (!result.ok) return result;
  const semantic = checkSemantics(result.data).map((issue) => at(issue.path, issue.message, issue.atKey));
  if (semantic.length > 0) return { ok: false, errors: sortByPosition(semantic) };
  return { ok: true, policy: normalizePolicy(result.data, source), document: result.data };
}
