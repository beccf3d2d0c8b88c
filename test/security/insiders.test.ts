/**
 * A person with plain write access (no approver, no admin) against the real App, the built Action and
 * the strict sandbox. Each attack first shows that GitHub let the attacker's requests through (the
 * effect would be visible if Tollgate trusted it), then that the decision did not change.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { runAction } from "../../scripts/worlds/action-run.js";
import { answerTo, comment, settled, type AppWorld } from "../../scripts/worlds/app-world.js";
import { ciCheck } from "../app/fixtures.js";
import { FULL, ORG, REPO, octokitFor, openPullRequest } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { decisionOf, greenPullRequest as openGreen, startAttackWorld } from "./attack-world.js";
import { auditOf, findingsOf } from "./audit-of.js";

const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
checklist:
  ci: { checks: [build] }
strategies:
  direct: { type: direct, run: "true" }
environments:
  staging:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci]
    strategies: [direct]
    rollback: { redeploy_previous: true }
  production:
    requires:
      - environment: staging
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci]
    strategies: [direct]
    rollback: { redeploy_previous: true, workflow: rollback.yml }
  eu:
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
  ({ world, ci, token, mallory } = await startAttackWorld({
    policy: POLICY,
    workflows: ["deploy.yml", "rollback.yml"],
  }));
}, PROCESS_TEST_MS);

/** A workflow run of deploy.yml for `sha`, as GitHub records it, on `branch`. */
async function workflowRun(sha: string, branch: string): Promise<number> {
  const run = await world.sandbox.client.control<{ id: number }>("POST", `/repos/${FULL}/runs`, {
    workflow: "deploy.yml",
    sha,
    branch,
  });
  return run.id;
}

/**
 * What any workflow's token can write: a deployment with Tollgate's payload and a success linking a run,
 * exactly as the Action writes them. The App decides whether the run could have written it.
 */
async function workflowSuccess(sha: string, environment: string, runId: number): Promise<number> {
  const workflow = octokitFor(world.sandbox, token);
  const id = await createDeployment(workflow, sha, environment, {
    tollgate: {
      version: 1,
      requested_by: "dave",
      change_type: "minor",
      emergency: false,
      policy_digest: "x",
      checklist: {},
    },
  });
  const { data } = await workflow.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: id,
    state: "success",
    environment,
    description: "Tollgate outcome: direct: 1 steps done",
    log_url: `https://github.example.test/${FULL}/actions/runs/${runId}`,
  });
  expect((data as { creator: { login: string } }).creator.login).toBe("github-actions[bot]");
  await settled(world);
  return id;
}

async function verifiedStatuses(deploymentId: number) {
  const { data } = await mallory.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: deploymentId,
  });
  return data.filter(
    (s) => s.creator?.login === world.bot && s.description?.startsWith("Tollgate verified:"),
  );
}
afterAll(() => world.close());

const greenPullRequest = (branch: string) => openGreen({ world, ci }, branch);

const gate = (sha: string, environment: string, actor = "dave") =>
  runAction(world, { sha, token, actor, inputs: { environment, mode: "gate" } });

async function createDeployment(as: Octokit, sha: string, environment: string, payload: unknown = {}) {
  const { data } = await as.request("POST /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    ref: sha,
    environment,
    auto_merge: false,
    required_contexts: [],
    payload: payload as Record<string, unknown>,
  });
  return (data as { id: number }).id;
}

async function postStatus(
  as: Octokit,
  id: number,
  state: "success" | "inactive" | "queued",
  environment?: string,
) {
  const { data } = await as.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: id,
    state,
    ...(environment ? { environment } : {}),
  });
  return data as { environment: string; state: string };
}

async function deploymentsOf(sha: string, environment: string) {
  const { data } = await mallory.request("GET /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    sha,
    environment,
  });
  return data;
}

