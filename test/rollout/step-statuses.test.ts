/**
 * The deployment record follows the traffic: a step's status is written as soon as its commands have
 * applied it, and again with its figures when it ends. At no moment does the newest status name an
 * earlier step than the one whose commands last ran.
 */
import { describe, expect, test } from "@jest/globals";
import type { RolloutEvent } from "../../src/rollout/executor.js";
import { scripted } from "./helpers.js";
import { FAULTY, HEALTHY, rollout } from "./rollout-fixture.js";

describe("step statuses", () => {
  test.each([
    {
      strategy: "canary",
      statuses: [
        "0s canary 5 %: applied, analysing through a 10m pause",
        "600s canary 5 %: error rate 0.4 % ≤ 1 % (11/11 ok)",
        "600s canary 25 %: applied, analysing through a 10m pause",
        "1200s canary 25 %: error rate 0.4 % ≤ 1 % (11/11 ok)",
        "1200s canary 100 %: applied, analysing",
        "1320s canary 100 %: error rate 0.4 % ≤ 1 % (3/3 ok)",
      ],
    },
    {
      strategy: "rolling",
      statuses: [
        "0s batch 1/3: applied, pausing 2m",
        "120s batch 1/3: done, paused",
        "120s batch 2/3: applied, pausing 2m",
        "240s batch 2/3: done, paused",
        "240s batch 3/3: applied",
        "240s batch 3/3: done",
      ],
    },
    {
      strategy: "blue-green",
      statuses: [
        "0s deploy idle side: applied, analysing",
        "120s deploy idle side: error rate 0.4 % ≤ 1 % (3/3 ok)",
        "120s promote: applied, analysing through a 30m pause",
        "1920s promote: error rate 0.4 % ≤ 1 % (31/31 ok)",
      ],
    },
  ])("$strategy: applied when its commands ran, then its figures", async ({ strategy, statuses }) => {
    const written: string[] = [];
    const { run, clock } = rollout(strategy, {
      reporter: async (event: RolloutEvent) => {
        if (event.kind === "step") written.push(`${clock.now() / 1000}s ${event.text}`);
      },
    });
    expect((await run).outcome).toBe("success");
    expect(written).toEqual(statuses);
  });

  test("a step that fails its analysis was recorded as applied before the rollback", async () => {
    const written: string[] = [];
    const measure = scripted({
      "error-rate": [(env) => (env.TOLLGATE_WEIGHT === "25" ? FAULTY : HEALTHY)],
      smoke: [0],
    });
    const { run } = rollout("canary", {
      measure,
      reporter: async (event: RolloutEvent) => void written.push(`${event.kind}: ${event.text}`),
    });
    await run;
    expect(written.slice(2, 4)).toEqual([
      "step: canary 25 %: applied, analysing through a 10m pause",
      expect.stringMatching(/^rollback: rolling back at canary 25 %: error rate 7.2 % > 5 %/),
    ]);
  });
});
