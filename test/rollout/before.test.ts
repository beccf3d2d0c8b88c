/** A strategy's `before` commands: once, before the first step; a failure stops the rollout before any traffic moves. */
import { describe, expect, test } from "@jest/globals";
import { renderTimeline } from "../../src/rollout/timeline.js";
import { rollout } from "./rollout-fixture.js";

describe("before commands", () => {
  test("run once, in order, before the first step, and are recorded", async () => {
    const { run, runner, events } = rollout("migrating");
    const result = await run;
    expect(result.outcome).toBe("success");
    expect(runner.commands()).toEqual([
      "./db/backup.sh",
      "./db/migrate.sh",
      "./deploy/canary.sh",
      "./deploy/canary.sh",
    ]);
    expect(events[0]).toMatchObject({ kind: "step", text: "before: 2 commands done" });
    expect(renderTimeline(result.timeline)).toContain("`./db/migrate.sh`: exit code 0");
  });

  test("a failure stops the rollout before any traffic moves: nothing deployed, nothing rolled back", async () => {
    const { run, runner, events } = rollout("migrating", {
      exitCode: (command) => (command === "./db/migrate.sh" ? 3 : 0),
    });
    const result = await run;
    expect(result).toMatchObject({
      outcome: "failed",
      reason:
        "not started: before command `./db/migrate.sh` failed (exit code 3); no traffic moved, nothing to roll back",
    });
    expect(runner.commands()).toEqual(["./db/backup.sh", "./db/migrate.sh"]);
    expect(events.map((e) => `${e.kind}/${e.state}`)).toEqual(["outcome/failure"]);
  });

  test("a rollout resumed past its first step does not run them again", async () => {
    const { run, runner } = rollout("migrating", { startAt: 1 });
    expect((await run).outcome).toBe("success");
    expect(runner.commands()).toEqual(["./deploy/canary.sh"]);
  });
});
