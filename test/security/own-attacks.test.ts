/**
 * More attacks by a person with plain write access, derived from THREAT_MODEL.md's actors rather than
 * from the issue that listed the first ones: comments edited by someone else, captured webhooks, records
 * imitated on the App's own deployments, a policy relaxed on the attacker's branch, a workflow of an
 * unreviewed branch, a push after the approvals. Each first shows GitHub (the strict sandbox) let the
 * attacker's request through, then that Tollgate's decision did not change.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { runAction } from "../../scripts/worlds/action-run.js";
import { comment, settled, type AppWorld } from "../../scripts/worlds/app-world.js";
import { ciCheck, run as workflowRun, runState } from "../app/fixtures.js";
import { FULL, ORG, REPO, openPullRequest } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { decisionOf, greenPullRequest as openGreen, startAttackWorld } from "./attack-world.js";
import { auditOf, findingsOf } from "./audit-of.js";

const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
checklist:
  ci: { checks: [build] }
  ci-app: { checks: [{ name: build, app: ci }] }
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
  preview:
    approval: none
    checklist: [ci]
    strategies: [direct]
    rollback: { redeploy_previous: true }
  canary:
    approval: none
    checklist: [ci-app]
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
afterAll(() => world.close());

const greenPullRequest = (branch: string, author?: string, files?: Record<string, string>) =>
  openGreen({ world, ci }, branch, author, files);

const gate = (sha: string, environment: string) =>
  runAction(world, { sha, token, actor: "dave", inputs: { environment, mode: "gate" } });
const AWAITING = { decision: "waiting", code: "awaiting_approval" };

/** GitHub lets anyone with write access edit someone else's comment on a PR. */
async function editedByMallory(commentId: number, body: string): Promise<void> {
  const { data } = await mallory.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
    owner: ORG,
    repo: REPO,
    comment_id: commentId,
    body,
  });
  expect(data.body).toBe(body);
  await settled(world);
}

/** The App's own record of an environment for a commit: the deployment its bot created. */
async function appRecord(sha: string, environment: string): Promise<number> {
  const { data } = await mallory.request("GET /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    sha,
    environment,
  });
  const record = data.find((d) => d.creator?.login === world.bot);
  if (!record) throw new Error(`no record of ${environment} by the App for ${sha}`);
  return Number(record.id);
}

async function statusBy(
  as: Octokit,
  deploymentId: number,
  status: { state: "queued" | "success" | "failure"; environment: string; description: string },
) {
  const { data } = await as.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: deploymentId,
    ...status,
  });
  await settled(world);
  return data as { creator: { login: string }; description: string };
}

describe("comments edited by someone else", () => {
  test("approvers' /approve staging comments edited into /approve eu approve nothing more", async () => {
    const pr = await greenPullRequest("edited-approvals");
    const approvals = [
      await comment(world, "alice", pr.number, "/approve staging"),
      await comment(world, "bob", pr.number, "/approve staging"),
    ];
    expect(decisionOf(await gate(pr.head, "staging")).decision).toBe("allowed");

    for (const a of approvals) await editedByMallory(a.id, "/approve eu");
    expect(decisionOf(await gate(pr.head, "eu"))).toEqual(AWAITING);
    expect(decisionOf(await gate(pr.head, "staging")).decision).toBe("allowed");
  });

  test("approvers' plain comments edited into /approve eu approve nothing", async () => {
    const pr = await greenPullRequest("edited-remarks");
    const remarks = [
      await comment(world, "alice", pr.number, "I will look at this tomorrow."),
      await comment(world, "bob", pr.number, "Same here."),
    ];
    for (const r of remarks) await editedByMallory(r.id, "/approve eu");
    expect(decisionOf(await gate(pr.head, "eu"))).toEqual(AWAITING);
  });
});

