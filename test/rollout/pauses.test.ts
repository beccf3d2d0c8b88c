/**
 * Pauses last what the policy says, whatever the analysis interval: readings fall inside them, the next
 * step starts when the pause ends. On the virtual clock, so an hour of pauses takes milliseconds.
 */
import { describe, expect, test } from "@jest/globals";
import { VirtualClock } from "../../src/rollout/clock.js";
import { executeRollout } from "../../src/rollout/executor.js";
import { planRollout } from "../../src/rollout/plan.js";
import { planRollback } from "../../src/rollout/rollback.js";
import type { Measurement } from "../../src/rollout/types.js";
import { FakeRunner, policyFrom } from "./helpers.js";

interface Case {
  readonly name: string;
  /** The canary's steps, YAML flow sequence. */
  readonly steps: string;
  /** Extra keys of the `errors` analysis. */
  readonly analysis: string;
  /** The error ratio read at a given weight (default healthy). */
  readonly reading?: (weight: string) => number | Measurement;
  readonly outcome: string;
  /** When each deploy command ran (seconds from the start), with its weight. */
  readonly commands: readonly string[];
  /** When each reading was taken, in seconds. */
  readonly readings: readonly number[];
}

const cases: Case[] = [
  {
    name: "a pause shorter than the interval is kept whole, with its one reading",
    steps: "[{ weight: 10, pause: 15s }, { weight: 100 }]",
    analysis: "interval: 20s",
    outcome: "success",
    commands: ["0s 10", "15s 100"],
    readings: [0, 15],
  },
  {
    name: "a pause longer than the interval lasts past its last reading",
    steps: "[{ weight: 10, pause: 20s }, { weight: 100 }]",
    analysis: "interval: 6s",
    outcome: "success",
    commands: ["0s 10", "20s 100"],
    readings: [0, 6, 12, 18, 20],
  },
  {
    name: "initial_delay: readings start later and still fall inside the pause",
    steps: "[{ weight: 10, pause: 15s }, { weight: 30, pause: 15s }, { weight: 100 }]",
    analysis: "interval: 20s\n    initial_delay: 5s",
    outcome: "success",
    commands: ["0s 10", "15s 30", "30s 100"],
    readings: [5, 20, 35],
  },
  {
    name: "an initial_delay longer than the pause stretches the step to its reading",
    steps: "[{ weight: 10, pause: 10s }, { weight: 100 }]",
    analysis: "interval: 20s\n    initial_delay: 30s",
    outcome: "success",
    commands: ["0s 10", "30s 100"],
    readings: [30, 60],
  },
  {
    name: "count beyond the pause: the readings decide when the step ends",
    steps: "[{ weight: 10, pause: 15s }, { weight: 100 }]",
    analysis: "interval: 10s\n    count: 3",
    outcome: "success",
    commands: ["0s 10", "20s 100"],
    readings: [0, 10, 20, 20, 30, 40],
  },
  {
    name: "consecutive_successes promotes before the pause ends",
    steps: "[{ weight: 10, pause: 60s }, { weight: 100 }]",
    analysis: "interval: 5s\n    consecutive_successes: 2",
    outcome: "success",
    commands: ["0s 10", "5s 100"],
    readings: [0, 5, 5],
  },
  {
    name: "a failure during a pause rolls back at once, without waiting for the pause",
    steps: "[{ weight: 10, pause: 10m }, { weight: 100 }]",
    analysis: "interval: 10s\n    initial_delay: 10s",
    reading: (weight) => (weight === "10" ? 0.09 : 0.001),
    outcome: "rolled_back",
    commands: ["0s 10", "10s rollback"],
    readings: [10],
  },
  {
    name: "reaction: the first reading after initial_delay sees the fault; rollback interval × failure limit later",
    steps: "[{ weight: 10, pause: 10m }, { weight: 100 }]",
    analysis: "interval: 10s\n    initial_delay: 5s\n    count: 3\n    failure_limit: 1",
    reading: (weight) => (weight === "10" ? 0.09 : 0.001),
    outcome: "rolled_back",
    commands: ["0s 10", "15s rollback"],
    readings: [5, 15],
  },
  {
    name: "Prometheus down, unreachable: inconclusive and inconclusive: pause: the rollout pauses, no rollback",
    steps: "[{ weight: 10, pause: 1m }, { weight: 100 }]",
    analysis:
      "interval: 10s\n    unreachable: inconclusive\n    inconclusive: pause\n    inconclusive_limit: 1",
    reading: () => ({ error: "Prometheus unreachable: fetch failed (ECONNREFUSED)", unreachable: true }),
    outcome: "paused",
    commands: ["0s 10"],
    readings: [0, 10],
  },
  {
    name: "Prometheus down by default: measurement errors, then an error that rolls back",
    steps: "[{ weight: 10, pause: 1m }, { weight: 100 }]",
    analysis: "interval: 10s\n    consecutive_error_limit: 2",
    reading: () => ({ error: "Prometheus unreachable: fetch failed (ECONNREFUSED)", unreachable: true }),
    outcome: "rolled_back",
    commands: ["0s 10", "20s rollback"],
    readings: [0, 10, 20],
  },
  {
    name: "NaN while the canary has no traffic: no_data pass and initial_delay reach 100 %",
    steps: "[{ weight: 10, pause: 20s }, { weight: 100 }]",
    analysis: "interval: 10s\n    initial_delay: 5s\n    no_data: pass",
    reading: () => ({ noData: true, reason: "the query returned NaN" }),
    outcome: "success",
    commands: ["0s 10", "20s 100"],
    readings: [5, 15, 25],
  },
];

