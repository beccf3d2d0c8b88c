/**
 * `wait-for-approval` on a charging sandbox, on the sandbox's clock: an hour of waiting costs the
 * workflow token at most 100 points (the sandbox's per-token usage says so, not a timer), because the
 * Action polls its deployment's newest status with conditional requests (304s are free) and judges again
 * only when that changed or every few minutes; an approval recorded meanwhile ends the wait at the next poll.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { approvalDescription } from "../../src/records/format.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import {
  ORG,
  REPO,
  createWorld,
  openPullRequest,
  type World,
  workflowTokens,
} from "../../sandbox/seed/index.js";
import { waitOnSandbox } from "../../scripts/worlds/action-gate.js";

const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
environments:
  production:
    approval: required
    approvals:
      "*": { from: [group:leads] }
    rollback: { redeploy_previous: true }
`;

let world: World;
let mint: () => Promise<string>;

beforeAll(async () => {
  world = await createWorld({
    policy: POLICY,
    people: ["dave", "alice", "bob"],
    teams: { leads: ["alice", "bob"] },
  });
  mint = await workflowTokens(world.sandbox, ORG);
}, PROCESS_TEST_MS);

afterAll(async () => {
  await world.close();
});

test(
  "an hour of waiting for approval costs the workflow token at most 100 points",
  async () => {
    const { head } = await openPullRequest(world, "dave", { branch: "idle", title: "idle", body: "b" });
    await world.sandbox.client.control("DELETE", "/usage");
    const waited = await waitOnSandbox(world, mint, { head, waitMs: 3_600_000 });
    expect(waited.gate.evaluation.decision.verdict).toBe("waiting");
    expect(waited.elapsed).toBe(3_600_000);
    // Most polls were answered 304 Not Modified, for nothing.
    expect(waited.notModified).toBeGreaterThanOrEqual(50);
    expect(waited.points).toBeLessThanOrEqual(100);
    // Still judged again now and then (a notice period may end): at least every 5 minutes.
    expect(waited.graphqlPoints).toBeGreaterThanOrEqual(12 * 2);
  },
  PROCESS_TEST_MS,
);

test(
  "an approval recorded while the Action waits ends the wait at the next poll",
  async () => {
    const { head } = await openPullRequest(world, "dave", {
      branch: "approved",
      title: "approved",
      body: "b",
    });
    await world.sandbox.client.control("DELETE", "/usage");
    const app = await world.installation();
    let approvedAt: number | undefined;
    const waited = await waitOnSandbox(world, mint, {
      head,
      waitMs: 3_600_000,
      during: async (elapsed) => {
        if (approvedAt !== undefined || elapsed < 20 * 60_000) return;
        approvedAt = elapsed;
        // The App records alice's approval on the deployment the Action is waiting on.
        const { data } = await app.request("GET /repos/{owner}/{repo}/deployments", {
          owner: ORG,
          repo: REPO,
          sha: head,
          environment: "production",
        });
        await app.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
          owner: ORG,
          repo: REPO,
          deployment_id: (data as { id: number }[])[0]!.id,
          state: "queued",
          description: approvalDescription("approved", "alice", "1 of group:leads"),
          log_url: "https://example.test/comment/9",
        });
      },
    });
    expect(waited.gate.evaluation.decision.verdict).toBe("allowed");
    expect(approvedAt).toBeDefined();
    // Seen at the poll right after it (polls are at most a minute apart), not at the next full evaluation.
    expect(waited.elapsed - approvedAt!).toBeLessThanOrEqual(60_000);
    expect(waited.points).toBeLessThanOrEqual(100);
  },
  PROCESS_TEST_MS,
);