describe("captured webhooks", () => {
  test("a captured comment webhook altered into an approval is refused by its signature", async () => {
    const pr = await greenPullRequest("captured-webhook");
    const remark = await comment(world, "alice", pr.number, "Thanks, reading it now.");
    const [captured] = (await world.sandbox.client.deliveries("issue_comment.created")).filter(
      (d) => (d.request.payload as { comment: { id: number } }).comment.id === remark.id,
    );
    const send = (payload: unknown) =>
      fetch(world.webhookUrl, {
        method: "POST",
        headers: captured!.request.headers,
        body: JSON.stringify(payload),
      });
    // The capture as it was reaches the App and is accepted: the channel is open to whoever holds it.
    expect((await send(captured!.request.payload)).status).toBeLessThan(300);

    const payload = structuredClone(captured!.request.payload) as { comment: { body: string } };
    payload.comment.body = "/approve eu";
    const forged = await send(payload);
    await settled(world);
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(decisionOf(await gate(pr.head, "eu"))).toEqual(AWAITING);
  });
});

describe("captured webhooks, replayed", () => {
  test("an approval's webhook replayed after the approver rejected, and after the record was deleted, changes nothing", async () => {
    const pr = await greenPullRequest("replayed-approval");
    const approval = await comment(world, "alice", pr.number, "/approve eu");
    expect(approval.reactions).toEqual(["+1"]);
    await world.sandbox.client.advanceClock(5);
    await comment(world, "alice", pr.number, "/reject eu not after all");
    const record = await appRecord(pr.head, "eu");
    await statusBy(mallory, record, { state: "queued", environment: "eu", description: "x" });
    const { data: inactive } = await mallory.request(
      "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
      { owner: ORG, repo: REPO, deployment_id: record, state: "inactive" },
    );
    expect(inactive.state).toBe("inactive");
    const deleted = await mallory.request("DELETE /repos/{owner}/{repo}/deployments/{deployment_id}", {
      owner: ORG,
      repo: REPO,
      deployment_id: record,
    });
    expect(deleted.status).toBe(204);

    await world.sandbox.client.advanceClock(5);
    const [captured] = (await world.sandbox.client.deliveries("issue_comment.created")).filter(
      (d) => (d.request.payload as { comment: { id: number } }).comment.id === approval.id,
    );
    const replayed = await fetch(world.webhookUrl, {
      method: "POST",
      headers: captured!.request.headers,
      body: JSON.stringify(captured!.request.payload),
    });
    await settled(world);
    expect(replayed.status).toBeLessThan(300);
    expect(decisionOf(await gate(pr.head, "eu"))).toEqual({ decision: "blocked", code: "rejected" });
  });
});

describe("records imitated on the App's own deployments", () => {
  test("a status imitating the App's approval on its own record counts for nothing, and the audit sees it", async () => {
    const pr = await greenPullRequest("imitated-approval");
    await comment(world, "alice", pr.number, "/approve eu");
    const record = await appRecord(pr.head, "eu");
    const forged = await statusBy(mallory, record, {
      state: "queued",
      environment: "eu",
      description: "Tollgate: approved by @bob: 2/2 (2 of group:leads)",
    });
    expect(forged.creator.login).toBe("mallory");

    const run = await gate(pr.head, "eu");
    expect(decisionOf(run)).toEqual(AWAITING);
    expect(run.summary).toContain("1 counted so far");
    expect(run.summary).not.toMatch(/✅ @bob/);
    expect(findingsOf(await auditOf(world), record)).toContain("forged_decision");
  });

  test("a status imitating the App's attestation is no staging success, and the audit sees it", async () => {
    const pr = await greenPullRequest("imitated-attestation");
    await comment(world, "alice", pr.number, "/approve staging");
    await comment(world, "bob", pr.number, "/approve staging");
    const record = await appRecord(pr.head, "staging");
    const forged = await statusBy(mallory, record, {
      state: "success",
      environment: "staging",
      description: "Tollgate verified: success in staging by run 1 (deploy.yml, push)",
    });
    expect(forged.creator.login).toBe("mallory");

    const run = await gate(pr.head, "production");
    expect(decisionOf(run)).toEqual({ decision: "waiting", code: "prerequisite_missing" });
    expect(findingsOf(await auditOf(world), record)).toContain("forged_decision");
  });
});

