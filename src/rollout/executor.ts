/**
 * Runs a rollout plan step by step: the step's commands, then its analyses (in the background for as
 * long as it pauses, stopping the pause at the first failed analysis). Two reported events per step:
 * when its commands have applied it (so the record never lags the traffic), and when it ends, with the
 * analyses' figures. A failed command or analysis rolls back at once; an inconclusive analysis set to
 * `pause` stops and asks. Relative thresholds compare with baselines measured before the first step.
 */
import { formatDuration } from "../policy/duration.js";
import { deciding, measuresOf, runAnalysis, type AnalysisResult } from "./analysis.js";
import { needsBaseline } from "./judge.js";
import type { PlanStep, RolloutPlan } from "./plan.js";
import { providers, type ProviderFactory } from "./providers/index.js";
import { executeRollback, type RollbackPlan } from "./rollback.js";
import { Timeline, type TimelineEntry } from "./timeline.js";
import { contextEnv, runCommand, type Clock, type CommandRunner, type RolloutContext } from "./types.js";
import { dictionary, own } from "../policy/own.js";

export type RolloutOutcome = "success" | "rolled_back" | "rollback_failed" | "paused" | "failed";

/** One deployment status to write: the kinds match src/records/format.ts. */
export interface RolloutEvent {
  readonly kind: "step" | "rollback" | "outcome";
  readonly state: "in_progress" | "success" | "failure" | "error";
  readonly outcome?: RolloutOutcome;
  readonly text: string;
}

export interface ExecuteOptions {
  readonly plan: RolloutPlan;
  readonly context: RolloutContext;
  readonly runner: CommandRunner;
  readonly clock: Clock;
  readonly rollback: RollbackPlan;
  readonly reporter?: (event: RolloutEvent) => Promise<void>;
  /** How analyses measure (default: the real http, prometheus and command providers). */
  readonly measure?: ProviderFactory;
  /** Resume a rollout that stopped midway at this step (an index into the plan's steps; see resumePoint). */
  readonly startAt?: number;
  /**
   * Asked before each step after the first: a reason means another run took charge of the environment
   * (a rollback took its lock over), so this rollout stops where it is, undoing nothing.
   */
  readonly stopped?: () => string | undefined;
}

export interface RolloutResult {
  readonly outcome: RolloutOutcome;
  readonly reason: string;
  readonly timeline: readonly TimelineEntry[];
  readonly baselines: Readonly<Record<string, number>>;
  /** Why the outcome could not be recorded, when it could not: the record still says the rollout runs. */
  readonly unrecorded?: string;
}

/** What a step came to: done, or failed or paused with why. */
type StepOutcome =
  | { readonly kind: "ok"; readonly text: string }
  | { readonly kind: "failed" | "paused"; readonly text: string };

const STATE = {
  success: "success",
  rolled_back: "failure",
  failed: "failure",
  paused: "in_progress",
  rollback_failed: "error",
} as const;

/** How a rollout ended: the outcome and the reason its last status gives. */
interface Ending {
  readonly outcome: RolloutOutcome;
  readonly reason: string;
}

const ending = (outcome: RolloutOutcome, reason: string): Ending => ({ outcome, reason });

/** The caller's reporter, made safe: a lost status must not strand a half-done rollout, so it is noted. */
function safeReporter(options: ExecuteOptions, timeline: Timeline): (event: RolloutEvent) => Promise<void> {
  return async (event) => {
    try {
      await options.reporter?.(event);
    } catch (error) {
      timeline.add({
        phase: "note",
        label: event.kind,
        text: `status not written: ${(error as Error).message}`,
        ok: false,
      });
    }
  };
}

/** Before the first step: the baselines, then the strategy's one-time commands. An ending stops the rollout. */
async function prepare(deps: StepDeps, baselines: Record<string, number>): Promise<Ending | undefined> {
  const { plan } = deps;
  const baselineError = await measureBaselines(deps, deps.measure, deps.baseEnv, baselines, deps.timeline);
  if (baselineError) return ending("failed", `not started: ${baselineError}`);
  // A rollout resumed past its first step already ran them: a backup or a migration runs once.
  if ((deps.startAt ?? 0) === 0 && plan.before.length > 0) {
    const failed = await runBefore(plan.before, deps);
    if (failed) return ending("failed", `not started: ${failed}; no traffic moved, nothing to roll back`);
    await deps.report({
      kind: "step",
      state: "in_progress",
      text: `before: ${plural(plan.before.length)} done`,
    });
  }
  return undefined;
}

