/**
 * The App when GitHub's GraphQL budget for its installation is spent: the PR's readiness runs say so in
 * words with the reset time, and none of them passes; no decision is made on what could not be read.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { exhaustGraphql } from "../support/exhaust.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { ORG, REPO, openPullRequest } from "../../sandbox/seed/index.js";
import { BODY, POLICY_WORLD } from "../../scripts/worlds/app-policy.js";
import { latestChecks, startAppWorld, type AppWorld } from "../../scripts/worlds/app-world.js";

let world: AppWorld;

beforeAll(async () => {
  world = await startAppWorld({
    ...POLICY_WORLD,
    // Small budgets, so spending one takes a few calls; every authenticated caller gets this many.
    rateLimit: 400,
  });
}, PROCESS_TEST_MS);
afterAll(() => world.close());

test(
  "a spent GraphQL budget: every Tollgate run on the PR says so with the reset time, and none passes",
  async () => {
    const pr = await openPullRequest(world, "dave", { branch: "limited", title: "limited", body: BODY });
    const before = await latestChecks(world, pr.head);
    expect([...before.keys()].sort()).toEqual(["Tollgate · production", "Tollgate · staging"]);

    const app = await world.installation();
    const { token } = (await app.auth()) as { token: string };
    const reset = await exhaustGraphql(world, token);
    const at = reset.toISOString().replace(/\.\d{3}Z$/, "Z");

    // The PR changes: the App cannot read the evidence, and must not leave the old runs standing.
    await world.people["dave"]!.octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: ORG,
      repo: REPO,
      pull_number: pr.number,
      body: `${BODY}\nOne more line.`,
    });
    const after = await latestChecks(world, pr.head);
    expect([...after.keys()].sort()).toEqual(["Tollgate · production", "Tollgate · staging"]);
    for (const run of after.values()) {
      expect(run.id).not.toBe(before.get(run.name)!.id);
      expect(run.conclusion).toBe("action_required");
      expect(run.output.title).toBe(`Not evaluated: rate limit until ${at.slice(11, 16)} UTC`);
      expect(run.output.summary).toContain("Not evaluated.");
      expect(run.output.summary).toContain(`is spent until ${at.slice(11, 16)} UTC (${at})`);
      expect(run.output.summary).toContain("not a pass");
    }
  },
  PROCESS_TEST_MS,
);

test(
  "a PR opened while the budget is spent gets one run saying so, not nothing",
  async () => {
    const app = await world.installation();
    const { token } = (await app.auth()) as { token: string };
    const reset = await exhaustGraphql(world, token);
    const pr = await openPullRequest(world, "dave", { branch: "limited-new", title: "new", body: BODY });
    const runs = await latestChecks(world, pr.head);
    expect([...runs.keys()]).toEqual(["Tollgate · readiness"]);
    const run = runs.get("Tollgate · readiness")!;
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain(reset.toISOString().replace(/\.\d{3}Z$/, "Z"));
  },
  PROCESS_TEST_MS,
);
