/**
 * Tamper evidence. Each record carries a sha256 over the deployment's facts as GitHub returned them,
 * in a canonical form (keys sorted, statuses oldest first), so the same history always gives the same
 * digest. A later audit recomputes the digest over the first k statuses (k = the earlier status count):
 * if that matches, the history only grew (GitHub lets statuses be added, never edited); if not, or if
 * the deployment is gone, the record changed.
 */
import { createHash } from "node:crypto";
import type { DeploymentFact } from "./types.js";

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

function parsedPayload(payload: string | null): unknown {
  if (payload === null) return null;
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
}

/** The facts that are hashed: everything GitHub told us about the deployment, and nothing we derived. */
export function canonicalFacts(fact: DeploymentFact, statusCount = fact.statuses.length): unknown {
  return {
    id: fact.id,
    environment: fact.environment,
    sha: fact.sha,
    ref: fact.ref,
    task: fact.task,
    description: fact.description,
    creator: fact.creator,
    createdAt: fact.createdAt,
    payload: parsedPayload(fact.payload),
    statuses: fact.statuses.slice(0, statusCount).map((s) => ({
      state: s.state,
      description: s.description,
      creator: s.creator,
      createdAt: s.createdAt,
      logUrl: s.logUrl,
      environment: s.environment,
    })),
  };
}

export function factsDigest(fact: DeploymentFact, statusCount?: number): string {
  return createHash("sha256")
    .update(canonicalJson(canonicalFacts(fact, statusCount)))
    .digest("hex");
}
