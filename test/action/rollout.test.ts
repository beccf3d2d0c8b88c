/**
 * Rollouts through the built Action (`node dist/index.js`, mode deploy / rollback / checkpoints / audit)
 * against the sandbox (strict) and the sample service: the policy's commands are small shell scripts in
 * a temporary directory that turn the service's faults up and down and leave marker files; the analyses
 * are `http` against the service's /health. One environment's history, in order: a healthy canary, a
 * PR full of shell metacharacters deployed, a faulty canary rolled back within the reaction bound, a
 * blue-green switched back after promotion, mode rollback, post-deploy checkpoints (one failing and
 * rolling back), the audit over it all. Other environments: a failing rollback, a crash midway.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, expect } from "@jest/globals";
import { readPayload } from "../../src/records/format.js";
import { startSampleService, type SampleService } from "../fixtures/sample-service/server.js";
import { FULL, ORG, REPO, createWorld, openPullRequest, type World } from "../../sandbox/seed/index.js";
import {
  actionEnv,
  runAction,
  statusesOf,
  workflowToken,
  type ActionRun,
  type RunOptions,
  verifiedByApp,
} from "../../scripts/worlds/action-run.js";
import { ageLock } from "./lock-helpers.js";
import { scenario } from "../support/scenario.js";
import { PROCESS_TEST_MS, WAIT_MS } from "../support/timeouts.js";

/** One story: each step builds on the deployments the previous steps left. */
const step = scenario();

let world: World;
let service: SampleService;
let token: string;
let dir: string;
const INTERVAL_MS = 200;
const FAILURE_LIMIT = 1;
const RUN = (id: number) => `https://github.example.test/acme/shop/actions/runs/${id}`;
const HOSTILE_TITLE = `fix: $(touch DIR/pwned-title) \`touch DIR/pwned-tick\`; rm -rf DIR/keep "dq" 'sq'\nsecond line`;
const HOSTILE_BRANCH =
  "feat/$(touch${IFS}DIR/pwned-branch);`touch${IFS}DIR/pwned-b2`|rm${IFS}-rf${IFS}DIR/keep'\"";

