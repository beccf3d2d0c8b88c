/**
 * "What do I do now?": from a decision, the people who can still approve (the policy's references
 * resolved against the evidence, minus those separation of duties excludes and those already counted),
 * the exact comment to write, and where. Pure.
 */
import { isCoveredBy, type Directory } from "../approvals/authority.js";
import type { Policy } from "../policy/model.js";
import type { Decision } from "../readiness/decision.js";
import type { Evidence } from "../readiness/evidence.js";
import { separationOfDuties } from "../readiness/people.js";
import { own } from "../policy/own.js";

export interface WayForward {
  /** Logins that may approve now, e.g. ["alice", "bob"]; empty when none is needed or none is known. */
  readonly approvers: readonly string[];
  /** The policy's references, for when people cannot be listed (roles): "group:leads". */
  readonly approverRefs: readonly string[];
  readonly comment?: string;
  readonly pullRequestUrl?: string;
  /** Every failed or pending item's fix, in checklist order. */
  readonly steps: readonly string[];
}

export function wayForward(
  policy: Policy,
  decision: Decision,
  evidence: Evidence,
  serverUrl: string,
): WayForward {
  const pr = evidence.pull_request;
  const pullRequestUrl = pr
    ? `${serverUrl.replace(/\/$/, "")}/${evidence.repository}/pull/${pr.number}`
    : undefined;
  const steps = decision.checklist.flatMap((item) =>
    (item.state === "failed" || item.state === "pending") && item.fix ? [`${item.title}: ${item.fix}`] : [],
  );
  const approvalOpen = decision.checklist.some(
    (i) => i.id === "approval" && (i.code === "awaiting_approval" || i.code === "notice_pending"),
  );
  const base = { steps, ...(pullRequestUrl ? { pullRequestUrl } : {}) };
  if (!approvalOpen) return { ...base, approvers: [], approverRefs: [] };
  return {
    ...base,
    approvers: possibleApprovers(policy, decision, evidence),
    approverRefs: decision.approvals.approvers,
    comment: `/approve ${decision.environment}`,
  };
}

function possibleApprovers(policy: Policy, decision: Decision, evidence: Evidence): string[] {
  const environment = own(policy.environments, decision.environment);
  const rule = own(environment?.approvals, decision.changeType) ?? own(environment?.approvals, "*");
  if (!environment || !rule) return [];
  const directory: Directory = {
    teams: evidence.teams,
    permissions: evidence.permissions,
    groups: policy.groups,
  };
  // The same people evaluate() keeps out under separation of duties, and those already counted.
  const excluded = new Set([
    ...decision.approvals.counted.map((c) => c.login.toLowerCase()),
    ...separationOfDuties(environment, evidence).excluded.keys(),
  ]);
  const known = new Set([...Object.keys(evidence.permissions), ...Object.values(evidence.teams).flat()]);
  const refs = rule.requirements.flatMap((r) => (r.kind === "count" ? r.from : [r.of]));
  return [...known]
    .filter((login) => !excluded.has(login.toLowerCase()) && !login.endsWith("[bot]"))
    .filter((login) => refs.some((ref) => isCoveredBy(login, ref, directory)))
    .sort((a, b) => a.localeCompare(b));
}
