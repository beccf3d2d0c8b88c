/**
 * `mode: resume` and `mode: abort`: the two ways out of a paused rollout (one whose analysis was
 * inconclusive and whose policy says to stop and ask), besides `mode: rollback`.
 *
 * - **resume** goes on with the step after the one it paused at, on the same deployment record, under the
 *   same strategy and analyses (the paused step's weight is live already); a last step paused means done.
 * - **abort** undoes what the paused step applied, as a failed analysis would have: the rollback
 *   commands (or switching blue-green traffic back), then records the deployment as `failure`.
 *
 * Either is a decision about production, so only who may roll the environment back may take it (its
 * approvers, maintain or admin). The run takes the environment lock first: the paused run released it,
 * and a resume or abort racing another run for the environment must not both act.
 */
import { own } from "../policy/own.js";
import { mayRollBack } from "../approvals/rollback-authority.js";
import type { DeploymentState } from "../github/deployments.js";
import type { PauseChoice } from "../records/format.js";
import type { Environment, Policy } from "../policy/model.js";
import { realClock } from "../rollout/clock.js";
import { execRunner } from "./exec-runner.js";
import { executeRollout } from "../rollout/executor.js";
import { planRollout, type RolloutPlan } from "../rollout/plan.js";
import { providers } from "../rollout/providers/index.js";
import { executeRollback, planRollback } from "../rollout/rollback.js";
import { Timeline, renderReadings, renderTimeline } from "../rollout/timeline.js";
import type { ActionDeps } from "./gate-phase.js";
import { evaluateGate, WORKFLOW_BOT } from "./gate.js";
import { previousSuccess } from "./history.js";
import { busyText, scanInFlight, type InFlight } from "./inflight.js";
import type { ActionSettings } from "./inputs.js";
import { lockTimeoutOf, withLock, type LockSlot } from "./locked.js";
import { rolloutFailure, type ModeOutcome } from "./outcome.js";
import { keepReadings } from "./readings-store.js";
import { statusWriter } from "./record.js";
import { seriesOf } from "../rollout/series.js";

type Choice = PauseChoice;

export const resumeMode = (deps: ActionDeps, settings: ActionSettings) => decide(deps, settings, "resume");
export const abortMode = (deps: ActionDeps, settings: ActionSettings) => decide(deps, settings, "abort");

async function decide(deps: ActionDeps, settings: ActionSettings, choice: Choice): Promise<ModeOutcome> {
  const {
    policy,
    evidence,
    requests: read,
  } = await deps.phase("Read the policy", () => evaluateGate(deps, settings));
  const environment = own(policy.environments, settings.environment);
  if (!environment) throw new Error(`the policy has no environment "${settings.environment}"`);
  const refused = (failure: string, requests: number): ModeOutcome => ({
    rolledBack: false,
    sections: [],
    requests,
    failure,
  });
  if (!mayRollBack(policy, environment, evidence, settings.actor))
    return refused(
      `@${settings.actor} may not ${choice} a rollout of ${settings.environment}: only its approvers and people with the maintain or admin role may`,
      read,
    );
  if (settings.dryRun) return { rolledBack: false, sections: [], requests: read };
  return withLock(deps, settings, async (slot) => {
    const outcome = await whilePaused(deps, settings, policy, environment, slot, choice);
    return { ...outcome, requests: outcome.requests + read };
  });
}

async function whilePaused(
  deps: ActionDeps,
  settings: ActionSettings,
  policy: Policy,
  environment: Environment,
  slot: LockSlot,
  choice: Choice,
): Promise<ModeOutcome> {
  const taken = await deps.phase("Take the environment lock", () =>
    slot.take(lockTimeoutOf(settings, policy, environment), false),
  );
  let requests = taken.requests;
  const none = (failure: string): ModeOutcome => ({ rolledBack: false, sections: [], requests, failure });
  if (taken.refusal) return none(taken.refusal);
  const scan = await deps.phase("Find the paused rollout", () =>
    scanInFlight(deps, settings, policy, environment),
  );
  requests += scan.requests;
  const paused = scan.live;
  if (!paused) return none(`nothing to ${choice}: no rollout of ${settings.environment} is paused`);
  if (paused.pausedAt === undefined) return none(`nothing to ${choice}: ${busyText(paused)}, not paused`);
  return carryOut(deps, settings, policy, environment, slot, choice, paused, requests);
}

