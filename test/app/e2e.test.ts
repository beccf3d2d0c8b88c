/**
 * The real Probot server against the sandbox (strict): readiness check runs, approvals from comments
 * recorded as deployment statuses, a custom protection rule answered, a fast-failed gate re-run, the
 * approvers asked on the PR, and a rollback dispatched.
 */
import { afterAll, beforeAll, describe, expect } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { FULL, ORG, REPO, openPullRequest } from "../../sandbox/seed/index.js";
import {
  approvalStatuses,
  type AppWorld,
  comment,
  latestChecks,
  settled,
  startAppWorld,
} from "../../scripts/worlds/app-world.js";
import { BODY, POLICY } from "../../scripts/worlds/app-policy.js";
import { WORKFLOW, ciApp, ciCheck, run, runState } from "./fixtures.js";
import { scenario } from "../support/scenario.js";

let world: AppWorld;
let ci: Octokit;

beforeAll(async () => {
  world = await startAppWorld({
    policy: POLICY,
    people: ["dave", "alice", "bob", "deployer"],
    teams: { leads: ["alice", "bob"] },
    settings: { trustedWriters: ["github-actions[bot]", "deployer"] },
  });
  const owner = world.people["owner"]!;
  for (const name of ["deploy.yml", "rollback.yml"])
    await world.sandbox.client.putFile(owner.token, FULL, `.github/workflows/${name}`, WORKFLOW);
  ci = await ciApp(world);
});
afterAll(() => world.close());