describe("the attacker's own branch", () => {
  test("a pull request that relaxes the policy on its branch is judged by the default branch's policy", async () => {
    const relaxed = POLICY.replace(/approval: required/g, "approval: none");
    const pr = await greenPullRequest("relaxed-policy", "mallory", { ".github/tollgate.yml": relaxed });
    const { data } = await mallory.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: ORG,
      repo: REPO,
      path: ".github/tollgate.yml",
      ref: pr.head,
      headers: { accept: "application/vnd.github.raw+json" },
    });
    expect(String(data)).toContain("approval: none");

    expect(decisionOf(await gate(pr.head, "eu"))).toEqual(AWAITING);
  });

  test("a job of a workflow on an unreviewed branch, targeting a protected environment, is not approved by the App", async () => {
    const pr = await greenPullRequest("unreviewed-job", "mallory");
    const owner = world.people["owner"]!.octokit;
    await owner.request("PUT /repos/{owner}/{repo}/environments/{environment_name}", {
      owner: ORG,
      repo: REPO,
      environment_name: "eu",
    });
    await owner.request(
      "POST /repos/{owner}/{repo}/environments/{environment_name}/deployment_protection_rules",
      { owner: ORG, repo: REPO, environment_name: "eu", integration_id: world.app.id },
    );
    const runId = await workflowRun(world, pr.head, "unreviewed-job");
    await world.sandbox.client.control("POST", `/repos/${FULL}/runs/${runId}/deployments`, {
      environment: "eu",
    });
    await settled(world);

    const state = await runState(world, runId);
    expect(state.gates).toEqual([expect.objectContaining({ environment: "eu" })]);
    expect(state.gates[0]!.state).not.toBe("approved");
    expect(state.gates[0]!.comments.map((c) => c.comment).join("\n")).toContain("waiting");
  });

  test("a commit pushed after the approvals, even one adding a single file, is not covered by them", async () => {
    const pr = await greenPullRequest("pushed-after");
    await comment(world, "alice", pr.number, "/approve eu");
    await comment(world, "bob", pr.number, "/approve eu");
    expect(decisionOf(await gate(pr.head, "eu")).decision).toBe("allowed");

    await world.sandbox.client.putFile(
      world.people["mallory"]!.token,
      FULL,
      "src/extra.ts",
      "export const extra = true;\n",
      { branch: "pushed-after" },
    );
    const { data } = await mallory.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: ORG,
      repo: REPO,
      pull_number: pr.number,
    });
    expect(data.head.sha).not.toBe(pr.head);
    await ciCheck(ci, data.head.sha, "success");
    await settled(world);
    expect(decisionOf(await gate(data.head.sha, "eu"))).toEqual(AWAITING);
  });
});

describe("checks", () => {
  test("a commit status named like a required check does not meet a check bound to its App", async () => {
    const pr = await openPullRequest(world, "mallory", {
      branch: "status-as-check",
      title: "t",
      body: "Change.",
    });
    const { data } = await mallory.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
      owner: ORG,
      repo: REPO,
      sha: pr.head,
      state: "success",
      context: "build",
    });
    expect(data.creator?.login).toBe("mallory");
    await settled(world);
    // A plain name takes it: anyone with write access can post a commit status of any name.
    expect(decisionOf(await gate(pr.head, "preview")).decision).toBe("allowed");

    const run = await gate(pr.head, "canary");
    expect(decisionOf(run)).toEqual({ decision: "waiting", code: "checks_missing" });
    expect(run.summary).toContain("only ci's check runs count");
    await ciCheck(ci, pr.head, "success");
    await settled(world);
    expect(decisionOf(await gate(pr.head, "canary")).decision).toBe("allowed");
  });
});

describe("commands by someone without authority", () => {
  test("/rollback by a writer without rollback authority dispatches nothing", async () => {
    const pr = await greenPullRequest("rollback-by-writer");
    const rollbacks = async () => {
      const { data } = await mallory.request("GET /repos/{owner}/{repo}/actions/runs", {
        owner: ORG,
        repo: REPO,
      });
      return data.workflow_runs.filter((r) => r.path === ".github/workflows/rollback.yml").length;
    };
    const before = await rollbacks();
    const asked = await comment(world, "mallory", pr.number, "/rollback production");
    expect(asked.id).toBeGreaterThan(0);
    expect(asked.reactions).toEqual(["-1"]);
    expect(asked.replies.join("\n")).toContain("only approvers of production");
    expect(await rollbacks()).toBe(before);
  });
});
