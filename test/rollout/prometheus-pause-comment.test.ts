/**
 * A rollout paused by what a real Prometheus read, decided from its pull request: the built Action
 * (`node dist/index.js`) runs a canary against the real sample service under steady traffic, a real
 * Prometheus scrapes it, and errors at the 30 % step read between the policy's success and failure, so
 * the rollout pauses. An approver's `/tollgate resume <env>` or `/tollgate abort <env>`, handled by the
 * real App process, is recorded by the App's bot and re-runs the paused run; the re-run (`mode: deploy`,
 * the same commit, as the re-run job runs it) carries the decision out. Without the binary the file fails
 * under CI and, elsewhere, warns loudly and passes a single placeholder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { GRAY_CANARY, canaryPolicy, errorRatio, grayZone } from "../../scripts/metrics/canary-policy.js";
import { canaryScripts, type CanaryScripts } from "../../scripts/metrics/canary-scripts.js";
import {
  PROMETHEUS_BIN,
  PROMETHEUS_INSTALL,
  prometheusInstalled,
  startPrometheus,
  type PrometheusServer,
} from "../../scripts/metrics/prometheus.js";
import { startSampleService, type SampleService } from "../../scripts/metrics/sample-service.js";
import { runAction, statusesOf, workflowToken, type ActionRun } from "../../scripts/worlds/action-run.js";
import { comment, settled, startAppWorld, type AppWorld } from "../../scripts/worlds/app-world.js";
import { WORKFLOW, expectPauseDecided, run } from "../app/fixtures.js";
import { FULL, openPullRequest } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS, STORY_TEST_MS, WAIT_MS } from "../support/timeouts.js";

const NAME = `(requires ${PROMETHEUS_BIN})`;
/** The error ratio as a team writes it: a 30-second window, nothing to dodge NaN. */
const ERROR_RATIO = errorRatio("30s");
const SCRAPE_MS = 2_000;

