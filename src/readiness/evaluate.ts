/**
 * The readiness engine: a pure function of (policy, environment, evidence, now) → decision.
 * The App, the Action and `tollgate explain` all call this one function.
 */
import { formatDuration } from "../policy/duration.js";
import type { ApprovalRule, Environment, Policy } from "../policy/model.js";
import { describeRef, isCoveredBy, type Directory } from "../approvals/authority.js";
import { missingMembers, tallyApprovals } from "../approvals/tally.js";
import { deriveChangeType } from "./change-type.js";
import type { ApprovalTally, ChecklistResult, Decision, Override, ReasonCode, Verdict } from "./decision.js";
import type { Evidence } from "./evidence.js";
import { evaluateItem } from "./items.js";
import { matchesAny } from "./glob.js";
import { checkWindows } from "./windows.js";

const short = (sha: string) => sha.slice(0, 7);
const iso = (ms: number) => new Date(ms).toISOString();

export function evaluate(policy: Policy, environmentName: string, evidence: Evidence, now: Date): Decision {
  const environment = policy.environments[environmentName];
  const base = {
    environment: environmentName,
    sha: evidence.sha,
    policyDigest: policy.digest,
    evaluatedAt: now.toISOString(),
  };
  if (!environment) {
    const known = Object.keys(policy.environments).join(", ");
    return {
      ...base,
      verdict: "blocked",
      reasonCode: "environment_unknown",
      summary: `the policy has no environment "${environmentName}" (it has: ${known})`,
      changeType: policy.changeTypes.default,
      emergency: false,
      highRisk: false,
      checklist: [],
      approvals: { mode: "none", required: "", satisfied: false, counted: [], ignored: [], approvers: [] },
    };
  }

  const items: ChecklistResult[] = [];
  const labels = evidence.pull_request?.labels ?? [];
  const derived = deriveChangeType(policy.changeTypes, labels, evidence.version, evidence.previous_version);
  const changeType = derived.ok ? derived.changeType : derived.candidates[0]!;
  if (!derived.ok) {
    items.push({
      id: "change-type",
      title: "Change type",
      state: "failed",
      code: "change_type_ambiguous",
      reason: derived.reason,
      fix: "remove all but one change-type label",
    });
  }

  items.push(...prerequisites(environment, changeType, evidence, now));
  const deployer = deployerItem(policy, environment, evidence);
  if (deployer) items.push(deployer);

  let override: Override | undefined;
  if (environment.windows) {
    const check = checkWindows(environment.windows, now);
    if (check.open)
      items.push({
        id: "window",
        title: "Deployment window",
        state: "passed",
        code: "ready",
        reason: "inside the deployment windows",
      });
    else if (environment.windows.overrideChangeTypes.includes(changeType)) {
      override = { kind: check.kind, changeType, reason: check.reason };
      items.push({
        id: "window",
        title: "Deployment window",
        state: "waived",
        code: "ready",
        reason: `${check.reason}; allowed for ${changeType} changes (override recorded)`,
      });
    } else {
      const code: ReasonCode =
        check.kind === "freeze"
          ? "freeze_active"
          : check.kind === "blackout"
            ? "blackout_date"
            : "window_closed";
      const overrides = environment.windows.overrideChangeTypes;
      items.push({
        id: "window",
        title: "Deployment window",
        state: "failed",
        code,
        reason: check.reason,
        fix:
          overrides.length > 0
            ? `wait for the next window, or label the PR as ${overrides.join(" or ")} if it is one`
            : "wait for the next window",
      });
    }
  }

  const strategy = evidence.strategy ?? environment.strategies[0];
  if (
    evidence.strategy !== undefined &&
    environment.strategies.length > 0 &&
    !environment.strategies.includes(evidence.strategy)
  ) {
    items.push({
      id: "strategy",
      title: "Rollout strategy",
      state: "failed",
      code: "strategy_not_allowed",
      reason: `${evidence.strategy} is not allowed for ${environmentName} (allowed: ${environment.strategies.join(", ")})`,
      fix: `use ${environment.strategies[0]}`,
    });
  }

  const changed = evidence.pull_request?.files.map((f) => f.path);
  for (const item of environment.checklist) {
    const notApplicable =
      item.whenChanged !== undefined &&
      changed !== undefined &&
      evidence.pull_request!.files_complete &&
      !changed.some((path) => matchesAny(path, item.whenChanged!));
    if (notApplicable) {
      items.push({
        id: item.id,
        title: item.title,
        state: "waived",
        code: "ready",
        reason: `not applicable: no change to ${item.whenChanged!.join(", ")}`,
      });
    } else if (item.skipFor.includes(changeType)) {
      items.push({
        id: item.id,
        title: item.title,
        state: "waived",
        code: "ready",
        reason: `waived for ${changeType} changes`,
      });
    } else items.push(evaluateItem(item, { evidence, ...(strategy !== undefined ? { strategy } : {}) }));
  }

  const gate = approvalItem(policy, environment, changeType, evidence, now, items);
  items.push(gate.item);

  const verdict: Verdict = items.some((i) => i.state === "failed")
    ? "blocked"
    : items.some((i) => i.state === "pending")
      ? "waiting"
      : "allowed";
  const deciding = items.find((i) => i.state === "failed") ?? items.find((i) => i.state === "pending");
  const reasonCode = deciding?.code ?? (gate.emergency ? "emergency_post_approval" : "ready");
  const highRisk = items.some((i) => i.code === "ready" && i.reason.startsWith("high risk"));
  return {
    ...base,
    verdict,
    reasonCode,
    summary: summarize(verdict, environmentName, evidence.sha, deciding, override, gate.emergency),
    changeType,
    emergency: gate.emergency,
    highRisk,
    ...(strategy !== undefined ? { strategy } : {}),
    ...(override ? { override } : {}),
    checklist: items,
    approvals: gate.tally,
  };
}

