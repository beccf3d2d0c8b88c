/**
 * `mode: checkpoints` (on a schedule): runs the post-deploy checkpoints whose time has come — the policy's
 * `validation.at` offsets after the deployment's success — and records each as a status. The facts
 * come from GitHub (when it succeeded, which checkpoints are recorded), so runs keep no state; a failed
 * checkpoint rolls back when the policy says so.
 */
import { listDeployments, listDeploymentStatuses, type DeploymentState } from "../github/deployments.js";
import { parseDescription } from "../records/format.js";
import { parseDuration } from "../policy/duration.js";
import { realClock } from "../rollout/clock.js";
import { execRunner } from "./exec-runner.js";
import { providers } from "../rollout/providers/index.js";
import { checkpointLabel, dueCheckpoints, nextCheckpointAt, runCheckpoint } from "../rollout/checkpoints.js";
import type { ActionDeps } from "./gate-phase.js";
import { evaluateGate, WORKFLOW_BOT } from "./gate.js";
import type { ActionSettings } from "./inputs.js";
import type { ModeOutcome } from "./outcome.js";
import { statusWriter } from "./record.js";
import { busyText, scanInFlight } from "./inflight.js";
import { rollBack } from "./rollback.js";
import { own } from "../policy/own.js";
import type { Environment, Policy } from "../policy/model.js";

export async function checkpointsMode(deps: ActionDeps, settings: ActionSettings): Promise<ModeOutcome> {
  const { policy, requests: read } = await deps.phase("Read the policy", () => evaluateGate(deps, settings));
  let requests = read;
  const environment = own(policy.environments, settings.environment);
  const schedule = environment?.validation;
  if (!environment || !schedule)
    throw new Error(`${settings.environment} has no validation schedule in ${settings.policyPath}`);

  if (!settings.dryRun) {
    const scan = await deps.phase("Look for rollouts in flight", () =>
      scanInFlight(deps, settings, policy, environment),
    );
    requests += scan.requests;
    // Mid-rollout the analyses of the rollout itself are watching: the checkpoints wait for the next run.
    if (scan.live) {
      deps.log(`checkpoints skipped: ${busyText(scan.live)}`);
      return { rolledBack: false, sections: [`Validation skipped: ${busyText(scan.live)}`], requests };
    }
  }

  const current = await currentDeployment(deps, settings);
  requests += current.requests;
  const found = current.found;
  if (!found)
    return {
      rolledBack: false,
      sections: [],
      requests,
      failure: `${settings.environment} has no successful deployment to validate`,
    };
  return runDueCheckpoints(deps, settings, policy, environment, schedule, found, requests);
}

/** The deployment under checkpoints: when its rollout succeeded, and the checkpoints already recorded on it. */
interface CheckedDeployment {
  readonly id: number;
  readonly sha: string;
  readonly deployedAt: number;
  readonly recorded: number[];
}

/**
 * The environment's current version: its newest deployment with a success from a trusted writer (the
 * App's bot or the workflow's token), and the checkpoint offsets its checkpoint statuses recorded.
 */
async function currentDeployment(
  deps: ActionDeps,
  settings: ActionSettings,
): Promise<{ found?: CheckedDeployment; requests: number }> {
  const deployments = await listDeployments(deps.client, settings, {
    environment: settings.environment,
    perPage: 10,
  });
  let requests = 1;
  const trusted = [settings.appBot, WORKFLOW_BOT];
  for (const deployment of deployments) {
    const statuses = await listDeploymentStatuses(deps.client, { ...settings, deploymentId: deployment.id });
    requests++;
    const ours = statuses.filter((s) => s.creator !== null && trusted.includes(s.creator.login));
    // A rollout's own success: checkpoint results are written as statuses too, and don't restart the clock.
    const successes = ours
      .filter((s) => s.state === "success" && parseDescription(s.description)?.kind !== "validation")
      .map((s) => Date.parse(s.created_at));
    if (successes.length === 0) continue;
    const recorded = ours.flatMap((s) => {
      const record = parseDescription(s.description);
      const label = record?.kind === "validation" ? /^\+(\S+?):/.exec(record.text)?.[1] : undefined;
      const ms = label !== undefined ? parseDuration(label) : undefined;
      return ms !== undefined ? [ms] : [];
    });
    return {
      found: { id: deployment.id, sha: deployment.sha, deployedAt: Math.min(...successes), recorded },
      requests,
    };
  }
  return { requests };
}

/**
 * Runs the checkpoints whose time has come, each recorded as a status; the first that fails stops the
 * run, and rolls the environment back when the policy says so.
 */
async function runDueCheckpoints(
  deps: ActionDeps,
  settings: ActionSettings,
  policy: Policy,
  environment: Environment,
  schedule: NonNullable<Environment["validation"]>,
  found: CheckedDeployment,
  requestsSoFar: number,
): Promise<ModeOutcome> {
  let requests = requestsSoFar;
  const now = deps.now().getTime();
  const due = dueCheckpoints(schedule.atMs, found.deployedAt, found.recorded, now);
  const next = nextCheckpointAt(schedule.atMs, found.deployedAt, [...found.recorded, ...due], now);
  deps.log(
    `checkpoints due: ${due.length}; next: ${next === undefined ? "none" : new Date(next).toISOString()}`,
  );
  let status: DeploymentState | undefined;
  const checked = { ...settings, sha: found.sha };
  deps.log(`checkpoints for deployment ${found.id} of ${found.sha.slice(0, 7)}`);
  const write = statusWriter(deps.client, checked, found.id, environment.url, (s) => {
    status = s;
    requests++;
  });
  const runner = execRunner();
  const lines: string[] = [];
  for (const checkpoint of due) {
    const result = await deps.phase(`Checkpoint ${checkpointLabel(checkpoint)}`, () =>
      runCheckpoint(checkpoint, environment, {
        context: {
          environment: settings.environment,
          sha: found.sha,
          strategy: environment.strategies[0] ?? "direct",
        },
        clock: realClock,
        measure: providers(runner),
        analyses: policy.analyses,
      }),
    );
    lines.push(`- ${result.passed ? "✅" : "❌"} ${result.summary}`);
    if (settings.dryRun) continue;
    await write(result.passed ? "success" : "failure", "validation", result.summary);
    if (!result.passed && result.action === "rollback") {
      const rolled = await rollBack(deps, settings, policy, environment, requests, found);
      return {
        ...rolled,
        sections: [lines.join("\n"), ...rolled.sections],
        failure: `Validation failed (${result.summary}); ${rolled.failure ?? "rolled back"}`,
      };
    }
    if (!result.passed)
      return {
        deploymentId: found.id,
        ...(status ? { status } : {}),
        rolledBack: false,
        sections: [lines.join("\n")],
        requests,
        failure: `Validation failed: ${result.summary}`,
      };
  }
  return {
    deploymentId: found.id,
    ...(status ? { status } : {}),
    rolledBack: false,
    sections: lines.length ? [lines.join("\n")] : [],
    requests,
  };
}
