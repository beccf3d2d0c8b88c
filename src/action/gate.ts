/**
 * The readiness gate: evidence from GitHub (one GraphQL request, plus the PR's patches only when the
 * environment scans for secrets), the policy from the default branch, the pure evaluation. Anything
 * missing or malformed throws, and the caller fails closed.
 */
import type { GitHubClient } from "../github/client.js";
import { gatherEvidence, type GatheredEvidence } from "../github/evidence.js";
import { InvalidPolicyError } from "../policy/errors.js";
import { loadPolicy } from "../policy/load.js";
import type { Policy } from "../policy/model.js";
import type { Decision } from "../readiness/decision.js";
import { evaluate } from "../readiness/evaluate.js";
import type { Evidence } from "../readiness/evidence.js";
import type { ActionSettings } from "./inputs.js";
import { withPatches } from "./patches.js";

/** Only these writers prove a deployment succeeded: the App, and the workflow token GitHub gives jobs. */
export const WORKFLOW_BOT = "github-actions[bot]";

export interface GateDeps {
  readonly client: GitHubClient;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (message: string) => void;
}

export interface Judgement {
  readonly decision: Decision;
  readonly policy: Policy;
  readonly evidence: Evidence;
  readonly gathered: GatheredEvidence;
  /** GitHub requests made for this judgement (all polls included). */
  readonly requests: number;
}

export class PolicyMissingError extends Error {
  override readonly name = "PolicyMissingError";
}

export async function judge(deps: GateDeps, settings: ActionSettings): Promise<Judgement> {
  const gathered = await gatherEvidence(deps.client, {
    owner: settings.owner,
    repo: settings.repo,
    sha: settings.sha,
    policyPath: settings.policyPath,
    appBot: settings.appBot,
    trustedWriters: [settings.appBot, WORKFLOW_BOT],
    initiator: settings.actor,
    ...(settings.strategy !== undefined ? { strategy: settings.strategy } : {}),
  });
  for (const warning of gathered.warnings) deps.log(`GitHub left out part of the evidence: ${warning}`);
  if (gathered.policyText === null) {
    throw new PolicyMissingError(
      `no policy at ${settings.policyPath} on ${settings.owner}/${settings.repo}'s default branch (${gathered.defaultBranch}): add one, or set the \`policy\` input`,
    );
  }
  const loaded = loadPolicy(gathered.policyText, settings.policyPath);
  if (!loaded.ok) throw new InvalidPolicyError(loaded.errors);

  let evidence = gathered.evidence;
  let requests = gathered.requests;
  if (needsPatches(loaded.policy, settings.environment, evidence)) {
    evidence = await withPatches(deps.client, settings, evidence);
    requests++;
  }
  const decision = evaluate(loaded.policy, settings.environment, evidence, deps.now());
  return { decision, policy: loaded.policy, evidence, gathered, requests };
}

/** Waiting for approvers is worth polling for; anything else waiting (soak, CI) is not the approvers' to end. */
export function awaitsApproval(decision: Decision): boolean {
  return (
    decision.verdict === "waiting" &&
    decision.checklist.some(
      (i) => i.id === "approval" && (i.code === "awaiting_approval" || i.code === "notice_pending"),
    )
  );
}

/**
 * With `wait-for-approval`, re-judges with backoff (5 s doubling to 60 s) until the approvals are in or
 * the limit passes; each poll is one GraphQL request. `onWaiting` runs once, before the first sleep, so
 * the record says "awaiting" while the job waits.
 */
export async function judgeUntilApproved(
  deps: GateDeps,
  settings: ActionSettings,
  first: Judgement,
  onWaiting: (judgement: Judgement) => Promise<void>,
  backoff: { initialMs: number; maxMs: number } = { initialMs: 5_000, maxMs: 60_000 },
): Promise<Judgement> {
  let current = first;
  if (!awaitsApproval(current.decision) || settings.waitForApprovalMs <= 0) return current;
  await onWaiting(current);
  const deadline = deps.now().getTime() + settings.waitForApprovalMs;
  let delay = backoff.initialMs;
  let requests = current.requests;
  while (awaitsApproval(current.decision)) {
    const left = deadline - deps.now().getTime();
    if (left <= 0) break;
    deps.log(`waiting for approval: next check in ${Math.round(Math.min(delay, left) / 1000)} s`);
    await deps.sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, backoff.maxMs);
    const next = await judge(deps, settings);
    requests += next.requests;
    current = { ...next, requests };
  }
  return current;
}

function needsPatches(policy: Policy, environment: string, evidence: Evidence): boolean {
  const env = policy.environments[environment];
  return (
    evidence.pull_request !== null && (env?.checklist.some((item) => item.kind === "no_secrets") ?? false)
  );
}
