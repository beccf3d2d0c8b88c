/**
 * No dead ends after a pause, through the built Action and the strict sandbox: a canary whose first step's
 * analysis is inconclusive (its command prints nothing: no data) pauses; then, each on its own environment,
 * `mode: resume` goes on from the next step, `mode: abort` undoes the paused step, and `mode: rollback`
 * works while the rollout is paused. Only who may roll the environment back may resume or abort.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { FULL, createWorld, type World } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import {
  runAction,
  statusesOf,
  verifiedByApp,
  workflowToken,
  type ActionRun,
} from "../../scripts/worlds/action-run.js";
import { lockMessage } from "./lock-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tollgate-resume-"));
const LOG = `${dir}/$TOLLGATE_ENVIRONMENT.log`;
const environment = (name: string) => `  ${name}:
    approval: none
    strategies: [canary, direct]
    rollback: { run: 'echo "rollback $TOLLGATE_SHA -> \${TOLLGATE_PREVIOUS_SHA-}" >> ${LOG}' }
`;
const POLICY = `version: 1
strategies:
  canary:
    type: canary
    run: 'echo "deploy $TOLLGATE_WEIGHT $TOLLGATE_SHA" >> ${LOG}'
    steps:
      - { weight: 10, analyses: [quiet] }
      - { weight: 50 }
      - { weight: 100 }
  direct:
    type: direct
    run: 'echo "deploy 100 $TOLLGATE_SHA" >> ${LOG}'
analyses:
  quiet:
    title: error rate
    command: { run: "true", measure: stdout }
    success: "< 5"
    interval: 100ms
    count: 1
    inconclusive: pause
environments:
${["resumed", "aborted", "rescued", "guarded"].map(environment).join("")}`;

let world: World;
let token: string;

beforeAll(async () => {
  world = await createWorld({ policy: POLICY, people: ["mallory"] });
  token = await workflowToken(world);
}, PROCESS_TEST_MS);
afterAll(() => world.close());

async function commit(name: string): Promise<string> {
  const put = await world.sandbox.client.putFile(
    world.people["owner"]!.token,
    FULL,
    `src/${name}.ts`,
    `export const ${name} = 1;\n`,
    { message: `Add ${name}` },
  );
  return put.commit.sha;
}

const act = (env: string, sha: string, mode: string, runId: number, extra: Record<string, string> = {}) =>
  runAction(world, { sha, token, runId, inputs: { environment: env, mode, ...extra } });
const logOf = (env: string) =>
  readFileSync(join(dir, `${env}.log`), "utf8")
    .trim()
    .split("\n");
const descriptions = async (id: number) =>
  (await statusesOf(world, id)).map((s) => `${s.state} ${s.description}`);
const diagnose = (run: ActionRun) => `exit ${run.code}\n${run.stdout}\n${run.stderr}`;

/** Deploys a commit into `env` that pauses at canary 10 %; its deployment id. */
async function pausedRollout(env: string, sha: string, runId: number): Promise<number> {
  const run = await act(env, sha, "deploy", runId, { strategy: "canary" });
  if (run.outputs["rollout"] !== "paused") throw new Error(`expected a paused rollout:\n${diagnose(run)}`);
  const id = Number(run.outputs["deployment-id"]);
  expect((await descriptions(id)).at(-1)).toMatch(
    /^in_progress Tollgate outcome: paused at canary 10 %: .* — decide to resume or roll back$/,
  );
  // The paused run released the lock on its way out.
  expect(await lockMessage(world, env)).toBeUndefined();
  return id;
}

