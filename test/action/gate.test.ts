/**
 * The built Action (`node dist/index.js`) against the sandbox in strict mode, through a deployment's
 * whole story: staging deployed, production refused until staging has soaked, then awaiting approval
 * (fail fast, the run's URL recorded), a forged approval ignored, the App's approval counted, and a
 * freeze that only a hotfix may break, with the override recorded.
 */
import { afterAll, beforeAll, expect } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { approvalDescription, readPayload } from "../../src/records/format.js";
import { FULL, ORG, REPO, createWorld, openPullRequest, type World } from "../../sandbox/seed/index.js";
import {
  runAction,
  statusesOf,
  verifiedByApp,
  workflowToken,
  type ActionRun,
} from "../../scripts/worlds/action-run.js";
import { PEOPLE, POLICY, TEAMS } from "../../scripts/worlds/action-policy.js";
import { scenario } from "../support/scenario.js";

/** One story: each step builds on the deployments the previous steps left. */
const step = scenario();

let world: World;
let token: string;
let app: Octokit;
let pr: { number: number; head: string };
let sha: string;
let deploymentId: number;
const RUN_URL = "https://github.example.test/acme/shop/actions/runs/4242";

beforeAll(async () => {
  world = await createWorld({ policy: POLICY, people: PEOPLE, teams: TEAMS });
  token = await workflowToken(world);
  app = await world.installation();
  pr = await openPullRequest(world, "dave", {
    branch: "checkout",
    title: "Faster checkout",
    body: "Faster.\n\n## Rollback plan\nRevert the PR.",
    labels: ["minor"],
  });
  const merged = await world.people["owner"]!.octokit.request(
    "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge",
    {
      owner: ORG,
      repo: REPO,
      pull_number: pr.number,
    },
  );
  sha = merged.data.sha;
});
afterAll(() => world.close());

const gate = (environment: string, mode = "gate") =>
  runAction(world, { sha, token, inputs: { environment, mode } });
const diagnose = (run: ActionRun) => `exit ${run.code}\n${run.stdout}\n${run.stderr}`;

step("staging: approved automatically, deployed with mode deploy, every status linking the run", async () => {
  const run = await gate("staging", "deploy");
  expect({ code: run.code, decision: run.outputs["decision"] }).toEqual({ code: 0, decision: "allowed" });
  expect(run.outputs["status"]).toBe("success");
  const statuses = await statusesOf(world, Number(run.outputs["deployment-id"]));
  // Rollout started, the step applied, the step done, the outcome.
  expect(statuses.map((s) => s.state)).toEqual(["in_progress", "in_progress", "in_progress", "success"]);
  for (const status of statuses) {
    expect(status).toMatchObject({ log_url: RUN_URL, creator: { login: "github-actions[bot]" } });
    expect(status.description).toMatch(/^Tollgate (step|outcome): /);
  }
  expect(run.stdout).toContain(`deploying ${sha} to staging`);
  expect(run.stdout).toContain("::group::Roll out (direct, 1 steps)");
  await verifiedByApp(world, Number(run.outputs["deployment-id"]), "staging");
});

step(
  "production before staging has soaked: refused with the time left; approvers may approve meanwhile",
  async () => {
    const { data: deployments } = await app.request("GET /repos/{owner}/{repo}/deployments", {
      owner: ORG,
      repo: REPO,
      environment: "staging",
    });
    const staging = await statusesOf(world, Number(deployments[0]!.id));
    // The App's verified record is the success that counts (its soak starts there).
    const success = staging.findLast((s) => s.state === "success")!;
    await world.sandbox.client.setTimestamp({
      repo: FULL,
      kind: "deployment_status",
      id: success.id,
      ago_seconds: 1800,
    });

    await world.sandbox.client.control("DELETE", "/requests");
    const run = await gate("production");
    expect(run.code).toBe(1);
    expect(run.outputs["reason-code"]).toBe("soak_pending");
    expect(run.summary).toMatch(/staging has soaked 30m\d*s? of 1h; 29m\d*s? left/);
    // The approval is missing too, so the record says "awaiting" already: approvals can come in during the soak.
    expect(run.outputs["status"]).toBe("pending");
    deploymentId = Number(run.outputs["deployment-id"]);

    // The evidence in 2 points (two 1-point GraphQL reads: the policy names a team) and two writes (the
    // deployment, its status): the budget of a gate.
    const requests = (await world.sandbox.client.requests()).filter((r) => r.actor === "github-actions[bot]");
    expect(requests.map((r) => r.operationId ?? r.path)).toEqual([
      "graphql",
      "graphql",
      "repos/create-deployment",
      "repos/create-deployment-status",
    ]);
    expect(requests.filter((r) => r.resource === "graphql").reduce((sum, r) => sum + r.points, 0)).toBe(2);
    expect(run.result).toMatchObject({ version: 1, requests: 4, deployment_id: deploymentId });

    // Two hours ago: the soak is over, and the approval is what is missing now.
    await world.sandbox.client.setTimestamp({
      repo: FULL,
      kind: "deployment_status",
      id: success.id,
      ago_seconds: 7200,
    });
  },
);

