/**
 * The built Action when the workflow token's GraphQL budget is spent: it fails closed, says so in words
 * with the reset time in its summary, and its outputs carry `rate_limited` and the reset.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { exhaustGraphql } from "../support/exhaust.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { createWorld, openPullRequest, type World } from "../../sandbox/seed/index.js";
import { runAction, workflowToken } from "../../scripts/worlds/action-run.js";
import { PEOPLE, POLICY, TEAMS } from "../../scripts/worlds/action-policy.js";

let world: World;

beforeAll(async () => {
  world = await createWorld({ policy: POLICY, people: PEOPLE, teams: TEAMS, rateLimit: 400 });
}, PROCESS_TEST_MS);
afterAll(() => world.close());

test(
  "a spent budget fails the step with the reset time in the summary and outputs, never a pass",
  async () => {
    const token = await workflowToken(world);
    const { head } = await openPullRequest(world, "dave", {
      branch: "limited",
      title: "limited",
      body: "## Rollback plan\nRevert.",
      labels: ["minor"],
    });
    const reset = await exhaustGraphql(world, token);
    const at = reset.toISOString().replace(/\.\d{3}Z$/, "Z");
    const run = await runAction(world, { sha: head, token, inputs: { environment: "staging" } });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ decision: "error", "reason-code": "rate_limited" });
    expect(run.result).toMatchObject({
      decision: "error",
      reason_code: "rate_limited",
      rate_limit_reset: reset.toISOString(),
    });
    expect(run.summary).toContain(
      `Not judged: GitHub's API rate limit (graphql) is spent until ${at.slice(11, 16)} UTC (${at})`,
    );
    expect(run.stdout).toContain("::error::Not judged:");
    expect(run.outputs["deployment-id"] ?? "").toBe("");
  },
  PROCESS_TEST_MS,
);
