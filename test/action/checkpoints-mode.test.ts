/**
 * `mode: checkpoints` through the built Action (`node dist/index.js`), and `mode: validate`, its former
 * name: existing workflows keep working. Each test deploys its own environment, then runs the due
 * checkpoint under one of the two names; both record the same statuses and end the same way, and only the
 * former name warns (once, naming the new one).
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { FULL, createWorld, type World } from "../../sandbox/seed/index.js";
import { runAction, statusesOf, workflowToken } from "../../scripts/worlds/action-run.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const ENVIRONMENTS = ["blue", "green", "teal"] as const;
type Name = (typeof ENVIRONMENTS)[number];
const environment = (name: Name) => `  ${name}:
    approval: none
    strategies: [direct]
    validation: { at: [0s, 1h], analyses: [smoke], on_failure: report }`;
const POLICY = `version: 1
strategies:
  direct: { type: direct, run: "true" }
analyses:
  smoke:
    title: smoke test
    command: { run: "true", measure: exit_code }
environments:
${ENVIRONMENTS.map(environment).join("\n")}
`;
const WARNING = "::warning::`mode: validate` is deprecated: use `mode: checkpoints`, which does the same.";

let world: World;
let token: string;
beforeAll(async () => {
  world = await createWorld({ policy: POLICY, people: ["dave"] });
  token = await workflowToken(world);
}, PROCESS_TEST_MS);
afterAll(() => world.close());

/** A new commit on main, deployed to `name`: the deployment's id and the commit. */
async function deployed(name: Name): Promise<{ id: number; sha: string }> {
  const owner = world.people["owner"]!;
  const put = await world.sandbox.client.putFile(
    owner.token,
    FULL,
    `src/${name}.ts`,
    `export const x = 1;\n`,
    {
      message: `Change for ${name}`,
    },
  );
  const run = await runAction(world, {
    sha: put.commit.sha,
    token,
    runId: 500 + ENVIRONMENTS.indexOf(name),
    inputs: { environment: name, mode: "deploy" },
  });
  expect({ code: run.code, rollout: run.outputs["rollout"] }).toEqual({ code: 0, rollout: "success" });
  return { id: Number(run.outputs["deployment-id"]), sha: put.commit.sha };
}

/** Runs the checkpoints due on `name` (its +0s; +1h is not due yet) under the given mode name. */
async function checkpointsOf(name: Name, mode: string) {
  const { id, sha } = await deployed(name);
  const run = await runAction(world, {
    sha,
    token,
    runId: 600 + ENVIRONMENTS.indexOf(name),
    inputs: { environment: name, mode },
  });
  const statuses = (await statusesOf(world, id)).map((s) => `${s.state} ${s.description}`);
  return { id, run, statuses };
}

/** What any run of the due checkpoints on a freshly deployed environment shows. */
function expectCheckpointsRan({ id, run, statuses }: Awaited<ReturnType<typeof checkpointsOf>>): void {
  expect(run.code).toBe(0);
  expect(run.outputs).toMatchObject({
    decision: "allowed",
    "deployment-id": String(id),
    "rolled-back": "false",
  });
  expect(run.result).toMatchObject({ mode: "checkpoints" });
  expect(statuses.at(-1)).toMatch(/^success Tollgate validation: \+0s: smoke test/);
  expect(statuses.filter((s) => s.includes("Tollgate validation:"))).toHaveLength(1);
  expect(run.summary).toMatch(/✅ \+0s: smoke test/);
}

test(
  "mode checkpoints runs the due checkpoint and records it, with no warning",
  async () => {
    const checked = await checkpointsOf("blue", "checkpoints");
    expectCheckpointsRan(checked);
    expect(checked.run.stdout).not.toContain("::warning::");
  },
  PROCESS_TEST_MS,
);

test(
  "mode validate, the former name, does the same and warns once to use checkpoints",
  async () => {
    const checked = await checkpointsOf("green", "validate");
    expectCheckpointsRan(checked);
    expect(checked.run.stdout.split("\n").filter((line) => line.startsWith("::warning::"))).toEqual([
      WARNING,
    ]);
  },
  PROCESS_TEST_MS,
);

test(
  "an unknown mode still fails closed, listing the current names only",
  async () => {
    const run = await runAction(world, {
      sha: "0".repeat(40),
      token,
      inputs: { environment: "teal", mode: "verify" },
    });
    expect(run.code).toBe(1);
    expect(run.outputs["decision"]).toBe("error");
    expect(run.stdout).toContain(
      "`mode` must be one of gate, deploy, rollback, resume, abort, checkpoints, audit, wake",
    );
    expect(run.stdout).not.toContain("::warning::");
  },
  PROCESS_TEST_MS,
);
