/**
 * A paused rollout decided from its pull request, through the real App and the built Action on the strict
 * sandbox: `/tollgate resume <env>` and `/tollgate abort <env>` by someone who may roll the environment
 * back are recorded on the paused deployment by the App's bot, which re-runs the paused run; the re-run
 * (`mode: deploy`, the same commit) carries the decision out. Someone without that authority is refused
 * and nothing changes; the same words written by anyone but the App's bot decide nothing.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { FULL, ORG, REPO, octokitFor, openPullRequest } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS, STORY_TEST_MS } from "../support/timeouts.js";
import { runAction, statusesOf, workflowToken, type ActionRun } from "../../scripts/worlds/action-run.js";
import { comment, settled, startAppWorld, type AppWorld } from "../../scripts/worlds/app-world.js";
import { WORKFLOW, expectPauseDecided, run, runState } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "tollgate-pause-decision-"));
const LOG = `${dir}/$TOLLGATE_ENVIRONMENT.log`;
const ENVIRONMENTS = ["resumed", "aborted", "refused", "forged"];
const POLICY = `version: 1
strategies:
  canary:
    type: canary
    run: 'echo "deploy $TOLLGATE_WEIGHT $TOLLGATE_SHA" >> ${LOG}'
    steps:
      - { weight: 10, analyses: [quiet] }
      - { weight: 50 }
      - { weight: 100 }
analyses:
  quiet:
    title: error rate
    command: { run: "true", measure: stdout }
    success: "< 5"
    interval: 100ms
    count: 1
    inconclusive: pause
environments:
${ENVIRONMENTS.map(
  (name) => `  ${name}:
    approval: none
    strategies: [canary]
    rollback: { run: 'echo "rollback $TOLLGATE_SHA" >> ${LOG}' }
`,
).join("")}`;

let world: AppWorld;
let token: string;

beforeAll(async () => {
  world = await startAppWorld({
    policy: POLICY,
    people: ["alice", "mallory"],
    collaborators: { alice: "maintain" },
  });
  await world.sandbox.client.putFile(
    world.people["owner"]!.token,
    FULL,
    ".github/workflows/deploy.yml",
    WORKFLOW,
  );
  token = await workflowToken(world);
}, PROCESS_TEST_MS);
afterAll(() => world.close());

const deploy = (env: string, sha: string, runId: number) =>
  runAction(world, {
    sha,
    token,
    runId,
    inputs: { environment: env, mode: "deploy", strategy: "canary", "app-bot": world.bot },
  });
const logOf = (env: string) =>
  readFileSync(join(dir, `${env}.log`), "utf8")
    .trim()
    .split("\n");
const descriptions = async (id: number) =>
  (await statusesOf(world, id)).map((s) => `${s.state} ${s.description}`);
const diagnose = (r: ActionRun) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

interface PausedPr {
  readonly number: number;
  readonly sha: string;
  readonly runId: number;
  readonly deploymentId: number;
}

/** A PR whose commit's rollout into `env` paused at canary 10 %, its run ended failed as GitHub shows it. */
async function pausedPr(env: string): Promise<PausedPr> {
  const pr = await openPullRequest(world, "owner", { branch: env, title: env, body: "A change." });
  const runId = await run(world, pr.head, env);
  const paused = await deploy(env, pr.head, runId);
  if (paused.outputs["rollout"] !== "paused")
    throw new Error(`expected a paused rollout:\n${diagnose(paused)}`);
  expect(paused.code).toBe(1);
  await world.sandbox.client.control("PATCH", `/repos/${FULL}/runs/${runId}`, {
    status: "completed",
    conclusion: "failure",
  });
  await settled(world);
  return { number: pr.number, sha: pr.head, runId, deploymentId: Number(paused.outputs["deployment-id"]) };
}

