import { afterAll, beforeAll, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import {
  findDeployment,
  findOrCreateDeployment,
  writeDeploymentStatus,
} from "../../src/github/deployments.js";
import { approvalDescription, type DeploymentPayload } from "../../src/records/format.js";
import { ORG, REPO, createWorld, openPullRequest, type World } from "../../sandbox/seed/index.js";
import { clientOf as asClient } from "../../src/github/client.js";

let world: World;
let app: Octokit;
let head: string;
const payload: DeploymentPayload = {
  version: 1,
  requested_by: "alice",
  change_type: "minor",
  emergency: false,
  policy_digest: "d".repeat(64),
  checklist: { ci: "passed" },
};

beforeAll(async () => {
  world = await createWorld({
    policy: "version: 1\nenvironments:\n  dev: { approval: none }\n",
    people: ["dave"],
  });
  app = await world.installation();
  head = (await openPullRequest(world, "dave", { branch: "f", title: "f", body: "" })).head;
});
afterAll(() => world.close());

test("one deployment per (environment, SHA): created once with GitHub's safe settings, then found", async () => {
  const client = asClient(app);
  const target = { owner: ORG, repo: REPO, environment: "production", sha: head };
  expect(await findDeployment(client, target)).toBeUndefined();
  const first = await findOrCreateDeployment(client, target, {
    payload,
    description: "Tollgate awaiting: approval",
  });
  const again = await findOrCreateDeployment(client, target, { payload, description: "ignored" });
  expect(first.created).toBe(true);
  expect(again).toEqual({ id: first.id, created: false, payload });

  const { data } = await app.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}", {
    owner: ORG,
    repo: REPO,
    deployment_id: first.id,
  });
  expect(data).toMatchObject({
    sha: head,
    environment: "production",
    payload: { tollgate: payload },
    creator: { login: world.bot },
  });

  await writeDeploymentStatus(
    client,
    { owner: ORG, repo: REPO, deploymentId: first.id },
    {
      state: "queued",
      description: approvalDescription("approved", "alice", "x".repeat(200)),
      logUrl: "https://example.test/c/1",
    },
  );
  const statuses = await app.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: first.id,
  });
  expect(statuses.data[0]).toMatchObject({
    state: "queued",
    log_url: "https://example.test/c/1",
    creator: { login: world.bot },
  });
  expect([...statuses.data[0]!.description!]).toHaveLength(140);
});

test("a deployment someone else created without Tollgate's payload is not Tollgate's record", async () => {
  const target = { owner: ORG, repo: REPO, environment: "staging", sha: head };
  await world.people["dave"]!.octokit.request("POST /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    ref: head,
    environment: "staging",
    required_contexts: [],
  });
  expect(await findDeployment(asClient(app), target)).toBeUndefined();
});

test("a workflow run's URL round-trips to its id", async () => {
  const { workflowRunUrl, workflowRunIdFrom } = await import("../../src/records/format.js");
  const url = workflowRunUrl("https://github.example.com/", "acme/shop", 4242);
  expect(url).toBe("https://github.example.com/acme/shop/actions/runs/4242");
  expect(workflowRunIdFrom(url)).toBe(4242);
  expect(workflowRunIdFrom(`${url}/attempts/2`)).toBe(4242);
  expect(workflowRunIdFrom("https://example.com/comment/1")).toBeUndefined();
  expect(workflowRunIdFrom(null)).toBeUndefined();
});
