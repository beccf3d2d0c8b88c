/**
 * Which commits' approvals cover the commit to deploy. An approval binds to the commit it was given on;
 * the only other commit it may cover is that PR's merge (or squash) commit, and only when the merge
 * ships nothing the approvers did not see or trust:
 *
 * 1. its tree is exactly the PR head's tree: the code deployed is byte for byte the code approved
 *    (deploying the head itself would be allowed; this also covers a first deployment ever); or
 * 2. its change against its first parent is exactly the approved change (the same paths, each with the
 *    head's content), and that first parent is itself deployed to the environment (the App's verified
 *    success) or approved for it (approvals the App recorded on that very commit, under this rule).
 *
 * Otherwise the first parent carries something else merged meanwhile (another, unapproved PR), and the
 * head's approvals do not cover the merge: approvers must approve the merge commit itself. Rejections
 * of the head still hold against the merge commit either way (the stricter direction). An intermediate
 * commit of the PR is never covered, and no other PR's approvals are ever borrowed.
 */
import { tallyApprovals } from "../approvals/tally.js";
import type { Directory } from "../approvals/authority.js";
import type { ApprovalRule } from "../policy/model.js";
import type { Evidence } from "./evidence.js";

export interface Coverage {
  /** The commits whose approvals count for `evidence.sha` (the commit itself first). */
  readonly approvals: readonly string[];
  /** The commits whose rejections hold against it: the PR head's even when its approvals do not cover. */
  readonly rejections: readonly string[];
  /** Why the PR head's approvals do not cover this merge commit, and what to do about it. */
  readonly uncovered?: { readonly reason: string; readonly fix: string };
}

export interface CoverageRule {
  readonly environment: string;
  readonly changeType: string;
  readonly rule: ApprovalRule;
  readonly excluded: ReadonlyMap<string, string>;
  readonly directory: Directory;
}

const short = (sha: string) => sha.slice(0, 7);

export function approvalCoverage(evidence: Evidence, judged: CoverageRule): Coverage {
  const sha = evidence.sha;
  const pr = evidence.pull_request;
  // Before the merge, or when the commit is the PR head itself: only its own approvals.
  if (!pr || !pr.merged_at || pr.head_sha.toLowerCase() === sha.toLowerCase())
    return { approvals: [sha], rejections: [sha] };
  const both = [sha, pr.head_sha];
  const own = (reason: string, fix: string): Coverage => ({
    approvals: [sha],
    rejections: both,
    uncovered: { reason, fix },
  });
  const head = short(pr.head_sha);
  const approveMerge = `an approver who reviewed merge commit ${short(sha)} can comment \`/approve ${judged.environment}\` on PR #${pr.number}`;
  const merge = evidence.merge;
  if (!merge)
    return own(
      `the approvals of PR #${pr.number}'s head ${head} do not cover merge commit ${short(sha)}: what the merge brought in is unknown`,
      approveMerge,
    );
  if (merge.same_tree_as_head) return { approvals: both, rejections: both };

  const parent = short(merge.first_parent);
  if (!merge.changes_complete || !merge.changes || !merge.approved_changes)
    return own(
      `merge commit ${short(sha)} differs from the approved head ${head}, and its changes could not be read in full to compare them with the approved change`,
      approveMerge,
    );
  const extra = differingPaths(merge.changes, merge.approved_changes);
  if (extra.length > 0)
    return own(
      `merge commit ${short(sha)}'s change against its first parent ${parent} is not the approved change of ${head} (differs in ${extra.slice(0, 5).join(", ")}${extra.length > 5 ? ` and ${extra.length - 5} more` : ""})`,
      approveMerge,
    );
  if (!firstParentTrusted(evidence, judged))
    return own(
      `the merge commit also carries changes nobody approved for ${judged.environment}: its first parent ${parent} is neither deployed to nor approved for ${judged.environment}`,
      `deploy ${parent} to ${judged.environment} first, or ${approveMerge}`,
    );
  return { approvals: both, rejections: both };
}

/** Paths whose resulting content differs between the two changes (a path in only one of them included). */
function differingPaths(
  changes: readonly { path: string; blob: string | null }[],
  approved: readonly { path: string; blob: string | null }[],
): string[] {
  const after = new Map(changes.map((c) => [c.path, c.blob?.toLowerCase() ?? null]));
  const seen = new Map(approved.map((c) => [c.path, c.blob?.toLowerCase() ?? null]));
  return [...new Set([...after.keys(), ...seen.keys()])]
    .filter((path) => !after.has(path) || !seen.has(path) || after.get(path) !== seen.get(path))
    .sort();
}

/**
 * The first parent is trusted for the environment when the App verified its success there, or when
 * the approvals the App recorded on it satisfy this rule with nobody rejecting. Its approvals are read
 * only when its deployments were read in full: an unseen rejection must not be missed.
 */
function firstParentTrusted(evidence: Evidence, judged: CoverageRule): boolean {
  const merge = evidence.merge!;
  const deployed = merge.first_parent_deployments.some(
    (d) => d.environment === judged.environment && (d.state === "success" || d.succeeded_at !== undefined),
  );
  if (deployed) return true;
  if (!merge.first_parent_complete) return false;
  const tally = tallyApprovals({
    environment: judged.environment,
    changeType: judged.changeType,
    rule: judged.rule,
    records: merge.first_parent_approvals,
    acceptedShas: [merge.first_parent],
    excluded: judged.excluded,
    directory: judged.directory,
  });
  return tally.satisfied && !tally.rejectedBy;
}
