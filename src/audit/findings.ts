/**
 * What an auditor must look at, per record. Each finding says what is wrong in words and names the
 * deployment; where the judgement rests on today's policy rather than the one that judged the
 * deployment (the payload's policy digest differs), the message says so.
 */
import { own } from "../policy/own.js";
import {
  parseDescription,
  readPayload,
  type DeploymentPayload,
  type RollbackPlanKind,
} from "../records/format.js";
import { environmentFor, type ApprovalRule, type Environment, type Policy } from "../policy/model.js";
import { checkWindows } from "../readiness/windows.js";
import { rollbackPlanOf } from "../rollout/rollback.js";
import { checkAuthority, ruleFor, trustedDecisions, selfLogins } from "./authority.js";
import { wentOut } from "./links.js";
import { isTrustedApprovalWriter, isTrustedWriter, type TrustOptions } from "./record.js";
import type { AuditRecord, DeploymentFact, Finding, FindingCode } from "./types.js";

export interface FindingOptions {
  readonly policy: Policy | undefined;
  readonly trust: TrustOptions;
  readonly now: number;
  /** A deployment still unfinished after this long was left behind. */
  readonly staleAfterMs: number;
  /** The deadline for emergency approvals when the policy gives none. */
  readonly emergencyDeadlineMs: number;
}

export const SEVERITY: Record<FindingCode, Finding["severity"]> = {
  rollback_failed: "critical",
  missing_approvals: "high",
  outside_approver_set: "high",
  self_approval: "high",
  untrusted_writer: "high",
  emergency_approval_late: "high",
  outside_window: "medium",
  no_rollback_plan: "medium",
  foreign_payload: "medium",
  stale_in_progress: "low",
  statuses_truncated: "low",
  // Tampering findings (tamper.ts).
  retargeted: "critical",
  forged_deployment: "critical",
  forged_decision: "critical",
  deleted_decision: "critical",
  unverified_success: "high",
  success_overturned: "high",
  deleted_deployment: "medium",
};

const HOUR = 3_600_000;
const hours = (ms: number): string => `${Math.round((ms / HOUR) * 10) / 10} h`;

/**
 * A production deployment lacks a rollback plan only when none of any kind was in place: no rollback
 * configured for its environment (commands, a redeploy of the previous version, a rollback workflow), as
 * its payload recorded it — or, for records made before payloads carried it, as today's policy says —
 * and no rollback plan passed in its checklist (a PR-body section).
 */
function rollbackPlanFinding(
  record: AuditRecord,
  recorded: readonly RollbackPlanKind[] | undefined,
  environment: Environment | undefined,
): { why: string; today: boolean } | undefined {
  const configured = recorded ?? (environment ? rollbackPlanOf(environment) : undefined);
  if (configured && configured.length > 0) return undefined;
  const items = Object.entries(record.checklist).filter(([id]) => /rollback/i.test(id));
  const passed = items.some(([, state]) => state === "passed" || state === "waived");
  if (passed) return undefined;
  const none =
    configured === undefined
      ? "no rollback configuration known (no policy for its environment)"
      : "no rollback configured (commands, redeploy_previous or a workflow)";
  const bad = items[0];
  const checklist = bad
    ? `its rollback plan (${bad[0]}) was ${bad[1]} when it was recorded`
    : "its checklist snapshot records no rollback plan";
  return { why: `${none}, and ${checklist}`, today: recorded === undefined && configured !== undefined };
}

function untrustedWriters(fact: DeploymentFact, trust: TrustOptions, tollgate: boolean): string[] {
  const writers = new Set<string>();
  for (const s of fact.statuses) {
    const parsed = parseDescription(s.description);
    const approval = parsed?.kind === "approved" || parsed?.kind === "rejected";
    const trusted = approval ? isTrustedApprovalWriter(s.creator, trust) : isTrustedWriter(s.creator, trust);
    if (!trusted && (tollgate || parsed)) writers.add(s.creator ?? "(unknown)");
  }
  return [...writers];
}

/** What every rule reads about one record, worked out once: the policy that judges it and how. */
interface Judging {
  readonly record: AuditRecord;
  readonly fact: DeploymentFact;
  readonly options: FindingOptions;
  readonly environment: Environment | undefined;
  readonly payload: DeploymentPayload | undefined;
  /** Said after a message whose judgement rests on today's policy rather than the deployment's. */
  readonly policyNote: string;
  /** Deployed, not a rollback: the deployments that approvals, windows and rollback plans apply to. */
  readonly gated: boolean;
  readonly rule: ApprovalRule | undefined;
  readonly add: (code: FindingCode, message: string) => void;
}

/** Who wrote the record: a payload Tollgate made, statuses by trusted writers, every status read. */
function provenanceFindings({ record, fact, options, add }: Judging): void {
  if (!record.tollgate)
    add(
      "foreign_payload",
      `created by @${record.creator ?? "unknown"} without a Tollgate payload: nothing records its gate`,
    );
  const writers = untrustedWriters(fact, options.trust, record.tollgate);
  if (writers.length > 0)
    add(
      "untrusted_writer",
      `statuses written by ${writers.map((w) => `@${w}`).join(", ")}, not by the Tollgate App or a trusted writer`,
    );
  if (!fact.statusesComplete)
    add("statuses_truncated", "more statuses than could be read: the record may be incomplete");
}

