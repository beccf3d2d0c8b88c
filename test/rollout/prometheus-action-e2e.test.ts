/**
 * Rollouts through the built Action (`node dist/index.js`) judged by a real Prometheus (Debian package
 * `prometheus`) that scrapes the real sample service every second while it serves steady traffic —
 * not the fake runner, not a fake provider. The queries are the ones a team would write, over 30-second
 * windows, with no `no_data` setting to paper over NaN. Each test has its own environment and first waits
 * until the windows hold no earlier fault, so none depends on another. Without the binary the file fails
 * under CI and, elsewhere, warns loudly and passes a single placeholder.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  GRAY_CANARY,
  canaryPolicy,
  errorRateAbove5,
  errorRatio,
  grayZone,
  p99Ms,
  timed,
  traffic,
} from "../../scripts/metrics/canary-policy.js";
import { canaryScripts, type CanaryScripts } from "../../scripts/metrics/canary-scripts.js";
import {
  PROMETHEUS_BIN,
  PROMETHEUS_INSTALL,
  prometheusInstalled,
  startPrometheus,
  type PrometheusServer,
} from "../../scripts/metrics/prometheus.js";
import { startSampleService, type SampleService } from "../../scripts/metrics/sample-service.js";
import {
  actionEnv,
  DIST,
  runAction,
  statusesOf,
  workflowToken,
  type ActionRun,
} from "../../scripts/worlds/action-run.js";
import { createWorld, FULL, type World } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS, WAIT_MS } from "../support/timeouts.js";

const NAME = `(requires ${PROMETHEUS_BIN})`;
/** The error ratio and p99 latency as a team writes them: a 30-second window, nothing to dodge NaN. */
const ERROR_RATIO = errorRatio("30s");
const P99_MS = p99Ms("30s");
/**
 * The bound holds when the first reading after the initial delay already sees the fault: 10 s of a 30 %
 * error rate in a 30-second window, less one scrape's lag, reads about 8 % > 5 %.
 */
const SCRAPE_MS = 2_000;
const INITIAL_DELAY_MS = 10_000;
const INTERVAL_MS = 1_000;
const FAILURE_LIMIT = 1;

