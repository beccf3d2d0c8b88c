/**
 * An approval covers the code that ships: a PR's merge commit is covered by the approvals of its head
 * only when it adds nothing beyond the approved change to a base already deployed to, or approved for,
 * the environment (src/readiness/coverage.ts). Against the real App, the built Action and the strict
 * sandbox; each attack first shows that GitHub let the attacker's requests through.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { runAction, type ActionRun } from "../../scripts/worlds/action-run.js";
import { answerTo, comment, settled, type AppWorld } from "../../scripts/worlds/app-world.js";
import { ciCheck } from "../app/fixtures.js";
import { FULL, ORG, REPO, octokitFor, openPullRequest } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { decisionOf, startAttackWorld } from "./attack-world.js";

const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
checklist:
  ci: { checks: [build] }
strategies:
  direct: { type: direct, run: "true" }
environments:
  production:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci]
    strategies: [direct]
    rollback: { redeploy_previous: true }
`;

let world: AppWorld;
let ci: Octokit;
let token: string;
let mallory: Octokit;

beforeAll(async () => {
  ({ world, ci, token, mallory } = await startAttackWorld({ policy: POLICY, workflows: ["deploy.yml"] }));
}, PROCESS_TEST_MS);

afterAll(() => world.close());

/** The gate in a run of the default branch's workflow for `sha` (the App re-runs it once approved). */
async function gate(sha: string): Promise<ActionRun> {
  const run = await world.sandbox.client.control<{ id: number }>("POST", `/repos/${FULL}/runs`, {
    workflow: "deploy.yml",
    sha,
    branch: "main",
  });
  return runAction(world, {
    sha,
    token,
    actor: "dave",
    runId: run.id,
    inputs: { environment: "production", mode: "gate" },
  });
}

/** An open PR with green CI, approved for production by both leads. */
async function approvedPullRequest(
  author: string,
  branch: string,
): Promise<{ number: number; head: string }> {
  const pr = await openPullRequest(world, author, {
    branch,
    title: branch,
    body: "Change.",
    files: { [`src/${branch}.ts`]: `export const ${branch.replace(/-/g, "_")} = 1;\n` },
  });
  await ciCheck(ci, pr.head, "success");
  await settled(world);
  for (const lead of ["alice", "bob"]) {
    const answer = await comment(world, lead, pr.number, "/approve production");
    expect(answer.reactions).toEqual(["+1"]);
  }
  return pr;
}

/** Merges a PR as `login` (GitHub's default, a merge commit); its merge commit, with green CI. */
async function merged(login: string, number: number): Promise<string> {
  const { data } = await world.people[login]!.octokit.request(
    "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge",
    {
      owner: ORG,
      repo: REPO,
      pull_number: number,
    },
  );
  expect(data.merged).toBe(true);
  await ciCheck(ci, data.sha, "success");
  await settled(world);
  return data.sha;
}

/** Whether a path exists in a commit's tree. */
async function has(sha: string, path: string): Promise<boolean> {
  const response = await mallory
    .request("GET /repos/{owner}/{repo}/contents/{path}", { owner: ORG, repo: REPO, path, ref: sha })
    .catch((error: { status?: number }) => {
      if (error.status === 404) return undefined;
      throw error;
    });
  return response !== undefined;
}

/** An App-verified success of `sha` in production, from a run of the default branch's workflow. */
async function deployedByTheWorkflow(sha: string): Promise<void> {
  const run = await world.sandbox.client.control<{ id: number }>("POST", `/repos/${FULL}/runs`, {
    workflow: "deploy.yml",
    sha,
    branch: "main",
  });
  const workflow = octokitFor(world.sandbox, token);
  const { data: deployment } = await workflow.request("POST /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    ref: sha,
    environment: "production",
    auto_merge: false,
    required_contexts: [],
    payload: {
      tollgate: {
        version: 1,
        requested_by: "dave",
        change_type: "minor",
        emergency: false,
        policy_digest: "x",
        checklist: {},
      },
    },
  });
  const id = (deployment as { id: number }).id;
  await workflow.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: id,
    state: "success",
    environment: "production",
    description: "Tollgate outcome: direct: 1 steps done",
    log_url: `https://github.example.test/${FULL}/actions/runs/${run.id}`,
  });
  await settled(world);
  const { data: statuses } = await mallory.request(
    "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
    { owner: ORG, repo: REPO, deployment_id: id },
  );
  expect(
    statuses.filter((s) => s.creator?.login === world.bot && s.description?.startsWith("Tollgate verified:")),
  ).toHaveLength(1);
}

