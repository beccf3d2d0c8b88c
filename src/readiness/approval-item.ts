/** The approval row of the checklist: none, automatic, or the tally of people against the rule. */
import type { Directory } from "../approvals/authority.js";
import { missingMembers, tallyApprovals, type ApprovalTally } from "../approvals/tally.js";
import { formatDuration } from "../policy/duration.js";
import { describeNotice, noticeEnd } from "./business-days.js";
import type { ApprovalRule, Environment, Policy } from "../policy/model.js";
import type { ChecklistResult } from "./decision.js";
import type { Evidence } from "./evidence.js";
import { approvalCoverage } from "./coverage.js";
import { exclusionReasons, separationOfDuties } from "./people.js";
import { own } from "../policy/own.js";

const iso = (ms: number) => new Date(ms).toISOString();
const title = "Approval";

export interface ApprovalRow {
  readonly item: ChecklistResult;
  readonly tally: ApprovalTally;
  /** An emergency change: deployed first, its approvals due after. */
  readonly emergency: boolean;
}

export function approvalItem(
  policy: Policy,
  environment: Environment,
  changeType: string,
  evidence: Evidence,
  now: Date,
  others: readonly ChecklistResult[],
): ApprovalRow {
  if (environment.approval === "none") return noApprovalNeeded();
  if (environment.approval === "automatic") return automaticApproval(others);
  const required = tallyRequired(policy, environment, changeType, evidence);
  return (
    settledBeforeCounting(required, changeType) ??
    emergencyApproval(required, environment, evidence, now) ??
    noticeNotOver(required, changeType, evidence, now) ??
    countedApproval(required)
  );
}

function noApprovalNeeded(): ApprovalRow {
  const tally: ApprovalTally = {
    mode: "none",
    required: "none",
    satisfied: true,
    counted: [],
    ignored: [],
    approvers: [],
  };
  return {
    item: { id: "approval", title, state: "passed", code: "ready", reason: "no approval needed here" },
    tally,
    emergency: false,
  };
}

/** Approved by the checklist: passed once no other item is failed or pending. */
function automaticApproval(others: readonly ChecklistResult[]): ApprovalRow {
  const open = others.filter((i) => i.state === "failed" || i.state === "pending").length;
  const tally: ApprovalTally = {
    mode: "automatic",
    required: "the checklist",
    satisfied: open === 0,
    counted: [],
    ignored: [],
    approvers: [],
  };
  const item: ChecklistResult =
    open === 0
      ? {
          id: "approval",
          title,
          state: "passed",
          code: "ready",
          reason: "approved automatically: the checklist passes",
        }
      : {
          id: "approval",
          title,
          state: "pending",
          code: "awaiting_checklist",
          reason: "approved automatically once the checklist passes",
        };
  return { item, tally, emergency: false };
}

/** The people's approvals tallied against the change type's rule, and what a way forward names. */
interface RequiredApproval {
  readonly rule: ApprovalRule;
  readonly directory: Directory;
  readonly separation: ReturnType<typeof separationOfDuties>;
  readonly excluded: ReturnType<typeof exclusionReasons>;
  readonly coverage: ReturnType<typeof approvalCoverage>;
  readonly counted: ReturnType<typeof tallyApprovals>;
  readonly tally: ApprovalTally;
  /** The comment that approves, and where to write it. */
  readonly comment: string;
  readonly where: string;
  readonly pr: Evidence["pull_request"];
}

function tallyRequired(
  policy: Policy,
  environment: Environment,
  changeType: string,
  evidence: Evidence,
): RequiredApproval {
  const rule: ApprovalRule = own(environment.approvals, changeType) ?? own(environment.approvals, "*")!;
  const directory: Directory = {
    teams: evidence.teams,
    permissions: evidence.permissions,
    groups: policy.groups,
  };
  const separation = separationOfDuties(environment, evidence);
  const excluded = exclusionReasons(separation);
  const pr = evidence.pull_request;
  const coverage = approvalCoverage(evidence, {
    environment: environment.name,
    changeType,
    rule,
    excluded,
    directory,
  });
  const tallied = (acceptedShas: readonly string[]) =>
    tallyApprovals({
      environment: environment.name,
      changeType,
      rule,
      records: evidence.approvals,
      acceptedShas,
      excluded,
      directory,
    });
  const approving = tallied(coverage.approvals);
  // The head's rejection holds against a merge commit its approvals do not cover.
  const rejectedBy = approving.rejectedBy ?? tallied(coverage.rejections).rejectedBy;
  const counted = rejectedBy ? { ...approving, rejectedBy } : approving;
  const tally: ApprovalTally = { mode: "required", ...counted };
  const comment = `/approve ${environment.name}`;
  const where = pr ? `on PR #${pr.number}` : "on the pull request";
  return { rule, directory, separation, excluded, coverage, counted, tally, comment, where, pr };
}

