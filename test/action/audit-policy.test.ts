/**
 * `mode: audit` reads the policy the Action's `policy` input names, as the gate does: a repository that
 * keeps its policy elsewhere than `.github/tollgate.yml` gets its approver and window findings judged by
 * that file, not by whatever happens to sit at the default path.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { loadPolicy } from "../../src/policy/load.js";
import { FULL, createWorld, type World } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { runAction, workflowToken } from "../../scripts/worlds/action-run.js";
import { POLICY } from "../../scripts/worlds/action-policy.js";

const ELSEWHERE = "deploy/tollgate.yml";
/** A different policy from the one at the default path, so the two digests tell which file was read. */
const OTHER_POLICY = `${POLICY}
  qa:
    approval: none
`;

let world: World;
let token: string;
let sha: string;

beforeAll(async () => {
  world = await createWorld({ policy: POLICY });
  token = await workflowToken(world);
  const put = await world.sandbox.client.putFile(
    world.people["owner"]!.token,
    FULL,
    ELSEWHERE,
    OTHER_POLICY,
    {
      message: "Keep the deployment policy with the deploy scripts",
    },
  );
  sha = put.commit.sha;
}, PROCESS_TEST_MS);

afterAll(async () => {
  await world?.close();
}, PROCESS_TEST_MS);

function digestOf(text: string): string {
  const loaded = loadPolicy(text, "policy");
  if (!loaded.ok) throw new Error(`test policy is invalid: ${JSON.stringify(loaded.errors)}`);
  return loaded.policy.digest;
}

test(
  "mode audit with a policy input reads that file from the default branch, not .github/tollgate.yml",
  async () => {
    expect(digestOf(OTHER_POLICY)).not.toBe(digestOf(POLICY));
    const run = await runAction(world, {
      sha,
      token,
      runId: 900,
      inputs: { environment: "production", mode: "audit", policy: ELSEWHERE },
    });
    expect(run.stderr).not.toContain("TypeError");
    expect(run.summary).toContain(
      `Policy: ${FULL}@HEAD:${ELSEWHERE} (sha256 ${digestOf(OTHER_POLICY).slice(0, 12)})`,
    );
    expect(run.summary).not.toContain("HEAD:.github/tollgate.yml");
  },
  PROCESS_TEST_MS,
);

test(
  "mode audit without a policy input still reads .github/tollgate.yml",
  async () => {
    const run = await runAction(world, {
      sha,
      token,
      runId: 901,
      inputs: { environment: "production", mode: "audit" },
    });
    expect(run.summary).toContain(
      `Policy: ${FULL}@HEAD:.github/tollgate.yml (sha256 ${digestOf(POLICY).slice(0, 12)})`,
    );
  },
  PROCESS_TEST_MS,
);