describe("a merge commit and the approvals of its PR head", () => {
  test(
    "another user's unapproved PR merged meanwhile is not shipped under the approvals of the PR merged after it",
    async () => {
      const a = await approvedPullRequest("dave", "feature-a");
      expect(decisionOf(await gate(a.head)).decision).toBe("allowed");

      // Meanwhile mallory opens PR B, approved by nobody, and merges it herself: GitHub lets her.
      const b = await openPullRequest(world, "mallory", {
        branch: "feature-b",
        title: "Small fix",
        body: "Change.",
        files: { "src/feature-b.ts": "export const exfiltrate = true;\n" },
      });
      const mergeOfB = await merged("mallory", b.number);
      expect(await has(mergeOfB, "src/feature-b.ts")).toBe(true);

      // Then A is merged: its merge commit carries B's code, which nobody approved for production.
      const mergeOfA = await merged("dave", a.number);
      expect(await has(mergeOfA, "src/feature-b.ts")).toBe(true);
      expect(await has(mergeOfA, "src/feature-a.ts")).toBe(true);

      const run = await gate(mergeOfA);
      expect(decisionOf(run)).toEqual({ decision: "waiting", code: "awaiting_approval" });
      expect(run.summary).toContain(
        `its first parent ${mergeOfB.slice(0, 7)} is neither deployed to nor approved for production`,
      );

      // The way forward the reason names: approvers who reviewed the merge commit approve it itself.
      for (const lead of ["alice", "bob"])
        expect(await comment(world, lead, a.number, "/approve production")).toEqual(
          expect.objectContaining({ reactions: ["+1"] }),
        );
      expect(decisionOf(await gate(mergeOfA)).decision).toBe("allowed");
    },
    PROCESS_TEST_MS,
  );

  test(
    "a PR up to date with the default branch when approved, then merged, ships under its approvals",
    async () => {
      const pr = await approvedPullRequest("dave", "up-to-date");
      const merge = await merged("dave", pr.number);
      expect(decisionOf(await gate(merge))).toEqual({ decision: "allowed", code: "ready" });
    },
    PROCESS_TEST_MS,
  );

  test(
    "a first parent already deployed (the App's verified success) and exactly the approved change: covered",
    async () => {
      const pr = await approvedPullRequest("dave", "on-deployed-base");
      // Another PR is merged meanwhile and deployed to production by the default branch's workflow.
      const other = await openPullRequest(world, "mallory", {
        branch: "deployed-meanwhile",
        title: "Deployed meanwhile",
        body: "Change.",
      });
      const base = await merged("mallory", other.number);
      await deployedByTheWorkflow(base);

      const merge = await merged("dave", pr.number);
      const { data: commit } = await mallory.request("GET /repos/{owner}/{repo}/commits/{ref}", {
        owner: ORG,
        repo: REPO,
        ref: merge,
      });
      expect(commit.parents[0]!.sha).toBe(base);
      expect(decisionOf(await gate(merge))).toEqual({ decision: "allowed", code: "ready" });
    },
    PROCESS_TEST_MS,
  );

  test(
    "after the merge, a redelivered /approve written before the head's last push does not count on the merge commit",
    async () => {
      const pr = await openPullRequest(world, "dave", {
        branch: "late-push",
        title: "Late push",
        body: "Change.",
      });
      await ciCheck(ci, pr.head, "success");
      await settled(world);
      // Both approvals arrive while GitHub fails the App's writes: nothing is recorded until redelivery.
      await world.sandbox.client.addFault({
        kind: "status",
        status: 502,
        method: "POST",
        path: String.raw`/\/deployments\/\d+\/statuses$/`,
        count: 2,
      });
      const approvals = [
        await comment(world, "alice", pr.number, "/approve production"),
        await comment(world, "bob", pr.number, "/approve production"),
      ];
      expect(approvals.map((a) => a.reactions)).toEqual([[], []]);
      await world.sandbox.client.advanceClock(60);
      const pushed = await world.sandbox.client.putFile(
        world.people["dave"]!.token,
        FULL,
        "src/late-push-more.ts",
        "export const more = true;\n",
        { branch: "late-push", message: "One more change after the approvals" },
      );
      await ciCheck(ci, pushed.commit.sha, "success");
      const merge = await merged("dave", pr.number);

      const ids = new Set(approvals.map((a) => a.id));
      for (const delivery of await world.sandbox.client.deliveries("issue_comment.created"))
        if (ids.has((delivery.request.payload as { comment: { id: number } }).comment.id))
          await world.sandbox.client.redeliver(delivery.id);
      await settled(world);
      const answers = await Promise.all(approvals.map((a) => answerTo(world, pr.number, a.id)));
      expect(answers.map((a) => a.reactions)).toEqual([["-1"], ["-1"]]);
      expect(answers[0]!.replies.join("\n")).toContain("stale commit");
      expect(decisionOf(await gate(merge))).toEqual({ decision: "waiting", code: "awaiting_approval" });
    },
    PROCESS_TEST_MS,
  );
});
