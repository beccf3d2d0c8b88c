/**
 * A step's status that cannot be written is a note in the timeline, but the outcome's is not: a
 * deployment left "in progress" would hold the environment and tell the audit the rollout never ended,
 * so the rollout says its outcome went unrecorded and the Action fails the step with what to do.
 */
import { expect, test } from "@jest/globals";
import { rolloutFailure } from "../../src/action/outcome.js";
import type { RolloutEvent } from "../../src/rollout/executor.js";
import { rollout } from "./rollout-fixture.js";

const refusing = (kind: RolloutEvent["kind"]) => async (event: RolloutEvent) => {
  if (event.kind === kind) throw new Error("HTTP 403: You have exceeded a secondary rate limit");
};

test("a healthy rollout whose outcome cannot be written: unrecorded, and the Action's step fails", async () => {
  const result = await rollout("canary", { reporter: refusing("outcome") }).run;
  expect(result.outcome).toBe("success");
  expect(result.unrecorded).toBe("HTTP 403: You have exceeded a secondary rate limit");
  expect(result.timeline.at(-1)).toMatchObject({ phase: "note", label: "outcome", ok: false });
  expect(rolloutFailure(result).failure).toMatch(
    /^Rollout success, but its outcome could not be written on the deployment \(HTTP 403: .*\): the record still says it runs/,
  );
});

test("a step's status that cannot be written is only a note: the outcome recorded, nothing fails", async () => {
  const result = await rollout("canary", { reporter: refusing("step") }).run;
  expect(result.outcome).toBe("success");
  expect(result.unrecorded).toBeUndefined();
  expect(
    result.timeline.filter((e) => e.phase === "note" && e.text.startsWith("status not written")),
  ).not.toEqual([]);
  expect(rolloutFailure(result)).toEqual({});
});