describe("pauses are exact", () => {
  test.each(cases)("$name", async ({ steps, analysis, reading, outcome, commands, readings }) => {
    const policy = policyFrom(`
version: 1
strategies:
  canary: { type: canary, run: ./deploy.sh, steps: ${steps}, analyses: [errors] }
analyses:
  errors:
    prometheus: { address: "http://prometheus:9090", query: "q" }
    failure: "> 5%"
    ${analysis}
environments:
  production:
    approval: none
    rollback: { run: ./rollback.sh }
`);
    const environment = policy.environments.production!;
    const strategy = policy.strategies.canary!;
    const clock = new VirtualClock(0);
    const runner = new FakeRunner(undefined, () => clock.now());
    const taken: number[] = [];
    const result = await executeRollout({
      plan: planRollout(strategy, environment, policy.analyses),
      rollback: planRollback(strategy, environment, policy.analyses),
      context: { environment: "production", sha: "a".repeat(40), strategy: "canary" },
      runner,
      clock,
      measure: (_, env) => async () => {
        taken.push(clock.now() / 1000);
        const answer = reading?.(env.TOLLGATE_WEIGHT ?? "") ?? 0.001;
        return typeof answer === "number" ? { value: answer } : answer;
      },
    });
    expect({
      outcome: result.outcome,
      commands: runner.calls.map(
        (c) => `${c.at / 1000}s ${c.command === "./rollback.sh" ? "rollback" : c.env.TOLLGATE_WEIGHT}`,
      ),
      readings: taken,
    }).toEqual({ outcome, commands, readings });
  });

  test("an inconclusive analysis set to pause stops the step's other analyses and its pause at once", async () => {
    const policy = policyFrom(`
version: 1
strategies:
  canary: { type: canary, run: ./deploy.sh, steps: [{ weight: 10, pause: 10m }, { weight: 100 }], analyses: [errors, latency] }
analyses:
  errors:
    prometheus: { address: "http://prometheus:9090", query: "errors" }
    failure: "> 5%"
    interval: 10s
    initial_delay: 20s
    inconclusive: pause
  latency:
    prometheus: { address: "http://prometheus:9090", query: "p99" }
    failure: "> 500"
    interval: 10s
environments:
  production: { approval: none, rollback: { run: ./rollback.sh } }
`);
    const clock = new VirtualClock(0);
    const runner = new FakeRunner(undefined, () => clock.now());
    const strategy = policy.strategies.canary!;
    const environment = policy.environments.production!;
    const result = await executeRollout({
      plan: planRollout(strategy, environment, policy.analyses),
      rollback: planRollback(strategy, environment, policy.analyses),
      context: { environment: "production", sha: "a".repeat(40), strategy: "canary" },
      runner,
      clock,
      measure: (analysis) => async () =>
        analysis.name === "errors" ? { noData: true, reason: "the query returned NaN" } : { value: 120 },
    });
    expect(result.outcome).toBe("paused");
    expect(result.reason).toMatch(/^paused at canary 10 %: errors no data \(the query returned NaN\)/);
    expect(clock.now()).toBe(20_000);
  });

  test("a step without analyses pauses exactly too", async () => {
    const policy = policyFrom(`
version: 1
strategies:
  canary: { type: canary, run: ./deploy.sh, steps: [{ weight: 10, pause: 15s }, { weight: 100 }] }
environments:
  production: { approval: none }
`);
    const clock = new VirtualClock(0);
    const runner = new FakeRunner(undefined, () => clock.now());
    const strategy = policy.strategies.canary!;
    const environment = policy.environments.production!;
    await executeRollout({
      plan: planRollout(strategy, environment, policy.analyses),
      rollback: planRollback(strategy, environment, policy.analyses),
      context: { environment: "production", sha: "a".repeat(40), strategy: "canary" },
      runner,
      clock,
    });
    expect(runner.calls.map((c) => c.at)).toEqual([0, 15_000]);
  });
});