step(
  "production without approval: fails fast, awaiting, with who may approve and the comment to write",
  async () => {
    const run = await gate("production");
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({
      decision: "waiting",
      "reason-code": "awaiting_approval",
      status: "pending",
    });
    expect(Number(run.outputs["deployment-id"])).toBe(deploymentId);
    const awaiting = (await statusesOf(world, deploymentId)).at(-1);
    expect(awaiting).toMatchObject({
      state: "pending",
      log_url: RUN_URL,
      creator: { login: "github-actions[bot]" },
    });
    expect(awaiting!.description).toMatch(
      /^Tollgate awaiting: needs 1 of group:leads; comment \/approve production on PR #1/,
    );
    expect(run.summary).toContain("**Who can approve:** @alice, @bob");
    expect(run.summary).toContain(
      `a new comment \`/approve production\` on [the pull request](https://github.example.test/${FULL}/pull/${pr.number})`,
    );
    expect(run.stdout).toContain("::error::Awaiting approval");

    // The deployment was found in the evidence: the two GraphQL reads (2 points) and one write.
    expect(run.result).toMatchObject({ requests: 3 });

    const { data } = await app.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}", {
      owner: ORG,
      repo: REPO,
      deployment_id: deploymentId,
    });
    expect(readPayload(data.payload)).toMatchObject({
      requested_by: "owner",
      change_type: "minor",
      pull_request: { number: pr.number, author: "dave", head_sha: pr.head },
      // The snapshot of when the record was made: during the soak.
      checklist: { "requires-staging": "pending", "rollback-plan": "passed", approval: "pending" },
    });
  },
);

step("an 'approval' status written by someone other than the App is ignored", async () => {
  await world.people["alice"]!.octokit.request(
    "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
    {
      owner: ORG,
      repo: REPO,
      deployment_id: deploymentId,
      state: "queued",
      description: approvalDescription("approved", "alice", "1 of group:leads"),
    },
  );
  const run = await gate("production");
  expect(run.code).toBe(1);
  expect(run.outputs["reason-code"]).toBe("awaiting_approval");
  expect(Number(run.outputs["deployment-id"])).toBe(deploymentId);
});

step("approved through the App: allowed, and the deployment carries the chain", async () => {
  await app.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: deploymentId,
    state: "queued",
    description: approvalDescription("approved", "alice", "1 of group:leads"),
    log_url: `https://github.example.test/${FULL}/pull/${pr.number}#issuecomment-1`,
  });
  const run = await gate("production");
  expect(run.code === 0 ? 0 : diagnose(run)).toBe(0);
  expect(run.outputs).toMatchObject({ decision: "allowed", "reason-code": "ready", status: "queued" });
  expect(Number(run.outputs["deployment-id"])).toBe(deploymentId);
  const chain = (await statusesOf(world, deploymentId)).map(
    (s) => `${s.state} ${s.creator.login} ${s.description}`,
  );
  const awaiting =
    "pending github-actions[bot] Tollgate awaiting: needs 1 of group:leads; comment /approve production on PR #1";
  // Each run that found the approval missing said so (the soak, the first ask, after the forged one).
  expect(chain).toEqual([
    awaiting,
    awaiting,
    "queued alice Tollgate: approved by @alice: 1 of group:leads",
    awaiting,
    `queued ${world.bot} Tollgate: approved by @alice: 1 of group:leads`,
    "queued github-actions[bot] Tollgate step: gate passed (minor)",
  ]);
  expect(run.summary).toContain("✅ @alice (1 of group:leads)");
});

step("a freeze refuses a minor change; a hotfix passes by override, recorded in the deployment", async () => {
  const refused = await gate("eu");
  expect(refused.code).toBe(1);
  expect(refused.outputs["reason-code"]).toBe("freeze_active");
  expect(refused.summary).toContain("Migration freeze");
  expect(refused.outputs["deployment-id"]).toBe("");

  const owner = world.people["owner"]!.octokit;
  await owner.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
    owner: ORG,
    repo: REPO,
    issue_number: pr.number,
    name: "minor",
  });
  await owner.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
    owner: ORG,
    repo: REPO,
    issue_number: pr.number,
    labels: ["hotfix"],
  });
  const allowed = await gate("eu");
  expect(allowed.code === 0 ? 0 : diagnose(allowed)).toBe(0);
  expect(allowed.result).toMatchObject({ override: { kind: "freeze", changeType: "hotfix" } });
  const id = Number(allowed.outputs["deployment-id"]);
  const { data } = await app.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}", {
    owner: ORG,
    repo: REPO,
    deployment_id: id,
  });
  expect(readPayload(data.payload)).toMatchObject({
    change_type: "hotfix",
    override: { kind: "freeze", change_type: "hotfix", reason: expect.stringContaining("Migration freeze") },
  });
  const [passed] = await statusesOf(world, id);
  expect(passed!.description).toMatch(
    /^Tollgate step: gate passed \(hotfix; freeze override for hotfix: .*Migration freeze/,
  );
});

step(
  "a new attempt after a rollout has ended gets a deployment of its own; one still open is reused",
  async () => {
    const first = await gate("staging", "deploy");
    const again = await gate("staging", "deploy");
    expect([first.code, again.code]).toEqual([0, 0]);
    // The first attempt ended in success, so its record tells that story alone.
    expect(again.outputs["deployment-id"]).not.toBe(first.outputs["deployment-id"]);
    const open = await gate("production");
    const reopened = await gate("production");
    expect(reopened.outputs["deployment-id"]).toBe(open.outputs["deployment-id"]);
  },
);
