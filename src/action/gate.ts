/**
 * The readiness gate: evidence from GitHub (one GraphQL request, plus the PR's patches and code and
 * secret scanning alerts only when the environment's checklist reads them: github/policy-evidence), the policy from the default branch, the pure evaluation. Anything
 * missing or malformed throws, and the caller fails closed.
 */
import type { GitHubClient } from "../github/client.js";
import { newestStatusTag } from "../github/deployments.js";
import { assessCommit } from "../github/assess.js";
import type { GatheredEvidence } from "../github/evidence.js";
import { InvalidPolicyError } from "../policy/errors.js";
import { loadPolicy } from "../policy/load.js";
import type { Policy } from "../policy/model.js";
import type { Decision } from "../readiness/decision.js";
import { evaluate } from "../readiness/evaluate.js";
import type { Evidence } from "../readiness/evidence.js";
import type { ActionSettings } from "./inputs.js";
import { own } from "../policy/own.js";

/** Only these writers prove a deployment succeeded: the App, and the workflow token GitHub gives jobs. */
export const WORKFLOW_BOT = "github-actions[bot]";

export interface GateDeps {
  readonly client: GitHubClient;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (message: string) => void;
}

export interface GateEvaluation {
  readonly decision: Decision;
  readonly policy: Policy;
  readonly evidence: Evidence;
  readonly gathered: GatheredEvidence;
  /** GitHub requests made for this evaluation (all polls included). */
  readonly requests: number;
}

export class PolicyMissingError extends Error {
  override readonly name = "PolicyMissingError";
}

export async function evaluateGate(
  deps: GateDeps,
  settings: ActionSettings,
  /** The commit a rollback replaces: the evidence's `rollback_of`, judged by the policy's rollback rules. */
  rollbackOf?: string,
): Promise<GateEvaluation> {
  const assessment = await assessCommit(
    deps.client,
    {
      owner: settings.owner,
      repo: settings.repo,
      sha: settings.sha,
      policyPath: settings.policyPath,
      appBot: settings.appBot,
      trustedWriters: [settings.appBot, WORKFLOW_BOT],
      initiator: settings.actor,
      ...(settings.strategy !== undefined ? { strategy: settings.strategy } : {}),
    },
    {
      load: loadPolicy,
      environments: (policy) => [own(policy.environments, settings.environment)],
      ...(rollbackOf !== undefined ? { rollbackOf } : {}),
    },
  );
  const { gathered, evidence, requests } = assessment;
  for (const warning of gathered.warnings) deps.log(`GitHub left out part of the evidence: ${warning}`);
  const loaded = assessment.policy;
  if (!loaded) {
    throw new PolicyMissingError(
      `no policy at ${settings.policyPath} on ${settings.owner}/${settings.repo}'s default branch (${gathered.defaultBranch}): add one, or set the \`policy\` input`,
    );
  }
  if (!loaded.ok) throw new InvalidPolicyError(loaded.errors);
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

/** How the wait paces itself; the defaults keep an hour of waiting under 100 of the token's points. */
export interface WaitPacing {
  /** First pause between polls, doubling up to `maxMs`. */
  readonly initialMs: number;
  readonly maxMs: number;
  /** A full evaluation at least this often, even when the watched statuses did not change (notice periods end). */
  readonly fullEveryMs: number;
}

export const WAIT_PACING: WaitPacing = { initialMs: 5_000, maxMs: 60_000, fullEveryMs: 300_000 };

/**
 * With `wait-for-approval`, waits until the approvals are in or the limit passes, cheaply: `onWaiting`
 * runs once, before the first sleep, so the record says "awaiting", and names the deployment it wrote
 * to; approvals and rejections are recorded on it by the App, so each poll is a conditional request
 * for its newest status (`If-None-Match`: a 304 costs no points) and the full evaluation (2 points) runs
 * again only when that changed, or every `fullEveryMs`. Without a deployment to watch (dry run), every
 * poll is a full evaluation, no more often than `fullEveryMs / 5`.
 */
export async function evaluateUntilApproved(
  deps: GateDeps,
  settings: ActionSettings,
  first: GateEvaluation,
  onWaiting: (evaluation: GateEvaluation) => Promise<number | undefined | void>,
  pacing: WaitPacing = WAIT_PACING,
): Promise<GateEvaluation> {
  let current = first;
  if (!awaitsApproval(current.decision) || settings.waitForApprovalMs <= 0) return current;
  const watched = await onWaiting(current);
  const deadline = deps.now().getTime() + settings.waitForApprovalMs;
  let requests = current.requests;
  const watcher = typeof watched === "number" ? statusWatcher(deps.client, settings, watched) : undefined;
  if (watcher) requests += await watcher.prime();
  let delay = watcher ? pacing.initialMs : Math.max(pacing.initialMs, pacing.fullEveryMs / 5);
  let judgedAt = deps.now().getTime();
  while (awaitsApproval(current.decision)) {
    const left = deadline - deps.now().getTime();
    if (left <= 0) break;
    deps.log(`waiting for approval: next check in ${Math.round(Math.min(delay, left) / 1000)} s`);
    await deps.sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, watcher ? pacing.maxMs : Math.max(pacing.maxMs, pacing.fullEveryMs / 5));
    if (watcher) {
      const polled = await watcher.changed();
      requests += polled.requests;
      const due = deps.now().getTime() - judgedAt >= pacing.fullEveryMs;
      if (!polled.changed && !due) continue;
      deps.log(polled.changed ? "the deployment's statuses changed: judging again" : "judging again");
    }
    const next = await evaluateGate(deps, settings);
    judgedAt = deps.now().getTime();
    requests += next.requests;
    current = { ...next, requests };
  }
  return current;
}

/**
 * Watches a deployment's newest status with conditional requests: GitHub answers 304 Not Modified (no
 * points) while the ETag still holds.
 */
function statusWatcher(client: GitHubClient, settings: ActionSettings, deploymentId: number) {
  let etag: string | undefined;
  const poll = async (): Promise<boolean> => {
    const newest = await newestStatusTag(client, { ...settings, deploymentId }, etag);
    if (!newest.modified) return false;
    const changed = etag === undefined || newest.etag === undefined || newest.etag !== etag;
    etag = newest.etag;
    return changed;
  };
  return {
    prime: async () => {
      await poll();
      return 1;
    },
    changed: async () => ({ changed: await poll(), requests: 1 }),
  };
}