/** Decided before any count: a pre-approved change type, a rejection, or people who cannot be known. */
function settledBeforeCounting(
  { rule, counted, tally, separation }: RequiredApproval,
  changeType: string,
): ApprovalRow | undefined {
  if (rule.preApproved) {
    const preApproved: ApprovalTally = { ...tally, required: "pre-approved", satisfied: true };
    return {
      item: {
        id: "approval",
        title,
        state: "waived",
        code: "ready",
        reason: `${changeType} changes are pre-approved`,
      },
      tally: preApproved,
      emergency: false,
    };
  }
  if (counted.rejectedBy) {
    const { login, reason } = counted.rejectedBy;
    return {
      item: {
        id: "approval",
        title,
        state: "failed",
        code: "rejected",
        reason: `rejected by @${login}: ${reason}`,
        fix: "address the rejection and push a new commit",
      },
      tally,
      emergency: false,
    };
  }
  // Approvals count only when it is known who may not give them.
  if (separation.unknown) {
    return {
      item: {
        id: "approval",
        title,
        state: "failed",
        code: "identity_unknown",
        reason: `separation of duties: ${separation.unknown.reason}`,
        fix: separation.unknown.fix,
      },
      tally: { ...tally, satisfied: false },
      emergency: false,
    };
  }
  return undefined;
}

/** Emergency rules: deploy first, with the approvals due within the rule's time after the first deployment. */
function emergencyApproval(
  { rule, counted, tally, comment, where }: RequiredApproval,
  environment: Environment,
  evidence: Evidence,
  now: Date,
): ApprovalRow | undefined {
  if (rule.afterDeployWithinMs === undefined || counted.satisfied) return undefined;
  const first = evidence.deployments
    .filter((d) => d.environment === environment.name && d.sha === evidence.sha)
    .map((d) => Date.parse(d.created_at))
    .sort((a, b) => a - b)[0];
  const due = (first ?? now.getTime()) + rule.afterDeployWithinMs;
  const withDue: ApprovalTally = { ...tally, dueBy: iso(due) };
  if (first !== undefined && now.getTime() > due) {
    return {
      item: {
        id: "approval",
        title,
        state: "failed",
        code: "emergency_approval_overdue",
        reason: `emergency change deployed at ${iso(first)} was not approved by ${iso(due)} (${counted.required})`,
        fix: `an approver must still comment ${comment} ${where}`,
      },
      tally: withDue,
      emergency: true,
    };
  }
  return {
    item: {
      id: "approval",
      title,
      state: "waived",
      code: "emergency_post_approval",
      reason: `emergency change: deploy now; ${counted.required} must approve by ${iso(due)}`,
      // Before the first deployment the deadline moves with "now": only a deployed one has a fixed time.
      ...(first !== undefined ? { until: iso(due) } : {}),
    },
    tally: withDue,
    emergency: true,
  };
}

/** A notice period that has not yet run from the pull request's announcement, or cannot be dated. */
function noticeNotOver(
  { rule, tally, pr }: RequiredApproval,
  changeType: string,
  evidence: Evidence,
  now: Date,
): ApprovalRow | undefined {
  if (rule.noticeMs <= 0) return undefined;
  if (!pr) {
    return {
      item: {
        id: "approval",
        title,
        state: "failed",
        code: "notice_unknown",
        reason: `a notice period of ${describeNotice(rule)} applies, but no pull request dates the announcement`,
      },
      tally,
      emergency: false,
    };
  }
  const notice = noticeEnd(rule, Date.parse(pr.ready_at), evidence);
  if ("problem" in notice) {
    return {
      item: {
        id: "approval",
        title,
        state: "failed",
        code: "holiday_calendar_unreadable",
        reason: `${changeType} changes need ${describeNotice(rule)} notice, but ${notice.problem.reason}`,
        fix: notice.problem.fix,
      },
      tally,
      emergency: false,
    };
  }
  const noticeEnds = notice.at;
  if (noticeEnds > now.getTime()) {
    return {
      item: {
        id: "approval",
        title,
        state: "pending",
        code: "notice_pending",
        until: iso(noticeEnds),
        reason: `${changeType} changes need ${describeNotice(rule)} notice: deployable from ${iso(noticeEnds)} (${formatDuration(noticeEnds - now.getTime())} left)`,
      },
      tally: { ...tally, noticeEndsAt: iso(noticeEnds) },
      emergency: false,
    };
  }
  return undefined;
}

/** Approved by the people counted, or waiting for the ones still missing. */
function countedApproval({
  rule,
  counted,
  tally,
  coverage,
  directory,
  excluded,
  comment,
  where,
}: RequiredApproval): ApprovalRow {
  if (counted.satisfied) {
    const names = counted.counted.map((c) => `@${c.login}`).join(", ");
    return {
      item: {
        id: "approval",
        title,
        state: "passed",
        code: "ready",
        reason: `approved by ${names} (${counted.required})`,
      },
      tally,
      emergency: false,
    };
  }
  if (coverage.uncovered)
    return {
      item: {
        id: "approval",
        title,
        state: "pending",
        code: "awaiting_approval",
        reason: `${coverage.uncovered.reason}; needs ${counted.required} on the merge commit itself`,
        fix: coverage.uncovered.fix,
      },
      tally,
      emergency: false,
    };
  const missing = missingMembers(rule, counted, directory, excluded);
  const who = missing.length > 0 ? missing.map((m) => `@${m}`).join(", ") : counted.approvers.join(", ");
  const have = counted.counted.length;
  return {
    item: {
      id: "approval",
      title,
      state: "pending",
      code: "awaiting_approval",
      reason: `${have > 0 ? `${have} counted so far; ` : ""}needs ${counted.required}${missing.length > 0 ? ` (still missing: ${who})` : ""}`,
      fix: `${who} can comment \`${comment}\` ${where}`,
    },
    tally,
    emergency: false,
  };
}
