/**
 * The readiness engine: a pure function of (policy, environment, evidence, now) → decision.
 * The App, the Action and `tollgate explain` all call this one function.
 */
import { environmentFor, type Environment, type Policy } from "../policy/model.js";
import { own } from "../policy/own.js";
import { approvalItem } from "./approval-item.js";
import { deriveChangeType } from "./change-type.js";
import type { ChecklistResult, Decision, Override, Verdict } from "./decision.js";
import type { Evidence } from "./evidence.js";
import { evaluateItem } from "./items.js";
import { matchesAny } from "./glob.js";
import { deployerItem } from "./people.js";
import { prerequisites } from "./prerequisites.js";
import { rollbackClaim } from "./rollback.js";
import { windowItem } from "./window-item.js";

const short = (sha: string) => sha.slice(0, 7);

export function evaluate(policy: Policy, environmentName: string, evidence: Evidence, now: Date): Decision {
  const declared = own(policy.environments, environmentName);
  const base = {
    environment: environmentName,
    sha: evidence.sha,
    policyDigest: policy.digest,
    evaluatedAt: now.toISOString(),
  };
  if (!declared) return unknownEnvironment(policy, environmentName, base);

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

  const window = environment.windows ? windowItem(environment.windows, changeType, now) : undefined;
  if (window) items.push(window.item);
  const override = window?.override;

  const strategy = evidence.strategy ?? environment.strategies[0];
  const refused = strategyItem(environmentName, environment.strategies, evidence.strategy);
  if (refused) items.push(refused);
  items.push(...checklistItems(environment.checklist, changeType, evidence, strategy));

  // A verified rollback puts back code that already ran here: the policy may let it skip approval.
  const gate = rollback?.waivesApproval
    ? waivedForRollback(
        approvalItem(policy, { ...environment, approval: "none" }, changeType, evidence, now, items),
      )
    : approvalItem(policy, environment, changeType, evidence, now, items);
  items.push(gate.item);

  const verdict = verdictOf(items);
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

/** An environment the policy does not declare blocks: nothing else can be judged for it. */
function unknownEnvironment(
  policy: Policy,
  environmentName: string,
  base: Pick<Decision, "environment" | "sha" | "policyDigest" | "evaluatedAt">,
): Decision {
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

/** A strategy the deploy asked for that the environment does not allow fails; none asked, none refused. */
function strategyItem(
  environmentName: string,
  allowed: readonly string[],
  asked: string | undefined,
): ChecklistResult | undefined {
  if (asked === undefined || allowed.length === 0 || allowed.includes(asked)) return undefined;
  return {
    id: "strategy",
    title: "Rollout strategy",
    state: "failed",
    code: "strategy_not_allowed",
    reason: `${asked} is not allowed for ${environmentName} (allowed: ${allowed.join(", ")})`,
    fix: `use ${allowed[0]}`,
  };
}

/**
 * The policy's checklist items: one that watches paths the change (read completely) does not touch is
 * not applicable, one the change type skips is waived, every other one is evaluated against the evidence.
 */
function checklistItems(
  checklist: Environment["checklist"],
  changeType: string,
  evidence: Evidence,
  strategy: string | undefined,
): ChecklistResult[] {
  const changed = evidence.pull_request?.files.map((f) => f.path);
  return checklist.map((item): ChecklistResult => {
    const notApplicable =
      item.whenChanged !== undefined &&
      changed !== undefined &&
      evidence.pull_request!.files_complete &&
      !changed.some((path) => matchesAny(path, item.whenChanged!));
    if (notApplicable)
      return {
        id: item.id,
        title: item.title,
        state: "waived",
        code: "ready",
        reason: `not applicable: no change to ${item.whenChanged!.join(", ")}`,
      };
    if (item.skipFor.includes(changeType))
      return {
        id: item.id,
        title: item.title,
        state: "waived",
        code: "ready",
        reason: `waived for ${changeType} changes`,
      };
    return evaluateItem(item, { evidence, ...(strategy !== undefined ? { strategy } : {}) });
  });
}

/** Any failed item blocks; else any pending item makes the deploy wait; else it is allowed. */
function verdictOf(items: readonly ChecklistResult[]): Verdict {
  if (items.some((i) => i.state === "failed")) return "blocked";
  return items.some((i) => i.state === "pending") ? "waiting" : "allowed";
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
