/** Reads an evidence file (JSON or YAML) with the same located errors as a policy. */
import type { PolicyError } from "../policy/errors.js";
import { locator, parseLocatedYaml, validateLocated } from "../policy/located-yaml.js";
import { evidenceSchema, type Evidence } from "./evidence.js";

export function loadEvidence(
  source: string,
  file: string,
): { ok: true; evidence: Evidence } | { ok: false; errors: PolicyError[] } {
  const parsed = parseLocatedYaml(source, file);
  if (!parsed.ok) return parsed;
  const result = validateLocated(evidenceSchema, parsed.value ?? {}, locator(parsed.map, file));
  return result.ok ? { ok: true, evidence: result.data } : result;
}
