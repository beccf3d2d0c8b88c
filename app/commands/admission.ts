/**
 * Whether a comment may record an approval or rejection: a pure admission check over the policy and the
 * evidence, made with the core's own tally (the would-be record is tallied alone, and whatever the
 * tally ignores it for is the refusal). Nothing here trusts the comment beyond its author's login.
 */
import { closest } from "../../src/policy/errors.js";
import { environmentFor, type Environment, type Policy } from "../../src/policy/model.js";
import type { ApprovalRecord } from "../../src/approvals/tally.js";
import { tallyApprovals, type Tally } from "../../src/approvals/tally.js";
import { membersOf, type Directory } from "../../src/approvals/authority.js";
import { approvalCoverage } from "../../src/readiness/coverage.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import type { Decision } from "../../src/readiness/decision.js";
import { exclusionReasons, separationOfDuties } from "../../src/readiness/people.js";
import type { Evidence } from "../../src/readiness/evidence.js";
import { own } from "../../src/policy/own.js";

export type Admission =
  | {
      readonly ok: true;
      /** The environment's decision before this one is recorded: what its record states, if one is made. */
      readonly before: Decision;
      readonly changeType: string;
      readonly record: ApprovalRecord;
      readonly tally: Tally;
    }
  | { readonly ok: false; readonly why: string };

export interface Ask {
  readonly policy: Policy;
  readonly environment: string;
  readonly evidence: Evidence;
  readonly login: string;
  readonly decision: "approve" | "reject";
  /** The commit the decision binds to. */
  readonly sha: string;
  readonly note?: string;
  readonly url: string;
  readonly now: Date;
}

const short = (sha: string) => sha.slice(0, 7);

export function unknownEnvironment(policy: Policy, name: string): string | undefined {
  if (own(policy.environments, name)) return undefined;
  const known = Object.keys(policy.environments);
  const guess = closest(name, known);
  return `the policy has no environment named ${name}${guess ? `; did you mean ${guess}?` : ""} (it has: ${known.join(", ")})`;
}

/** A note that opens with a commit SHA binds the command to it: it must be the commit under review. */
export function namedSha(note: string | undefined): string | undefined {
  const first = note?.split(/\s+/)[0];
  return first && /^[0-9a-f]{7,40}$/i.test(first) ? first.toLowerCase() : undefined;
}

export function admitDecision(ask: Ask): Admission {
  const { policy, evidence } = ask;
  const unknown = unknownEnvironment(policy, ask.environment);
  if (unknown) return { ok: false, why: unknown };
  const declared = own(policy.environments, ask.environment)!;
  const before = evaluate(policy, declared.name, evidence, ask.now);
  const changeType = before.changeType;
  // The change type may set its own approval mode here (by_change_type).
  const environment = environmentFor(declared, changeType);
  if (environment.approval !== "required")
    return {
      ok: false,
      why: `${environment.name} takes no approvals for ${changeType} changes (the approval mode is ${environment.approval})`,
    };
  const named = namedSha(ask.note);
  if (named && !ask.sha.toLowerCase().startsWith(named))
    return {
      ok: false,
      why: `stale commit: the command names ${named.slice(0, 7)}, but ${environment.name} would deploy ${short(ask.sha)}; review the new commit and comment again`,
    };
  const rule = own(environment.approvals, changeType) ?? own(environment.approvals, "*");
  if (!rule)
    return {
      ok: false,
      why: `the policy has no approval rule for ${changeType} changes to ${environment.name}`,
    };
  const separation = separationOfDuties(environment, evidence);
  const self = separation.excluded.get(ask.login.toLowerCase());
  if (self) return { ok: false, why: `separation of duties: ${self.refusal}, so you may not decide on it` };
  if (separation.unknown && ask.decision === "approve")
    return {
      ok: false,
      why: `separation of duties: ${separation.unknown.reason}; ${separation.unknown.fix}`,
    };
  const excluded = exclusionReasons(separation);
  const record: ApprovalRecord = {
    approver: ask.login,
    decision: ask.decision,
    environment: environment.name,
    sha: ask.sha,
    at: ask.now.toISOString(),
    url: ask.url,
    ...(ask.note !== undefined ? { note: ask.note } : {}),
  };
  const directory: Directory = {
    teams: evidence.teams,
    permissions: evidence.permissions,
    groups: policy.groups,
  };
  const alone = tallyApprovals({
    environment: environment.name,
    changeType,
    rule,
    records: [record],
    acceptedShas: [ask.sha],
    excluded,
    directory,
  });
  const ignored = alone.ignored[0];
  if (ignored) return { ok: false, why: `${ignored.why}; the approvers are ${alone.approvers.join(", ")}` };
  // The tally with everyone's earlier decisions on this commit, as the record's description states it:
  // the engine's own rule of which commits' approvals cover it (after the merge, the PR head's, only
  // when the merge ships nothing beyond the approved change).
  const covering =
    evidence.sha.toLowerCase() === ask.sha.toLowerCase()
      ? approvalCoverage(evidence, { environment: environment.name, changeType, rule, excluded, directory })
          .approvals
      : [ask.sha];
  const tally = tallyApprovals({
    environment: environment.name,
    changeType,
    rule,
    records: [...evidence.approvals, record],
    acceptedShas: covering,
    excluded,
    directory,
  });
  return { ok: true, before, changeType, record, tally };
}

/** "2/3 of 2 of @acme/leads and every member of @acme/sre" for the status description. */
export function tallyText(
  tally: Tally,
  policy: Policy,
  environment: Environment,
  changeType: string,
  evidence: Evidence,
): string {
  const rule = own(environment.approvals, changeType) ?? own(environment.approvals, "*");
  const directory: Directory = {
    teams: evidence.teams,
    permissions: evidence.permissions,
    groups: policy.groups,
  };
  const needed = (rule?.requirements ?? []).reduce(
    (sum, r) => sum + (r.kind === "count" ? r.count : (membersOf(r.of, directory)?.length ?? 1)),
    0,
  );
  return `${Math.min(tally.counted.length, needed)}/${needed} (${tally.required})`;
}
