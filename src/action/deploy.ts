/**
 * `mode: deploy`: the gate, then the policy's rollout strategy run step by step by src/rollout (the
 * user's commands, health analysis between steps, automatic rollback), each step recorded as a status
 * on the deployment: in_progress per step → success, or failure with the rollback and its cause.
 */
import { realClock } from "../rollout/clock.js";
import { execRunner } from "../rollout/exec-runner.js";
import { executeRollout } from "../rollout/executor.js";
import { planRollout } from "../rollout/plan.js";
import { planRollback } from "../rollout/rollback.js";
import { renderTimeline } from "../rollout/timeline.js";
import type { DeploymentState } from "../github/deployments.js";
import { gatePhase, type ActionDeps } from "./decide.js";
import type { ActionSettings } from "./inputs.js";
import type { ModeOutcome } from "./outcome.js";
import { previousSuccess } from "./history.js";

export async function deployMode(deps: ActionDeps, settings: ActionSettings): Promise<ModeOutcome> {
  const gate = await gatePhase(deps, settings);
  const base = {
    judgement: gate.judgement,
    ...(gate.deploymentId !== undefined ? { deploymentId: gate.deploymentId } : {}),
    ...(gate.status !== undefined ? { status: gate.status } : {}),
    rolledBack: false,
    sections: [],
  };
  if (gate.failure) return { ...base, failure: gate.failure, requests: gate.requests };

  const { policy, decision } = gate.judgement;
  const environment = policy.environments[settings.environment]!;
  const strategy = decision.strategy !== undefined ? policy.strategies[decision.strategy] : undefined;
  if (!strategy) {
    return {
      ...base,
      requests: gate.requests,
      failure: `no strategy to deploy ${settings.environment} with: set the \`strategy\` input or list strategies for it in ${settings.policyPath}`,
    };
  }
  const plan = planRollout(strategy, environment, policy.analyses);
  let requests = gate.requests;
  const previous = environment.rollback.redeployPrevious
    ? await previousSuccess(deps.client, settings, [settings.appBot, "github-actions[bot]"])
    : undefined;
  if (previous) requests += previous.requests;
  const previousSha = previous?.sha;
  const rollback = planRollback(strategy, environment, policy.analyses, previousSha);
  deps.log(`plan: ${plan.steps.map((s) => s.label).join(" → ")}`);
  if (settings.dryRun || !gate.write) {
    return { ...base, requests, ...(previousSha ? { previousSha } : {}) };
  }

  let status: DeploymentState | undefined = gate.status;
  const write = gate.write;
  const result = await deps.phase(`Roll out (${strategy.name}, ${plan.steps.length} steps)`, async () => {
    await write(
      "in_progress",
      "step",
      `rollout started: ${strategy.name}, ${plan.steps.map((s) => s.label).join(" → ")}`,
    );
    requests++;
    status = "in_progress";
    return executeRollout({
      plan,
      rollback,
      runner: execRunner(),
      clock: realClock,
      context: {
        environment: settings.environment,
        sha: settings.sha,
        strategy: strategy.name,
        initiator: settings.actor,
        ...(previousSha ? { previousSha } : {}),
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
    sections: [renderTimeline(result.timeline)],
    requests,
    ...(result.outcome === "success" ? {} : { failure: `Rollout ${result.outcome}: ${result.reason}` }),
  };
}
