/**
 * Undoing a rollout: the environment's rollback commands (TOLLGATE_PREVIOUS_SHA set), and/or a redeploy
 * of the previous successful SHA with the strategy's own deploy commands straight through (no pauses, no
 * analysis between steps); blue-green switches traffic back instead. Health is analysed afterwards
 * (`rollback.analyses`); a rollback that fails or leaves the service unhealthy is critical.
 */
import type { RollbackPlanKind } from "../records/format.js";
import type { Analysis, Environment, Strategy } from "../policy/model.js";
import { deciding, measuresOf, runAnalysis } from "./analysis.js";
import { percent, resolveAnalyses } from "./plan.js";
import type { ProviderFactory } from "./providers/index.js";
import type { Timeline } from "./timeline.js";
import { contextEnv, runCommand, type Clock, type CommandRunner, type RolloutContext } from "./types.js";
import { own } from "../policy/own.js";

export interface RollbackStep {
  readonly label: string;
  readonly commands: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export interface RollbackPlan {
  readonly run: readonly string[];
  readonly redeploy?: { readonly sha: string; readonly steps: readonly RollbackStep[] };
  /** Blue-green after promotion: traffic goes back to the side that was kept. */
  readonly switchBack: readonly string[];
  readonly analyses: readonly Analysis[];
}

/** The strategy's deploy commands, for the previous SHA, all at once. */
function redeploySteps(strategy: Strategy): RollbackStep[] {
  switch (strategy.type) {
    case "direct":
    case "canary":
      return [{ label: "redeploy at 100 %", commands: strategy.run, env: { TOLLGATE_WEIGHT: "100" } }];
    case "rolling":
      return strategy.batches.map((batch, i) => ({
        label: `redeploy batch ${i + 1}/${strategy.batches.length}`,
        commands: strategy.run,
        env: { TOLLGATE_BATCH: batch },
      }));
    case "feature-flag":
      // The code shipped dark: going back means turning the flag off.
      return [
        {
          label: `flag ${percent(0)}`,
          commands: strategy.run,
          env: { TOLLGATE_FLAG: strategy.flag ?? "", TOLLGATE_WEIGHT: "0", TOLLGATE_PERCENT: "0" },
        },
      ];
    case "blue-green":
      return [
        { label: "redeploy idle side", commands: strategy.deployIdle, env: {} },
        { label: "promote", commands: strategy.promote, env: {} },
      ];
  }
}

export function planRollback(
  strategy: Strategy,
  environment: Environment,
  analyses: Readonly<Record<string, Analysis>>,
  previousSha?: string,
): RollbackPlan {
  const { rollback } = environment;
  return {
    run: rollback.run,
    ...(rollback.redeployPrevious && previousSha !== undefined
      ? { redeploy: { sha: previousSha, steps: redeploySteps(strategy) } }
      : {}),
    switchBack: strategy.type === "blue-green" ? strategy.switchBack : [],
    analyses: resolveAnalyses(rollback.analyses, analyses),
  };
}

/** The kinds of rollback configured for an environment (recorded in the deployment's payload). */
export function rollbackPlanOf(environment: Environment): RollbackPlanKind[] {
  const { rollback } = environment;
  return [
    ...(rollback.run.length > 0 ? (["run"] as const) : []),
    ...(rollback.redeployPrevious ? (["redeploy_previous"] as const) : []),
    ...(rollback.workflow !== undefined ? (["workflow"] as const) : []),
  ];
}

export interface RollbackDeps {
  readonly context: RolloutContext;
  readonly runner: CommandRunner;
  readonly clock: Clock;
  readonly measure: ProviderFactory;
  readonly baselines: Readonly<Record<string, number>>;
  readonly timeline: Timeline;
}

export interface RollbackResult {
  readonly ok: boolean;
  /** What was done ("switched back", "ran 2 rollback commands") or why it failed. */
  readonly detail: string;
}

export async function executeRollback(
  plan: RollbackPlan,
  mode: "rollback" | "switch-back",
  deps: RollbackDeps,
): Promise<RollbackResult> {
  const { context, runner, timeline } = deps;
  const base: Record<string, string> = { ...contextEnv(context), TOLLGATE_ROLLBACK: "1" };
  const parts: { label: string; commands: readonly string[]; env: Record<string, string> }[] = [];
  if (mode === "switch-back" && plan.switchBack.length > 0) {
    parts.push({ label: "switch back", commands: plan.switchBack, env: base });
  } else {
    if (plan.run.length > 0) parts.push({ label: "rollback", commands: plan.run, env: base });
    if (plan.redeploy) {
      // The redeploy ships another commit: its SHA replaces the failed one, whose version no longer applies.
      const { TOLLGATE_VERSION: _failedVersion, ...rest } = base;
      const env = { ...rest, TOLLGATE_SHA: plan.redeploy.sha, TOLLGATE_PREVIOUS_SHA: plan.redeploy.sha };
      for (const step of plan.redeploy.steps)
        parts.push({
          label: step.label,
          commands: step.commands,
          env: { ...env, TOLLGATE_FAILED_SHA: context.sha, ...step.env },
        });
    }
  }
  if (parts.length === 0) {
    const detail = "no rollback plan: no rollback commands and no previous successful SHA to redeploy";
    timeline.add({ phase: "rollback", label: "rollback", text: detail, ok: false });
    return { ok: false, detail };
  }
  for (const part of parts) {
    for (const command of part.commands) {
      const { exitCode, error } = await runCommand(runner, command, part.env);
      const outcome = error === undefined ? `exit code ${exitCode}` : `could not run: ${error}`;
      const ok = exitCode === 0;
      timeline.add({ phase: "rollback", label: part.label, text: `\`${command}\`: ${outcome}`, ok });
      if (!ok) return { ok: false, detail: `${part.label} command failed (${outcome})` };
    }
  }
  const done = `ran ${parts.map((p) => p.label).join(", then ")}`;
  const results = await Promise.all(
    plan.analyses.map((analysis) =>
      runAnalysis(analysis, {
        ...measuresOf(analysis, deps.measure, base),
        clock: deps.clock,
        ...(own(deps.baselines, analysis.name) !== undefined
          ? { baseline: own(deps.baselines, analysis.name)! }
          : {}),
      }),
    ),
  );
  for (const result of results) timeline.analysis("after rollback", result);
  // After a rollback only a clear "healthy" will do: inconclusive needs a human as much as failed.
  const unhealthy = deciding(results).filter((r) => r.outcome !== "successful");
  if (unhealthy.length > 0)
    return {
      ok: false,
      detail: `${done}, but unhealthy after: ${unhealthy.map((r) => r.summary).join("; ")}`,
    };
  const health = results.length > 0 ? `; after: ${results.map((r) => r.summary).join("; ")}` : "";
  return { ok: true, detail: `${done}${health}` };
}