/**
 * A decision recorded from a PR comment (`/tollgate resume|abort <env>`, by the App's bot), carried out
 * by a `mode: deploy` run of the paused commit (the App re-runs the paused run): the environment lock is
 * held already, and the decision is taken in the name of the person who commented, whose authority is
 * checked again here against the policy the run read.
 */
export async function carryOutDecision(
  deps: ActionDeps,
  settings: ActionSettings,
  evaluation: { readonly policy: Policy; readonly evidence: Parameters<typeof mayRollBack>[2] },
  slot: LockSlot,
  paused: InFlight,
): Promise<ModeOutcome> {
  const { policy, evidence } = evaluation;
  const environment = own(policy.environments, settings.environment)!;
  const decision = paused.decision!;
  if (!mayRollBack(policy, environment, evidence, decision.login))
    return {
      rolledBack: false,
      sections: [],
      requests: 0,
      failure: `@${decision.login} may not ${decision.choice} a rollout of ${settings.environment} (${decision.url}): only its approvers and people with the maintain or admin role may`,
    };
  deps.log(
    `carrying out ${decision.choice} of deployment ${paused.deploymentId}, decided by @${decision.login}: ${decision.url}`,
  );
  return carryOut(
    deps,
    { ...settings, actor: decision.login },
    policy,
    environment,
    slot,
    decision.choice,
    paused,
    0,
  );
}

async function carryOut(
  deps: ActionDeps,
  settings: ActionSettings,
  policy: Policy,
  environment: Environment,
  slot: LockSlot,
  choice: Choice,
  paused: InFlight,
  requestsSoFar: number,
): Promise<ModeOutcome> {
  let requests = requestsSoFar;
  const none = (failure: string): ModeOutcome => ({ rolledBack: false, sections: [], requests, failure });

  const strategyName = paused.strategy ?? settings.strategy ?? environment.strategies[0];
  const strategy = strategyName !== undefined ? own(policy.strategies, strategyName) : undefined;
  if (!strategy)
    return none(
      `cannot ${choice} deployment ${paused.deploymentId}: the policy has no strategy "${strategyName}"`,
    );
  const plan = planRollout(strategy, environment, policy.analyses);
  const index = plan.steps.findIndex((s) => s.label === paused.pausedAt);
  if (index < 0)
    return none(
      `cannot ${choice} deployment ${paused.deploymentId}: it paused at "${paused.pausedAt}", which ${strategy.name} no longer has`,
    );
  const previous = await previousSuccess(
    deps.client,
    { ...settings, sha: paused.sha },
    { app: settings.appBot, workflow: [WORKFLOW_BOT] },
  );
  requests += previous.requests;
  let status: DeploymentState | undefined;
  const write = statusWriter(
    deps.client,
    { ...settings, sha: paused.sha },
    paused.deploymentId,
    environment.url,
    (s) => {
      status = s;
      requests++;
    },
  );
  const run = choice === "resume" ? resume : abort;
  const done = await run({
    deps,
    settings,
    policy,
    environment,
    paused,
    plan,
    index,
    write,
    previousSha: previous.sha,
    slot,
  });
  return {
    deploymentId: paused.deploymentId,
    ...(status !== undefined ? { status } : {}),
    ...(previous.sha ? { previousSha: previous.sha } : {}),
    requests,
    ...done,
  };
}

interface Paused {
  readonly deps: ActionDeps;
  readonly settings: ActionSettings;
  readonly policy: Policy;
  readonly environment: Environment;
  readonly paused: InFlight;
  readonly plan: RolloutPlan;
  /** The step it paused at. */
  readonly index: number;
  readonly write: ReturnType<typeof statusWriter>;
  readonly previousSha: string | undefined;
  readonly slot: LockSlot;
}