test(
  "/tollgate resume by an approver records the decision, re-runs the paused run, and the re-run resumes",
  async () => {
    const pr = await pausedPr("resumed");
    const asked = await comment(world, "alice", pr.number, "/tollgate resume resumed");
    await expectPauseDecided(world, asked, pr, "resume", { state: "in_progress" });

    // A redelivered comment acts once.
    const [delivery] = (await world.sandbox.client.deliveries("issue_comment.created")).slice(-1);
    await world.sandbox.client.redeliver(delivery!.id);
    await settled(world);
    expect((await descriptions(pr.deploymentId)).filter((d) => d.includes("resume: by"))).toHaveLength(1);
    expect((await runState(world, pr.runId)).run_attempt).toBe(2);

    const rerun = await deploy("resumed", pr.sha, pr.runId);
    expect({ code: rerun.code, rollout: rerun.outputs["rollout"], log: diagnose(rerun) }).toMatchObject({
      code: 0,
      rollout: "success",
    });
    expect(Number(rerun.outputs["deployment-id"])).toBe(pr.deploymentId);
    expect(logOf("resumed")).toEqual([`deploy 10 ${pr.sha}`, `deploy 50 ${pr.sha}`, `deploy 100 ${pr.sha}`]);
    const statuses = await descriptions(pr.deploymentId);
    expect(statuses).toContainEqual(
      expect.stringMatching(/^in_progress Tollgate step: rollout resumed at canary 50 % by @alice, run /),
    );
    expect(statuses.at(-1)).toMatch(/^success Tollgate outcome: canary: 3 steps done/);
  },
  STORY_TEST_MS,
);

test(
  "/tollgate abort by an approver records the decision, and the re-run rolls the paused step back",
  async () => {
    const pr = await pausedPr("aborted");
    const asked = await comment(world, "alice", pr.number, "/tollgate abort aborted");
    await expectPauseDecided(world, asked, pr, "abort");

    const rerun = await deploy("aborted", pr.sha, pr.runId);
    expect({ code: rerun.code, rollout: rerun.outputs["rollout"], log: diagnose(rerun) }).toMatchObject({
      code: 0,
      rollout: "rolled_back",
    });
    expect(logOf("aborted")).toEqual([`deploy 10 ${pr.sha}`, `rollback ${pr.sha}`]);
    expect((await descriptions(pr.deploymentId)).at(-1)).toMatch(
      /^failure Tollgate outcome: aborted by @alice at canary 10 % \(run .*\): rolled back — /,
    );
  },
  STORY_TEST_MS,
);

test(
  "a writer who may not roll the environment back is refused: nothing recorded, nothing re-run",
  async () => {
    const pr = await pausedPr("refused");
    const before = await descriptions(pr.deploymentId);
    for (const body of ["/tollgate resume refused", "/tollgate abort refused"]) {
      const asked = await comment(world, "mallory", pr.number, body);
      expect(asked.reactions).toEqual(["-1"]);
      expect(asked.replies.at(-1)).toMatch(
        /only approvers of refused and people with the maintain or admin role may (resume|abort) its paused rollout/,
      );
    }
    expect(await descriptions(pr.deploymentId)).toEqual(before);
    expect((await runState(world, pr.runId)).run_attempt).toBe(1);
    // The paused run, run again, still finds the rollout paused and undecided.
    const rerun = await deploy("refused", pr.sha, pr.runId);
    expect(rerun.code).toBe(1);
    expect(rerun.stdout.replaceAll("%25", "%")).toContain("::error::a rollout is paused at canary 10 %");
    expect(logOf("refused")).toEqual([`deploy 10 ${pr.sha}`]);
  },
  STORY_TEST_MS,
);

test(
  "a resume status written by anyone but the App's bot decides nothing",
  async () => {
    const pr = await pausedPr("forged");
    const forge = async (as: "workflow" | "mallory") => {
      const octokit = as === "workflow" ? octokitFor(world.sandbox, token) : world.people["mallory"]!.octokit;
      // GitHub lets any writer (and the workflow token) add a status saying the App's words.
      const { status } = await octokit.request(
        "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
        {
          owner: ORG,
          repo: REPO,
          deployment_id: pr.deploymentId,
          state: "in_progress",
          description: "Tollgate resume: by @owner",
          log_url: `https://github.example.test/${FULL}/pull/${pr.number}#issuecomment-1`,
          auto_inactive: false,
        },
      );
      expect(status).toBe(201);
    };
    await forge("mallory");
    await forge("workflow");
    await settled(world);
    const rerun = await deploy("forged", pr.sha, pr.runId);
    expect(rerun.code).toBe(1);
    expect(rerun.stdout.replaceAll("%25", "%")).toContain("::error::a rollout is paused at canary 10 %");
    expect(logOf("forged")).toEqual([`deploy 10 ${pr.sha}`]);
    expect((await descriptions(pr.deploymentId)).at(-1)).toBe("in_progress Tollgate resume: by @owner");
  },
  STORY_TEST_MS,
);
