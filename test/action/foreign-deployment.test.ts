/**
 * Another tool's deployment left `in_progress` in the same environment, written with the same workflow
 * token as the Action's, neither blocks a Tollgate rollout nor is marked abandoned by it.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { ORG, REPO, createWorld, octokitFor, type World } from "../../sandbox/seed/index.js";
import { runAction, statusesOf, workflowToken } from "../../scripts/worlds/action-run.js";

const POLICY = `version: 1
strategies:
  direct: { type: direct, run: "true" }
environments:
  production:
    approval: none
    strategies: [direct]
    rollback: { run: "true" }
`;

let world: World;
let token: string;

beforeAll(async () => {
  world = await createWorld({ policy: POLICY });
  token = await workflowToken(world);
});
afterAll(() => world.close());

test("a deployment another tool left in progress does not hold the environment", async () => {
  const workflow = octokitFor(world.sandbox, token);
  const { data: main } = await workflow.request("GET /repos/{owner}/{repo}/commits/{ref}", {
    owner: ORG,
    repo: REPO,
    ref: "main",
  });
  const { data: foreign } = await workflow.request("POST /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    ref: main.sha,
    environment: "production",
    auto_merge: false,
    required_contexts: [],
    payload: { tool: "another-deployer" },
  });
  const foreignId = (foreign as { id: number }).id;
  await workflow.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: foreignId,
    state: "in_progress",
    description: "deploying with another tool",
  });

  const run = await runAction(world, {
    sha: main.sha,
    token,
    inputs: { environment: "production", mode: "deploy" },
  });
  expect(run.stdout + run.stderr).not.toContain("another rollout is in progress");
  expect({ code: run.code, status: run.outputs["status"] }).toEqual({ code: 0, status: "success" });
  expect((await statusesOf(world, foreignId)).map((s) => s.state)).toEqual(["in_progress"]);
});
