/**
 * The environment lock (src/action/lock.ts) through the built Action and the strict sandbox: GitHub creates a
 * ref atomically, so two rollouts of one environment started together end with exactly one proceeding; a
 * crashed holder's lock is taken over after `lock-timeout`; a ref Tollgate did not write only delays.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { lockRef } from "../../src/action/lock.js";
import { ORG, REPO, createWorld, octokitFor, type World } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS, WAIT_MS } from "../support/timeouts.js";
import { actionEnv, runAction, statusesOf, workflowToken, DIST } from "../../scripts/worlds/action-run.js";
import { lockMessage } from "./lock-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tollgate-lock-"));
const POLICY = `version: 1
strategies:
  slow: { type: direct, run: "sleep 3" }
  parked: { type: direct, run: "touch ${dir}/parked; sleep 120" }
  quick: { type: direct, run: "true" }
environments:
  race:
    approval: none
    strategies: [slow]
    rollback: { run: "true" }
  crashed:
    approval: none
    strategies: [parked, quick]
    rollback: { run: "true" }
  stale:
    approval: none
    strategies: [slow]
    rollback: { run: "true" }
  forged:
    approval: none
    strategies: [quick]
    rollback: { run: "true" }
`;
const RUN = (id: number) => `https://github.example.test/${ORG}/${REPO}/actions/runs/${id}`;

let world: World;
let token: string;
let main: string;

beforeAll(async () => {
  world = await createWorld({ policy: POLICY });
  token = await workflowToken(world);
  const { data } = await octokitFor(world.sandbox, token).request("GET /repos/{owner}/{repo}/commits/{ref}", {
    owner: ORG,
    repo: REPO,
    ref: "main",
  });
  main = data.sha;
}, PROCESS_TEST_MS);
afterAll(() => world.close());

async function deploymentsOf(environment: string): Promise<{ id: number }[]> {
  const { data } = await world.people["owner"]!.octokit.request("GET /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    environment,
  });
  return data as unknown as { id: number }[];
}

test(
  "the sandbox creates a ref atomically: of ten creators at once exactly one gets 201, the others GitHub's 422",
  async () => {
    const owner = world.people["owner"]!.octokit;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        owner
          .request("POST /repos/{owner}/{repo}/git/refs", {
            owner: ORG,
            repo: REPO,
            ref: "refs/tollgate/locks/atomic-check",
            sha: main,
          })
          .then(
            (r) => ({ status: r.status, message: "" }),
            (e: { status: number; response?: { data?: { message?: string } } }) => ({
              status: e.status,
              message: e.response?.data?.message ?? "",
            }),
          ),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 422).map((a) => a.message)).toEqual(
      Array(9).fill("Reference already exists"),
    );
  },
  PROCESS_TEST_MS,
);

test(
  "two rollouts of one environment started together: exactly one proceeds, the other names the lock's holder",
  async () => {
    const start = (runId: number) =>
      runAction(world, { sha: main, token, runId, inputs: { environment: "race", mode: "deploy" } });
    const runs = await Promise.all([start(501), start(502)]);
    const diagnose = runs.map((r) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`).join("\n----\n");
    const winner = runs.findIndex((r) => r.code === 0);
    expect({ winners: runs.filter((r) => r.code === 0).length, diagnose }).toEqual({ winners: 1, diagnose });
    const loser = runs[1 - winner]!;
    expect(loser.code).toBe(1);
    expect(loser.stdout).toContain(
      `::error::race is locked by another rollout: deploy of ${main.slice(0, 7)}`,
    );
    expect(loser.stdout).toContain(`run ${RUN(501 + winner)}`);
    // The loser wrote nothing; the winner's one deployment succeeded and its lock was released.
    const deployments = await deploymentsOf("race");
    expect(deployments).toHaveLength(1);
    expect((await statusesOf(world, deployments[0]!.id)).at(-1)?.state).toBe("success");
    expect(await lockMessage(world, "race")).toBeUndefined();
  },
  PROCESS_TEST_MS,
);

test(
  "a crashed holder's lock holds until lock-timeout passes without a heartbeat, then the next run takes it over",
  async () => {
    const inputs = { environment: "crashed", mode: "deploy", "lock-timeout": "3s" };
    const runDir = mkdtempSync(join(tmpdir(), "tollgate-crashed-"));
    const child = spawn(process.execPath, [DIST], {
      env: actionEnv(
        world,
        { sha: main, token, runId: 601, inputs: { ...inputs, strategy: "parked" } },
        runDir,
      ),
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    const deadline = Date.now() + WAIT_MS;
    while (!existsSync(join(dir, "parked")) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    // Long enough for a heartbeat or two (every second under a 3s timeout): a live holder keeps its lock.
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGKILL");
    await exited;
    expect(await lockMessage(world, "crashed")).toContain(`run: ${RUN(601)}`);

    const refused = await runAction(world, {
      sha: main,
      token,
      runId: 602,
      inputs: { ...inputs, strategy: "quick" },
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      `::error::crashed is locked by another rollout: deploy of ${main.slice(0, 7)}`,
    );
    expect(refused.stdout).toContain("it is taken over after 3s without a heartbeat (lock-timeout)");

    await new Promise((r) => setTimeout(r, 3500));
    const [killed] = await deploymentsOf("crashed");
    const run = await runAction(world, {
      sha: main,
      token,
      runId: 603,
      inputs: { ...inputs, strategy: "quick" },
    });
    expect({ code: run.code, out: run.stdout }).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(
      `took over the environment lock ${lockRef("crashed")} from deploy of ${main.slice(0, 7)} by @owner, run ${RUN(601)}`,
    );
    const descriptions = (await statusesOf(world, killed!.id)).map((s) => `${s.state} ${s.description}`);
    expect(descriptions).toContainEqual(
      expect.stringMatching(
        /^error Tollgate outcome: abandoned: its environment lock had no heartbeat since /,
      ),
    );
    expect(await lockMessage(world, "crashed")).toBeUndefined();
  },
  PROCESS_TEST_MS,
);

test(
  "two runs taking over one stale lock at once: exactly one wins (a fast-forward from the same commit)",
  async () => {
    const owner = world.people["owner"]!.octokit;
    const { data: head } = await owner.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      owner: ORG,
      repo: REPO,
      commit_sha: main,
    });
    // A holder that died a day ago, in Tollgate's own format.
    const dead = new Date(Date.now() - 24 * 3600_000).toISOString();
    const { data: lock } = await owner.request("POST /repos/{owner}/{repo}/git/commits", {
      owner: ORG,
      repo: REPO,
      message: `tollgate lock: stale\n\nrun: ${RUN(900)}\nsha: ${main}\nmode: deploy\nactor: owner\nat: ${dead}`,
      tree: head.tree.sha,
      parents: [],
    });
    await owner.request("POST /repos/{owner}/{repo}/git/refs", {
      owner: ORG,
      repo: REPO,
      ref: lockRef("stale"),
      sha: lock.sha,
    });
    const start = (runId: number) =>
      runAction(world, {
        sha: main,
        token,
        runId,
        inputs: { environment: "stale", mode: "deploy", "lock-timeout": "1h" },
      });
    const runs = await Promise.all([start(901), start(902)]);
    const diagnose = runs.map((r) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`).join("\n----\n");
    const winner = runs.findIndex((r) => r.code === 0);
    expect({ winners: runs.filter((r) => r.code === 0).length, diagnose }).toEqual({ winners: 1, diagnose });
    expect(runs[winner]!.stdout).toContain(`took over the environment lock ${lockRef("stale")} from deploy`);
    const loser = runs[1 - winner]!;
    expect(loser.code).toBe(1);
    expect(loser.stdout).toContain(
      `::error::stale is locked by another rollout: deploy of ${main.slice(0, 7)}`,
    );
    expect(loser.stdout).toContain(`run ${RUN(901 + winner)}`);
    expect(await deploymentsOf("stale")).toHaveLength(1);
  },
  PROCESS_TEST_MS,
);

test(
  "a lock ref Tollgate did not write (anyone with contents: write can create one) only delays a rollout",
  async () => {
    const workflow = octokitFor(world.sandbox, token);
    // GitHub lets any writer create the ref, pointing at any commit.
    const created = await workflow.request("POST /repos/{owner}/{repo}/git/refs", {
      owner: ORG,
      repo: REPO,
      ref: lockRef("forged"),
      sha: main,
    });
    expect(created.status).toBe(201);
    const run = await runAction(world, {
      sha: main,
      token,
      runId: 701,
      inputs: { environment: "forged", mode: "deploy" },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "::error::forged is locked by another rollout: a ref Tollgate did not write",
    );
    expect(await deploymentsOf("forged")).toHaveLength(0);
  },
  PROCESS_TEST_MS,
);
