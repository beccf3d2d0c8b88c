import { describe, expect, test } from "@jest/globals";
import { scripted } from "./helpers.js";
import { FAULTY, HEALTHY, PREVIOUS, rollout, SHA } from "./rollout-fixture.js";

describe("rollback", () => {
  test("blue-green switches traffic back when the analysis fails after promotion", async () => {
    const measure = scripted({
      "error-rate": [(env) => (env.TOLLGATE_STEP === "2" ? FAULTY : HEALTHY)],
      smoke: [0],
    });
    const { run, runner } = rollout("blue-green", { measure });
    const result = await run;
    expect(result.outcome).toBe("rolled_back");
    expect(result.reason).toMatch(/^rolled back at promote: error rate 7.2 % > 5 %/);
    expect(runner.commands()).toEqual(["./bg.sh deploy", "./bg.sh promote", "./bg.sh switch-back"]);
  });

  test("blue-green failing before promotion has nothing to switch back", async () => {
    const measure = scripted({ "error-rate": [FAULTY] });
    const { run, runner } = rollout("blue-green", { measure });
    const result = await run;
    expect(result.outcome).toBe("failed");
    expect(result.reason).toMatch(
      /^failed at deploy idle side: error rate 7.2 % > 5 %.*nothing to roll back$/,
    );
    expect(runner.commands()).toEqual(["./bg.sh deploy"]);
  });

  test("a failing rollback is critical: rollback_failed", async () => {
    const { run, events } = rollout("canary", {
      measure: scripted({ "error-rate": [FAULTY] }),
      exitCode: (command) => (command === "./deploy/rollback.sh" ? 1 : 0),
    });
    const result = await run;
    expect(result.outcome).toBe("rollback_failed");
    expect(result.reason).toBe(
      "CRITICAL: rollback failed after canary 5 %: error rate 7.2 % > 5 % (2 of 2 failed > limit 1): rollback command failed (exit code 1)",
    );
    expect(events.at(-1)).toMatchObject({ kind: "outcome", state: "error" });
  });

  test("unhealthy after the rollback is critical too", async () => {
    const { run } = rollout("canary", { measure: scripted({ "error-rate": [FAULTY], smoke: [1] }) });
    const result = await run;
    expect(result.outcome).toBe("rollback_failed");
    expect(result.reason).toMatch(/: ran rollback, but unhealthy after: smoke exit code 1$/);
  });

  test("redeploying the previous SHA: the strategy's commands for that SHA, at 100 %", async () => {
    const { run, runner } = rollout("canary", {
      environment: "staging",
      previousSha: PREVIOUS,
      measure: scripted({ "error-rate": [FAULTY] }),
    });
    const result = await run;
    expect(result.outcome).toBe("rolled_back");
    const redeploy = runner.calls.at(-1)!;
    expect(redeploy.command).toBe("./deploy/canary.sh");
    expect(redeploy.env).toMatchObject({
      TOLLGATE_SHA: PREVIOUS,
      TOLLGATE_WEIGHT: "100",
      TOLLGATE_FAILED_SHA: SHA,
    });
    expect(redeploy.env).not.toHaveProperty("TOLLGATE_VERSION");
  });

  test.each([
    { environment: "production", previous: PREVIOUS, expected: PREVIOUS },
    { environment: "production", previous: undefined, expected: undefined },
    { environment: "staging", previous: PREVIOUS, expected: PREVIOUS },
  ])(
    "$environment rollback, previous $previous: TOLLGATE_PREVIOUS_SHA is $expected",
    async ({ environment, previous, expected }) => {
      const { run, runner } = rollout("canary", {
        environment,
        context: previous === undefined ? {} : { previousSha: previous },
        ...(previous === undefined ? {} : { previousSha: previous }),
        measure: scripted({ "error-rate": [FAULTY], smoke: [0] }),
      });
      expect((await run).outcome).toBe("rolled_back");
      expect(runner.calls.at(-1)!.env.TOLLGATE_PREVIOUS_SHA).toBe(expected);
    },
  );

  test("with no rollback commands and no previous SHA, the rollback fails", async () => {
    const { run } = rollout("canary", {
      environment: "staging",
      measure: scripted({ "error-rate": [FAULTY] }),
    });
    const result = await run;
    expect(result.outcome).toBe("rollback_failed");
    expect(result.reason).toMatch(/no rollback plan: no rollback commands and no previous successful SHA/);
  });
});