const script = (name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, `#!/usr/bin/env bash\nset -euo pipefail\nD=${JSON.stringify(dir)}\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
};
const ms = () => "$(date +%s%3N)";
const faults = (rate: number) =>
  `curl -sf -X POST -H 'content-type: application/json' -d '{"errorRate":${rate}}' ${service.url}/control >/dev/null`;

function policy(): string {
  // deploy.sh logs every call; in "faulty" mode it turns errors up at the step named in $D/fault-at.
  const deploy = script(
    "deploy.sh",
    `echo "deploy $TOLLGATE_ENVIRONMENT $TOLLGATE_WEIGHT $TOLLGATE_SHA" >> "$D/log"
printf '%s' "\${TOLLGATE_PR_TITLE-}" > "$D/seen-title"
printf '%s' "\${TOLLGATE_BRANCH-}" > "$D/seen-branch"
if [ -f "$D/fault-at" ] && [ "$(cat "$D/fault-at")" = "$TOLLGATE_WEIGHT" ]; then
  ${faults(0.5)}
  echo ${ms()} > "$D/faults-on"
fi
if [ -f "$D/park-at" ] && [ "$(cat "$D/park-at")" = "$TOLLGATE_WEIGHT" ]; then touch "$D/parked"; fi`,
  );
  const bg = script(
    "bg.sh",
    `echo "bg $1" >> "$D/log"
if [ "$1" = promote ] && [ -f "$D/fault-at" ]; then ${faults(0.5)}; echo ${ms()} > "$D/faults-on"; fi
if [ "$1" = switch-back ]; then ${faults(0)}; fi`,
  );
  const rollback = script(
    "rollback.sh",
    `echo ${ms()} > "$D/rollback-at"
echo "rollback $TOLLGATE_ENVIRONMENT $TOLLGATE_SHA -> \${TOLLGATE_PREVIOUS_SHA-}" >> "$D/log"
${faults(0)}
if [ "\${1-}" = fail ]; then echo "the load balancer refused" >&2; exit 3; fi`,
  );
  return `version: 1
strategies:
  canary:
    type: canary
    run: ${deploy}
    steps:
      - { weight: 25, pause: 1s }
      - { weight: 100 }
    analyses: [errors]
  blue-green:
    type: blue-green
    deploy_idle: ${bg} deploy-idle
    promote: ${bg} promote
    switch_back: ${bg} switch-back
    keep_old_for: 1s
    analyses: [errors]
  parked:
    type: canary
    run: ${deploy}
    steps:
      - { weight: 25, pause: 1m }
      - { weight: 100 }
  resumable:
    type: canary
    run: ${deploy}
    steps:
      - { weight: 10, pause: 1s }
      - { weight: 25, pause: 5s }
      - { weight: 100 }
  direct:
    type: direct
    run: ${deploy}
analyses:
  errors:
    title: error rate
    http: { url: "${service.url}/health", json_path: errors.rate, expect_status: [200, 500], timeout: 1s }
    failure: "> 1%"
    interval: ${INTERVAL_MS}ms
    count: 5
    failure_limit: ${FAILURE_LIMIT}
environments:
  production:
    approval: none
    strategies: [canary, blue-green]
    rollback: { run: ${rollback} }
    validation: { at: [0s, 5m, 30m], analyses: [errors], on_failure: rollback }
  fragile:
    approval: none
    strategies: [canary]
    rollback: { run: "${rollback} fail" }
  slow:
    approval: none
    strategies: [parked, direct, resumable]
    rollback: { run: ${rollback} }
`;
}

/** A new commit on main; its SHA. */
async function commit(name: string): Promise<string> {
  const owner = world.people["owner"]!;
  const put = await world.sandbox.client.putFile(
    owner.token,
    FULL,
    `src/${name}.ts`,
    `export const ${name} = 1;\n`,
    {
      message: `Add ${name}`,
    },
  );
  return put.commit.sha;
}

const deploy = (sha: string, inputs: Record<string, string> = {}, runId = 100) =>
  runAction(world, { sha, token, runId, inputs: { environment: "production", mode: "deploy", ...inputs } });
/** The log with workflow commands' escapes undone (`%` is written `%25` in annotations). */
const logOf = (run: ActionRun) => run.stdout.replaceAll("%25", "%");
const diagnose = (run: ActionRun) => `exit ${run.code}\n${run.stdout}\n${run.stderr}\n${run.summary}`;
const log = () =>
  existsSync(join(dir, "log")) ? readFileSync(join(dir, "log"), "utf8").trim().split("\n") : [];
const read = (name: string) => readFileSync(join(dir, name), "utf8").trim();
const descriptions = async (id: number) =>
  (await statusesOf(world, id)).map((s) => `${s.state} ${s.description}`);

async function deploymentsOf(environment: string) {
  const { data } = await world.people["owner"]!.octokit.request("GET /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    environment,
    per_page: 100,
  });
  return data.map((d) => ({ id: Number(d.id), sha: d.sha, payload: d.payload }));
}

/** Moves every status of a deployment `seconds` into the past (as if it had been written then). */
async function age(deploymentId: number, seconds: number) {
  for (const status of await statusesOf(world, deploymentId))
    await world.sandbox.client.setTimestamp({
      repo: FULL,
      kind: "deployment_status",
      id: status.id,
      ago_seconds: seconds,
    });
}

let sha0: string;
let shaA: string;
let shaB: string;
let shaC: string;
let firstId: number;

beforeAll(async () => {
  service = await startSampleService();
  dir = mkdtempSync(join(tmpdir(), "tollgate-rollout-"));
  world = await createWorld({ policy: policy(), people: ["dave"] });
  token = await workflowToken(world);
  sha0 = await commit("first");
}, PROCESS_TEST_MS);
afterAll(async () => {
  await world.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  service.setFaults({ errorRate: 0, latencyMs: 0 });
  for (const f of ["log", "fault-at", "faults-on", "rollback-at", "park-at", "parked"])
    rmSync(join(dir, f), { force: true });
});

step(
  "a healthy canary succeeds, every step a deployment status, the timeline in the job summary",
  async () => {
    const run = await deploy(sha0);
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      decision: "allowed",
      status: "success",
      "rolled-back": "false",
      rollout: "success",
    });
    firstId = Number(run.outputs["deployment-id"]);
    expect(await descriptions(firstId)).toEqual([
      "in_progress Tollgate step: rollout started: canary, canary 25 % → canary 100 %",
      expect.stringMatching(
        /^in_progress Tollgate step: canary 25 %: applied, analysing through a \d+s pause$/,
      ),
      expect.stringMatching(/^in_progress Tollgate step: canary 25 %: error rate .*\(\d+\/\d+ ok\)/),
      "in_progress Tollgate step: canary 100 %: applied, analysing",
      expect.stringMatching(/^in_progress Tollgate step: canary 100 %: error rate .*\(5\/5 ok\)/),
      expect.stringMatching(/^success Tollgate outcome: canary: 2 steps done, last canary 100 %/),
    ]);
    expect(log()).toEqual([`deploy production 25 ${sha0}`, `deploy production 100 ${sha0}`]);
    // The timeline: each step with its weight, the analysis figures, the decision.
    expect(run.summary).toContain("### Rollout timeline");
    expect(run.summary).toMatch(/\| canary 25 % \| 25 % \| step \| started \|/);
    expect(run.summary).toMatch(/\| canary 25 % \| {2}\| analysis \| ✅ error rate .*\(\d+\/\d+ ok\)/);
    expect(run.summary).toMatch(/\| canary 100 % \| 100 % \| step \| started \|/);
    expect(run.summary).toMatch(/\| success \| {2}\| decision \| ✅ canary: 2 steps done/);
    // Every analysis reading, the full series the 140-character statuses only summarise.
    expect(run.summary).toContain("### Analysis readings");
    expect(run.summary).toMatch(/\| canary 100 % \| error rate \| [\d.]+ \| {2}\| ✅ /);
    // The App attests the success once it has verified the run (only then is it a rollback target).
    await verifiedByApp(world, firstId, "production");
  },
  PROCESS_TEST_MS,
);

step(
  "a PR titled and branched with shell metacharacters deploys with no effect but the intended command",
  async () => {
    const title = HOSTILE_TITLE.replaceAll("DIR", dir);
    const branch = HOSTILE_BRANCH.replaceAll("DIR", dir);
    writeFileSync(join(dir, "keep"), "still here");
    const pr = await openPullRequest(world, "dave", { branch, title, body: "Hostile." });
    const merged = await world.people["owner"]!.octokit.request(
      "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge",
      {
        owner: ORG,
        repo: REPO,
        pull_number: pr.number,
      },
    );
    shaA = merged.data.sha;
    const run = await deploy(shaA);
    expect(run.code).toBe(0);
    const record = (await deploymentsOf("production")).find(
      (d) => d.id === Number(run.outputs["deployment-id"]),
    );
    expect(readPayload(record!.payload)?.pull_request?.title).toBe(title);
    // The commands saw the exact text, as data …
    expect(readFileSync(join(dir, "seen-title"), "utf8")).toBe(title);
    expect(readFileSync(join(dir, "seen-branch"), "utf8")).toBe(branch);
    // … and nothing in it ran.
    for (const marker of ["pwned-title", "pwned-tick", "pwned-branch", "pwned-b2"])
      expect(existsSync(join(dir, marker))).toBe(false);
    expect(readFileSync(join(dir, "keep"), "utf8")).toBe("still here");
    expect(log()).toEqual([`deploy production 25 ${shaA}`, `deploy production 100 ${shaA}`]);
    await verifiedByApp(world, Number(run.outputs["deployment-id"]), "production");
  },
  PROCESS_TEST_MS,
);

step(
  "a faulty canary rolls back within interval × failure limit + 1 s and fails with the reason",
  async () => {
    shaB = await commit("faulty");
    writeFileSync(join(dir, "fault-at"), "25");
    const run = await deploy(shaB);
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: "failure", "rolled-back": "true", rollout: "rolled_back" });
    expect(logOf(run)).toMatch(
      /::error::Rollout rolled_back: rolled back at canary 25 %: error rate .*failed > limit 1/,
    );
    const reaction = Number(read("rollback-at")) - Number(read("faults-on"));
    expect(reaction).toBeGreaterThan(0);
    expect(reaction).toBeLessThanOrEqual(INTERVAL_MS * FAILURE_LIMIT + 1000);
    // Never reached 100 %; the rollback ran with the failed SHA and the last good one (shaA), although the
    // environment's rollback is commands only, not a redeploy.
    expect(log()).toEqual([`deploy production 25 ${shaB}`, `rollback production ${shaB} -> ${shaA}`]);
    expect(run.outputs["previous-sha"]).toBe(shaA);
    const statuses = await descriptions(Number(run.outputs["deployment-id"]));
    expect(statuses.slice(1)).toEqual([
      "in_progress Tollgate step: canary 25 %: applied, analysing through a 1s pause",
      expect.stringMatching(/^in_progress Tollgate rollback: rolling back at canary 25 %: error rate/),
      expect.stringMatching(
        /^failure Tollgate outcome: rolled back at canary 25 %: error rate .* — ran rollback/,
      ),
    ]);
    expect(run.summary).toContain("## Tollgate · production · ❌ failed");
    expect(run.summary).toMatch(/\| rollback \| {2}\| rollback \| ✅ `.*rollback\.sh`: exit code 0 \|/);
    expect(run.summary).toMatch(/\| rolled_back \| {2}\| decision \| ❌ rolled back at canary 25 %/);
  },
  PROCESS_TEST_MS,
);

step(
  "blue-green switches back when the analysis after promotion fails",
  async () => {
    shaC = await commit("bluegreen");
    writeFileSync(join(dir, "fault-at"), "promote");
    const run = await deploy(shaC, { strategy: "blue-green" });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: "failure", "rolled-back": "true", rollout: "rolled_back" });
    expect(log()).toEqual(["bg deploy-idle", "bg promote", "bg switch-back"]);
    expect(existsSync(join(dir, "rollback-at"))).toBe(false);
    const statuses = await descriptions(Number(run.outputs["deployment-id"]));
    expect(statuses.at(-1)).toMatch(
      /^failure Tollgate outcome: rolled back at promote: error rate .* — ran switch back/,
    );
    expect(service.faults().errorRate).toBe(0);
  },
  PROCESS_TEST_MS,
);

step(
  "a rollback that fails is critical: status error, exit code 2, a CRITICAL annotation",
  async () => {
    const sha = await commit("fragile");
    writeFileSync(join(dir, "fault-at"), "25");
    const run = await deploy(sha, { environment: "fragile" });
    expect(run.code).toBe(2);
    expect(run.outputs).toMatchObject({
      status: "error",
      "rolled-back": "false",
      rollout: "rollback_failed",
    });
    expect(logOf(run)).toMatch(
      /::error title=Tollgate CRITICAL::Rollout rollback_failed: CRITICAL: rollback failed after canary 25 %: .*rollback command failed \(exit code 3\)/,
    );
    expect(run.summary).toContain("## Tollgate · fragile · 🚨 CRITICAL");
    expect(run.result).toMatchObject({ rollout: "rollback_failed", critical: true, status: "error" });
    const statuses = await descriptions(Number(run.outputs["deployment-id"]));
    expect(statuses.at(-1)).toMatch(/^error Tollgate outcome: CRITICAL: rollback failed after canary 25 %/);
  },
  PROCESS_TEST_MS,
);

step(
  "mode rollback redeploys the previous good version with no approval, recorded as a rollback",
  async () => {
    const run = await runAction(world, {
      sha: shaC,
      token,
      runId: 101,
      inputs: { environment: "production", mode: "rollback" },
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      "rolled-back": "true",
      status: "success",
      rollout: "rolled_back",
      "previous-sha": sha0,
    });
    // The current version is A (B and C failed); the previous good one is the first deploy.
    expect(log()).toEqual([`rollback production ${shaA} -> ${sha0}`]);
    const id = Number(run.outputs["deployment-id"]);
    const deployment = (await deploymentsOf("production")).find((d) => d.id === id)!;
    expect(deployment.sha).toBe(sha0);
    expect(readPayload(deployment.payload)).toMatchObject({
      change_type: "rollback",
      rollback_of: shaA,
      requested_by: "owner",
    });
    expect(await descriptions(id)).toEqual([
      `in_progress Tollgate rollback: rolling back from ${shaA.slice(0, 7)} to ${sha0.slice(0, 7)}`,
      "success Tollgate outcome: rolled back: ran rollback",
    ]);
    expect(run.summary).toContain("### Rollback");
  },
  PROCESS_TEST_MS,
);

step(
  "mode checkpoints runs the due checkpoints, records each, and rolls back on a failed one",
  async () => {
    const [current] = await deploymentsOf("production");
    expect(current!.sha).toBe(sha0); // the rollback's deployment is the environment's current version
    const checkpoints = (runId: number) =>
      runAction(world, {
        sha: shaC,
        token,
        runId,
        inputs: { environment: "production", mode: "checkpoints" },
      });

    await age(current!.id, 6 * 60);
    const first = await checkpoints(102);
    expect(first.code).toBe(0);
    expect((await descriptions(current!.id)).slice(-2)).toEqual([
      expect.stringMatching(/^success Tollgate validation: \+0s: error rate .*\(5\/5 ok\)/),
      expect.stringMatching(/^success Tollgate validation: \+5m: error rate .*\(5\/5 ok\)/),
    ]);
    // Run again at once: nothing is due, nothing is written.
    const again = await checkpoints(103);
    expect(again.code).toBe(0);
    expect(await descriptions(current!.id)).toHaveLength(4);

    service.setFaults({ errorRate: 0.2 });
    await age(current!.id, 31 * 60);
    const failing = await checkpoints(104);
    expect(failing.code).toBe(1);
    expect(failing.outputs).toMatchObject({ "rolled-back": "true", rollout: "rolled_back" });
    expect(logOf(failing)).toMatch(
      /::error::Validation failed \(\+30m: error rate .*failed > limit 1\)\); rolled back/,
    );
    expect((await descriptions(current!.id)).at(-1)).toMatch(
      /^failure Tollgate validation: \+30m: error rate/,
    );
    expect(log()).toEqual([`rollback production ${sha0} -> ${shaA}`]);
    const rollback = (await deploymentsOf("production"))[0]!;
    expect({ sha: rollback.sha, of: readPayload(rollback.payload)?.rollback_of }).toEqual({
      sha: shaA,
      of: sha0,
    });
  },
  PROCESS_TEST_MS,
);

/** Starts `node dist/index.js` and SIGKILLs it once `parked` appears (the first step done, its pause begun). */
async function killDuringPause(options: RunOptions): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), "tollgate-killed-"));
  const child = spawn(process.execPath, [join(process.cwd(), "dist", "index.js")], {
    env: actionEnv(world, options, runDir),
    stdio: "ignore",
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(join(dir, "parked")) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 25));
  // The step's status is written right after its command: give it the moment it needs.
  await new Promise((r) => setTimeout(r, 500));
  child.kill("SIGKILL");
  await exited;
  rmSync(join(dir, "parked"), { force: true });
}

step(
  "a rollout killed midway is found and marked error; until then it holds the environment",
  async () => {
    const sha = await commit("parked");
    writeFileSync(join(dir, "park-at"), "25");
    await killDuringPause({ sha, token, runId: 200, inputs: { environment: "slow", mode: "deploy" } });
    const [killed] = await deploymentsOf("slow");
    expect((await statusesOf(world, killed!.id)).at(-1)).toMatchObject({
      state: "in_progress",
      log_url: RUN(200),
    });

    // Another run while the killed one's last status is fresh: refused, nothing written.
    const next = await commit("next");
    const refused = await runAction(world, {
      sha: next,
      token,
      runId: 201,
      inputs: { environment: "slow", mode: "deploy", strategy: "direct" },
    });
    expect(refused.code).toBe(1);
    // The killed run still holds the environment lock: the refusal names it.
    expect(refused.stdout).toContain(
      `::error::slow is locked by another rollout: deploy of ${sha.slice(0, 7)}`,
    );
    expect(refused.stdout).toContain(`run ${RUN(200)}`);
    expect(await deploymentsOf("slow")).toHaveLength(1);

    // Once silent for longer than the longest wait (1m pause) + the margin, the next run closes it and proceeds.
    await age(killed!.id, 2 * 3600);
    await ageLock(world, "slow", 2 * 3600);
    // Two hours on, the story's earlier rollouts (each keeping its readings: a tree, a commit, a ref) no
    // longer share this minute of GitHub's 80 content-creating requests.
    await world.sandbox.client.advanceClock(60);
    const run = await runAction(world, {
      sha: next,
      token,
      runId: 202,
      inputs: { environment: "slow", mode: "deploy", strategy: "direct" },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `deployment ${killed!.id} (${sha.slice(0, 7)}) marked error: abandoned, no status for 2h`,
    );
    expect((await descriptions(killed!.id)).at(-1)).toBe(
      `error Tollgate outcome: abandoned: no status for 2h (limit 31m); run ${RUN(200)}`,
    );

    // A re-run of the killed run itself (same run id) closes its earlier attempt at once.
    // This story spans hours (it aged the killed rollout by 2h): on GitHub the runs above would not share
    // the next ones' minute of the secondary rate limit (80 content-creating requests a minute), nor here.
    await world.sandbox.client.advanceClock(60);
    const again = await commit("again");
    await killDuringPause({ sha: again, token, runId: 203, inputs: { environment: "slow", mode: "deploy" } });
    const rerun = await runAction(world, {
      sha: again,
      token,
      runId: 203,
      inputs: { environment: "slow", mode: "deploy", strategy: "direct" },
    });
    expect({ code: rerun.code, log: diagnose(rerun) }).toMatchObject({ code: 0 });
    // It stopped at the parked canary's 25 % step; the re-run asked for another strategy, so it starts over.
    expect(rerun.stdout).toMatch(
      /stopped midway; starting over: its newest status \("canary 25 %: applied, pausing 1m"\) names no step of direct/,
    );
    const statuses = await descriptions(Number(rerun.outputs["deployment-id"]));
    expect(statuses).toContain(
      `error Tollgate outcome: abandoned: an earlier attempt of this run stopped midway; run ${RUN(203)}`,
    );
    expect(statuses.at(-1)).toMatch(/^success Tollgate outcome: direct: 1 steps done/);
    for (const d of await deploymentsOf("slow"))
      expect((await statusesOf(world, d.id)).at(-1)?.state).not.toBe("in_progress");
  },
  PROCESS_TEST_MS,
);

step(
  "a re-run of a killed rollout resumes at the step where it stopped, not at the first",
  async () => {
    const sha = await commit("resumed");
    const inputs = { environment: "slow", mode: "deploy", strategy: "resumable" };
    writeFileSync(join(dir, "park-at"), "25");
    await killDuringPause({ sha, token, runId: 210, inputs });
    expect(log()).toEqual([`deploy slow 10 ${sha}`, `deploy slow 25 ${sha}`]);
    rmSync(join(dir, "park-at"));
    const [killed] = await deploymentsOf("slow");
    expect((await descriptions(killed!.id)).at(-1)).toBe(
      "in_progress Tollgate step: canary 25 %: applied, pausing 5s",
    );

    const rerun = await runAction(world, { sha, token, runId: 210, inputs });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(`resuming at canary 25 %, where deployment ${killed!.id} stopped`);
    // 25 % again (its commands re-applied, its pause in full), then 100 %: never back to 10 %.
    expect(log()).toEqual([
      `deploy slow 10 ${sha}`,
      `deploy slow 25 ${sha}`,
      `deploy slow 25 ${sha}`,
      `deploy slow 100 ${sha}`,
    ]);
    const statuses = await descriptions(Number(rerun.outputs["deployment-id"]));
    expect(statuses).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^in_progress Tollgate step: rollout resumed at canary 25 % \\(deployment ${killed!.id} stopped there\\)`,
        ),
      ),
    );
    expect(statuses.at(-1)).toMatch(/^success Tollgate outcome: resumable: 3 steps done, last canary 100 %/);
  },
  PROCESS_TEST_MS,
);

step(
  "mode audit: the Markdown report in the job summary, the HTML report in a file named by an output",
  async () => {
    const run = await runAction(world, {
      sha: shaC,
      token,
      runId: 300,
      inputs: { environment: "production", mode: "audit" },
    });
    expect(run.outputs["audit-report"]).toMatch(/tollgate-audit\/production\.html$/);
    const html = readFileSync(run.outputs["audit-report"]!, "utf8");
    expect(html).toMatch(/^<!doctype html>/i);
    for (const sha of [sha0, shaA, shaB, shaC]) expect(html).toContain(sha.slice(0, 7));
    expect(run.summary).toContain("## Tollgate · production");
    expect(run.summary).toMatch(/rollback/i);
    expect(run.code).toBe(run.result["failure"] === null ? 0 : 1);
    expect(diagnose(run)).not.toContain("TypeError");
  },
  PROCESS_TEST_MS,
);
