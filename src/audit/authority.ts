/**
 * Approval authority as far as the deployment history can tell. The history records who approved,
 * not which teams they were in or which repository role they held then; so users and groups of users
 * are judged exactly, and approvals that only a team or a role could cover are "unverifiable" rather
 * than wrong (the App checked them when it recorded them).
 */
import type { Directory } from "../approvals/authority.js";
import { groupLeaves, isCoveredBy } from "../approvals/authority.js";
import { own } from "../policy/own.js";
import { tallyApprovals, describeRule, type ApprovalRecord } from "../approvals/tally.js";
import type { ApprovalRule, ApproverRef, Environment, Policy } from "../policy/model.js";
import type { ApprovalEntry, AuditRecord } from "./types.js";

export interface AuthorityCheck {
  readonly required: string;
  /** The rule is met by approvals we can verify. */
  readonly satisfied: boolean;
  /** Approvers we cannot place (team or role members): the rule may be met by them. */
  readonly unverifiable: readonly string[];
  /** Approvers the rule does not name at all. */
  readonly outside: readonly ApprovalEntry[];
  readonly selfApprovals: readonly ApprovalEntry[];
}

/** Whether a reference can stand for people the history cannot list (teams, roles), through groups too. */
function isOpen(ref: ApproverRef, policy: Policy): boolean {
  if (ref.kind === "team" || ref.kind === "role") return true;
  if (ref.kind === "user") return false;
  const directory = { teams: {}, permissions: {}, groups: policy.groups };
  return groupLeaves(directory, ref.group).some((leaf) => leaf.kind !== "user");
}

export function ruleFor(
  environment: Environment,
  policy: Policy,
  changeType: string | null,
): ApprovalRule | undefined {
  return (
    own(environment.approvals, changeType ?? policy.changeTypes.default) ?? own(environment.approvals, "*")
  );
}

/** The people who may not approve their own change: who asked for it and who wrote the PR. */
export function selfLogins(record: AuditRecord): Set<string> {
  const out = new Set<string>();
  if (record.initiatedBy) out.add(record.initiatedBy.toLowerCase());
  if (record.pullRequest?.author) out.add(record.pullRequest.author.toLowerCase());
  return out;
}

/** The latest trusted decision per person, optionally only those given by `until`. */
export function trustedDecisions(record: AuditRecord, until?: number): ApprovalEntry[] {
  const latest = new Map<string, ApprovalEntry>();
  for (const a of record.approvals) {
    if (!a.trusted || (until !== undefined && Date.parse(a.at) > until)) continue;
    latest.set(a.login.toLowerCase(), a);
  }
  return [...latest.values()];
}

export function checkAuthority(
  record: AuditRecord,
  environment: Environment,
  policy: Policy,
  rule: ApprovalRule,
  until?: number,
): AuthorityCheck {
  const decisions = trustedDecisions(record, until);
  const self = selfLogins(record);
  const excluded = new Map<string, string>();
  if (environment.separationOfDuties)
    for (const login of self) excluded.set(login, "approved their own change");
  const directory: Directory = { teams: {}, permissions: {}, groups: policy.groups };
  const records: ApprovalRecord[] = decisions.map((a) => ({
    approver: a.login,
    decision: a.decision === "approved" ? "approve" : "reject",
    environment: record.environment,
    sha: record.sha,
    at: a.at,
    url: a.url ?? undefined,
    note: a.note,
  }));
  const tally = tallyApprovals({
    environment: record.environment,
    changeType: record.changeType ?? policy.changeTypes.default,
    rule,
    records,
    acceptedShas: [record.sha],
    excluded,
    directory,
  });
  const refs = rule.requirements.flatMap((r) => (r.kind === "count" ? r.from : [r.of]));
  const open = refs.some((ref) => isOpen(ref, policy));
  const approvers = decisions.filter((a) => a.decision === "approved" && !self.has(a.login.toLowerCase()));
  const uncovered = approvers.filter((a) => !refs.some((ref) => isCoveredBy(a.login, ref, directory)));
  return {
    required: describeRule(rule),
    satisfied: tally.satisfied,
    unverifiable: open ? uncovered.map((a) => a.login) : [],
    outside: open ? [] : uncovered,
    selfApprovals: decisions.filter((a) => a.decision === "approved" && self.has(a.login.toLowerCase())),
  };
}
