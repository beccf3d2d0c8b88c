/**
 * `mode: deploy`: the gate, then the policy's rollout strategy run step by step by src/rollout (the
 * user's commands, health analysis between steps, automatic rollback), each step recorded as a status
 * on the deployment: in_progress per step → success, or failure with the rollback and its cause.
 */
import { realClock } from "../rollout/clock.js";
import { execRunner } from "./exec-runner.js";
import { executeRollout, type RolloutResult } from "../rollout/executor.js";
import { planRollout, resumePoint, type RolloutPlan } from "../rollout/plan.js";
import { planRollback, type RollbackPlan } from "../rollout/rollback.js";
import { renderReadings, renderTimeline } from "../rollout/timeline.js";
import type { DeploymentState } from "../github/deployments.js";
import { pullRequestBranch } from "../github/pulls.js";
import { gatePhase, type ActionDeps, type GatePhase } from "./gate-phase.js";
import { WORKFLOW_BOT } from "./gate.js";
import type { ActionSettings } from "./inputs.js";
import { rolloutFailure, type ModeOutcome } from "./outcome.js";
import { previousSuccess } from "./history.js";
import { busyText, scanInFlight, type InFlight } from "./inflight.js";
import { own } from "../policy/own.js";
import type { Policy, Strategy } from "../policy/model.js";
import { lockTimeoutOf, withLock, type LockSlot } from "./locked.js";
import { carryOutDecision } from "./paused.js";
import { keepReadings } from "./readings-store.js";
import type { StatusWriter } from "./record.js";
import { seriesOf } from "../rollout/series.js";

export async function deployMode(deps: ActionDeps, settings: ActionSettings): Promise<ModeOutcome> {
  return withLock(deps, settings, (slot) => deployHoldingLock(deps, settings, slot));
}

/** What the gate's last step before any record found: the requests it made, and the rollouts in flight. */
interface Held {
  scanned: number;
  abandoned: readonly InFlight[];
  /** This commit's paused rollout, on which an approver decided. */
  decided?: InFlight;
}

async function deployHoldingLock(
  deps: ActionDeps,
  settings: ActionSettings,
  slot: LockSlot,
): Promise<ModeOutcome> {
  const held: Held = { scanned: 0, abandoned: [] };
  const gate = await gatePhase(deps, settings, ({ policy }) =>
    takeAndScan(deps, settings, slot, policy, held),
  );
  const { scanned, abandoned, decided } = held;
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
  const resume = resumeOf(deps, settings, plan, rollback, abandoned);
  if (settings.dryRun || !gate.write) {
    return { ...base, requests, ...(previousSha ? { previousSha } : {}) };
  }

  const rolled = await rollOut(deps, settings, slot, {
    gate,
    write: gate.write,
    strategy,
    plan,
    rollback,
    resume,
    ...(previousSha ? { previousSha } : {}),
  });
  requests += rolled.requests;
  const { result, status } = rolled;
  // The full series for the audit, which the statuses only summarise (src/action/readings-store.ts).
  requests += await keepReadings(deps, settings, gate.deploymentId, settings.sha, seriesOf(result.timeline));
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
    ...rolloutFailure(result),
  };
}

/**
 * Before anything is written: the environment's lock is taken (or the run refuses, naming its holder),
 * abandoned rollouts of the environment are closed, a live one refuses. What it found is left in `held`.
 */
async function takeAndScan(
  deps: ActionDeps,
  settings: ActionSettings,
  slot: LockSlot,
  policy: Policy,
  held: Held,
): Promise<string | undefined> {
  if (settings.dryRun) return undefined;
  const environment = own(policy.environments, settings.environment)!;
  const timeoutMs = lockTimeoutOf(settings, policy, environment);
  const taken = await deps.phase("Take the environment lock", () => slot.take(timeoutMs, false));
  held.scanned = taken.requests;
  if (taken.refusal) return taken.refusal;
  const scan = await deps.phase("Look for rollouts in flight", () =>
    scanInFlight(deps, settings, policy, environment, taken.deadRun ? { deadRun: taken.deadRun } : {}),
  );
  held.scanned += scan.requests;
  held.abandoned = scan.abandoned;
  // This commit's rollout paused, and an approver decided on the PR (`/tollgate resume|abort`): the App
  // re-ran this run so that it carries the decision out, holding the lock it has just taken.
  const live = scan.live;
  if (
    live?.pausedAt !== undefined &&
    live.decision &&
    live.sha.toLowerCase() === settings.sha.toLowerCase()
  ) {
    held.decided = live;
    return `deployment ${live.deploymentId} is paused and @${live.decision.login} decided to ${live.decision.choice} it`;
  }
  return live ? busyText(live) : undefined;
}

/** Where to resume: the same commit's rollout, abandoned just now by the in-flight scan (its runner died). */
interface Resume {
  readonly stopped: InFlight;
  readonly startAt: { readonly index: number; readonly label: string };
}

function resumeOf(
  deps: ActionDeps,
  settings: ActionSettings,
  plan: RolloutPlan,
  rollback: RollbackPlan,
  abandoned: readonly InFlight[],
): Resume | undefined {
  const stopped = abandoned.find((a) => a.sha.toLowerCase() === settings.sha.toLowerCase());
  if (!stopped) return undefined;
  const point = resumePoint(plan, stopped.lastStep, rollback.analyses);
  if ("reason" in point) {
    deps.log(`deployment ${stopped.deploymentId} stopped midway; starting over: ${point.reason}`);
    return undefined;
  }
  deps.log(`resuming at ${point.label}, where deployment ${stopped.deploymentId} stopped`);
  return { stopped, startAt: point };
}

/** Runs the rollout step by step, each event recorded as a status on the deployment. */
async function rollOut(
  deps: ActionDeps,
  settings: ActionSettings,
  slot: LockSlot,
  run: {
    gate: GatePhase;
    write: StatusWriter;
    strategy: Strategy;
    plan: RolloutPlan;
    rollback: RollbackPlan;
    resume: Resume | undefined;
    previousSha?: string;
  },
): Promise<{ result: RolloutResult; status?: DeploymentState; requests: number }> {
  const { write, strategy, plan, rollback, resume, previousSha } = run;
  let requests = 0;
  let status: DeploymentState | undefined = run.gate.status;
  const pullRequest = await pullRequestContext(deps, settings, run.gate.evaluation.evidence.pull_request);
  if (pullRequest) requests++;
  const result = await deps.phase(`Roll out (${strategy.name}, ${plan.steps.length} steps)`, async () => {
    const steps = plan.steps.map((s) => s.label).join(" → ");
    await write(
      "in_progress",
      "step",
      resume
        ? `rollout resumed at ${resume.startAt.label} (deployment ${resume.stopped.deploymentId} stopped there): ${strategy.name}, ${steps}`
        : `rollout started: ${strategy.name}, ${steps}`,
    );
    requests++;
    status = "in_progress";
    return executeRollout({
      plan,
      rollback,
      runner: execRunner(),
      clock: realClock,
      ...(resume ? { startAt: resume.startAt.index } : {}),
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
  return { result, ...(status !== undefined ? { status } : {}), requests };
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
