/**
 * Two approvers answering at once, through the real App on the strict sandbox with webhooks delivered as
 * GitHub delivers them (concurrently): the commit's environment gets one Tollgate record carrying both
 * approvals, and the check run counts both. Without the commands taking turns, both found no record and
 * each created its own.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { ORG, REPO, openPullRequest } from "../../sandbox/seed/index.js";
import {
  type AppWorld,
  approvalStatuses,
  latestChecks,
  settled,
  startAppWorld,
} from "../../scripts/worlds/app-world.js";
import { BODY, POLICY_WORLD } from "../../scripts/worlds/app-policy.js";
import { PROCESS_TEST_MS, STORY_TEST_MS } from "../support/timeouts.js";

let world: AppWorld;

beforeAll(async () => {
  world = await startAppWorld(POLICY_WORLD);
  await world.sandbox.client.setWebhookDelivery("concurrent", 0);
}, PROCESS_TEST_MS);
afterAll(() => world.close());

test(
  "two approvals delivered together leave one record of the commit, with both on it",
  async () => {
    const pr = await openPullRequest(world, "dave", { branch: "both", title: "Both", body: BODY });
    await settled(world);
    await Promise.all(
      ["alice", "bob"].map((login) =>
        world.people[login]!.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          owner: ORG,
          repo: REPO,
          issue_number: pr.number,
          body: "/approve production",
        }),
      ),
    );
    await settled(world);

    const { data: records } = await world.people["owner"]!.octokit.request(
      "GET /repos/{owner}/{repo}/deployments",
      { owner: ORG, repo: REPO, sha: pr.head, environment: "production" },
    );
    expect(records.map((d) => d.creator?.login)).toEqual([world.bot]);
    const approvals = (await approvalStatuses(world)).filter((s) => s.sha === pr.head);
    expect(approvals.map((s) => s.description).sort()).toEqual([
      expect.stringMatching(/^Tollgate: approved by @alice/),
      expect.stringMatching(/^Tollgate: approved by @bob/),
    ]);
    const production = (await latestChecks(world, pr.head)).get("Tollgate · production")!;
    expect(production.output.summary).toContain("**Approvals** (2 of group:leads): complete");
  },
  STORY_TEST_MS,
);