type Done = Pick<ModeOutcome, "rolledBack" | "sections" | "rollout" | "failure" | "critical">;

const contextOf = (p: Paused) => ({
  environment: p.settings.environment,
  sha: p.paused.sha,
  strategy: p.plan.strategy,
  initiator: p.settings.actor,
  ...(p.previousSha ? { previousSha: p.previousSha } : {}),
});

async function resume(p: Paused): Promise<Done> {
  const { deps, settings, plan, index, write } = p;
  const at = plan.steps[index]!.label;
  const next = plan.steps[index + 1];
  const who = `by @${settings.actor}, run ${settings.runUrl}`;
  if (!next) {
    await write("success", "outcome", `resumed ${who}: ${at} was the last step; ${plan.strategy} done`);
    return { rolledBack: false, sections: [], rollout: "success" };
  }
  await write("in_progress", "step", `rollout resumed at ${next.label} ${who} (paused at ${at})`);
  const strategy = own(p.policy.strategies, plan.strategy)!;
  const result = await deps.phase(`Resume the rollout at ${next.label}`, () =>
    executeRollout({
      plan,
      rollback: planRollback(strategy, p.environment, p.policy.analyses, p.previousSha),
      runner: execRunner(),
      clock: realClock,
      startAt: index + 1,
      stopped: p.slot.lost,
      context: contextOf(p),
      reporter: (event) => write(event.state, event.kind, event.text),
    }),
  );
  deps.log(`rollout ${result.outcome}: ${result.reason}`);
  // Added beside the readings the paused run kept, on the same deployment's ref.
  await keepReadings(deps, settings, p.paused.deploymentId, p.paused.sha, seriesOf(result.timeline));
  return {
    rolledBack: result.outcome === "rolled_back",
    // Every reading (warnings included) beside the timeline: the statuses only summarise them.
    sections: [renderTimeline(result.timeline), renderReadings(result.timeline)].filter(Boolean),
    rollout: result.outcome,
    ...(result.outcome === "rollback_failed" ? { critical: true } : {}),
    ...rolloutFailure(result),
  };
}

async function abort(p: Paused): Promise<Done> {
  const { deps, settings, plan, index, write } = p;
  const step = plan.steps[index]!;
  const who = `aborted by @${settings.actor} at ${step.label} (run ${settings.runUrl})`;
  if (step.undo === "nothing") {
    await write("failure", "outcome", `${who}: traffic never switched, nothing to roll back`);
    return { rolledBack: false, sections: [], rollout: "failed" };
  }
  await write("in_progress", "rollback", `rolling back: ${who}`);
  const strategy = own(p.policy.strategies, plan.strategy)!;
  const runner = execRunner();
  const timeline = new Timeline(realClock);
  const undone = await deps.phase("Roll back the paused rollout", () =>
    executeRollback(
      planRollback(strategy, p.environment, p.policy.analyses, p.previousSha),
      step.undo === "switch-back" ? "switch-back" : "rollback",
      {
        context: contextOf(p),
        runner,
        clock: realClock,
        measure: providers(runner),
        baselines: {},
        timeline,
      },
    ),
  );
  await keepReadings(deps, settings, p.paused.deploymentId, p.paused.sha, seriesOf(timeline.entries));
  await write(
    undone.ok ? "failure" : "error",
    "outcome",
    undone.ok
      ? `${who}: rolled back — ${undone.detail}`
      : `CRITICAL: rollback failed after ${who}: ${undone.detail}`,
  );
  return {
    rolledBack: undone.ok,
    sections: [renderTimeline(timeline.entries, "Abort")],
    rollout: undone.ok ? "rolled_back" : "rollback_failed",
    ...(undone.ok ? {} : { critical: true, failure: `CRITICAL: rollback failed: ${undone.detail}` }),
  };
}