function prerequisites(
  environment: Environment,
  changeType: string,
  evidence: Evidence,
  now: Date,
): ChecklistResult[] {
  return environment.requires.map(({ environment: required, soakMs: defaultSoak, soakForChangeType }) => {
    const soakMs = soakForChangeType[changeType] ?? defaultSoak;
    const id = `requires-${required}`;
    const title =
      soakMs > 0
        ? `Deployed to ${required} at least ${formatDuration(soakMs)} ago`
        : `Deployed to ${required}`;
    const ofSha = evidence.deployments.filter((d) => d.environment === required && d.sha === evidence.sha);
    // A success later marked inactive (GitHub does so when a newer deployment succeeds) still succeeded.
    const successes = ofSha
      .filter((d) => d.state === "success" || d.succeeded_at !== undefined)
      .map((d) => Date.parse(d.succeeded_at ?? d.created_at));
    if (successes.length === 0) {
      const latest = ofSha.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))[0];
      if (latest && (latest.state === "failure" || latest.state === "error")) {
        return {
          id,
          title,
          state: "failed",
          code: "prerequisite_failed",
          reason: `the ${required} deployment of ${short(evidence.sha)} ended in ${latest.state}`,
          fix: `fix it and deploy ${short(evidence.sha)} to ${required} again`,
        };
      }
      return {
        id,
        title,
        state: "pending",
        code: "prerequisite_missing",
        reason: `${short(evidence.sha)} has not been deployed to ${required} successfully`,
        fix: `deploy ${short(evidence.sha)} to ${required} first`,
      };
    }
    const soakedSince = Math.min(...successes);
    const readyAt = soakedSince + soakMs;
    if (readyAt > now.getTime()) {
      return {
        id,
        title,
        state: "pending",
        code: "soak_pending",
        reason: `${required} has soaked ${formatDuration(now.getTime() - soakedSince)} of ${formatDuration(soakMs)}; ${formatDuration(readyAt - now.getTime())} left (ready at ${iso(readyAt)})`,
      };
    }
    return {
      id,
      title,
      state: "passed",
      code: "ready",
      reason: `deployed to ${required} at ${iso(soakedSince)}`,
    };
  });
}