test(
  "a paused rollout resumed with mode resume goes on from the step after the pause, on the same record",
  async () => {
    const sha = await commit("resumed1");
    const id = await pausedRollout("resumed", sha, 801);
    // While paused, a new deploy is refused, and told how to get out.
    const other = await commit("resumed2");
    const refused = await act("resumed", other, "deploy", 802, { strategy: "direct" });
    expect(refused.code).toBe(1);
    expect(refused.stdout.replaceAll("%25", "%")).toContain(
      `::error::a rollout is paused at canary 10 %: deployment ${id}`,
    );

    const run = await act("resumed", other, "resume", 803);
    expect({ code: run.code, rollout: run.outputs["rollout"], log: diagnose(run) }).toMatchObject({
      code: 0,
      rollout: "success",
    });
    expect(Number(run.outputs["deployment-id"])).toBe(id);
    expect(logOf("resumed")).toEqual([`deploy 10 ${sha}`, `deploy 50 ${sha}`, `deploy 100 ${sha}`]);
    const statuses = await descriptions(id);
    expect(statuses).toContainEqual(
      expect.stringMatching(
        /^in_progress Tollgate step: rollout resumed at canary 50 % by @owner, run .*\/803 \(paused at canary 10 %\)$/,
      ),
    );
    expect(statuses.at(-1)).toMatch(/^success Tollgate outcome: canary: 3 steps done, last canary 100 %/);
    expect(await lockMessage(world, "resumed")).toBeUndefined();
  },
  PROCESS_TEST_MS,
);

test(
  "a paused rollout aborted with mode abort is rolled back and ends as failure, naming who aborted it",
  async () => {
    const sha = await commit("aborted1");
    const id = await pausedRollout("aborted", sha, 811);
    const run = await act("aborted", sha, "abort", 812);
    expect({ code: run.code, rollout: run.outputs["rollout"], log: diagnose(run) }).toMatchObject({
      code: 0,
      rollout: "rolled_back",
    });
    expect(run.outputs["rolled-back"]).toBe("true");
    expect(logOf("aborted")).toEqual([`deploy 10 ${sha}`, `rollback ${sha} ->`]);
    const statuses = await descriptions(id);
    expect(statuses.at(-1)).toMatch(
      /^failure Tollgate outcome: aborted by @owner at canary 10 % \(run .*\/812\): rolled back — /,
    );
    // Nothing paused is left to resume.
    const again = await act("aborted", sha, "resume", 813);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("::error::nothing to resume: no rollout of aborted is paused");
  },
  PROCESS_TEST_MS,
);

test(
  "mode rollback works while a rollout is paused: the paused rollout is superseded, the environment rolled back",
  async () => {
    const good = await commit("rescued0");
    const first = await act("rescued", good, "deploy", 821, { strategy: "direct" });
    expect(first.code).toBe(0);
    await verifiedByApp(world, Number(first.outputs["deployment-id"]), "rescued");
    const bad = await commit("rescued1");
    const id = await pausedRollout("rescued", bad, 822);

    const run = await act("rescued", bad, "rollback", 823);
    expect({ code: run.code, rollout: run.outputs["rollout"], log: diagnose(run) }).toMatchObject({
      code: 0,
      rollout: "rolled_back",
    });
    expect(run.outputs["previous-sha"]).toBe(good);
    expect(logOf("rescued").at(-1)).toBe(`rollback ${bad} -> ${good}`);
    expect((await descriptions(id)).at(-1)).toMatch(
      /^failure Tollgate outcome: superseded by a rollback started by @owner, run .*\/823$/,
    );
  },
  PROCESS_TEST_MS,
);

test(
  "someone who may not roll the environment back can neither resume nor abort a paused rollout",
  async () => {
    const sha = await commit("guarded1");
    const id = await pausedRollout("guarded", sha, 831);
    for (const mode of ["resume", "abort"]) {
      const run = await runAction(world, {
        sha,
        token,
        runId: 832,
        actor: "mallory",
        inputs: { environment: "guarded", mode },
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`::error::@mallory may not ${mode} a rollout of guarded`);
    }
    expect((await descriptions(id)).at(-1)).toMatch(/^in_progress Tollgate outcome: paused at canary 10 %/);
    expect(logOf("guarded")).toEqual([`deploy 10 ${sha}`]);
  },
  PROCESS_TEST_MS,
);