describe("insiders with write access", () => {
  test("a staging approval re-targeted to another environment does not approve it", async () => {
    const pr = await greenPullRequest("retarget");
    await comment(world, "alice", pr.number, "/approve staging");
    await comment(world, "bob", pr.number, "/approve staging");
    expect(decisionOf(await gate(pr.head, "staging"))).toEqual({ decision: "allowed", code: "ready" });

    const [approved] = await deploymentsOf(pr.head, "staging");
    const moved = await postStatus(mallory, Number(approved!.id), "queued", "eu");
    expect(moved.environment).toBe("eu");
    expect(await deploymentsOf(pr.head, "eu")).toHaveLength(1);

    expect(decisionOf(await gate(pr.head, "eu"))).toEqual({ decision: "waiting", code: "awaiting_approval" });
    expect(findingsOf(await auditOf(world), Number(approved!.id))).toContain("retargeted");
  });

  test("a staging success written with the attacker's own token is no prerequisite", async () => {
    const pr = await greenPullRequest("fake-staging");
    const id = await createDeployment(mallory, pr.head, "staging", {
      tollgate: { version: 1, requested_by: "dave" },
    });
    expect((await postStatus(mallory, id, "success")).state).toBe("success");

    const run = await gate(pr.head, "production");
    expect(decisionOf(run).decision).not.toBe("allowed");
    expect(run.summary).toContain("has not been deployed to staging successfully");
    expect(findingsOf(await auditOf(world), id)).toContain("forged_deployment");
  });

  test("a staging success written by a workflow of an unreviewed branch is not attested, so no prerequisite", async () => {
    const pr = await greenPullRequest("unreviewed-workflow");
    const id = await workflowSuccess(pr.head, "staging", await workflowRun(pr.head, "unreviewed-workflow"));
    expect(await verifiedStatuses(id)).toEqual([]);
    const run = await gate(pr.head, "production");
    expect(decisionOf(run)).toEqual({ decision: "waiting", code: "prerequisite_missing" });
    expect(findingsOf(await auditOf(world), id)).toContain("unverified_success");
  });

  test("the same success from a run of the default branch's workflow is attested by the App and counts", async () => {
    const pr = await greenPullRequest("reviewed-workflow");
    const id = await workflowSuccess(pr.head, "staging", await workflowRun(pr.head, "main"));
    expect(await verifiedStatuses(id)).toHaveLength(1);
    const run = await gate(pr.head, "production");
    expect(run.summary).not.toContain("has not been deployed to staging");
    expect(decisionOf(run).code).toBe("awaiting_approval");
  });

  test("an unapproved commit's success moved into production's history is never a rollback target", async () => {
    const pr = await greenPullRequest("poison");
    const id = await workflowSuccess(pr.head, "staging", await workflowRun(pr.head, "poison"));
    await postStatus(octokitFor(world.sandbox, token), id, "success", "production");
    expect((await deploymentsOf(pr.head, "production")).map((d) => d.id)).toContain(id);

    const run = await runAction(world, {
      sha: pr.head,
      token,
      actor: "owner",
      inputs: { environment: "production", mode: "rollback" },
    });
    expect(run.outputs["previous-sha"]).not.toBe(pr.head);
    expect(run.stdout).not.toContain(`to ${pr.head.slice(0, 7)}`);
    expect(findingsOf(await auditOf(world), id)).toEqual(
      expect.arrayContaining(["retargeted", "unverified_success"]),
    );
  });

  test("a decoy deployment does not catch a rejection, so deleting it erases nothing", async () => {
    const pr = await greenPullRequest("decoy");
    const decoy = await createDeployment(mallory, pr.head, "production", {
      tollgate: {
        version: 1,
        requested_by: "dave",
        change_type: "minor",
        emergency: false,
        policy_digest: "x",
        checklist: {},
      },
    });
    await comment(world, "alice", pr.number, "/reject production not like this");
    const before = await auditOf(world);
    expect(findingsOf(before, decoy)).toContain("forged_deployment");
    await postStatus(mallory, decoy, "inactive");
    await mallory.request("DELETE /repos/{owner}/{repo}/deployments/{deployment_id}", {
      owner: ORG,
      repo: REPO,
      deployment_id: decoy,
    });
    expect((await deploymentsOf(pr.head, "production")).map((d) => d.id)).not.toContain(decoy);

    const run = await gate(pr.head, "production");
    expect(decisionOf(run)).toEqual({ decision: "blocked", code: "rejected" });
    expect(findingsOf(await auditOf(world, before), decoy)).toContain("deleted_deployment");
  });

  test("a deployment naming an approver as its starter does not lock that approver out", async () => {
    const pr = await greenPullRequest("frame");
    const frame = await createDeployment(mallory, pr.head, "production", {
      tollgate: {
        version: 1,
        requested_by: "alice",
        change_type: "minor",
        emergency: false,
        policy_digest: "x",
        checklist: {},
      },
    });
    const answer = await comment(world, "alice", pr.number, "/approve production");
    expect(answer.reactions).toContain("+1");
    expect(findingsOf(await auditOf(world), frame)).toContain("forged_deployment");
  });

  test("mode rollback started by someone without rollback authority is refused", async () => {
    const pr = await greenPullRequest("rollback-by-mallory");
    const run = await runAction(world, {
      sha: pr.head,
      token,
      actor: "mallory",
      inputs: { environment: "production", mode: "rollback" },
    });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain("@mallory may not roll production back");
  });

  test("an intermediate commit of a merged, approved PR is not covered by its approvals", async () => {
    const pr = await openPullRequest(world, "dave", {
      branch: "two-commits",
      title: "Two commits",
      body: "Change.",
    });
    const first = pr.head;
    const owner = world.people["owner"]!;
    await world.sandbox.client.putFile(owner.token, `${ORG}/${REPO}`, "src/second.ts", "export {};\n", {
      branch: "two-commits",
    });
    const { data: head } = await mallory.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: ORG,
      repo: REPO,
      pull_number: pr.number,
    });
    expect(head.head.sha).not.toBe(first);
    await ciCheck(ci, first, "success");
    await ciCheck(ci, head.head.sha, "success");
    await settled(world);
    await comment(world, "alice", pr.number, "/approve staging");
    await comment(world, "bob", pr.number, "/approve staging");
    await owner.octokit.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", {
      owner: ORG,
      repo: REPO,
      pull_number: pr.number,
    });
    expect(decisionOf(await gate(head.head.sha, "staging")).decision).toBe("allowed");

    const run = await gate(first, "staging");
    expect(decisionOf(run).decision).not.toBe("allowed");
  });
});

