/**
 * GitHub misbehaving: 20 % of requests fail with 500/502 and some hit a secondary rate limit (seeded).
 * With Probot's retry and throttling on, every webhook either ends in a correct check run or fails
 * visibly (its delivery answered ≥ 500, redeliverable), and no approval is ever recorded wrongly.
 */
import { afterAll, beforeAll, expect, jest, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { ORG, REPO, openPullRequest } from "../../sandbox/seed/index.js";
import {
  approvalStatuses,
  latestChecks,
  RESILIENT_OCTOKIT,
  startAppWorld,
  type AppWorld,
} from "../../scripts/worlds/app-world.js";
import { BODY, POLICY } from "../../scripts/worlds/app-policy.js";
import { ciApp, ciCheck } from "./fixtures.js";
import { STORY_TEST_MS } from "../support/timeouts.js";

jest.setTimeout(STORY_TEST_MS);

let world: AppWorld;
let ci: Octokit;

/** The test's own requests (people, CI) are retried by hand: only the App is under test here. */
async function persist<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const status = (error as { status?: number }).status ?? 0;
      if (attempt > 20 || (status !== 500 && status !== 502 && status !== 403)) throw error;
    }
  }
}

beforeAll(async () => {
  world = await startAppWorld({
    policy: POLICY,
    people: ["dave", "alice", "bob", "mallory"],
    teams: { leads: ["alice", "bob"] },
    octokit: RESILIENT_OCTOKIT,
  });
  ci = await ciApp(world);
});
afterAll(() => world.close());

test("under 500/502s and secondary rate limits: correct check runs or visible failures, never a wrong approval", async () => {
  const pr = await openPullRequest(world, "dave", { branch: "f", title: "F", body: BODY });
  await world.sandbox.idle();
  await world.sandbox.client.control("POST", "/faults/seed", { seed: 7 });
  await world.sandbox.client.addFault({ kind: "status", status: 500, path: "/**", probability: 0.1 });
  await world.sandbox.client.addFault({ kind: "status", status: 502, path: "/**", probability: 0.1 });
  await world.sandbox.client.addFault({
    kind: "secondary_rate_limit",
    path: "/repos/**",
    retry_after: 1,
    probability: 0.05,
  });

  await persist(() => ciCheck(ci, pr.head, "success"));
  const say = (login: string, body: string) =>
    persist(() =>
      world.people[login]!.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: ORG,
        repo: REPO,
        issue_number: pr.number,
        body,
      }),
    );
  await say("mallory", "/approve production");
  await say("dave", "/approve production");
  await say("alice", "/approve production");
  await say("bob", "/approve production");
  await world.sandbox.idle();
  await world.appIdle();
  const faults = await world.sandbox.client.control<{ fired: number }[]>("GET", "/faults");
  await world.sandbox.client.clearFaults();
  expect(faults.reduce((n, f) => n + f.fired, 0)).toBeGreaterThan(3);

  // Never a wrong approval: only alice and bob, each at most once, each from their own comment.
  const recorded = await approvalStatuses(world);
  expect(recorded.every((s) => /^Tollgate: approved by @(alice|bob):/.test(s.description))).toBe(true);
  expect(new Set(recorded.map((s) => s.log_url)).size).toBe(recorded.length);

  // Every delivery was handled (200), failed visibly in GitHub's delivery log (answered ≥ 500, or not
  // answered within GitHub's 10 s), or was answered 202 "still processing": @octokit/webhooks answers so
  // after 9 s and goes on, which Probot's retries under a slow, failing GitHub can take. GitHub cannot
  // know how those ended, so they are redelivered like failures below.
  const deliveries = await world.sandbox.client.deliveries();
  const unconfirmed = (d: { status_code: number }) =>
    d.status_code >= 500 || d.status_code === 0 || d.status_code === 202;
  expect(
    deliveries.filter((d) => d.status_code !== 200 && !unconfirmed(d)).map((d) => d.status_code),
  ).toEqual([]);

  // The check run GitHub shows now: success only if both approvals were recorded; otherwise waiting.
  const production = (await latestChecks(world, pr.head)).get("Tollgate · production");
  const approvers = new Set(recorded.map((s) => s.description.split(" ")[3]));
  if (production?.conclusion === "success") expect(approvers).toEqual(new Set(["@alice:", "@bob:"]));
  else {
    // A lost update shows as a delivery GitHub saw fail or never saw end, and a redelivery repairs it:
    // a command recorded before its delivery failed acts no second time, but its check run catches up.
    expect(deliveries.some(unconfirmed)).toBe(true);
    for (const d of deliveries.filter(unconfirmed)) await world.sandbox.client.redeliver(d.id);
    await world.sandbox.idle();
    await world.appIdle();
    const again = await approvalStatuses(world);
    expect(again.every((s) => /^Tollgate: approved by @(alice|bob):/.test(s.description))).toBe(true);
    expect(new Set(again.map((s) => s.log_url)).size).toBe(again.length);
    approvers.clear();
    for (const s of again) approvers.add(s.description.split(" ")[3]);
  }
  const final = (await latestChecks(world, pr.head)).get("Tollgate · production")!;
  expect(final.conclusion).toBe(approvers.size === 2 ? "success" : "action_required");
});
