/**
 * What a record means in the light of its neighbours: a later rollback marks the deployment it undid
 * as rolled back; a rollback or hotfix soon after a deployment to the same environment marks that
 * deployment as a failed change (Datadog's signal); lead time joins the linked PR's first commit.
 */
import type { AuditRecord, PullFact } from "./types.js";

export interface LinkOptions {
  /** Change types that are unplanned work (rework), besides emergencies and rollbacks. */
  readonly unplannedChangeTypes: readonly string[];
  /** A deployment followed within this long by a rollback or hotfix counts as a failed change. */
  readonly followWindowMs: number;
}

/** Deployments that reached production traffic, as opposed to rejected or unfinished ones. */
export const wentOut = (r: AuditRecord): boolean =>
  r.outcome === "success" || r.outcome === "failure" || r.outcome === "rolled_back";

const time = (iso: string): number => Date.parse(iso);

function rollbackTarget(records: readonly AuditRecord[], index: number): number | undefined {
  const rollback = records[index]!;
  const of = rollback.rollbackOf!;
  const byId = records.findIndex((r) => String(r.id) === of);
  if (byId >= 0) return byId;
  // Otherwise `rollback_of` names a commit: the latest earlier deployment of it to the same environment.
  for (let i = index - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.environment === rollback.environment && r.sha.toLowerCase() === of.toLowerCase()) return i;
  }
  return undefined;
}

/** `records` oldest first; returns new records with outcome links, rework, failed changes and lead time. */
export function linkRecords(
  input: readonly AuditRecord[],
  pulls: ReadonlyMap<number, PullFact>,
  options: LinkOptions,
): AuditRecord[] {
  const records = [...input];
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.rollbackOf === null) continue;
    const target = rollbackTarget(records, i);
    const undone = target === undefined ? undefined : records[target]!;
    if (undone && (undone.outcome === "success" || undone.outcome === "failure")) {
      records[target!] = {
        ...undone,
        outcome: "rolled_back",
        outcomeDetail: `rolled back by deployment ${r.id}`,
        finishedAt: r.createdAt,
      };
    }
  }
  const unplannedTypes = new Set(options.unplannedChangeTypes.map((t) => t.toLowerCase()));
  const isUnplanned = (r: AuditRecord) =>
    r.rollbackOf !== null ||
    r.emergency ||
    (r.changeType !== null && unplannedTypes.has(r.changeType.toLowerCase()));

  const nextOut = new Map<number, AuditRecord>();
  const lastOutByEnv = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (!wentOut(r)) continue;
    const previous = lastOutByEnv.get(r.environment);
    if (previous !== undefined) nextOut.set(previous, r);
    lastOutByEnv.set(r.environment, i);
  }

  return records.map((r, i) => {
    const next = nextOut.get(i);
    const followedByFix =
      next !== undefined &&
      isUnplanned(next) &&
      time(next.createdAt) - time(r.createdAt) <= options.followWindowMs;
    const pull = r.pullRequest ? pulls.get(r.pullRequest.number) : undefined;
    let leadTimeMs: number | null = null;
    if (r.outcome === "success" && r.rollbackOf === null && pull?.firstCommitAt && r.finishedAt) {
      const ms = time(r.finishedAt) - time(pull.firstCommitAt);
      // Four Keys drops values ≤ 0: a clock skew or a commit rewritten after the deployment.
      leadTimeMs = ms > 0 ? ms : null;
    }
    return {
      ...r,
      pullRequest: r.pullRequest && pull ? { ...r.pullRequest, url: pull.url } : r.pullRequest,
      leadTimeMs,
      unplanned: isUnplanned(r),
      failedChange: r.outcome === "failure" || r.outcome === "rolled_back" || (wentOut(r) && followedByFix),
    };
  });
}
