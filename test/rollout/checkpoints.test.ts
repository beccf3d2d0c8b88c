import { describe, expect, test } from "@jest/globals";
import { realClock, VirtualClock } from "../../src/rollout/clock.js";
import {
  checkpointLabel,
  dueCheckpoints,
  nextCheckpointAt,
  runCheckpoint,
} from "../../src/rollout/checkpoints.js";
import { policyFrom, scripted } from "./helpers.js";

const MIN = 60_000;
const AT = [0, 5 * MIN, 30 * MIN];
const DEPLOYED = Date.UTC(2026, 10, 24, 12, 0, 0);

describe("dueCheckpoints", () => {
  test("nothing before the deployment's success; +0s right at it", () => {
    expect(dueCheckpoints(AT, DEPLOYED, [], DEPLOYED - 1)).toEqual([]);
    expect(dueCheckpoints(AT, DEPLOYED, [], DEPLOYED)).toEqual([0]);
  });

  test("recorded checkpoints are not due again; late runs catch up in order", () => {
    expect(dueCheckpoints(AT, DEPLOYED, [0], DEPLOYED + 6 * MIN)).toEqual([5 * MIN]);
    expect(dueCheckpoints([30 * MIN, 0, 5 * MIN, 5 * MIN], DEPLOYED, [], DEPLOYED + 31 * MIN)).toEqual(AT);
    expect(dueCheckpoints(AT, DEPLOYED, AT, DEPLOYED + 60 * MIN)).toEqual([]);
  });

  test("the next checkpoint's time, for scheduling the next look", () => {
    expect(nextCheckpointAt(AT, DEPLOYED, [0], DEPLOYED + MIN)).toBe(DEPLOYED + 5 * MIN);
    expect(nextCheckpointAt(AT, DEPLOYED, [0, 5 * MIN], DEPLOYED + 6 * MIN)).toBe(DEPLOYED + 30 * MIN);
    expect(nextCheckpointAt(AT, DEPLOYED, AT, DEPLOYED + 31 * MIN)).toBeUndefined();
  });

  test("labels", () => {
    expect(AT.map(checkpointLabel)).toEqual(["+0s", "+5m", "+30m"]);
  });
});

const policy = policyFrom(`
version: 1
strategies:
  direct: { type: direct, run: ./deploy.sh }
analyses:
  smoke: { command: { run: ./smoke.sh, measure: exit_code } }
  error-rate:
    title: error rate
    prometheus: { address: "http://prometheus:9090", query: q }
    failure: "> 150% of baseline"
environments:
  production:
    approval: none
    validation: { at: [0s, 5m, 30m], analyses: [smoke, error-rate] }
    rollback: { run: ./rollback.sh }
  staging:
    approval: none
    validation: { at: [0s], analyses: [smoke], on_failure: report }
  dev:
    approval: none
`);
const context = { environment: "production", sha: "a".repeat(40), strategy: "direct" };

describe("runCheckpoint", () => {
  test("runs the checkpoint's analyses (`validation.analyses`) with the context in env; healthy passes", async () => {
    let seen: Readonly<Record<string, string>> = {};
    const measure = scripted({
      smoke: [
        (env) => {
          seen = env;
          return 0;
        },
      ],
      "error-rate": [0.01],
    });
    const result = await runCheckpoint(5 * MIN, policy.environments.production!, {
      context,
      clock: new VirtualClock(),
      measure,
      analyses: policy.analyses,
      baselines: { "error-rate": 0.008 },
    });
    expect(result).toMatchObject({ passed: true, action: "none", checkpoint: 5 * MIN });
    expect(result.summary).toBe("+5m: smoke exit code 0; error rate 0.01 ≤ 150 % of baseline 0.008");
    expect(seen).toMatchObject({ TOLLGATE_CHECKPOINT: "+5m", TOLLGATE_SHA: "a".repeat(40) });
  });

  test("a failed checkpoint asks for the policy's on_failure; only failures are summarized", async () => {
    const measure = scripted({ smoke: [1], "error-rate": [0.01] });
    const deps = {
      context,
      clock: new VirtualClock(),
      measure,
      analyses: policy.analyses,
      baselines: { "error-rate": 0.01 },
    };
    const failed = await runCheckpoint(0, policy.environments.production!, deps);
    expect(failed).toMatchObject({ passed: false, action: "rollback", summary: "+0s: smoke exit code 1" });
    const reported = await runCheckpoint(0, policy.environments.staging!, deps);
    expect(reported).toMatchObject({ passed: false, action: "report" });
  });

  test("a relative threshold without the rollout's baseline does not pass", async () => {
    const result = await runCheckpoint(0, policy.environments.production!, {
      context,
      clock: realClock,
      measure: scripted({ smoke: [0], "error-rate": [0.01] }),
      analyses: policy.analyses,
      signal: new AbortController().signal,
    });
    expect(result.passed).toBe(false);
  });

  test("an environment without a `validation` schedule is a caller error", async () => {
    await expect(
      runCheckpoint(0, policy.environments.dev!, {
        context,
        clock: new VirtualClock(),
        measure: scripted({}),
        analyses: policy.analyses,
      }),
    ).rejects.toThrow("dev has no validation schedule");
  });
});
