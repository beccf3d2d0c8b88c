/**
 * `mode: deploy`: the gate, then the policy's rollout strategy run step by step by src/rollout (the
 * user's commands, health analysis between steps, automatic rollback), each step recorded as a status
 * on the deployment: in_progress per step → success, or failure with the rollback and its cause.
 */
import { realClock } from "../rollout/clock.js";
import { execRunner } from "./exec-runner.js";
import { executeRollout } from "../rollout/executor.js";
import { planRollout, resumePoint } from "../rollout/plan.js";
import { planRollback } from "../rollout/rollback.js";
import { renderReadings, renderTimeline } from "../rollout/timeline.js";
import type { DeploymentState } from "../github/deployments.js";
import { pullRequestBranch } from "../github/pulls.js";
import { gatePhase, type ActionDeps } from "./gate-phase.js";
import { WORKFLOW_BOT } from "./gate.js";
import type { ActionSettings } from "./inputs.js";
import type { ModeOutcome } from "./outcome.js";
import { previousSuccess } from "./history.js";
import { busyText, scanInFlight, type InFlight } from "./inflight.js";
import { own } from "../policy/own.js";
import { lockTimeoutOf, withLock, type LockSlot } from "./locked.js";
import { carryOutDecision } from "./paused.js";

export async function deployMode(deps: ActionDeps, settings: ActionSettings): Promise<ModeOutcome> {
  return withLock(deps, settings, (slot) => deployHoldingLock(deps, settings, slot));
}

