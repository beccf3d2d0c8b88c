/**
 * The measurement history end to end: rollouts through the built Action (`node dist/index.js`) against
 * the sandbox and the sample service keep every analysis reading under refs/tollgate/readings/<id>, and
 * `tollgate audit --format json` gives it back per deployment and metric — marked as something anyone
 * with write access could have written, never deciding a finding.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { auditCommand } from "../../src/cli/audit.js";
import type { AuditRecord, AuditReport } from "../../src/audit/types.js";
import { startSampleService, type SampleService } from "../fixtures/sample-service/server.js";
import { FULL, ORG, REPO, createWorld, octokitFor, type World } from "../../sandbox/seed/index.js";
import { runAction, workflowToken, type ActionRun } from "../../scripts/worlds/action-run.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

let world: World;
let service: SampleService;
let token: string;
let dir: string;

function policy(): string {
  const deploy = join(dir, "deploy.sh");
  // Turns the service's errors up at the weight named in $D/fault-at, as a bad version would.
  writeFileSync(
    deploy,
    `#!/usr/bin/env bash
D=${JSON.stringify(dir)}
if [ -f "$D/fault-at" ] && [ "$(cat "$D/fault-at")" = "$TOLLGATE_WEIGHT" ]; then
  curl -sf -X POST -H 'content-type: application/json' -d '{"errorRate":0.5}' ${service.url}/control >/dev/null
fi
`,
  );
  const rollback = join(dir, "rollback.sh");
  writeFileSync(
    rollback,
    `#!/usr/bin/env bash\ncurl -sf -X POST -H 'content-type: application/json' -d '{"errorRate":0}' ${service.url}/control >/dev/null\n`,
  );
  chmodSync(deploy, 0o755);
  chmodSync(rollback, 0o755);
  return `version: 1
strategies:
  canary:
    type: canary
    run: ${deploy}
    steps: [{ weight: 50 }, { weight: 100 }]
    analyses: [errors]
analyses:
  errors:
    title: error rate
    http: { url: "${service.url}/health", json_path: errors.rate, expect_status: [200, 500], timeout: 1s }
    failure: "> 1%"
    interval: 100ms
    count: 3
environments:
  production:
    approval: none
    strategies: [canary]
    rollback: { run: ${rollback} }
`;
}

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

const deploy = (sha: string, runId: number) =>
  runAction(world, { sha, token, runId, inputs: { environment: "production", mode: "deploy" } });
const diagnose = (run: ActionRun) => `exit ${run.code}\n${run.stdout}\n${run.stderr}`;

/** The summary's readings table: one row per reading, in the order taken. */
const summaryRows = (run: ActionRun) =>
  run.summary
    .split("### Analysis readings")[1]!
    .split("\n")
    .filter((line) => line.startsWith("| +"));

async function audit(): Promise<AuditReport> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await auditCommand(
    ["--repo", FULL, "--format", "json"],
    { out: (s) => out.push(s), err: (s) => err.push(s), readFile: async (p) => readFileSync(p, "utf8") },
    {
      GITHUB_TOKEN: world.people["owner"]!.token,
      GITHUB_API_URL: world.sandbox.url,
      GITHUB_GRAPHQL_URL: `${world.sandbox.url}/api/graphql`,
    },
  );
  if (![0, 1].includes(code)) throw new Error(`audit exited ${code}: ${err.join("\n")}`);
  return JSON.parse(out.join("\n")) as AuditReport;
}
const recordOf = (report: AuditReport, id: number) => report.records.find((r) => r.id === id)!;