if (!prometheusInstalled()) {
  test(`Prometheus through the Action did not run ${NAME}`, () => {
    const message = `${PROMETHEUS_BIN} is missing, so the Prometheus rollouts through dist/ did not run. Install it: ${PROMETHEUS_INSTALL}`;
    if (process.env.CI) throw new Error(message);
    console.warn(`\n⚠️  ${message}\n`);
    expect(prometheusInstalled()).toBe(false);
  });
} else {
  describe(`rollouts through dist/ judged by a real Prometheus ${NAME}`, () => {
    let service: SampleService;
    let prometheus: PrometheusServer;
    /** A second instance over the same service, killed by the outage test. */
    let doomed: PrometheusServer;
    let world: World;
    let token: string;
    let dir: string;
    let scripts: CanaryScripts;

    const policy = () => {
      const timing = {
        initialDelayMs: INITIAL_DELAY_MS,
        intervalMs: INTERVAL_MS,
        count: 3,
        failureLimit: FAILURE_LIMIT,
      };
      const steps = [{ weight: 30, pause: "2s" }, { weight: 100 }];
      return canaryPolicy(scripts, {
        strategies: {
          canary: { steps, analyses: ["errors", "latency"] },
          "errors-only": { steps, analyses: ["errors"] },
          "latency-only": { steps, analyses: ["latency"] },
          // Judged at its first step only, by a condition with a gray zone: between success and failure it pauses.
          gray: GRAY_CANARY,
          killable: {
            steps: [{ weight: 10 }, { weight: 30, pause: "12s" }, { weight: 100 }],
            analyses: ["errors-now"],
          },
          watched: { steps, analyses: ["traffic"] },
        },
        analyses: {
          errors: errorRateAbove5(prometheus.address, "30s", timing),
          latency: {
            title: "p99 latency",
            prometheus: { address: prometheus.address, query: P99_MS },
            failure: "> 200",
            ...timed(timing),
          },
          "errors-now": errorRateAbove5(prometheus.address, "30s", { intervalMs: INTERVAL_MS, count: 2 }),
          gray: grayZone(prometheus.address),
          traffic: {
            title: "traffic",
            prometheus: { address: doomed.address, query: traffic("30s") },
            failure: "< 1",
            ...timed({ intervalMs: INTERVAL_MS, count: 30 }),
            unreachable: "inconclusive",
            inconclusive: "pause",
          },
        },
        environments: {
          production: "canary",
          errors: "errors-only",
          latency: "latency-only",
          resumed: "gray",
          aborted: "gray",
          killed: "killable",
          outage: "watched",
        },
      });
    };

    const deploy = (environment: string, runId: number, sha = "HEAD") =>
      runAction(world, { sha, token, runId, inputs: { environment, mode: "deploy" } });
    const diagnose = (run: ActionRun) => `exit ${run.code}\n${run.stdout}\n${run.stderr}\n${run.summary}`;
    const head = async () =>
      (
        await world.sandbox.client.putFile(
          world.people["owner"]!.token,
          FULL,
          `src/change-${Math.random().toString(36).slice(2)}.ts`,
          "export {};\n",
          { message: "A change" },
        )
      ).commit.sha;
    /** Until the 30-second windows hold no fault of an earlier test. */
    const quiet = async () => {
      // Whatever an earlier test left on (a failure midway included) is turned off first.
      service.setFaults({ errorRate: 0, latencyMs: 0 });
      await prometheus.waitFor(ERROR_RATIO, (v) => v === 0, 2 * WAIT_MS);
      await prometheus.waitFor(P99_MS, (v) => v < 50, 2 * WAIT_MS);
    };
    /** The job summary's readings rows of one analysis: step, value, and whether it passed. */
    const readings = (run: ActionRun, analysis: string) =>
      run.summary
        .split("\n")
        .map((line) => line.split(" | "))
        .filter((cells) => cells[0]?.startsWith("| +") && cells[2] === analysis)
        .map((cells) => ({ step: cells[1]!, value: cells[3]!, ok: cells[5]!.startsWith("✅") }));

    beforeAll(async () => {
      service = await startSampleService();
      service.startTraffic(50);
      prometheus = await startPrometheus({ sample: `127.0.0.1:${service.port}` }, SCRAPE_MS);
      doomed = await startPrometheus({ sample: `127.0.0.1:${service.port}` }, SCRAPE_MS);
      // Both windows need two scrapes with traffic before the ratio is a number.
      await prometheus.waitFor(ERROR_RATIO, (v) => v === 0, WAIT_MS);
      await doomed.waitFor("sum(rate(sample_requests_total[30s]))", (v) => v > 1, WAIT_MS);
      dir = mkdtempSync(join(tmpdir(), "tollgate-prometheus-action-"));
      scripts = canaryScripts(dir, service.url);
      world = await createWorld({ policy: policy() });
      token = await workflowToken(world);
    }, PROCESS_TEST_MS);

    afterAll(async () => {
      await world?.close();
      await prometheus?.close();
      await doomed?.close();
      await service?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test(
      "a healthy canary judged by the natural error-ratio and p99 queries reaches 100 %, every reading a figure",
      async () => {
        await quiet();
        scripts.reset();
        const run = await deploy("production", 601, await head());
        expect(run.outputs).toMatchObject({ rollout: "success", status: "success", "rolled-back": "false" });
        expect(run.code).toBe(0);
        expect(scripts.log()).toEqual(["deploy production 30", "deploy production 100"]);
        for (const analysis of ["error rate", "p99 latency"]) {
          const rows = readings(run, analysis);
          // Three readings at each step, each a number read from Prometheus, none "no data".
          expect(rows.map((r) => r.step)).toEqual([
            ...Array<string>(3).fill("canary 30 %"),
            ...Array<string>(3).fill("canary 100 %"),
          ]);
          for (const row of rows) {
            expect(row.value).toMatch(/^\d+(\.\d+)?$/);
            expect(row.ok).toBe(true);
          }
        }
        expect(readings(run, "error rate").map((r) => r.value)).toEqual(Array<string>(6).fill("0"));
        expect(run.summary).not.toMatch(/no data|NaN/);
      },
      PROCESS_TEST_MS,
    );

    test(
      "a 30 % error fault at the 30 % step rolls back within initial delay + failure limit × interval + one scrape interval",
      async () => {
        await quiet();
        scripts.reset();
        scripts.faultAt(30, { errorRate: 0.3 });
        const run = await deploy("errors", 602, await head());
        expect(run.outputs).toMatchObject({ rollout: "rolled_back", "rolled-back": "true" });
        expect(run.stdout).toMatch(/rolled back at canary 30 %: error rate [\d.]+ % > 5 %/);
        expect(scripts.log()).toEqual(["deploy errors 30", "rollback errors"]);
        const reaction = scripts.rollbackAt()! - scripts.faultsOnAt()!;
        const bound = INITIAL_DELAY_MS + FAILURE_LIMIT * INTERVAL_MS + SCRAPE_MS;
        expect({ reaction, within: reaction <= bound }).toEqual({ reaction, within: true });
        // Not sooner than the policy allows: the first reading waits for the initial delay.
        expect(reaction).toBeGreaterThanOrEqual(INITIAL_DELAY_MS);
        expect(service.faults().errorRate).toBe(0);
      },
      PROCESS_TEST_MS,
    );

    test(
      "a latency-only fault (no errors) rolls back on the p99 query",
      async () => {
        await quiet();
        scripts.reset();
        scripts.faultAt(30, { latencyMs: 300 });
        const run = await deploy("latency", 603, await head());
        expect(run.outputs).toMatchObject({ rollout: "rolled_back", "rolled-back": "true" });
        expect(run.stdout).toMatch(/rolled back at canary 30 %: p99 latency [\d.]+ > 200/);
        expect(scripts.log()).toEqual(["deploy latency 30", "rollback latency"]);
        expect(service.faults()).toEqual({ errorRate: 0, latencyMs: 0 });
      },
      PROCESS_TEST_MS,
    );

    /** A rollout of `environment` paused at canary 30 %: errors at 30 % read between success and failure. */
    const pausedAt30 = async (environment: string, runId: number) => {
      await quiet();
      scripts.reset();
      scripts.faultAt(30, { errorRate: 0.3 });
      const sha = await head();
      const run = await deploy(environment, runId, sha);
      expect(run.outputs).toMatchObject({ rollout: "paused", "rolled-back": "false" });
      expect(run.stdout).toMatch(
        /paused at canary 30 %: error rate [\d.]+ %: between ≤ 1 % and > 50 % \(inconclusive\)/,
      );
      expect(scripts.log()).toEqual([`deploy ${environment} 30`]);
      return { sha, id: Number(run.outputs["deployment-id"]) };
    };

    test(
      "a rollout paused by what Prometheus read is resumed with mode resume and goes on to 100 %",
      async () => {
        const { sha, id } = await pausedAt30("resumed", 611);
        // Whoever decides looked at the figures and fixed the cause; the Action goes on from the next step.
        service.setFaults({ errorRate: 0 });
        const run = await runAction(world, {
          sha,
          token,
          runId: 612,
          inputs: { environment: "resumed", mode: "resume" },
        });
        expect({ code: run.code, rollout: run.outputs["rollout"] }).toEqual({ code: 0, rollout: "success" });
        expect(Number(run.outputs["deployment-id"])).toBe(id);
        expect(scripts.log()).toEqual(["deploy resumed 30", "deploy resumed 100"]);
        expect((await statusesOf(world, id)).at(-1)).toMatchObject({ state: "success" });
      },
      PROCESS_TEST_MS,
    );

    test(
      "a rollout paused by what Prometheus read is aborted with mode abort and rolled back",
      async () => {
        const { sha, id } = await pausedAt30("aborted", 621);
        const run = await runAction(world, {
          sha,
          token,
          runId: 622,
          inputs: { environment: "aborted", mode: "abort" },
        });
        expect({ code: run.code, rollout: run.outputs["rollout"] }).toEqual({
          code: 0,
          rollout: "rolled_back",
        });
        expect(scripts.log()).toEqual(["deploy aborted 30", "rollback aborted"]);
        expect(service.faults().errorRate).toBe(0);
        expect((await statusesOf(world, id)).at(-1)!.description).toMatch(/aborted by @owner at canary 30 %/);
      },
      PROCESS_TEST_MS,
    );

    test(
      "the Action SIGKILLed at 30 %: its re-run (the same run's next attempt) resumes at 30 %, judged by Prometheus",
      async () => {
        await quiet();
        scripts.reset();
        const sha = await head();
        const options = { sha, token, runId: 631, inputs: { environment: "killed", mode: "deploy" } };
        const runDir = mkdtempSync(join(tmpdir(), "tollgate-killed-"));
        const child = spawn(process.execPath, [DIST], {
          env: actionEnv(world, options, runDir),
          stdio: "ignore",
        });
        const exited = once(child, "exit");
        const deadline = Date.now() + PROCESS_TEST_MS / 2;
        while (!scripts.applied("killed", 30) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        expect(scripts.applied("killed", 30)).toBe(true);
        // The step's status is written right after its command; then the runner dies mid-analysis.
        await new Promise((r) => setTimeout(r, 1_500));
        child.kill("SIGKILL");
        await exited;
        rmSync(runDir, { recursive: true, force: true });
        expect(scripts.log()).toEqual(["deploy killed 10", "deploy killed 30"]);

        const rerun = await runAction(world, options);
        expect({ code: rerun.code, rollout: rerun.outputs["rollout"] }).toEqual({
          code: 0,
          rollout: "success",
        });
        expect(rerun.stdout).toMatch(/resuming at canary 30 %, where deployment \d+ stopped/);
        // 30 % again (re-applied and judged again), then 100 %: never back to 10 %.
        expect(scripts.log()).toEqual([
          "deploy killed 10",
          "deploy killed 30",
          "deploy killed 30",
          "deploy killed 100",
        ]);
        // Judged again by Prometheus at 30 % (through its pause) and at 100 %, every reading passing.
        const judged = readings(rerun, "error rate");
        expect([...new Set(judged.map((r) => r.step))]).toEqual(["canary 30 %", "canary 100 %"]);
        expect(judged.every((r) => r.ok)).toBe(true);
      },
      PROCESS_TEST_MS,
    );

    test(
      "Prometheus killed mid-rollout: the analysis follows the policy's unreachable rule (inconclusive → pause)",
      async () => {
        scripts.reset();
        const running = deploy("outage", 604, await head());
        // Killed once the first step is live and being watched: an outage, not a shutdown.
        const deadline = Date.now() + WAIT_MS;
        while (!scripts.applied("outage", 30) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 100));
        expect(scripts.applied("outage", 30)).toBe(true);
        await new Promise((r) => setTimeout(r, 1_500));
        await doomed.kill();
        const run = await running;
        expect(run.outputs).toMatchObject({ rollout: "paused", "rolled-back": "false" });
        expect(run.stdout).toMatch(/paused at canary 30 %: traffic .*unreachable/);
        // Neither promoted nor rolled back: the rule said stop and ask.
        expect(scripts.log()).toEqual(["deploy outage 30"]);
        const statuses = await statusesOf(world, Number(run.outputs["deployment-id"]));
        expect(statuses.at(-1)!.description).toMatch(/paused at canary 30 %/);
        expect(diagnose(run)).not.toContain("TypeError");
      },
      PROCESS_TEST_MS,
    );
  });
}
