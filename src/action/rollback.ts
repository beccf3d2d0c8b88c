/**
 * `mode: rollback`: puts the environment back on its previous good version, without approval unless
 * the policy's `rollback.approval` is required (by default a rollback never waits for people; when
 * required, the target is judged with `rollback_of` and a missing approval stops it at once). The current version is the newest trusted
 * success; the target is the newest trusted success of another commit. The rollback is recorded as its
 * own deployment of the target commit, `payload.tollgate.rollback_of` naming what it replaced.
 */
import { mayRollBack } from "../approvals/rollback-authority.js";
import { createDeployment, type DeploymentState } from "../github/deployments.js";
import { deploymentPayload } from "../records/payload.js";
import type { Environment, Policy } from "../policy/model.js";
import { realClock } from "../rollout/clock.js";
import { execRunner } from "./exec-runner.js";
import { resolveAnalyses } from "../rollout/plan.js";
import { providers } from "../rollout/providers/index.js";
import { executeRollback, planRollback, type RollbackPlan } from "../rollout/rollback.js";
import { Timeline, renderReadings, renderTimeline } from "../rollout/timeline.js";
import type { ActionDeps } from "./gate-phase.js";
import { evaluateGate, WORKFLOW_BOT } from "./gate.js";
import { previousSuccess } from "./history.js";
import { scanInFlight } from "./inflight.js";
import { lockTimeoutOf, withLock } from "./locked.js";
import type { ActionSettings } from "./inputs.js";
import type { ModeOutcome } from "./outcome.js";
import { keepReadings } from "./readings-store.js";
import { statusWriter } from "./record.js";
import { seriesOf } from "../rollout/series.js";
import { own } from "../policy/own.js";
import { renderMarkdown } from "../readiness/render.js";

export async function rollbackMode(deps: ActionDeps, settings: ActionSettings): Promise<ModeOutcome> {
  // The evaluation is not needed (rollbacks need no approval), only the policy from the default branch.
  const {
    policy,
    evidence,
    requests: read,
  } = await deps.phase("Read the policy", () => evaluateGate(deps, settings));
  const environment = own(policy.environments, settings.environment);
  if (!environment) throw new Error(`the policy has no environment "${settings.environment}"`);
  // Anyone who can dispatch a workflow could otherwise put production back on any version: the App's
  // bot (it checked `/rollback`'s author) or someone the policy lets roll back must have started it.
  if (settings.actor !== settings.appBot && !mayRollBack(policy, environment, evidence, settings.actor))
    return {
      rolledBack: false,
      sections: [],
      requests: read,
      failure: `@${settings.actor} may not roll ${settings.environment} back: only its approvers and people with the maintain or admin role may (or /rollback ${settings.environment} on a pull request)`,
    };
  if (settings.dryRun) return rollBack(deps, settings, policy, environment, read, undefined, { gated: true });
  // Getting back to safety never waits: the rollback takes the environment's lock over whatever holds it
  // (race-free: of two rollbacks only one fast-forwards the lock), and ends every rollout in flight —
  // paused, crashed or running; a running one notices its lost lock at its next heartbeat and stops
  // before its next step.
  return withLock(deps, settings, async (slot) => {
    const taken = await deps.phase("Take the environment lock", () =>
      slot.take(lockTimeoutOf(settings, policy, environment), true),
    );
    if (taken.refusal)
      return { rolledBack: false, sections: [], requests: read + taken.requests, failure: taken.refusal };
    const scan = await deps.phase("Close rollouts in flight", () =>
      scanInFlight(deps, settings, policy, environment, {
        supersede: `superseded by a rollback started by @${settings.actor}, run ${settings.runUrl}`,
      }),
    );
    // A rollout stopped midway left part of the traffic on its commit: that is what the rollback replaces,
    // back to the newest verified success (not the success before that).
    const interrupted = scan.superseded[0];
    return rollBack(
      deps,
      settings,
      policy,
      environment,
      read + taken.requests + scan.requests,
      interrupted ? { sha: interrupted.sha } : undefined,
      { gated: true },
    );
  });
}

export async function rollBack(
  deps: ActionDeps,
  settings: ActionSettings,
  policy: Policy,
  environment: Environment,
  requestsSoFar: number,
  /** The version being replaced, when the caller knows it (checkpoints: the deployment that failed one). */
  known?: { sha: string },
  /**
   * Someone asked for it (`mode: rollback`): the policy's rollback rules apply. A rollback after a failed
   * checkpoint is the rollout's own, and never waits.
   */
  options: { gated?: boolean } = {},
): Promise<ModeOutcome> {
  const found = await deps.phase("Find the version to roll back to", () => versionsOf(deps, settings, known));
  let requests = requestsSoFar + found.requests;
  const base = { rolledBack: false, sections: [] as string[] };
  if (!found.versions) {
    return {
      ...base,
      requests,
      failure: `nothing to roll back to: ${settings.environment} has no earlier successful deployment`,
    };
  }
  const { current, target } = found.versions;
  if (options.gated && environment.rollback.approval === "required") {
    const refusal = await deps.phase("Check the rollback's approval", () =>
      rollbackApproval(deps, settings, target, current),
    );
    requests += refusal.requests;
    if (refusal.failure !== undefined)
      return { ...base, sections: refusal.sections, requests, failure: refusal.failure };
  }
  const strategyName = settings.strategy ?? environment.strategies[0];
  const plan = wayBack(policy, environment, strategyName, target);
  deps.log(`rolling ${settings.environment} back from ${current.slice(0, 7)} to ${target.slice(0, 7)}`);
  if (settings.dryRun) return { ...base, previousSha: target, requests };

  const deploymentId = await createDeployment(
    deps.client,
    { ...settings, sha: target },
    {
      payload: deploymentPayload({
        requestedBy: settings.actor,
        decision: { changeType: "rollback", emergency: false, checklist: [] },
        policyDigest: policy.digest,
        rollout: { strategy: strategyName },
        rollbackOf: current,
      }),
      description: `Rollback of ${current.slice(0, 7)}`,
    },
  );
  requests++;
  const run = await runRollback(deps, settings, environment, deploymentId, plan, {
    current,
    target,
    strategy: strategyName ?? "rollback",
  });
  requests += run.requests;
  const { result, timeline, status } = run;
  // The rollback analyses' readings, kept like a rollout's (src/action/readings-store.ts).
  requests += await keepReadings(deps, settings, deploymentId, target, seriesOf(timeline.entries));
  return {
    deploymentId,
    ...(status !== undefined ? { status } : {}),
    rolledBack: result.ok,
    previousSha: target,
    sections: [renderTimeline(timeline.entries, "Rollback"), renderReadings(timeline.entries)].filter(
      Boolean,
    ),
    requests,
    rollout: result.ok ? "rolled_back" : "rollback_failed",
    ...(result.ok ? {} : { critical: true, failure: `CRITICAL: rollback failed: ${result.detail}` }),
  };
}