async function deployHoldingLock(
  deps: ActionDeps,
  settings: ActionSettings,
  slot: LockSlot,
): Promise<ModeOutcome> {
  let scanned = 0;
  let abandoned: readonly InFlight[] = [];
  let decided: InFlight | undefined;
  // Before anything is written: the environment's lock is taken (or the run refuses, naming its holder),
  // abandoned rollouts of the environment are closed, a live one refuses.
  const gate = await gatePhase(deps, settings, async ({ policy }) => {
    if (settings.dryRun) return undefined;
    const environment = own(policy.environments, settings.environment)!;
    const timeoutMs = lockTimeoutOf(settings, policy, environment);
    const taken = await deps.phase("Take the environment lock", () => slot.take(timeoutMs, false));
    scanned = taken.requests;
    if (taken.refusal) return taken.refusal;
    const scan = await deps.phase("Look for rollouts in flight", () =>
      scanInFlight(deps, settings, policy, environment, taken.deadRun ? { deadRun: taken.deadRun } : {}),
    );
    scanned += scan.requests;
    abandoned = scan.abandoned;
    // This commit's rollout paused, and an approver decided on the PR (`/tollgate resume|abort`): the App
    // re-ran this run so that it carries the decision out, holding the lock it has just taken.
    const live = scan.live;
    if (
      live?.pausedAt !== undefined &&
      live.decision &&
      live.sha.toLowerCase() === settings.sha.toLowerCase()
    ) {
      decided = live;
      return `deployment ${live.deploymentId} is paused and @${live.decision.login} decided to ${live.decision.choice} it`;
    }
    return live ? busyText(live) : undefined;
  });
  if (decided) {
    const outcome = await carryOutDecision(deps, settings, gate.evaluation, slot, decided);
    return { ...outcome, evaluation: gate.evaluation, requests: outcome.requests + gate.requests + scanned };
  }
  const base = {
    evaluation: gate.evaluation,
    ...(gate.deploymentId !== undefined ? { deploymentId: gate.deploymentId } : {}),
    ...(gate.status !== undefined ? { status: gate.status } : {}),
    rolledBack: false,
    sections: [],
  };
  if (gate.failure) return { ...base, failure: gate.failure, requests: gate.requests + scanned };

  const { policy, decision } = gate.evaluation;
  const environment = own(policy.environments, settings.environment)!;
  const strategy = decision.strategy !== undefined ? own(policy.strategies, decision.strategy) : undefined;
  if (!strategy) {
    return {
      ...base,
      requests: gate.requests,
      failure: `no strategy to deploy ${settings.environment} with: set the \`strategy\` input or list strategies for it in ${settings.policyPath}`,
    };
  }
  const plan = planRollout(strategy, environment, policy.analyses);
  let requests = gate.requests + scanned;
  // Looked up whatever the rollback plan: rollback commands (and the steps' own) get TOLLGATE_PREVIOUS_SHA
  // whenever the environment has a last good version, not only when it is redeployed.
  const previous = await previousSuccess(deps.client, settings, {
    app: settings.appBot,
    workflow: [WORKFLOW_BOT],
  });
  requests += previous.requests;
  const previousSha = previous.sha;
  const rollback = planRollback(strategy, environment, policy.analyses, previousSha);
  deps.log(`plan: ${plan.steps.map((s) => s.label).join(" → ")}`);
  // The same commit's rollout, abandoned just now by the in-flight scan (its runner died): pick it up.
  const stopped = abandoned.find((a) => a.sha.toLowerCase() === settings.sha.toLowerCase());
  const resume = stopped ? resumePoint(plan, stopped.lastStep, rollback.analyses) : undefined;
  if (stopped && resume && "reason" in resume)
    deps.log(`deployment ${stopped.deploymentId} stopped midway; starting over: ${resume.reason}`);
  const startAt = resume && "index" in resume ? resume : undefined;
  if (stopped && startAt)
    deps.log(`resuming at ${startAt.label}, where deployment ${stopped.deploymentId} stopped`);
  if (settings.dryRun || !gate.write) {
    return { ...base, requests, ...(previousSha ? { previousSha } : {}) };
  }

  let status: DeploymentState | undefined = gate.status;
  const write = gate.write;
  const pullRequest = await pullRequestContext(deps, settings, gate.evaluation.evidence.pull_request);
  if (pullRequest) requests++;
  const result = await deps.phase(`Roll out (${strategy.name}, ${plan.steps.length} steps)`, async () => {
    const steps = plan.steps.map((s) => s.label).join(" → ");
    await write(
      "in_progress",
      "step",
      stopped && startAt
        ? `rollout resumed at ${startAt.label} (deployment ${stopped.deploymentId} stopped there): ${strategy.name}, ${steps}`
        : `rollout started: ${strategy.name}, ${steps}`,
    );
    requests++;
    status = "in_progress";
    return executeRollout({
      plan,
      rollback,
      runner: execRunner(),
      clock: realClock,
      ...(startAt ? { startAt: startAt.index } : {}),
      stopped: slot.lost,
      context: {
        environment: settings.environment,
        sha: settings.sha,
        strategy: strategy.name,
        initiator: settings.actor,
        ...(previousSha ? { previousSha } : {}),
        ...(pullRequest ? { pullRequest } : {}),
      },
      reporter: async (event) => {
        await write(event.state, event.kind, event.text);
        requests++;
        status = event.state;
      },
    });
  });
  deps.log(`rollout ${result.outcome}: ${result.reason}`);
  const rolledBack = result.outcome === "rolled_back";
  return {
    ...base,
    ...(status !== undefined ? { status } : {}),
    rolledBack,
    ...(previousSha ? { previousSha } : {}),
    // Every reading (warnings included) beside the timeline: the statuses only summarise them.
    sections: [renderTimeline(result.timeline), renderReadings(result.timeline)].filter(Boolean),
    requests,
    rollout: result.outcome,
    ...(result.outcome === "rollback_failed" ? { critical: true } : {}),
    ...(result.outcome === "success" ? {} : { failure: `Rollout ${result.outcome}: ${result.reason}` }),
  };
}

/**
 * The PR's number, title and branch for the commands' environment (TOLLGATE_PR_TITLE, TOLLGATE_BRANCH):
 * untrusted text, which only ever travels as environment variables. The branch costs one request.
 */
async function pullRequestContext(
  deps: ActionDeps,
  settings: ActionSettings,
  pr: { number: number; title: string } | null,
): Promise<{ number: number; title: string; branch: string } | undefined> {
  if (!pr) return undefined;
  return {
    number: pr.number,
    title: pr.title,
    branch: await pullRequestBranch(deps.client, settings, pr.number),
  };
}
