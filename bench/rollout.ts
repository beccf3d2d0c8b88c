/**
 * Rollouts: how fast a failing canary is rolled back (real clock, the real sample service, an HTTP
 * health analysis), against the target interval × failure limit + 1 s from the first failing
 * measurement to the rollback command; and the executor's own cost per step (fake runner, no pauses).
 */
import { performance } from "node:perf_hooks";
import { loadPolicy } from "../src/policy/load.js";
import type { Policy } from "../src/policy/model.js";
import { realClock } from "../src/rollout/clock.js";
import { executeRollout } from "../src/rollout/executor.js";
import { judge } from "../src/rollout/judge.js";
import { planRollout } from "../src/rollout/plan.js";
import { providers, type ProviderFactory } from "../src/rollout/providers/index.js";
import { planRollback } from "../src/rollout/rollback.js";
import type { CommandRunner } from "../src/rollout/types.js";
import { startSampleService } from "../scripts/metrics/sample-service.js";
import { machine, median, ms, percentile } from "./stats.js";

const REACTION_RUNS = 10;
const INTERVAL_MS = 200;
const FAILURE_LIMIT = 2;
const STEPS = 100;
const OVERHEAD_RUNS = 30;

function policyOf(yaml: string): Policy {
  const loaded = loadPolicy(yaml, "bench.yml");
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  return loaded.policy;
}

const context = { environment: "production", sha: "e".repeat(40), strategy: "canary" };

async function reactionTimes(): Promise<{ reactions: number[]; outcomes: string[] }> {
  const service = await startSampleService();
  const policy = policyOf(`
version: 1
strategies:
  canary:
    type: canary
    run: ./canary.sh
    steps: [{ weight: 10, pause: 30s }, { weight: 100 }]
    analyses: [health]
analyses:
  health:
    http: { url: "${service.url}/health", expect_status: [200], timeout: 2s }
    interval: ${INTERVAL_MS}ms
    count: 5
    failure_limit: ${FAILURE_LIMIT}
environments:
  production: { approval: none, rollback: { run: ./rollback.sh } }
`);
  const environment = policy.environments.production!;
  const strategy = policy.strategies.canary!;
  const reactions: number[] = [];
  const outcomes: string[] = [];
  try {
    for (let run = 0; run < REACTION_RUNS; run++) {
      service.setFaults({ errorRate: 0 });
      let firstFailure: number | undefined;
      let rollbackAt: number | undefined;
      const runner: CommandRunner = {
        run: async (command) => {
          if (command === "./rollback.sh") rollbackAt = performance.now();
          return { exitCode: 0, stdout: "" };
        },
      };
      const real = providers(runner);
      // An observer outside the executor timestamps the first reading that fails.
      const measure: ProviderFactory = (analysis, env) => {
        const inner = real(analysis, env);
        return async (signal) => {
          const reading = await inner(signal);
          if (judge(analysis, reading).verdict === "failed") firstFailure ??= performance.now();
          return reading;
        };
      };
      // Faults start at varying points between two measurements.
      const fault = setTimeout(() => service.setFaults({ errorRate: 1 }), 500 + ((run * 37) % INTERVAL_MS));
      const result = await executeRollout({
        plan: planRollout(strategy, environment, policy.analyses),
        context,
        runner,
        clock: realClock,
        measure,
        rollback: planRollback(strategy, environment, policy.analyses),
      });
      clearTimeout(fault);
      outcomes.push(result.outcome);
      if (firstFailure !== undefined && rollbackAt !== undefined) reactions.push(rollbackAt - firstFailure);
    }
  } finally {
    await service.close();
  }
  return { reactions, outcomes };
}

async function perStep(withAnalysis: boolean): Promise<number[]> {
  const policy = policyOf(`
version: 1
strategies:
  rolling:
    type: rolling
    run: ./deploy.sh
    batches: ${STEPS}
    ${withAnalysis ? "analyses: [instant]" : ""}
analyses:
  instant:
    title: error rate
    command: { run: ./rate.sh, measure: stdout }
    failure: "> 5%"
environments:
  production: { approval: none, rollback: { run: ./rollback.sh } }
`);
  const environment = policy.environments.production!;
  const strategy = policy.strategies.rolling!;
  const runner: CommandRunner = { run: async () => ({ exitCode: 0, stdout: "" }) };
  const measure: ProviderFactory = () => async () => ({ value: 0.004 });
  const times: number[] = [];
  for (let run = 0; run < OVERHEAD_RUNS; run++) {
    const start = performance.now();
    const result = await executeRollout({
      plan: planRollout(strategy, environment, policy.analyses),
      context: { ...context, strategy: "rolling" },
      runner,
      clock: realClock,
      measure,
      reporter: async () => undefined,
      rollback: planRollback(strategy, environment, policy.analyses),
    });
    if (result.outcome !== "success") throw new Error(result.reason);
    times.push((performance.now() - start) / STEPS);
  }
  return times.slice(OVERHEAD_RUNS / 10);
}

export async function benchRollout(): Promise<string> {
  const { reactions, outcomes } = await reactionTimes();
  const bound = INTERVAL_MS * FAILURE_LIMIT + 1_000;
  const bare = await perStep(false);
  const analysed = await perStep(true);
  const rolledBack = outcomes.filter((o) => o === "rolled_back").length;
  return [
    "## Rollouts (`src/rollout`)",
    "",
    `Rollback reaction: ${REACTION_RUNS} canary rollouts on the real clock against the sample service (scripts/metrics/sample-service.ts), an HTTP health analysis every ${INTERVAL_MS} ms with failure limit ${FAILURE_LIMIT}; the service starts failing during the first step's pause. Measured from the first failing measurement (timestamped by an observer around the provider) to the rollback command starting (fake runner). Per-step overhead: a ${STEPS}-batch rolling rollout with a fake runner, no pauses, no-op reporter, ${OVERHEAD_RUNS} runs (first 10 % discarded). ${machine()}.`,
    "",
    "| measure | value | target |",
    "|---|---|---|",
    `| rollback reaction, median (${reactions.length} runs, ${rolledBack} rolled back) | ${ms(median(reactions), 1)} | ≤ ${bound} ms (interval × failure limit + 1 s) |`,
    `| rollback reaction, max | ${ms(Math.max(...reactions), 1)} | ≤ ${bound} ms |`,
    `| of which waiting for the next measurements (interval × failure limit) | ${ms(INTERVAL_MS * FAILURE_LIMIT, 0)} | |`,
    `| executor overhead per step, no analysis, median | ${ms(median(bare))} | |`,
    `| executor overhead per step, one instant analysis, median | ${ms(median(analysed))} | |`,
    `| executor overhead per step, one instant analysis, p99 | ${ms(percentile(analysed, 99))} | |`,
  ].join("\n");
}