if (!prometheusInstalled()) {
  test(`Prometheus pauses decided by PR comment did not run ${NAME}`, () => {
    const message = `${PROMETHEUS_BIN} is missing, so the Prometheus pauses decided by PR comment did not run. Install it: ${PROMETHEUS_INSTALL}`;
    if (process.env.CI) throw new Error(message);
    console.warn(`\n⚠️  ${message}\n`);
    expect(prometheusInstalled()).toBe(false);
  });
} else {
  describe(`a Prometheus-caused pause decided by a PR comment, through the App and dist/ ${NAME}`, () => {
    let service: SampleService;
    let prometheus: PrometheusServer;
    let world: AppWorld;
    let token: string;
    let dir: string;
    let scripts: CanaryScripts;

    // The same gray zone as the Action's resume/abort tests: judged at 30 % only, it pauses between
    // success and failure.
    const policy = () =>
      canaryPolicy(scripts, {
        strategies: { gray: GRAY_CANARY },
        analyses: { gray: grayZone(prometheus.address) },
        environments: { resumed: "gray", aborted: "gray" },
      });

    const deploy = (environment: string, sha: string, runId: number) =>
      runAction(world, {
        sha,
        token,
        runId,
        inputs: { environment, mode: "deploy", strategy: "gray", "app-bot": world.bot },
      });
    const diagnose = (r: ActionRun) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
    const descriptions = async (id: number) =>
      (await statusesOf(world, id)).map((s) => `${s.state} ${s.description}`);

    /**
     * A PR whose rollout into `environment` paused at canary 30 % on Prometheus's reading of a 30 % error
     * fault, its run ended failed as GitHub shows it.
     */
    const pausedPr = async (environment: string) => {
      // Whatever an earlier test left on is turned off, and its errors leave the window, first.
      service.setFaults({ errorRate: 0, latencyMs: 0 });
      await prometheus.waitFor(ERROR_RATIO, (v) => v === 0, 2 * WAIT_MS);
      scripts.reset();
      scripts.faultAt(30, { errorRate: 0.3 });
      const pr = await openPullRequest(world, "owner", {
        branch: environment,
        title: environment,
        body: "A change.",
      });
      const runId = await run(world, pr.head, environment);
      const paused = await deploy(environment, pr.head, runId);
      expect({ rollout: paused.outputs["rollout"], log: diagnose(paused) }).toMatchObject({
        rollout: "paused",
      });
      expect(paused.code).toBe(1);
      expect(paused.stdout.replaceAll("%25", "%")).toMatch(
        /paused at canary 30 %: error rate [\d.]+ %: between ≤ 1 % and > 50 % \(inconclusive\)/,
      );
      expect(scripts.log()).toEqual([`deploy ${environment} 30`]);
      await world.sandbox.client.control("PATCH", `/repos/${FULL}/runs/${runId}`, {
        status: "completed",
        conclusion: "failure",
      });
      await settled(world);
      return {
        number: pr.number,
        sha: pr.head,
        runId,
        deploymentId: Number(paused.outputs["deployment-id"]),
      };
    };

    beforeAll(async () => {
      service = await startSampleService();
      service.startTraffic(50);
      prometheus = await startPrometheus({ sample: `127.0.0.1:${service.port}` }, SCRAPE_MS);
      // The window needs two scrapes with traffic before the ratio is a number.
      await prometheus.waitFor(ERROR_RATIO, (v) => v === 0, WAIT_MS);
      dir = mkdtempSync(join(tmpdir(), "tollgate-prometheus-comment-"));
      scripts = canaryScripts(dir, service.url);
      world = await startAppWorld({
        policy: policy(),
        people: ["alice"],
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

    afterAll(async () => {
      await world?.close();
      await prometheus?.close();
      await service?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test(
      "/tollgate resume by an approver: the re-run of the run Prometheus paused goes on from canary 30 % to 100 %",
      async () => {
        const pr = await pausedPr("resumed");
        // The approver looked at the figures and fixed the cause before deciding.
        service.setFaults({ errorRate: 0 });
        const asked = await comment(world, "alice", pr.number, "/tollgate resume resumed");
        await expectPauseDecided(world, asked, pr, "resume", { state: "in_progress" });

        const rerun = await deploy("resumed", pr.sha, pr.runId);
        expect({ code: rerun.code, rollout: rerun.outputs["rollout"], log: diagnose(rerun) }).toMatchObject({
          code: 0,
          rollout: "success",
        });
        expect(Number(rerun.outputs["deployment-id"])).toBe(pr.deploymentId);
        // 30 % is not applied again: the re-run goes on from the paused step to the next.
        expect(scripts.log()).toEqual(["deploy resumed 30", "deploy resumed 100"]);
        const statuses = await descriptions(pr.deploymentId);
        expect(statuses).toContainEqual(
          expect.stringMatching(
            /^in_progress Tollgate step: rollout resumed at canary 100 % by @alice, run /,
          ),
        );
        expect(statuses.at(-1)).toMatch(/^success Tollgate outcome: gray: 2 steps done, last canary 100 %/);
      },
      STORY_TEST_MS,
    );

    test(
      "/tollgate abort by an approver: the re-run of the run Prometheus paused rolls canary 30 % back",
      async () => {
        const pr = await pausedPr("aborted");
        const asked = await comment(world, "alice", pr.number, "/tollgate abort aborted");
        await expectPauseDecided(world, asked, pr, "abort");

        const rerun = await deploy("aborted", pr.sha, pr.runId);
        expect({ code: rerun.code, rollout: rerun.outputs["rollout"], log: diagnose(rerun) }).toMatchObject({
          code: 0,
          rollout: "rolled_back",
        });
        expect(scripts.log()).toEqual(["deploy aborted 30", "rollback aborted"]);
        // The rollback command turned the bad version's errors off.
        expect(service.faults().errorRate).toBe(0);
        expect((await descriptions(pr.deploymentId)).at(-1)).toMatch(
          /^failure Tollgate outcome: aborted by @alice at canary 30 % \(run .*\): rolled back — /,
        );
      },
      STORY_TEST_MS,
    );
  });
}
