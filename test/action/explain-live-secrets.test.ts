/**
 * `tollgate explain --repo` gathers the evidence the Action gathers: a PR whose diff adds a secret is
 * blocked by both, from the same scan of the PR's patches, and a PR without one is allowed by both.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { explainLiveCommand } from "../../src/cli/explain-live.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { FULL, createWorld, openPullRequest, type World } from "../../sandbox/seed/index.js";
import { runAction, workflowToken } from "../../scripts/worlds/action-run.js";

const POLICY = `version: 1
checklist:
  secrets: { no_secrets: true }
strategies:
  direct: { type: direct, run: "echo deploying" }
environments:
  staging:
    approval: automatic
    checklist: [secrets]
    strategies: [direct]
`;

let world: World;
let token: string;
beforeAll(async () => {
  world = await createWorld({ policy: POLICY, people: ["dave"] });
  token = await workflowToken(world);
}, PROCESS_TEST_MS);
afterAll(() => world.close());

async function explain(sha: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await explainLiveCommand(
    ["--repo", FULL, "--sha", sha, "--environment", "staging", "--format", "json"],
    { out: (t: string) => out.push(t), err: (t: string) => err.push(t), readFile: async () => "" },
    { GITHUB_API_URL: world.sandbox.url, GITHUB_TOKEN: world.people["owner"]!.token },
  );
  return {
    code,
    decision: JSON.parse(out.join("")) as {
      verdict: string;
      checklist: { id: string; state: string; code: string; reason: string }[];
    },
  };
}

async function gate(sha: string) {
  const run = await runAction(world, {
    sha,
    token,
    inputs: { environment: "staging", mode: "gate" },
  });
  return { run, diagnose: `exit ${run.code}\n${run.stdout}\n${run.stderr}` };
}

test(
  "a secret added in the diff blocks explain --repo as it blocks the Action",
  async () => {
    const { head } = await openPullRequest(world, "dave", {
      branch: "leak",
      title: "Configure the uploader",
      body: "Adds the uploader's configuration.",
      files: { "src/uploader.ts": "export const key = 'AKIAABCDEFGHIJKLMNOP';\n" },
    });

    const explained = await explain(head);
    expect(explained.code).toBe(1);
    expect(explained.decision.verdict).toBe("blocked");
    const item = explained.decision.checklist.find((i) => i.id === "secrets");
    expect(item).toMatchObject({ state: "failed", code: "secrets_found" });
    expect(item?.reason).toContain("AWS access key at src/uploader.ts:1");

    const { run, diagnose } = await gate(head);
    expect({ decision: run.outputs["decision"], reason: run.outputs["reason-code"] }).toEqual({
      decision: "blocked",
      reason: "secrets_found",
    });
    expect({ exit: run.code === 0 ? "success" : "failure", diagnose }).toMatchObject({ exit: "failure" });
  },
  PROCESS_TEST_MS,
);

test(
  "a diff without a secret is allowed by both",
  async () => {
    const { head } = await openPullRequest(world, "dave", {
      branch: "clean",
      title: "Configure the uploader from the environment",
      body: "Reads the key from the environment.",
      files: { "src/uploader.ts": "export const key = process.env.UPLOADER_KEY;\n" },
    });
    const explained = await explain(head);
    expect(explained.decision.checklist.find((i) => i.id === "secrets")).toMatchObject({
      state: "passed",
    });
    expect(explained).toMatchObject({ code: 0, decision: { verdict: "allowed" } });
    const { run, diagnose } = await gate(head);
    expect({ decision: run.outputs["decision"], diagnose }).toMatchObject({ decision: "allowed" });
  },
  PROCESS_TEST_MS,
);
