/**
 * Post-deploy checkpoints: the policy's `validation.at` offsets (e.g. [0s, 5m, 30m] after the
 * deployment's success), each running the `validation.analyses`. Nothing keeps state between runs, so
 * what is due is computed from facts GitHub holds: when the deployment succeeded and which checkpoints
 * already have a recorded status.
 */
import { formatDuration } from "../policy/duration.js";
import type { Analysis, Environment } from "../policy/model.js";
import { deciding, measuresOf, runAnalysis, type AnalysisResult } from "./analysis.js";
import { resolveAnalyses } from "./plan.js";
import type { ProviderFactory } from "./providers/index.js";
import { contextEnv, type Clock, type RolloutContext } from "./types.js";
import { own } from "../policy/own.js";

/** The checkpoints (offsets in ms) whose time has come and that are not recorded yet, in order. */
export function dueCheckpoints(
  atMs: readonly number[],
  deployedAt: number,
  alreadyRecorded: readonly number[],
  now: number,
): number[] {
  const recorded = new Set(alreadyRecorded);
  return [...new Set(atMs)].filter((at) => !recorded.has(at) && deployedAt + at <= now).sort((a, b) => a - b);
}

/** When the next unrecorded checkpoint falls due (epoch ms), or undefined when none is left. */
export function nextCheckpointAt(
  atMs: readonly number[],
  deployedAt: number,
  alreadyRecorded: readonly number[],
  now: number,
): number | undefined {
  const recorded = new Set(alreadyRecorded);
  const later = atMs.filter((at) => !recorded.has(at) && deployedAt + at > now);
  return later.length === 0 ? undefined : deployedAt + Math.min(...later);
}

export const checkpointLabel = (atMs: number) => `+${formatDuration(atMs)}`;

export interface CheckpointResult {
  readonly checkpoint: number;
  readonly passed: boolean;
  readonly results: readonly AnalysisResult[];
  /** "+5m: error rate 0.4 % ≤ 1 %; smoke exit code 0" */
  readonly summary: string;
  /** What the policy wants done now: roll back, only report, or nothing (it passed). */
  readonly action: "rollback" | "report" | "none";
}

export interface CheckpointDeps {
  readonly context: RolloutContext;
  readonly clock: Clock;
  readonly measure: ProviderFactory;
  readonly analyses: Readonly<Record<string, Analysis>>;
  /** Baselines measured before the rollout, for relative thresholds. */
  readonly baselines?: Readonly<Record<string, number>>;
  readonly signal?: AbortSignal;
}

export async function runCheckpoint(
  checkpoint: number,
  environment: Environment,
  deps: CheckpointDeps,
): Promise<CheckpointResult> {
  const schedule = environment.validation;
  if (!schedule) throw new Error(`${environment.name} has no validation schedule`);
  const env = { ...contextEnv(deps.context), TOLLGATE_CHECKPOINT: checkpointLabel(checkpoint) };
  const results = await Promise.all(
    resolveAnalyses(schedule.analyses, deps.analyses).map((analysis) => {
      const baseline = own(deps.baselines, analysis.name);
      return runAnalysis(analysis, {
        ...measuresOf(analysis, deps.measure, env),
        clock: deps.clock,
        ...(baseline !== undefined ? { baseline } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
    }),
  );
  // Checkpoints run after users have the new version: anything short of healthy counts as failed.
  const bad = deciding(results).filter((r) => r.outcome !== "successful");
  const shown = bad.length > 0 ? bad : results;
  return {
    checkpoint,
    passed: bad.length === 0,
    results,
    summary: `${checkpointLabel(checkpoint)}: ${shown.map((r) => r.summary).join("; ")}`,
    action: bad.length === 0 ? "none" : schedule.onFailure,
  };
}