describe("a PR's way to production", () => {
  const step = scenario();
  let pr: { number: number; head: string };
  let gated: number;

  step("PR opened → one check run per gated environment, listing its items", async () => {
    pr = await openPullRequest(world, "dave", { branch: "checkout", title: "Faster checkout", body: BODY });
    const checks = await latestChecks(world, pr.head);
    expect([...checks.keys()].sort()).toEqual(["Tollgate · production", "Tollgate · staging"]);
    const production = checks.get("Tollgate · production")!;
    expect(production.app?.slug).toBe(world.app.slug);
    expect(production.conclusion).toBe("action_required");
    expect(production.output.summary).toContain("| ⏳ | CI checks green: build |");
    expect(production.output.summary).toContain('| ✅ | "Rollback plan" section in the PR description |');
    expect(production.output.summary).toContain("**Approvals** (2 of group:leads): incomplete");
  });

  step("a job targeting production is held by the protection rule, with a status report", async () => {
    gated = await run(world, pr.head, "checkout");
    await world.sandbox.client
      .control("PUT", `/repos/${FULL}/environments/production`, {})
      .catch(() => undefined);
    const owner = world.people["owner"]!.octokit;
    await owner.request("PUT /repos/{owner}/{repo}/environments/{environment_name}", {
      owner: ORG,
      repo: REPO,
      environment_name: "production",
    });
    await owner.request(
      "POST /repos/{owner}/{repo}/environments/{environment_name}/deployment_protection_rules",
      {
        owner: ORG,
        repo: REPO,
        environment_name: "production",
        integration_id: world.app.id,
      },
    );
    await world.sandbox.client.control("POST", `/repos/${FULL}/runs/${gated}/deployments`, {
      environment: "production",
    });
    await settled(world);
    const state = await runState(world, gated);
    expect(state.gates).toEqual([
      expect.objectContaining({
        environment: "production",
        state: "waiting",
        comments: [expect.objectContaining({ state: null })],
      }),
    ]);
    expect(state.gates[0]!.comments[0]!.comment).toMatch(/^Tollgate: .* waiting: CI checks green/);
  });

  step("CI completes → the check runs update", async () => {
    await ciCheck(ci, pr.head, "success");
    const checks = await latestChecks(world, pr.head);
    expect(checks.get("Tollgate · staging")!.conclusion).toBe("success");
    expect(checks.get("Tollgate · production")!.output.summary).toContain("| ✅ | CI checks green: build |");
    expect(checks.get("Tollgate · production")!.conclusion).toBe("action_required");
  });

  step(
    "an edit that changes nothing shown writes no run; a person's re-run request writes them again",
    async () => {
      const owner = world.people["owner"]!.octokit;
      const runs = async () => {
        await settled(world);
        const { data } = await owner.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
          owner: ORG,
          repo: REPO,
          ref: pr.head,
          filter: "all",
          per_page: 100,
        });
        return data.check_runs.filter((r) => r.app?.slug === world.app.slug);
      };
      const before = await runs();
      await owner.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
        owner: ORG,
        repo: REPO,
        pull_number: pr.number,
        body: `${BODY}\nA typo fixed.\n`,
      });
      expect(await runs()).toHaveLength(before.length);

      const production = before.find((r) => r.name === "Tollgate · production")!;
      await owner.request("POST /repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest", {
        owner: ORG,
        repo: REPO,
        check_run_id: production.id,
      });
      const after = await runs();
      expect(after.map((r) => r.name).sort()).toEqual(
        [...before.map((r) => r.name), "Tollgate · production", "Tollgate · staging"].sort(),
      );
    },
  );

  step(
    "two approvals needed: 1/2, then 2/2; each a deployment status naming the admin with the comment's URL",
    async () => {
      const first = await comment(world, "alice", pr.number, "/approve production looks good");
      expect(first.reactions).toEqual(["+1"]);
      expect(first.replies).toEqual([]);
      let statuses = await approvalStatuses(world);
      expect(statuses).toEqual([
        {
          environment: "production",
          sha: pr.head,
          description: "Tollgate: approved by @alice: 1/2 (2 of group:leads)",
          log_url: first.url,
          state: "queued",
        },
      ]);
      let production = (await latestChecks(world, pr.head)).get("Tollgate · production")!;
      expect(production.conclusion).toBe("action_required");
      expect(production.output.summary).toContain(`- ✅ @alice (2 of group:leads) [comment](${first.url})`);
      expect((await runState(world, gated)).gates[0]!.state).toBe("waiting");

      const second = await comment(world, "bob", pr.number, "/approve production");
      expect(second.reactions).toEqual(["+1"]);
      statuses = await approvalStatuses(world);
      expect(statuses.map((s) => [s.description, s.log_url])).toEqual(
        expect.arrayContaining([
          ["Tollgate: approved by @alice: 1/2 (2 of group:leads)", first.url],
          ["Tollgate: approved by @bob: 2/2 (2 of group:leads)", second.url],
        ]),
      );
      production = (await latestChecks(world, pr.head)).get("Tollgate · production")!;
      expect(production.conclusion).toBe("success");
      expect(production.output.summary).toContain("**Approvals** (2 of group:leads): complete");
    },
  );

  step("the held job is approved through the protection rule review endpoint", async () => {
    const state = await runState(world, gated);
    expect(state.gates[0]!.state).toBe("approved");
    expect(state.gates[0]!.comments.at(-1)).toMatchObject({ state: "approved" });
    const reviews = world.sandbox
      .requests()
      .filter((r) => r.operationId === "actions/review-custom-gates-for-run");
    expect(reviews.every((r) => r.actor === world.bot && r.status === 204)).toBe(true);
  });

  step("a new commit makes the approvals stale: the check run no longer counts them", async () => {
    const head = (
      await world.sandbox.client.putFile(world.people["dave"]!.token, FULL, "src/more.ts", "export {};\n", {
        branch: "checkout",
      })
    ).commit.sha;
    await ciCheck(ci, head, "success");
    const production = (await latestChecks(world, head)).get("Tollgate · production")!;
    expect(production.conclusion).toBe("action_required");
    expect(production.output.summary).toContain("| ⏳ | Approval | needs 2 of group:leads |");
    expect(production.output.summary).toContain("**Approvals** (2 of group:leads): incomplete");
  });
});

