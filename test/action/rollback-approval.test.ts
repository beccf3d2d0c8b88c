/**
 * `mode: rollback` and the policy's rollback rules, through the built Action against the sandbox: with
 * `rollback.approval: none` it redeploys the last good version at once; with `required` it judges the
 * target with `rollback_of` and, lacking the approval, stops before anything runs or is recorded.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { FULL, ORG, REPO, createWorld, type World } from "../../sandbox/seed/index.js";
import { runAction, verifiedByApp, workflowToken } from "../../scripts/worlds/action-run.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

let world: World;
let token: string;
let dir: string;

function policy(): string {
  const rollback = join(dir, "rollback.sh");
  writeFileSync(
    rollback,
    `#!/usr/bin/env bash\necho "rollback $TOLLGATE_ENVIRONMENT $TOLLGATE_SHA -> \${TOLLGATE_PREVIOUS_SHA-}" >> ${JSON.stringify(join(dir, "log"))}\n`,
  );
  chmodSync(rollback, 0o755);
  return `version: 1
environments:
  careful:
    approval: required
    approvals: { "*": { from: [alice] } }
    rollback: { run: ${rollback}, approval: required }
  quick:
    approval: required
    approvals: { "*": { from: [alice] } }
    rollback: { run: ${rollback}, approval: none }
`;
}

const log = () =>
  existsSync(join(dir, "log")) ? readFileSync(join(dir, "log"), "utf8").trim().split("\n") : [];

async function commit(name: string): Promise<string> {
  const owner = world.people["owner"]!;
  const put = await world.sandbox.client.putFile(
    owner.token,
    FULL,
    `src/${name}.ts`,
    `export const x = 1;\n`,
    {
      message: `Add ${name}`,
    },
  );
  return put.commit.sha;
}

/** A deployment of `sha` to `environment` whose success the App verified (a rollback target). */
async function deployed(sha: string, environment: string): Promise<number> {
  const { data } = await world.people["owner"]!.octokit.request("POST /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    ref: sha,
    environment,
    auto_merge: false,
    required_contexts: [],
  });
  const id = Number((data as { id: number }).id);
  await verifiedByApp(world, id, environment);
  return id;
}

async function deploymentsOf(environment: string) {
  const { data } = await world.people["owner"]!.octokit.request("GET /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    environment,
    per_page: 100,
  });
  return data.map((d) => d.sha);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tollgate-rollback-approval-"));
  world = await createWorld({ policy: policy(), people: ["alice"] });
  token = await workflowToken(world);
}, PROCESS_TEST_MS);
afterAll(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("mode rollback and rollback.approval", () => {
  test(
    "required: without the approval it stops before any command runs or any deployment is recorded",
    async () => {
      const good = await commit("careful-good");
      const bad = await commit("careful-bad");
      await deployed(good, "careful");
      await deployed(bad, "careful");
      const before = await deploymentsOf("careful");
      const run = await runAction(world, {
        sha: bad,
        token,
        inputs: { environment: "careful", mode: "rollback" },
      });
      expect(run.code).not.toBe(0);
      expect(run.stdout).toContain(
        `rolling careful back to ${good.slice(0, 7)} needs approval (rollback.approval: required)`,
      );
      expect(run.summary).toContain("Approval");
      expect(log().filter((l) => l.startsWith("rollback careful"))).toEqual([]);
      expect(await deploymentsOf("careful")).toEqual(before);
    },
    PROCESS_TEST_MS,
  );

  test(
    "none: the same rollback runs at once, with no approval",
    async () => {
      const good = await commit("quick-good");
      const bad = await commit("quick-bad");
      await deployed(good, "quick");
      await deployed(bad, "quick");
      const run = await runAction(world, {
        sha: bad,
        token,
        inputs: { environment: "quick", mode: "rollback" },
      });
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({ "rolled-back": "true", "previous-sha": good });
      expect(log()).toContain(`rollback quick ${bad} -> ${good}`);
    },
    PROCESS_TEST_MS,
  );
});
