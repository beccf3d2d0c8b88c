import { describe, expect, test } from "@jest/globals";
import { renderTimeline } from "../../src/rollout/timeline.js";
import { scripted } from "./helpers.js";
import { FAULTY, HEALTHY, HOSTILE, PREVIOUS, rollout, SHA } from "./rollout-fixture.js";

describe("executeRollout", () => {
  test("a healthy canary succeeds, reporting every step with its analysis figures", async () => {
    const { run, runner, events, clock } = rollout("canary");
    const result = await run;
    expect(result.outcome).toBe("success");
    expect(events.map((e) => `${e.kind}/${e.state}: ${e.text}`)).toEqual([
      "step/in_progress: canary 5 %: applied, analysing through a 10m pause",
      "step/in_progress: canary 5 %: error rate 0.4 % ≤ 1 % (11/11 ok)",
      "step/in_progress: canary 25 %: applied, analysing through a 10m pause",
      "step/in_progress: canary 25 %: error rate 0.4 % ≤ 1 % (11/11 ok)",
      "step/in_progress: canary 100 %: applied, analysing",
      "step/in_progress: canary 100 %: error rate 0.4 % ≤ 1 % (3/3 ok)",
      "outcome/success: canary: 3 steps done, last canary 100 %",
    ]);
    expect(runner.calls.map((c) => c.env.TOLLGATE_WEIGHT)).toEqual(["5", "25", "100"]);
    // Two ten-minute pauses watched in the background, then the last step's three measurements.
    expect(clock.now()).toBe(22 * 60_000);
    expect(renderTimeline(result.timeline)).toContain("| +10m | canary 25 % | 25 % | step | started |");
  });

  test("a runner that cannot run a command fails the step, which rolls back", async () => {
    const { run } = rollout("canary", {
      exitCode: (command) => {
        if (command === "./deploy/canary.sh") throw new Error("Unable to locate executable file: bash");
        return 0;
      },
    });
    const result = await run;
    expect(result.outcome).toBe("rolled_back");
    expect(result.reason).toMatch(
      /^rolled back at canary 5 %: command failed \(could not run: Unable to locate executable file: bash\)/,
    );
  });

  test("a faulty canary rolls back at 25 %: rollback commands and rollback analyses run, within the bound", async () => {
    const measure = scripted({
      "error-rate": [(env) => (env.TOLLGATE_WEIGHT === "25" ? FAULTY : HEALTHY)],
      smoke: [0],
    });
    const { run, runner, events } = rollout("canary", { measure });
    const result = await run;
    expect(result.outcome).toBe("rolled_back");
    expect(result.reason).toBe(
      "rolled back at canary 25 %: error rate 7.2 % > 5 % (2 of 2 failed > limit 1) — ran rollback; after: smoke exit code 0",
    );
    expect(runner.commands()).toEqual(["./deploy/canary.sh", "./deploy/canary.sh", "./deploy/rollback.sh"]);
    expect(runner.calls[2]!.env).toMatchObject({ TOLLGATE_PREVIOUS_SHA: PREVIOUS, TOLLGATE_ROLLBACK: "1" });
    expect(measure.calls.smoke).toBe(1);
    expect(events.map((e) => e.kind)).toEqual(["step", "step", "step", "rollback", "outcome"]);
    expect(events[2]).toMatchObject({
      state: "in_progress",
      text: "canary 25 %: applied, analysing through a 10m pause",
    });
    expect(events.at(-1)).toMatchObject({ state: "failure", outcome: "rolled_back" });

    const firstFailure = result.timeline.find((e) => e.phase === "analysis" && e.ok === false)!;
    const failing = firstFailure.values!.filter((v) => v === FAULTY);
    expect(failing).toHaveLength(2);
    // First failing reading at the start of the step (t = 10m), rollback one interval later.
    const bound = 60_000 * 1 + 1_000;
    expect(runner.calls[2]!.at - 10 * 60_000).toBeLessThanOrEqual(bound);
    expect(renderTimeline(result.timeline)).toMatch(
      /\| rolled_back \|.*\| decision \| ❌ rolled back at canary 25 %/,
    );
  });

  test("a failed step command triggers the rollback", async () => {
    const { run, runner } = rollout("canary", {
      exitCode: (command) => (command === "./deploy/canary.sh" && runner.calls.length === 2 ? 1 : 0),
    });
    const result = await run;
    expect(result.outcome).toBe("rolled_back");
    expect(result.reason).toMatch(
      /^rolled back at canary 25 %: command failed \(exit code 1\) — ran rollback/,
    );
    expect(runner.commands().at(-1)).toBe("./deploy/rollback.sh");
  });

  test("context travels in env vars only: commands are the policy's text, untouched", async () => {
    const { run, runner } = rollout("canary", { measure: scripted({ "error-rate": [FAULTY], smoke: [0] }) });
    await run;
    const policyCommands = new Set(["./deploy/canary.sh", "./deploy/rollback.sh"]);
    for (const call of runner.calls) {
      expect(policyCommands.has(call.command)).toBe(true);
      for (const value of [SHA, PREVIOUS, HOSTILE, "1.4.0", "feat/$(reboot);x"])
        expect(call.command).not.toContain(value);
    }
    expect(runner.calls[0]!.env).toMatchObject({
      TOLLGATE_ENVIRONMENT: "production",
      TOLLGATE_SHA: SHA,
      TOLLGATE_VERSION: "1.4.0",
      TOLLGATE_PREVIOUS_SHA: PREVIOUS,
      TOLLGATE_STRATEGY: "canary",
      TOLLGATE_WEIGHT: "5",
      TOLLGATE_STEP: "1",
      TOLLGATE_STEP_LABEL: "canary 5 %",
      TOLLGATE_PR_TITLE: HOSTILE,
      TOLLGATE_BRANCH: "feat/$(reboot);x",
      TOLLGATE_PR_NUMBER: "7",
    });
  });

  test("an inconclusive analysis set to pause stops and asks, without rolling back", async () => {
    const { run, runner, events } = rollout("canary", { measure: scripted({ "error-rate": [0.03] }) });
    const result = await run;
    expect(result.outcome).toBe("paused");
    expect(result.reason).toBe(
      "paused at canary 5 %: error rate 3 %: between ≤ 1 % and > 5 % (inconclusive) — decide to resume or roll back",
    );
    expect(runner.commands()).toEqual(["./deploy/canary.sh"]);
    expect(events.at(-1)).toMatchObject({ state: "in_progress", outcome: "paused" });
  });

  test("relative thresholds compare with a baseline measured before the first step", async () => {
    const measure = scripted({ latency: [250, 912], smoke: [0] });
    const { run, runner } = rollout("relative", { measure });
    const result = await run;
    expect(result.baselines).toEqual({ latency: 250 });
    expect(result.reason).toMatch(/^rolled back at deploy: p99 latency 912 > 300 % of baseline 250/);
    expect(result.timeline[0]).toMatchObject({ phase: "baseline", text: "baseline 250", ok: true });
    expect(runner.commands()).toEqual(["./deploy/direct.sh", "./deploy/rollback.sh"]);
  });

  test("no baseline, no rollout: nothing runs", async () => {
    const nothing = { noData: true as const, reason: "the query returned no series" };
    const { run, runner } = rollout("relative", { measure: scripted({ latency: [nothing] }) });
    const result = await run;
    expect(result).toMatchObject({
      outcome: "failed",
      reason: "not started: no baseline for p99 latency: no data (the query returned no series)",
    });
    expect(runner.calls).toHaveLength(0);
    const thrown = scripted({
      latency: [
        () => {
          throw new Error("down");
        },
      ],
    });
    expect((await rollout("relative", { measure: thrown }).run).reason).toBe(
      "not started: no baseline for p99 latency: down",
    );
    const error = scripted({ latency: [{ error: "HTTP 500" }] });
    expect((await rollout("relative", { measure: error }).run).reason).toBe(
      "not started: no baseline for p99 latency: HTTP 500",
    );
  });

  test("steps without analyses just pause; a failing status write is noted, not fatal", async () => {
    const { run, runner, clock } = rollout("rolling", {
      reporter: async () => {
        throw new Error("HTTP 502");
      },
    });
    const result = await run;
    expect(result.outcome).toBe("success");
    expect(runner.calls.map((c) => c.env.TOLLGATE_BATCH)).toEqual(["1/3", "2/3", "3/3"]);
    expect(clock.now()).toBe(4 * 60_000);
    expect(result.timeline.filter((e) => e.phase === "note").map((e) => e.text)).toContain(
      "status not written: HTTP 502",
    );
  });
});
