/**
 * Failing closed: a malformed policy, GitHub answering 500/502 or a secondary rate limit, bad inputs.
 * Whatever breaks, the built Action either decides correctly or fails; it never passes by accident.
 * Every test starts the built Action against the sandbox: explicit timeouts, for a loaded machine.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { approvalDescription } from "../../src/records/format.js";
import { FULL, ORG, REPO, createWorld, openPullRequest, type World } from "../../sandbox/seed/index.js";
import { runAction, verifiedByApp, workflowToken } from "../../scripts/worlds/action-run.js";
import { PEOPLE, POLICY, TEAMS } from "../../scripts/worlds/action-policy.js";

let world: World;
let token: string;
let app: Octokit;
let head: string;

beforeAll(async () => {
  world = await createWorld({ policy: POLICY, people: PEOPLE, teams: TEAMS });
  token = await workflowToken(world);
  app = await world.installation();
  head = (
    await openPullRequest(world, "dave", {
      branch: "f",
      title: "f",
      body: "## Rollback plan\nRevert.",
      labels: ["minor"],
    })
  ).head;
});
afterAll(() => world.close());

const gate = (environment: string, inputs: Record<string, string> = {}) =>
  runAction(world, { sha: head, token, inputs: { environment, ...inputs } });

test("a malformed policy fails the step with the located error as an annotation on the policy file", async () => {
  const broken = POLICY.replace('"*": { from: [group:leads] }', '"*": { from: [group:leads], count: two }');
  await world.sandbox.client.putFile(world.people["owner"]!.token, FULL, ".github/tollgate.yml", broken);
  const line = broken.split("\n").findIndex((l) => l.includes("count: two")) + 1;
  const run = await gate("production");
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(
    new RegExp(
      `::error title=Tollgate policy,file=.github/tollgate.yml,line=${line},col=\\d+::.*count: expected a positive integer`,
    ),
  );
  expect(run.outputs).toMatchObject({ decision: "error", "reason-code": "action_error" });
  expect(run.summary).toContain("The policy is invalid");
  await world.sandbox.client.putFile(world.people["owner"]!.token, FULL, ".github/tollgate.yml", POLICY);
}, 30_000);

test("bad inputs fail with what to fix", async () => {
  const run = await gate("production", { mode: "ship", "wait-for-approval": "soon" });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(
    "`mode` must be one of gate, deploy, rollback, resume, abort, checkpoints, audit, wake",
  );
  expect(run.stdout).toContain("`wait-for-approval` must be a duration such as 30m");
}, 30_000);

test("the token is masked and never printed", async () => {
  const run = await gate("production");
  expect(run.stdout).toContain(`::add-mask::${token}`);
  expect(run.stdout.split(`::add-mask::${token}`).join("")).not.toContain(token);
}, 30_000);

test.each([
  { kind: "status", status: 500, path: "/graphql" },
  { kind: "status", status: 502, path: "/api/graphql" },
  { kind: "secondary_rate_limit", path: "/**", retry_after: 1 },
] as const)(
  "GitHub failing ($kind on $path) on the evidence read: the gate fails closed",
  async (fault) => {
    await world.sandbox.client.addFault({ ...fault, count: 1 });
    const run = await gate("staging");
    await world.sandbox.client.clearFaults();
    expect(run.code).toBe(1);
    expect(run.outputs["decision"]).toBe("error");
  },
  30_000,
);

test("a deployment record that cannot be written stops an allowed deploy", async () => {
  await world.sandbox.client.addFault({
    kind: "status",
    status: 502,
    method: "POST",
    path: "/repos/*/*/deployments",
    count: 1,
  });
  const run = await gate("staging", { mode: "deploy" });
  await world.sandbox.client.clearFaults();
  expect(run.code).toBe(1);
  expect(run.stdout).not.toContain("deploying");
}, 30_000);

test("under random 500s, 502s and secondary rate limits, a gate that must refuse never passes", async () => {
  await world.sandbox.client.control("POST", "/faults/seed", { seed: 7 });
  await world.sandbox.client.addFault({ kind: "status", status: 500, path: "/**", probability: 0.3 });
  await world.sandbox.client.addFault({ kind: "status", status: 502, path: "/graphql", probability: 0.2 });
  await world.sandbox.client.addFault({
    kind: "secondary_rate_limit",
    path: "/**",
    retry_after: 1,
    probability: 0.2,
  });
  const runs = [];
  for (let i = 0; i < 8; i++) runs.push(await gate("production"));
  await world.sandbox.client.clearFaults();
  // production needs staging and an approval: nothing here may let it through.
  expect(runs.map((r) => r.code)).toEqual(Array(8).fill(1));
  expect(runs.every((r) => r.outputs["decision"] !== "allowed")).toBe(true);
  // …and the faults did fire: some runs decided (waiting), others failed on GitHub's errors.
  expect(new Set(runs.map((r) => r.outputs["decision"]))).toEqual(new Set(["waiting", "error"]));
}, 30_000);

test("wait-for-approval polls until the App records the approval", async () => {
  // Staging first, long enough ago; then production waits while an approval arrives.
  const staging = await gate("staging", { mode: "deploy" });
  await verifiedByApp(world, Number(staging.outputs["deployment-id"]), "staging");
  expect(staging.code).toBe(0);
  const { data: statuses } = await app.request(
    "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
    {
      owner: ORG,
      repo: REPO,
      deployment_id: Number(staging.outputs["deployment-id"]),
    },
  );
  const success = statuses.find((s) => s.state === "success")!;
  await world.sandbox.client.setTimestamp({
    repo: FULL,
    kind: "deployment_status",
    id: Number(success.id),
    ago_seconds: 7200,
  });

  const production = async () => {
    const { data } = await app.request("GET /repos/{owner}/{repo}/deployments", {
      owner: ORG,
      repo: REPO,
      environment: "production",
    });
    if (!data[0]) return { id: undefined, count: 0 };
    const listed = await app.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
      owner: ORG,
      repo: REPO,
      deployment_id: Number(data[0].id),
    });
    return { id: Number(data[0].id), count: listed.data.length };
  };
  const before = await production();
  const waiting = gate("production", { "wait-for-approval": "3s" });
  // The awaiting record is written before the Action starts waiting; the App then approves on it.
  let deploymentId: number | undefined;
  for (let i = 0; i < 50 && deploymentId === undefined; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await production();
    if (now.count > before.count) deploymentId = now.id;
  }
  await app.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: deploymentId!,
    state: "queued",
    description: approvalDescription("approved", "bob", "1 of group:leads"),
  });
  const run = await waiting;
  expect(run.stdout).toContain("waiting for approval: next check in");
  expect(run.code).toBe(0);
  expect(run.outputs).toMatchObject({ decision: "allowed", status: "queued" });
}, 30_000);