function approvalItem(
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

  const rule: ApprovalRule = environment.approvals[changeType] ?? environment.approvals["*"]!;
  const directory: Directory = {
    teams: evidence.teams,
    permissions: evidence.permissions,
    groups: policy.groups,
  };
  const excluded = separationOfDuties(environment, evidence);
  const pr = evidence.pull_request;
  const acceptedShas = [
    evidence.sha,
    ...(pr && pr.merged_at && pr.head_sha !== evidence.sha ? [pr.head_sha] : []),
  ];
  const counted = tallyApprovals({
    environment: environment.name,
    changeType,
    rule,
    records: evidence.approvals,
    acceptedShas,
    excluded,
    directory,
  });
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
          reason: `a notice period of ${formatDuration(rule.noticeMs)} applies, but no pull request dates the announcement`,
        },
        tally,
        emergency: false,
      };
    }
    const noticeEnds = Date.parse(pr.ready_at) + rule.noticeMs;
    if (noticeEnds > now.getTime()) {
      return {
        item: {
          id: "approval",
          title,
          state: "pending",
          code: "notice_pending",
          reason: `${changeType} changes need ${formatDuration(rule.noticeMs)} notice: deployable from ${iso(noticeEnds)} (${formatDuration(noticeEnds - now.getTime())} left)`,
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

/** Whether whoever started the deployment may; only judged when the evidence knows who that is. */
function deployerItem(
  policy: Policy,
  environment: Environment,
  evidence: Evidence,
): ChecklistResult | undefined {
  if (!environment.deployers || evidence.initiator === undefined) return undefined;
  const directory: Directory = {
    teams: evidence.teams,
    permissions: evidence.permissions,
    groups: policy.groups,
  };
  const allowed = environment.deployers.some((ref) => isCoveredBy(evidence.initiator!, ref, directory));
  const who = environment.deployers.map(describeRef).join(", ");
  return allowed
    ? {
        id: "deployer",
        title: "Who deploys",
        state: "passed",
        code: "ready",
        reason: `@${evidence.initiator} may deploy here`,
      }
    : {
        id: "deployer",
        title: "Who deploys",
        state: "failed",
        code: "deployer_not_allowed",
        reason: `@${evidence.initiator} may not deploy to ${environment.name} (allowed: ${who})`,
        fix: `ask ${who} to start the deployment`,
      };
}

/** The people separation of duties keeps from approving, with why. */
function separationOfDuties(environment: Environment, evidence: Evidence): Map<string, string> {
  const excluded = new Map<string, string>();
  if (!environment.separationOfDuties) return excluded;
  const pr = evidence.pull_request;
  if (evidence.initiator) excluded.set(evidence.initiator.toLowerCase(), "started this deployment");
  for (const author of pr?.commit_authors ?? [])
    excluded.set(author.toLowerCase(), "authored commits in this change");
  if (pr) excluded.set(pr.author.toLowerCase(), "authored the pull request");
  return excluded;
}

function summarize(
  verdict: Verdict,
  environment: string,
  sha: string,
  deciding: ChecklistResult | undefined,
  override: Override | undefined,
  emergency: boolean,
): string {
  const target = `${short(sha)} → ${environment}`;
  if (verdict === "allowed") {
    const notes = [
      override ? `outside the window by ${override.changeType} override` : "",
      emergency ? "emergency change, approvals due after" : "",
    ].filter(Boolean);
    return `${target}: ready${notes.length ? ` (${notes.join("; ")})` : ""}`;
  }
  return `${target}: ${verdict === "blocked" ? "blocked" : "waiting"}: ${deciding!.title}: ${deciding!.reason}`;
}
