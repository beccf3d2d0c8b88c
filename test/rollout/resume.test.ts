/** A rollout whose runner died picks up at the step its newest status names, not at the first one. */
import { describe, expect, test } from "@jest/globals";
import { planRollout, resumePoint } from "../../src/rollout/plan.js";
import { planRollback } from "../../src/rollout/rollback.js";
import { policy, rollout } from "./rollout-fixture.js";

const production = policy.environments.production!;
const planOf = (strategy: string) => planRollout(policy.strategies[strategy]!, production, policy.analyses);
const rollbackOf = (strategy: string) =>
  planRollback(policy.strategies[strategy]!, production, policy.analyses).analyses;

describe("resumePoint", () => {
  test.each([
    {
      strategy: "canary",
      lastStep: "canary 25 %: applied, analysing through a 10m pause",
      expected: { index: 1, label: "canary 25 %" },
    },
    {
      strategy: "canary",
      lastStep: "canary 25 %: error rate 0.4 % ≤ 1 % (11/11 ok)",
      expected: { index: 1, label: "canary 25 %" },
    },
    { strategy: "canary", lastStep: "canary 5 %: applied", expected: { index: 0, label: "canary 5 %" } },
    {
      strategy: "rolling",
      lastStep: "batch 3/3: applied",
      expected: { index: 2, label: "batch 3/3" },
    },
    {
      strategy: "blue-green",
      lastStep: "promote: applied, analysing through a 30m pause",
      expected: { index: 1, label: "promote" },
    },
    {
      strategy: "canary",
      lastStep: "rollout started: canary, canary 5 % → canary 25 % → canary 100 %",
      expected: {
        reason:
          'its newest status ("rollout started: canary, canary 5 % → canary 25 % → canary 100 %") names no step of canary',
      },
    },
    { strategy: "canary", lastStep: undefined, expected: { reason: "its newest status names no step" } },
    {
      strategy: "relative",
      lastStep: "deploy: applied, analysing",
      expected: { reason: "p99 latency compares with a baseline, which cannot be measured mid-rollout" },
    },
  ])("$strategy, newest status $lastStep", ({ strategy, lastStep, expected }) => {
    expect(resumePoint(planOf(strategy), lastStep, rollbackOf(strategy))).toEqual(expected);
  });

  test("labels that prefix one another: canary 5 % is not canary 50 %", () => {
    const plan = {
      strategy: "c",
      type: "canary" as const,
      before: [],
      steps: planOf("canary").steps.map((s, i) => ({
        ...s,
        label: ["canary 5 %", "canary 50 %", "canary 100 %"][i]!,
      })),
    };
    expect(resumePoint(plan, "canary 50 %: applied", [])).toEqual({ index: 1, label: "canary 50 %" });
  });
});

describe("executeRollout with startAt", () => {
  test("the steps before it do not run again; the timeline says where it resumed", async () => {
    const { run, runner, events } = rollout("canary", { startAt: 1 });
    const result = await run;
    expect(result.outcome).toBe("success");
    expect(runner.calls.map((c) => c.env.TOLLGATE_WEIGHT)).toEqual(["25", "100"]);
    expect(events[0]).toMatchObject({
      kind: "step",
      text: "canary 25 %: applied, analysing through a 10m pause",
    });
    expect(result.timeline[0]).toMatchObject({
      phase: "note",
      label: "canary 25 %",
      text: "resumed here: an earlier attempt stopped at this step",
    });
  });
});