/** A step that did not pass: pause and ask, fail with nothing to undo, or roll back (or switch back). */
async function endFailedStep(
  step: PlanStep,
  stepOutcome: Exclude<StepOutcome, { kind: "ok" }>,
  deps: StepDeps,
): Promise<Ending> {
  if (stepOutcome.kind === "paused")
    return ending("paused", `paused at ${step.label}: ${stepOutcome.text} — decide to resume or roll back`);
  if (step.undo === "nothing")
    return ending(
      "failed",
      `failed at ${step.label}: ${stepOutcome.text}; traffic never switched, nothing to roll back`,
    );
  const cause = `${step.label}: ${stepOutcome.text}`;
  // The status is written while the rollback runs: an API round trip must not delay it.
  const announced = deps.report({ kind: "rollback", state: "in_progress", text: `rolling back at ${cause}` });
  const undone = await executeRollback(
    deps.rollback,
    step.undo === "switch-back" ? "switch-back" : "rollback",
    {
      context: deps.context,
      runner: deps.runner,
      clock: deps.clock,
      measure: deps.measure,
      baselines: deps.baselines,
      timeline: deps.timeline,
    },
  );
  await announced;
  return undone.ok
    ? ending("rolled_back", `rolled back at ${cause} — ${undone.detail}`)
    : ending("rollback_failed", `CRITICAL: rollback failed after ${cause}: ${undone.detail}`);
}

/** The plan's steps from `startAt` on, until one does not pass or another run takes charge. */
async function runSteps(deps: StepDeps): Promise<Ending> {
  const { plan, timeline } = deps;
  const startAt = deps.startAt ?? 0;
  if (startAt > 0)
    timeline.add({
      phase: "note",
      label: plan.steps[startAt]?.label ?? "resume",
      text: "resumed here: an earlier attempt stopped at this step",
    });
  for (const [i, step] of plan.steps.slice(startAt).entries()) {
    const superseded = i > 0 ? deps.stopped?.() : undefined;
    if (superseded !== undefined) return ending("failed", `stopped before ${step.label}: ${superseded}`);
    timeline.add({ phase: "step", label: step.label, text: "started", weight: step.weight });
    const stepOutcome = await runStep(step, deps);
    if (stepOutcome.kind !== "ok") return endFailedStep(step, stepOutcome, deps);
    await deps.report({ kind: "step", state: "in_progress", text: `${step.label}: ${stepOutcome.text}` });
  }
  const last = plan.steps.at(-1)?.label ?? "no steps";
  return ending("success", `${plan.strategy}: ${plan.steps.length} steps done, last ${last}`);
}

export async function executeRollout(options: ExecuteOptions): Promise<RolloutResult> {
  const timeline = new Timeline(options.clock);
  const report = safeReporter(options, timeline);
  const baselines = dictionary<number>([]);
  const deps: StepDeps = {
    ...options,
    measure: options.measure ?? providers(options.runner),
    baselines,
    timeline,
    baseEnv: contextEnv(options.context),
    report,
  };
  const { outcome, reason } = (await prepare(deps, baselines)) ?? (await runSteps(deps));
  timeline.add({ phase: "decision", label: outcome, text: reason, ok: outcome === "success" });
  // A step's status that cannot be written is a note; the outcome's is not: a record left "in progress"
  // would hold the environment and tell the audit the rollout never ended, so the caller must fail.
  try {
    await options.reporter?.({ kind: "outcome", state: STATE[outcome], outcome, text: reason });
  } catch (error) {
    const unrecorded = (error as Error).message;
    timeline.add({ phase: "note", label: "outcome", text: `status not written: ${unrecorded}`, ok: false });
    return { outcome, reason, timeline: timeline.entries, baselines, unrecorded };
  }
  return { outcome, reason, timeline: timeline.entries, baselines };
}

const plural = (n: number) => `${n} command${n === 1 ? "" : "s"}`;

/** The strategy's one-time commands, in order; the first failure is the answer. */
async function runBefore(
  commands: readonly string[],
  deps: { runner: CommandRunner; timeline: Timeline; baseEnv: Record<string, string> },
): Promise<string | undefined> {
  for (const command of commands) {
    const { exitCode, error } = await runCommand(deps.runner, command, deps.baseEnv);
    const outcome = error === undefined ? `exit code ${exitCode}` : `could not run: ${error}`;
    deps.timeline.add({
      phase: "command",
      label: "before",
      text: `\`${command}\`: ${outcome}`,
      ok: exitCode === 0,
    });
    if (exitCode !== 0) return `before command \`${command}\` failed (${outcome})`;
  }
  return undefined;
}

async function measureBaselines(
  options: ExecuteOptions,
  measure: ProviderFactory,
  env: Record<string, string>,
  baselines: Record<string, number>,
  timeline: Timeline,
): Promise<string | undefined> {
  const all = [...options.plan.steps.flatMap((s) => s.analyses), ...options.rollback.analyses];
  const relative = [...new Map(all.filter(needsBaseline).map((a) => [a.name, a])).values()];
  for (const analysis of relative) {
    let reading;
    try {
      reading = await measure(analysis, env)(new AbortController().signal);
    } catch (error) {
      reading = { error: (error as Error).message };
    }
    if (!("value" in reading) || !Number.isFinite(reading.value)) {
      const why =
        "error" in reading
          ? reading.error
          : "noData" in reading
            ? `no data (${reading.reason})`
            : "not finite";
      timeline.add({ phase: "baseline", label: analysis.title, text: why, ok: false });
      return `no baseline for ${analysis.title}: ${why}`;
    }
    baselines[analysis.name] = reading.value;
    timeline.add({ phase: "baseline", label: analysis.title, text: `baseline ${reading.value}`, ok: true });
  }
  return undefined;
}