/** Anyone with write access may delete someone else's comment on a PR. */
async function deletedByMallory(commentId: number): Promise<void> {
  await mallory.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", {
    owner: ORG,
    repo: REPO,
    comment_id: commentId,
  });
  await settled(world);
}

describe("comments and deliveries", () => {
  test("a deleted approval comment withdraws the approval; a deleted rejection stays", async () => {
    const pr = await greenPullRequest("deleted-comments");
    const alice = await comment(world, "alice", pr.number, "/approve staging");
    await comment(world, "bob", pr.number, "/approve staging");
    expect(decisionOf(await gate(pr.head, "staging")).decision).toBe("allowed");

    await deletedByMallory(alice.id);
    expect(decisionOf(await gate(pr.head, "staging"))).toEqual({
      decision: "waiting",
      code: "awaiting_approval",
    });

    const rejection = await comment(world, "bob", pr.number, "/reject staging not this one");
    expect(decisionOf(await gate(pr.head, "staging")).code).toBe("rejected");
    await deletedByMallory(rejection.id);
    expect(decisionOf(await gate(pr.head, "staging")).code).toBe("rejected");
  });

  test("a push back-dated before an approval does not inherit it when the approval is redelivered", async () => {
    const pr = await greenPullRequest("backdated");
    // Both approvals arrive while GitHub fails the App's writes: nothing is recorded until redelivery.
    await world.sandbox.client.addFault({
      kind: "status",
      status: 502,
      method: "POST",
      path: String.raw`/\/deployments\/\d+\/statuses$/`,
      count: 2,
    });
    const approvals = [
      await comment(world, "alice", pr.number, "/approve staging"),
      await comment(world, "bob", pr.number, "/approve staging"),
    ];
    expect(approvals.map((a) => a.reactions)).toEqual([[], []]);
    await world.sandbox.client.advanceClock(60); // the push comes a minute later, by GitHub's clock
    // dave pushes a commit whose committer date says it came a day before alice's comment.
    const dave = world.people["dave"]!.octokit;
    const { data: head } = await dave.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      owner: ORG,
      repo: REPO,
      commit_sha: pr.head,
    });
    const past = { name: "dave", email: "dave@example.test", date: "2020-01-01T00:00:00Z" };
    const { data: backdated } = await dave.request("POST /repos/{owner}/{repo}/git/commits", {
      owner: ORG,
      repo: REPO,
      message: "Quietly add a backdoor",
      tree: head.tree.sha,
      parents: [pr.head],
      author: past,
      committer: past,
    });
    await dave.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
      owner: ORG,
      repo: REPO,
      ref: "heads/backdated",
      sha: backdated.sha,
    });
    await ciCheck(ci, backdated.sha, "success");
    await settled(world);

    const ids = new Set(approvals.map((a) => a.id));
    for (const delivery of await world.sandbox.client.deliveries("issue_comment.created"))
      if (ids.has((delivery.request.payload as { comment: { id: number } }).comment.id))
        await world.sandbox.client.redeliver(delivery.id);
    await settled(world);
    const answers = await Promise.all(approvals.map((a) => answerTo(world, pr.number, a.id)));
    expect(answers.map((a) => a.reactions)).toEqual([["-1"], ["-1"]]);
    expect(answers[0]!.replies.join("\n")).toContain("stale commit");
    expect(decisionOf(await gate(backdated.sha, "staging"))).toEqual({
      decision: "waiting",
      code: "awaiting_approval",
    });
  });

  test("a redelivered /rollback dispatches the rollback once", async () => {
    const pr = await greenPullRequest("rollback-once");
    const workflow = octokitFor(world.sandbox, token);
    await createDeployment(workflow, pr.head, "production", {
      tollgate: { version: 1, requested_by: "dave" },
    });
    const rollbacks = async () => {
      const { data } = await mallory.request("GET /repos/{owner}/{repo}/actions/runs", {
        owner: ORG,
        repo: REPO,
      });
      return data.workflow_runs.filter((r) => r.path === ".github/workflows/rollback.yml").length;
    };
    const before = await rollbacks();
    const asked = await comment(world, "alice", pr.number, "/rollback production");
    expect(asked.reactions).toEqual(["+1"]);
    expect(await rollbacks()).toBe(before + 1);
    // The rollback's own deployment is now the environment's newest, as after a real rollback.
    await createDeployment(workflow, pr.head, "production", {
      tollgate: { version: 1, requested_by: "alice" },
    });

    const [delivery] = (await world.sandbox.client.deliveries("issue_comment.created")).filter(
      (d) => (d.request.payload as { comment: { id: number } }).comment.id === asked.id,
    );
    await world.sandbox.client.redeliver(delivery!.id);
    await settled(world);
    expect(await rollbacks()).toBe(before + 1);
  });
});
