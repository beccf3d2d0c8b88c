/**
 * The readiness engine: a pure function of (policy, environment, evidence, now) → decision.
 * The App, the Action and `tollgate explain` all call this one function.
 */
import { environmentFor, type Policy } from "../policy/model.js";
import { own } from "../policy/own.js";
import { approvalItem } from "./approval-item.js";
import { deriveChangeType } from "./change-type.js";
import type { ChecklistResult, Decision, Override, ReasonCode, Verdict } from "./decision.js";
import type { Evidence } from "./evidence.js";
import { evaluateItem } from "./items.js";
import { matchesAny } from "./glob.js";
import { deployerItem } from "./people.js";
import { prerequisites } from "./prerequisites.js";
import { rollbackClaim } from "./rollback.js";
import { checkWindows, describeInstant, nextOpening } from "./windows.js";

const short = (sha: string) => sha.slice(0, 7);

export function evaluate(policy: Policy, environmentName: string, evidence: Evidence, now: Date): Decision {
  const declared = own(policy.environments, environmentName);
  const base = {
    environment: environmentName,
    sha: evidence.sha,
    policyDigest: policy.digest,
    evaluatedAt: now.toISOString(),
  };
  if (!declared) {
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
  const pr = evidence.pull_request;
  const derived = deriveChangeType(policy.changeTypes, {
    labels: pr?.labels ?? [],
    title: pr?.title,
    files: pr?.files,
    filesComplete: pr?.files_complete,
    version: evidence.version,
    previousVersion: evidence.previous_version,
  });
  const changeType = derived.ok ? derived.changeType : derived.candidates[0]!;
  // The change type may bring its own approval mode and strategies.
  const environment = environmentFor(declared, changeType);
  if (!derived.ok) {
    items.push({
      id: "change-type",
      title: "Change type",
      state: "failed",
      code: "change_type_ambiguous",
      reason: derived.reason,
      fix: derived.fix,
    });
  }

  const rollback = rollbackClaim(environmentName, environment, evidence);
  if (rollback) items.push(rollback.item);
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
      const opens = nextOpening(environment.windows, now);
      const next = opens
        ? `the next window opens ${describeInstant(opens, environment.windows.timezone)}`
        : "no window opens within a year";
      items.push({
        id: "window",
        title: "Deployment window",
        state: "failed",
        code,
        ...(opens ? { until: opens.toISOString() } : {}),
        reason: `${check.reason}; ${next}`,
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

  // A verified rollback puts back code that already ran here: the policy may let it skip approval.
  const gate = rollback?.waivesApproval
    ? waivedForRollback(
        approvalItem(policy, { ...environment, approval: "none" }, changeType, evidence, now, items),
      )
    : approvalItem(policy, environment, changeType, evidence, now, items);
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
    changeTypeReason: derived.ok ? derived.explanation : derived.reason,
    emergency: gate.emergency,
    highRisk,
    ...(strategy !== undefined ? { strategy } : {}),
    ...(override ? { override } : {}),
    checklist: items,
    approvals: gate.tally,
  };
}

function waivedForRollback<T extends { item: ChecklistResult }>(gate: T): T {
  return {
    ...gate,
    item: {
      ...gate.item,
      state: "waived",
      reason: "a rollback to a commit that succeeded here before needs no approval (rollback.approval: none)",
    },
  };
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