interface StepDeps extends ExecuteOptions {
  readonly measure: ProviderFactory;
  readonly baselines: Readonly<Record<string, number>>;
  readonly timeline: Timeline;
  readonly baseEnv: Record<string, string>;
  readonly report: (event: RolloutEvent) => Promise<void>;
}

/** What a step is about to do once its commands have run: "analysing through a 10m pause". */
function appliedText(step: PlanStep): string {
  const pause = step.pauseMs > 0 ? formatDuration(step.pauseMs) : undefined;
  if (step.analyses.length > 0)
    return pause ? `applied, analysing through a ${pause} pause` : "applied, analysing";
  return pause ? `applied, pausing ${pause}` : "applied";
}

async function runStep(step: PlanStep, deps: StepDeps): Promise<StepOutcome> {
  const { clock, timeline } = deps;
  const env = { ...deps.baseEnv, ...step.env };
  for (const command of step.commands) {
    const { exitCode, error } = await runCommand(deps.runner, command, env);
    const outcome = error === undefined ? `exit code ${exitCode}` : `could not run: ${error}`;
    timeline.add({
      phase: "command",
      label: step.label,
      text: `\`${command}\`: ${outcome}`,
      ok: exitCode === 0,
    });
    if (exitCode !== 0) return { kind: "failed", text: `command failed (${outcome})` };
  }
  // The record follows the traffic: this step's weight is live from now on, whatever its analysis says.
  await deps.report({ kind: "step", state: "in_progress", text: `${step.label}: ${appliedText(step)}` });
  if (step.analyses.length === 0) {
    if (step.pauseMs > 0) await clock.sleep(step.pauseMs);
    return { kind: "ok", text: step.pauseMs > 0 ? "done, paused" : "done" };
  }
  const pauseEnds = clock.now() + step.pauseMs;
  const results = await analyseStep(step, env, deps);
  for (const result of results) timeline.analysis(step.label, result);
  // A dry run's outcome is recorded (the timeline, the summary) but never acted on.
  const deciders = deciding(results);
  const failed = deciders.find((r) => !r.aborted && (r.outcome === "failed" || r.outcome === "error"));
  if (failed) return { kind: "failed", text: failed.summary };
  const undecided = deciders.find((r) => !r.aborted && r.outcome === "inconclusive");
  if (undecided) return { kind: "paused", text: `${undecided.summary} (inconclusive)` };
  // Warnings come first: the status description keeps 140 characters, and a warning is the news.
  const warnings = results.flatMap((r) => (r.warning !== undefined ? [`⚠️ warn: ${r.warning}`] : []));
  const text = [...warnings, ...results.map((r) => r.summary)].join("; ");
  // The pause lasts what the policy says, whatever the analyses' schedule: the last reading usually
  // falls short of its end. Only `consecutive_successes` met by every deciding analysis promotes early.
  if (deciders.length > 0 && deciders.every((r) => r.early)) return { kind: "ok", text };
  if (pauseEnds > clock.now()) await clock.sleep(pauseEnds - clock.now());
  return { kind: "ok", text };
}

/**
 * All the step's analyses at once; the first outcome other than success stops all. During a pause each keeps measuring
 * every interval until the pause ends (readings from `initial_delay` on, `count` at least), so a pause
 * shorter than the interval still gets its one reading at `initial_delay`.
 */
function analyseStep(step: PlanStep, env: Record<string, string>, deps: StepDeps): Promise<AnalysisResult[]> {
  const stop = new AbortController();
  const until = step.pauseMs > 0 ? deps.clock.now() + step.pauseMs : undefined;
  const decidingCount = step.analyses.filter((a) => !a.dryRun).length;
  let promotedEarly = 0;
  return Promise.all(
    step.analyses.map(async (analysis) => {
      const baseline = own(deps.baselines, analysis.name);
      const result = await runAnalysis(analysis, {
        ...measuresOf(analysis, deps.measure, env),
        clock: deps.clock,
        signal: stop.signal,
        ...(baseline !== undefined ? { baseline } : {}),
        ...(until !== undefined ? { until } : {}),
      });
      if (result.dryRun) return result;
      // Any outcome but success decides the step (roll back, or pause and ask): the others need not go on.
      if (!result.aborted && result.outcome !== "successful") stop.abort();
      // Every deciding analysis promoted early: the dry runs' readings so far are enough.
      if (result.early && ++promotedEarly === decidingCount) stop.abort();
      return result;
    }),
  );
}
