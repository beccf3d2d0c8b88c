/** Strategies: the fields their type needs and no others, steps that increase, analyses that exist. */
import type { StrategyDocument } from "../schema.js";
import type { SemanticContext } from "./context.js";

/** Fields each strategy type uses; others are mistakes, not silently ignored. */
const STRATEGY_FIELDS: Record<
  StrategyDocument["type"],
  { required: (keyof StrategyDocument)[]; optional: (keyof StrategyDocument)[] }
> = {
  direct: { required: ["run"], optional: ["before", "analyses"] },
  rolling: { required: ["run", "batches"], optional: ["before", "pause", "analyses"] },
  "blue-green": {
    required: ["deploy_idle", "promote", "switch_back"],
    optional: ["before", "keep_old_for", "analyses"],
  },
  canary: { required: ["run", "steps"], optional: ["before", "analyses"] },
  "feature-flag": { required: ["run", "steps", "flag"], optional: ["before", "analyses"] },
};

export function checkStrategies(context: SemanticContext): void {
  for (const [name, strategy] of Object.entries(context.strategies)) {
    checkFields(name, strategy, context);
    if (strategy.type === "canary" || strategy.type === "feature-flag") checkSteps(name, strategy, context);
    context.analysisRefs(["strategies", name, "analyses"], strategy.analyses);
  }
}

function checkFields(name: string, strategy: StrategyDocument, { report }: SemanticContext): void {
  const { required, optional } = STRATEGY_FIELDS[strategy.type];
  for (const field of required) {
    if (strategy[field] === undefined)
      report(["strategies", name], `a ${strategy.type} strategy needs \`${field}\``);
  }
  for (const field of Object.keys(strategy) as (keyof StrategyDocument)[]) {
    if (field !== "type" && !required.includes(field) && !optional.includes(field)) {
      report(["strategies", name, field], `not used by a ${strategy.type} strategy`, true);
    }
  }
}

/** Canary weights and feature-flag percentages: the key of the strategy's type, increasing step by step. */
function checkSteps(
  name: string,
  strategy: StrategyDocument,
  { report, analysisRefs }: SemanticContext,
): void {
  const stepKey = strategy.type === "canary" ? "weight" : "percent";
  const otherKey = strategy.type === "canary" ? "percent" : "weight";
  let previous = -1;
  strategy.steps?.forEach((step, i) => {
    const value = step[stepKey];
    if (value === undefined)
      report(["strategies", name, "steps", i], `a ${strategy.type} step needs \`${stepKey}\``);
    if (step[otherKey] !== undefined)
      report(
        ["strategies", name, "steps", i, otherKey],
        `not used by a ${strategy.type} step (use \`${stepKey}\`)`,
        true,
      );
    if (value !== undefined && value <= previous) {
      report(["strategies", name, "steps", i, stepKey], `steps must increase: ${value} after ${previous}`);
    }
    if (value !== undefined) previous = value;
    analysisRefs(["strategies", name, "steps", i, "analyses"], step.analyses);
  });
}
