/** A change's type, from its PR labels, else from the size of its version bump, else the policy default. */
import type { ChangeTypes } from "../policy/model.js";

export type ChangeTypeResult =
  | { readonly ok: true; readonly changeType: string; readonly source: string }
  | { readonly ok: false; readonly candidates: readonly string[]; readonly reason: string };

export function deriveChangeType(
  changeTypes: ChangeTypes,
  labels: readonly string[],
  version?: string,
  previousVersion?: string,
): ChangeTypeResult {
  const lowered = labels.map((l) => l.toLowerCase());
  const matched = Object.entries(changeTypes.types)
    .filter(([, type]) => type.labels.some((label) => lowered.includes(label.toLowerCase())))
    .map(([name]) => name);
  if (matched.length > 1) {
    // Choosing one would pick a gate; the lighter one could let a change through. Ask a person instead.
    return {
      ok: false,
      candidates: matched,
      reason: `the PR's labels mark it as ${matched.map((t) => `"${t}"`).join(" and ")}; keep the labels of one change type`,
    };
  }
  if (matched.length === 1) return { ok: true, changeType: matched[0]!, source: "label" };
  const bump = semverBump(version, previousVersion);
  if (bump) {
    const byBump = Object.entries(changeTypes.types).find(([, type]) => type.semver === bump);
    if (byBump) return { ok: true, changeType: byBump[0], source: `${bump} version bump` };
  }
  return { ok: true, changeType: changeTypes.default, source: "default" };
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)/;

export function semverBump(version?: string, previous?: string): "major" | "minor" | "patch" | undefined {
  const next = version ? SEMVER.exec(version) : null;
  const prev = previous ? SEMVER.exec(previous) : null;
  if (!next || !prev) return undefined;
  const [a, b] = [next.slice(1, 4).map(Number), prev.slice(1, 4).map(Number)];
  if (a[0]! !== b[0]!) return "major";
  if (a[1]! !== b[1]!) return "minor";
  if (a[2]! !== b[2]!) return "patch";
  return undefined;
}
