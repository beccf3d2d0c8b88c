/**
 * A rollout whose environment lock was taken over (a rollback took charge) stops before its next step,
 * undoing nothing: the rollback that took the lock puts the environment back.
 */
import { expect, test } from "@jest/globals";
import type { RolloutEvent } from "../../src/rollout/executor.js";
import { rollout } from "./rollout-fixture.js";

test("a rollout that lost its lock stops before the next step and runs no rollback of its own", async () => {
  let lost: string | undefined;
  const events: RolloutEvent[] = [];
  const { run, runner } = rollout("canary", {
    reporter: async (event) => {
      events.push(event);
      // The first step ends; meanwhile a rollback took the lock over.
      if (event.text.startsWith("canary 5 %: error rate")) lost = "the environment lock was taken over";
    },
    stopped: () => lost,
  });
  const result = await run;
  expect(result.outcome).toBe("failed");
  expect(result.reason).toBe("stopped before canary 25 %: the environment lock was taken over");
  expect(runner.commands()).toEqual(["./deploy/canary.sh"]);
  expect(events.at(-1)).toMatchObject({ kind: "outcome", state: "failure", outcome: "failed" });
});

test("a rollout that keeps its lock is never stopped", async () => {
  const { run, runner } = rollout("canary", { stopped: () => undefined });
  expect((await run).outcome).toBe("success");
  expect(runner.commands()).toHaveLength(3);
});
