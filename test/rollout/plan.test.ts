import { readFileSync } from "node:fs";
import { describe, expect, test } from "@jest/globals";
import { planRollout } from "../../src/rollout/plan.js";
import { planRollback } from "../../src/rollout/rollback.js";
import { policyFrom } from "./helpers.js";

const progressive = policyFrom(readFileSync("examples/policies/progressive-delivery/tollgate.yml", "utf8"));
const risk = policyFrom(readFileSync("examples/policies/risk-based-strategies/tollgate.yml", "utf8"));
const production = progressive.environments.production!;

function plan(policy: typeof progressive, strategy: string, environment = "production") {
  return planRollout(policy.strategies[strategy]!, policy.environments[environment]!, policy.analyses);
}

describe("planRollout", () => {
  test("direct: one deploy step with the strategy's analyses, undone by a rollback", () => {
    const { steps } = plan(risk, "direct");
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({
      label: "deploy",
      commands: ["./deploy/direct.sh"],
      weight: 100,
      pauseMs: 0,
      undo: "rollback",
      env: { TOLLGATE_STEP: "1", TOLLGATE_STEP_COUNT: "1", TOLLGATE_STEP_LABEL: "deploy" },
    });
  });

  test("rolling with named batches: one step per batch, paused between batches but not after the last", () => {
    const { steps } = plan(progressive, "rolling");
    expect(steps.map((s) => s.label)).toEqual([
      "batch 1/3 (instance-1)",
      "batch 2/3 (instance-2)",
      "batch 3/3 (instance-3)",
    ]);
    expect(steps.map((s) => s.env.TOLLGATE_BATCH)).toEqual(["instance-1", "instance-2", "instance-3"]);
    expect(steps.map((s) => s.pauseMs)).toEqual([120_000, 120_000, 0]);
    expect(steps.map((s) => s.weight)).toEqual([33, 67, 100]);
    expect(steps.every((s) => s.analyses.map((a) => a.name).join() === "smoke")).toBe(true);
  });

  test("rolling with a batch count: labels 'batch 2/4' and TOLLGATE_BATCH 2/4", () => {
    const { steps } = plan(risk, "rolling");
    expect(steps.map((s) => s.label)).toEqual(["batch 1/4", "batch 2/4", "batch 3/4", "batch 4/4"]);
    expect(steps[1]!.env).toMatchObject({
      TOLLGATE_BATCH: "2/4",
      TOLLGATE_STEP: "2",
      TOLLGATE_STEP_COUNT: "4",
    });
    expect(steps[0]!.analyses.map((a) => a.name)).toEqual(["smoke", "error-rate"]);
  });

  test("blue-green: deploy the idle side (nothing to undo), then promote and keep the old side", () => {
    const { steps } = plan(progressive, "blue-green");
    expect(steps.map((s) => [s.label, s.commands, s.weight, s.pauseMs, s.undo])).toEqual([
      ["deploy idle side", ["./scripts/deploy-to-environment.sh"], 0, 0, "nothing"],
      ["promote", ["./scripts/switch-traffic.sh"], 100, 600_000, "switch-back"],
    ]);
    expect(steps[0]!.analyses.map((a) => a.name)).toEqual(["smoke"]);
  });

  test("canary: one step per weight with TOLLGATE_WEIGHT, its pause and analyses", () => {
    const { steps } = plan(progressive, "canary");
    expect(steps.map((s) => s.label)).toEqual(["canary 5 %", "canary 25 %", "canary 50 %", "canary 100 %"]);
    expect(steps.map((s) => s.env.TOLLGATE_WEIGHT)).toEqual(["5", "25", "50", "100"]);
    expect(steps.map((s) => s.pauseMs)).toEqual([3_600_000, 600_000, 600_000, 0]);
    expect(steps[1]!.analyses.map((a) => a.name)).toEqual(["error-rate", "latency"]);
    expect(
      steps.every((s) => s.undo === "rollback" && s.commands[0] === "./scripts/set-traffic-split.sh"),
    ).toBe(true);
  });

  test("feature flag: 'flag 5 %' steps with the flag name and percentage in env", () => {
    const { steps } = plan(progressive, "feature-flag");
    expect(steps.map((s) => s.label)).toEqual(["flag 5 %", "flag 25 %", "flag 50 %", "flag 100 %"]);
    expect(steps[0]!.env).toMatchObject({
      TOLLGATE_FLAG: "new-user-profile",
      TOLLGATE_WEIGHT: "5",
      TOLLGATE_PERCENT: "5",
    });
  });

  test("a strategy the environment does not allow, or an unknown analysis, is refused", () => {
    expect(() => plan(progressive, "canary", "dev")).toThrow('strategy "canary" is not allowed in dev');
    const strategy = { ...progressive.strategies.direct!, analyses: ["missing"] };
    expect(() => planRollout(strategy, progressive.environments.dev!, progressive.analyses)).toThrow(
      'unknown analysis "missing"',
    );
  });
});

describe("planRollback", () => {
  test("rollback commands, a redeploy of the previous SHA straight through, and the rollback analyses", () => {
    const rollback = planRollback(
      progressive.strategies.canary!,
      production,
      progressive.analyses,
      "f".repeat(40),
    );
    expect(rollback.run).toEqual(["./scripts/set-traffic-split.sh"]);
    expect(rollback.redeploy).toEqual({
      sha: "f".repeat(40),
      steps: [
        {
          label: "redeploy at 100 %",
          commands: ["./scripts/set-traffic-split.sh"],
          env: { TOLLGATE_WEIGHT: "100" },
        },
      ],
    });
    expect(rollback.analyses.map((a) => a.name)).toEqual(["smoke"]);
    expect(rollback.switchBack).toEqual([]);
  });

  test("no redeploy without a previous SHA; each strategy redeploys its own way", () => {
    expect(
      planRollback(progressive.strategies.canary!, production, progressive.analyses).redeploy,
    ).toBeUndefined();
    const steps = (name: string) =>
      planRollback(progressive.strategies[name]!, production, progressive.analyses, "abc").redeploy!.steps;
    expect(steps("rolling").map((s) => s.env.TOLLGATE_BATCH)).toEqual([
      "instance-1",
      "instance-2",
      "instance-3",
    ]);
    expect(steps("feature-flag")).toEqual([
      {
        label: "flag 0 %",
        commands: ["./scripts/set-flag-rollout.sh"],
        env: { TOLLGATE_FLAG: "new-user-profile", TOLLGATE_WEIGHT: "0", TOLLGATE_PERCENT: "0" },
      },
    ]);
    expect(steps("blue-green").map((s) => s.commands[0])).toEqual([
      "./scripts/deploy-to-environment.sh",
      "./scripts/switch-traffic.sh",
    ]);
    expect(
      planRollback(progressive.strategies["blue-green"]!, production, progressive.analyses).switchBack,
    ).toEqual(["./scripts/switch-traffic-back.sh"]);
  });
});