describe("where protection rules are not available", () => {
  const step = scenario();
  let pr: { number: number; head: string };
  let failed: number;
  let deploymentId: number;

  step("the Action's 'awaiting approval' status → the App asks the approvers on the PR, once", async () => {
    pr = await openPullRequest(world, "dave", { branch: "search", title: "Search", body: BODY });
    await ciCheck(ci, pr.head, "success");
    failed = await run(world, pr.head, "search");
    await world.sandbox.client.control("PATCH", `/repos/${FULL}/runs/${failed}`, {
      status: "completed",
      conclusion: "failure",
    });
    const deployer = world.people["deployer"]!.octokit;
    const { data } = await deployer.request("POST /repos/{owner}/{repo}/deployments", {
      owner: ORG,
      repo: REPO,
      ref: pr.head,
      environment: "production",
      auto_merge: false,
      required_contexts: [],
      payload: {
        tollgate: {
          version: 1,
          requested_by: "deployer",
          change_type: "standard",
          emergency: false,
          policy_digest: "x",
          checklist: {},
        },
      },
    });
    deploymentId = (data as { id: number }).id;
    await deployer.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
      owner: ORG,
      repo: REPO,
      deployment_id: deploymentId,
      state: "pending",
      description: "Tollgate awaiting: 2 of group:leads",
      log_url: `${world.sandbox.url}/${FULL}/actions/runs/${failed}`,
    });
    await settled(world);
    const [delivery] = await world.sandbox.client.deliveries("deployment_status.created");
    await world.sandbox.client.redeliver(delivery!.id);
    await settled(world);
    const owner = world.people["owner"]!.octokit;
    const { data: comments } = await owner.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      {
        owner: ORG,
        repo: REPO,
        issue_number: pr.number,
      },
    );
    const asked = comments.filter((c) => c.user?.login === world.bot);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.body).toContain("production is waiting for approval");
    expect(asked[0]!.body).toContain("Approvals needed: 2 of group:leads");
    expect(asked[0]!.body).toContain("Rollback: the `rollback.yml` workflow");
    expect(asked[0]!.body).toContain("> Revert the PR.");
    expect(asked[0]!.body!.startsWith("/")).toBe(false);
  });

  step("when the approvals complete, the App re-runs the failed gate", async () => {
    await comment(world, "alice", pr.number, "/approve production");
    expect((await runState(world, failed)).run_attempt).toBe(1);
    await comment(world, "bob", pr.number, "/approve production");
    const state = await runState(world, failed);
    expect(state.run_attempt).toBe(2);
    const reruns = world.sandbox
      .requests()
      .filter((r) => r.operationId === "actions/re-run-workflow-failed-jobs");
    expect(reruns.map((r) => [r.actor, r.status])).toEqual([[world.bot, 201]]);
    // The approvals were recorded on the Action's deployment, not on a new one.
    const statuses = (await approvalStatuses(world)).filter((s) => s.sha === pr.head);
    expect(statuses).toHaveLength(2);
  });

  step("/rollback production by an approver dispatches the rollback workflow and records it", async () => {
    const asked = await comment(world, "alice", pr.number, "/rollback production");
    expect(asked.reactions).toEqual(["+1"]);
    const runs = await world.people["owner"]!.octokit.request("GET /repos/{owner}/{repo}/actions/runs", {
      owner: ORG,
      repo: REPO,
      event: "workflow_dispatch",
    });
    expect(runs.data.workflow_runs).toHaveLength(1);
    expect(runs.data.workflow_runs[0]).toMatchObject({
      path: ".github/workflows/rollback.yml",
      head_branch: "main",
    });
    const { data: deployments } = await world.people["owner"]!.octokit.request(
      "GET /repos/{owner}/{repo}/deployments",
      { owner: ORG, repo: REPO, environment: "production", per_page: 1 },
    );
    const { data: statuses } = await world.people["owner"]!.octokit.request(
      "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
      {
        owner: ORG,
        repo: REPO,
        deployment_id: Number(deployments[0]!.id),
      },
    );
    expect(statuses[0]).toMatchObject({
      description: "Tollgate rollback: requested by @alice",
      log_url: asked.url,
      creator: { login: world.bot },
    });

    const refused = await comment(world, "dave", pr.number, "/rollback production");
    expect(refused.reactions).toEqual(["-1"]);
    expect(refused.replies[0]).toMatch(
      /only approvers of production and people with the maintain or admin role/,
    );
  });
});
