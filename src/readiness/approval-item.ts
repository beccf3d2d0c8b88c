/** The approval row of the checklist: none, automatic, or the tally of people against the rule. */
import type { Directory } from "../approvals/authority.js";
import { missingMembers, tallyApprovals } from "../approvals/tally.js";
import { formatDuration } from "../policy/duration.js";
import { describeNotice, noticeEnd } from "./business-days.js";
import type { ApprovalRule, Environment, Policy } from "../policy/model.js";
import type { ApprovalTally, ChecklistResult } from "./decision.js";
import type { Evidence } from "./evidence.js";
import { approvalCoverage } from "./coverage.js";
import { exclusionReasons, separationOfDuties } from "./people.js";
import { own } from "../policy/own.js";

const iso = (ms: number) => new Date(ms).toISOString();

export function approvalItem(
  policy: Policy,
  environment: Environment,
  changeType: string,
  evidence: Evidence,
  now: Date,
  others: readonly ChecklistResult[],
): { item: ChecklistResult; tally: ApprovalTally; emergency: boolean } {
  const title = "Approval";
  if (environment.approval === "none") {
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
  if (environment.approval === "automatic") {
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

  if (rule.afterDeployWithinMs !== undefined && !counted.satisfied) {
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

  if (rule.noticeMs > 0) {
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
  }

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