beforeAll(async () => {
  service = await startSampleService();
  dir = mkdtempSync(join(tmpdir(), "tollgate-readings-"));
  world = await createWorld({ policy: policy() });
  token = await workflowToken(world);
}, PROCESS_TEST_MS);
afterAll(async () => {
  await world.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

test(
  "a healthy canary's every reading is in the audit's JSON, per metric, with time, value, verdict and step",
  async () => {
    rmSync(join(dir, "fault-at"), { force: true });
    const sha = await commit("healthy");
    const run = await deploy(sha, 501);
    expect(run.code).toBe(0);
    const id = Number(run.outputs["deployment-id"]);
    const rows = summaryRows(run);
    expect(rows.length).toBeGreaterThanOrEqual(6);

    const record: AuditRecord = recordOf(await audit(), id);
    expect(record.measurements).toMatchObject({
      source: `refs/tollgate/readings/${id}`,
      runs: [`https://github.example.test/${FULL}/actions/runs/501`],
      problems: [],
    });
    expect(record.measurements!.trust).toMatch(/anyone with write access.*never decides anything/);
    const metrics = record.measurements!.metrics;
    expect(metrics.map((m) => m.analysis)).toEqual(["error rate"]);
    const readings = metrics[0]!.readings;
    // The same series as the job summary's table: every reading, not a summary.
    expect(readings).toHaveLength(rows.length);
    expect(new Set(readings.map((r) => r.step))).toEqual(new Set(["canary 50 %", "canary 100 %"]));
    for (const r of readings) {
      expect(r).toEqual({
        at: expect.any(String),
        value: 0,
        verdict: "successful",
        step: expect.any(String),
      });
      expect(new Date(r.at).toISOString()).toBe(r.at);
    }
    const times = readings.map((r) => Date.parse(r.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  },
  PROCESS_TEST_MS,
);

test(
  "a rolled-back canary's failing readings are kept too, with the failed verdict",
  async () => {
    writeFileSync(join(dir, "fault-at"), "50");
    const sha = await commit("faulty");
    const run = await deploy(sha, 502);
    expect(run.outputs["rolled-back"]).toBe("true");
    const id = Number(run.outputs["deployment-id"]);
    const report = await audit();
    const readings = recordOf(report, id).measurements!.metrics[0]!.readings;
    expect(readings.length).toBe(summaryRows(run).length);
    expect(readings.some((r) => r.verdict === "failed" && r.value === 0.5 && r.step === "canary 50 %")).toBe(
      true,
    );
    expect(report.notes.some((n) => /measurement histories .* anyone with write access/.test(n))).toBe(true);
  },
  PROCESS_TEST_MS,
);

test(
  "a series forged by a workflow token (contents: write) for another deployment is refused and decides nothing",
  async () => {
    rmSync(join(dir, "fault-at"), { force: true });
    const sha = await commit("forged");
    const run = await deploy(sha, 503);
    expect(run.code).toBe(0);
    const id = Number(run.outputs["deployment-id"]);
    const before = await audit();

    // GitHub lets any writer add a file under the readings ref: here one claiming another deployment.
    const octokit = octokitFor(world.sandbox, token);
    const ref = `tollgate/readings/${id}`;
    const { data: head } = await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
      owner: ORG,
      repo: REPO,
      ref,
    });
    const { data: headCommit } = await octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      owner: ORG,
      repo: REPO,
      commit_sha: head.object.sha,
    });
    const forged = JSON.stringify({
      version: 1,
      deploymentId: id + 1000,
      sha,
      environment: "production",
      run: "x",
      groups: [
        {
          step: "canary 50 %",
          analysis: "error rate",
          readings: [{ at: new Date().toISOString(), value: 9, verdict: "failed" }],
        },
      ],
    });
    const { data: tree } = await octokit.request("POST /repos/{owner}/{repo}/git/trees", {
      owner: ORG,
      repo: REPO,
      base_tree: headCommit.tree.sha,
      tree: [
        { path: "9999999999999-deploy.json", mode: "100644", type: "blob", content: forged },
        { path: "9999999999999-garbage.json", mode: "100644", type: "blob", content: "{not json" },
      ],
    });
    const { data: next } = await octokit.request("POST /repos/{owner}/{repo}/git/commits", {
      owner: ORG,
      repo: REPO,
      message: "forged",
      tree: tree.sha,
      parents: [head.object.sha],
    });
    const moved = await octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
      owner: ORG,
      repo: REPO,
      ref,
      sha: next.sha,
    });
    expect(moved.status).toBe(200);

    const after = await audit();
    const history = recordOf(after, id).measurements!;
    expect(history.problems).toEqual([
      expect.stringMatching(
        /^9999999999999-deploy\.json: written for deployment \d+ of [0-9a-f]{7}, not this one$/,
      ),
      "9999999999999-garbage.json: not JSON",
    ]);
    // The Action's own readings stand; the forged one is not among them.
    expect(history.metrics[0]!.readings.every((r) => r.value === 0)).toBe(true);
    // The series never decides: the findings and the record's outcome are what they were.
    expect(after.findings).toEqual(before.findings);
    expect(recordOf(after, id).outcome).toBe(recordOf(before, id).outcome);
    expect(recordOf(after, id).digest).toBe(recordOf(before, id).digest);
    expect(diagnose(run)).not.toContain("could not keep the readings");
  },
  PROCESS_TEST_MS,
);