/**
 * The version running now (the one the caller knows, else the newest trusted success, a workflow's
 * success counting) and the one to go back to (the newest trusted success of another commit), or no
 * versions when either is missing.
 */
async function versionsOf(
  deps: ActionDeps,
  settings: ActionSettings,
  known: { sha: string } | undefined,
): Promise<{ versions?: { current: string; target: string }; requests: number }> {
  const trusted = { app: settings.appBot, workflow: [WORKFLOW_BOT] };
  const current = known
    ? { sha: known.sha, requests: 0 }
    : await previousSuccess(deps.client, settings, { ...trusted, workflowSuccessCounts: true }, "");
  const target = current.sha ? await previousSuccess(deps.client, settings, trusted, current.sha) : undefined;
  const requests = current.requests + (target?.requests ?? 0);
  return current.sha && target?.sha
    ? { versions: { current: current.sha, target: target.sha }, requests }
    : { requests };
}

/** The strategy's own way back when there is one, else the environment's rollback commands and analyses. */
function wayBack(
  policy: Policy,
  environment: Environment,
  strategyName: string | undefined,
  target: string,
): RollbackPlan {
  const strategy = strategyName !== undefined ? own(policy.strategies, strategyName) : undefined;
  return strategy
    ? planRollback(strategy, environment, policy.analyses, target)
    : {
        run: environment.rollback.run,
        switchBack: [],
        analyses: resolveAnalyses(environment.rollback.analyses, policy.analyses),
      };
}

/** Runs the rollback plan, recording its start and its outcome as statuses on the rollback's deployment. */
async function runRollback(
  deps: ActionDeps,
  settings: ActionSettings,
  environment: Environment,
  deploymentId: number,
  plan: RollbackPlan,
  versions: { current: string; target: string; strategy: string },
): Promise<{
  result: Awaited<ReturnType<typeof executeRollback>>;
  timeline: Timeline;
  status?: DeploymentState;
  requests: number;
}> {
  const { current, target } = versions;
  let requests = 0;
  let status: DeploymentState | undefined;
  const write = statusWriter(
    deps.client,
    { ...settings, sha: target },
    deploymentId,
    environment.url,
    (s) => {
      status = s;
      requests++;
    },
  );
  const timeline = new Timeline(realClock);
  const result = await deps.phase("Roll back", async () => {
    await write(
      "in_progress",
      "rollback",
      `rolling back from ${current.slice(0, 7)} to ${target.slice(0, 7)}`,
    );
    const runner = execRunner();
    const done = await executeRollback(plan, "rollback", {
      context: {
        environment: settings.environment,
        sha: current,
        previousSha: target,
        strategy: versions.strategy,
        initiator: settings.actor,
      },
      runner,
      clock: realClock,
      measure: providers(runner),
      baselines: {},
      timeline,
    });
    await write(
      done.ok ? "success" : "error",
      "outcome",
      `${done.ok ? "rolled back" : "rollback failed"}: ${done.detail}`,
    );
    return done;
  });
  return { result, timeline, ...(status !== undefined ? { status } : {}), requests };
}

/**
 * `rollback.approval: required`: the target is judged as a deployment with `rollback_of`, and only its
 * rollback and approval items decide (a rollback does not wait for checks, windows or soak times). It
 * does not wait for approvers either: without the approval it stops and says who must approve.
 */
async function rollbackApproval(
  deps: ActionDeps,
  settings: ActionSettings,
  target: string,
  replaced: string,
): Promise<{ requests: number; sections: string[]; failure?: string }> {
  const judged = await evaluateGate(deps, { ...settings, sha: target }, replaced);
  const deciding = judged.decision.checklist.filter(
    (i) => (i.id === "rollback" || i.id === "approval") && i.state !== "passed" && i.state !== "waived",
  );
  if (deciding.length === 0) return { requests: judged.requests, sections: [] };
  const why = deciding.map((i) => `${i.title}: ${i.reason}${i.fix ? ` (${i.fix})` : ""}`).join("; ");
  return {
    requests: judged.requests,
    sections: [renderMarkdown(judged.decision)],
    failure: `rolling ${settings.environment} back to ${target.slice(0, 7)} needs approval (rollback.approval: required): ${why}`,
  };
}
