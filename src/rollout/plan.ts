/**
 * A strategy as a sequence of steps (pure). Each step names itself the way the deployment statuses will
 * ("canary 25 %", "batch 2/4"), carries its commands and the env vars that tell them what to do, how long
 * to pause (analysing in the background), which analyses judge it, and what undoing it takes.
 */
import { needsBaseline } from "./judge.js";
import type { Analysis, Environment, Strategy } from "../policy/model.js";
import { own } from "../policy/own.js";

/** What a failure at or after this step requires: nothing changed yet for users, a rollback, or
 * switching blue-green traffic back. */
export type Undo = "nothing" | "rollback" | "switch-back";

export interface PlanStep {
  readonly label: string;
  readonly commands: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Share of traffic (or users) on the new version once the step is done, for the timeline. */
  readonly weight: number;
  readonly pauseMs: number;
  readonly analyses: readonly Analysis[];
  readonly undo: Undo;
}

export interface RolloutPlan {
  readonly strategy: string;
  readonly type: Strategy["type"];
  /** Run once before the first step: a failure means no traffic ever moved. */
  readonly before: readonly string[];
  readonly steps: readonly PlanStep[];
}

type Draft = Omit<PlanStep, "env" | "analyses"> & {
  readonly env?: Record<string, string>;
  readonly analyses: readonly string[];
};

export const percent = (value: number) => `${value} %`;

export function resolveAnalyses(
  names: readonly string[],
  analyses: Readonly<Record<string, Analysis>>,
): Analysis[] {
  return names.map((name) => {
    const analysis = own(analyses, name);
    if (!analysis) throw new Error(`unknown analysis "${name}"`);
    return analysis;
  });
}

/** A step that moves traffic (or users) to `weight` %, which its commands read from TOLLGATE_WEIGHT. */
function trafficStep(draft: Draft): Draft {
  return { ...draft, env: { ...draft.env, TOLLGATE_WEIGHT: String(draft.weight) } };
}

function drafts(strategy: Strategy): Draft[] {
  const { analyses } = strategy;
  switch (strategy.type) {
    case "direct":
      return [
        trafficStep({
          label: "deploy",
          commands: strategy.run,
          weight: 100,
          pauseMs: 0,
          analyses,
          undo: "rollback",
        }),
      ];
    case "rolling": {
      const n = strategy.batches.length;
      return strategy.batches.map((batch, i) => ({
        // Named batches keep their names; `batches: 4` yields "1/4" …, which the label already says.
        label: `batch ${i + 1}/${n}${batch === `${i + 1}/${n}` ? "" : ` (${batch})`}`,
        commands: strategy.run,
        env: { TOLLGATE_BATCH: batch },
        weight: Math.round(((i + 1) / n) * 100),
        pauseMs: i < n - 1 ? strategy.pauseMs : 0,
        analyses,
        undo: "rollback",
      }));
    }
    case "blue-green":
      return [
        // The idle side gets no user traffic: a failure here leaves production untouched.
        trafficStep({
          label: "deploy idle side",
          commands: strategy.deployIdle,
          weight: 0,
          pauseMs: 0,
          analyses,
          undo: "nothing",
        }),
        trafficStep({
          label: "promote",
          commands: strategy.promote,
          weight: 100,
          pauseMs: strategy.keepOldForMs,
          analyses,
          undo: "switch-back",
        }),
      ];
    case "canary":
      return strategy.steps.map((step) =>
        trafficStep({
          label: `canary ${percent(step.weight ?? 100)}`,
          commands: strategy.run,
          weight: step.weight ?? 100,
          pauseMs: step.pauseMs,
          analyses: step.analyses,
          undo: "rollback",
        }),
      );
    case "feature-flag":
      return strategy.steps.map((step) =>
        trafficStep({
          label: `flag ${percent(step.percent ?? 100)}`,
          commands: strategy.run,
          env: { TOLLGATE_FLAG: strategy.flag ?? "", TOLLGATE_PERCENT: String(step.percent ?? 100) },
          weight: step.percent ?? 100,
          pauseMs: step.pauseMs,
          analyses: step.analyses,
          undo: "rollback",
        }),
      );
  }
}

export function planRollout(
  strategy: Strategy,
  environment: Environment,
  analyses: Readonly<Record<string, Analysis>>,
): RolloutPlan {
  if (environment.strategies.length > 0 && !environment.strategies.includes(strategy.name))
    throw new Error(
      `strategy "${strategy.name}" is not allowed in ${environment.name} (allowed: ${environment.strategies.join(", ")})`,
    );
  const list = drafts(strategy);
  const steps = list.map((draft, i) => ({
    ...draft,
    env: {
      ...draft.env,
      TOLLGATE_STEP: String(i + 1),
      TOLLGATE_STEP_COUNT: String(list.length),
      TOLLGATE_STEP_LABEL: draft.label,
    },
    analyses: resolveAnalyses(draft.analyses, analyses),
  }));
  return { strategy: strategy.name, type: strategy.type, before: strategy.before, steps };
}

/**
 * Where a rollout that stopped midway (its runner died) picks up: at the step its newest status names,
 * re-applied (its commands set the same weight again) and analysed afresh, rather than back at the first
 * step with the traffic still where it was. Not when an analysis compares with a baseline: with part of
 * the traffic on the new version, a baseline measured now would measure the change itself.
 */
export function resumePoint(
  plan: RolloutPlan,
  lastStep: string | undefined,
  rollbackAnalyses: readonly Analysis[],
): { readonly index: number; readonly label: string } | { readonly reason: string } {
  if (lastStep === undefined) return { reason: "its newest status names no step" };
  const matches = plan.steps
    .map((step, index) => ({ index, label: step.label }))
    .filter(({ label }) => lastStep.startsWith(`${label}: `))
    .sort((a, b) => b.label.length - a.label.length);
  const found = matches[0];
  if (!found) return { reason: `its newest status ("${lastStep}") names no step of ${plan.strategy}` };
  // A baseline query is read alongside each reading, so only the one-off pre-rollout baseline is lost.
  const relative = [...plan.steps.flatMap((s) => s.analyses), ...rollbackAnalyses].find(needsBaseline);
  if (relative)
    return { reason: `${relative.title} compares with a baseline, which cannot be measured mid-rollout` };
  return found;
}