function selfApprovalFindings({ record, add }: Judging): void {
  for (const a of trustedDecisions(record)) {
    if (a.decision === "approved" && selfLogins(record).has(a.login.toLowerCase()))
      add(
        "self_approval",
        `approved by @${a.login}, who ${a.login.toLowerCase() === record.pullRequest?.author?.toLowerCase() ? "wrote the pull request" : "asked for the deployment"}`,
      );
  }
}

/** An emergency change may deploy first, but must be approved within its deadline after deployment. */
function emergencyApprovalFinding(judging: Judging, emergencyWithin: number): void {
  const { record, options, environment, rule, add } = judging;
  const { policy } = options;
  const due = Date.parse(record.createdAt) + emergencyWithin;
  const inTime =
    rule && environment && policy ? checkAuthority(record, environment, policy, rule, due) : undefined;
  const metInTime = inTime
    ? inTime.satisfied || inTime.unverifiable.length > 0
    : trustedDecisions(record, due).some((a) => a.decision === "approved");
  if (metInTime || options.now <= due) return;
  const late = trustedDecisions(record).filter((a) => a.decision === "approved" && Date.parse(a.at) > due);
  add(
    "emergency_approval_late",
    late.length > 0
      ? `emergency change approved by ${late.map((a) => `@${a.login} at ${a.at}`).join(", ")}, after its deadline ${new Date(due).toISOString()} (${hours(emergencyWithin)} after deployment)`
      : `emergency change not approved by its deadline ${new Date(due).toISOString()} (${hours(emergencyWithin)} after deployment)`,
  );
}

/** The approvals a deployment needed before it went out: by its rule, or any when no policy judges it. */
function approvalFindings(judging: Judging): void {
  const { record, options, environment, rule, policyNote, add } = judging;
  const { policy } = options;
  // The change type may set its own approval mode (by_change_type).
  const needsApproval =
    environment && policy
      ? environmentFor(environment, record.changeType ?? policy.changeTypes.default).approval === "required"
      : record.production;
  if (!judging.gated || !needsApproval || rule?.preApproved) return;
  const emergencyWithin = record.emergency
    ? (rule?.afterDeployWithinMs ?? options.emergencyDeadlineMs)
    : undefined;
  if (emergencyWithin !== undefined) {
    emergencyApprovalFinding(judging, emergencyWithin);
  } else if (rule && environment && policy) {
    const check = checkAuthority(record, environment, policy, rule);
    if (!check.satisfied && check.unverifiable.length === 0)
      add("missing_approvals", `deployed without the required approvals (${check.required})${policyNote}`);
    for (const a of check.outside)
      add(
        "outside_approver_set",
        `approved by @${a.login}, who is not an approver for ${record.environment} (${check.required})${policyNote}`,
      );
  } else if (
    !trustedDecisions(record).some(
      (a) => a.decision === "approved" && !selfLogins(record).has(a.login.toLowerCase()),
    )
  ) {
    add("missing_approvals", `production deployment without any approval recorded by the Tollgate App`);
  }
}

function windowFinding({ record, environment, gated, add }: Judging): void {
  if (!gated || !environment?.windows || record.override) return;
  const at = new Date(record.deployedAt ?? record.createdAt);
  const check = checkWindows(environment.windows, at);
  if (!check.open)
    add("outside_window", `deployed outside its windows without a recorded override: ${check.reason}`);
}

function rollbackFindings({ record, environment, payload, gated, policyNote, add }: Judging): void {
  if (gated && record.production && record.tollgate) {
    const missing = rollbackPlanFinding(record, payload?.rollback_plan, environment);
    if (missing)
      add("no_rollback_plan", `production deployment with ${missing.why}${missing.today ? policyNote : ""}`);
  }
  // A rollback that failed leaves the service in an unknown state: the one finding that needs a person now.
  if (record.outcome === "failure" && record.steps.some((s) => s.startsWith("rollback: ")))
    add("rollback_failed", `rollback failed, the service may be broken: ${record.outcomeDetail}`);
}

function staleFinding({ record, fact, options, add }: Judging): void {
  if (record.outcome !== "in_progress") return;
  const last = [...fact.statuses].reverse().find((s) => s.state !== "inactive");
  const since = Date.parse(last?.createdAt ?? record.createdAt);
  if (options.now - since > options.staleAfterMs)
    add(
      "stale_in_progress",
      `left ${last?.state ?? "without a status"} since ${new Date(since).toISOString()} (over ${hours(options.staleAfterMs)})`,
    );
}

export function findingsFor(record: AuditRecord, fact: DeploymentFact, options: FindingOptions): Finding[] {
  const out: Finding[] = [];
  const add = (code: FindingCode, message: string) =>
    out.push({
      code,
      deploymentId: record.id,
      environment: record.environment,
      severity: SEVERITY[code],
      message,
    });
  const { policy } = options;
  const environment = policy ? own(policy.environments, record.environment) : undefined;
  const payload = readPayload(fact.payload);
  const judging: Judging = {
    record,
    fact,
    options,
    environment,
    payload,
    policyNote:
      policy && payload && payload.policy_digest !== policy.digest
        ? ` (judged by today's policy; the deployment was judged by policy ${payload.policy_digest.slice(0, 12)})`
        : "",
    gated: (wentOut(record) || record.deployedAt !== null) && record.rollbackOf === null,
    rule: environment && policy ? ruleFor(environment, policy, record.changeType) : undefined,
    add,
  };
  provenanceFindings(judging);
  selfApprovalFindings(judging);
  approvalFindings(judging);
  windowFinding(judging);
  rollbackFindings(judging);
  staleFinding(judging);
  return out;
}
