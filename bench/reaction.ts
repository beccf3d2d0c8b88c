/**
 * Fault-to-rollback reaction end to end, with nothing faked: the built Action (`node dist/index.js`)
 * deploys a canary to the sandbox, its step command turns errors up in the real sample service (under
 * steady traffic), a real Prometheus scrapes it, and the error-ratio analysis rolls back. Measured from
 * the moment the fault is live (noted by the step command) to the rollback command starting (noted by
 * it), against the bound initial delay + failure limit × interval + one scrape interval. Run
 * `npm run bundle` first: it measures dist/ as built.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startActionWorld } from "../scripts/metrics/action-world.js";
import { canaryPolicy, errorRateAbove5, errorRatio } from "../scripts/metrics/canary-policy.js";
import { canaryScripts } from "../scripts/metrics/canary-scripts.js";
import { startPrometheus } from "../scripts/metrics/prometheus.js";
import { startSampleService } from "../scripts/metrics/sample-service.js";
import { machine, median } from "./stats.js";

const RUNS = 10;
const SCRAPE_MS = 1_000;
/**
 * The bound holds when the first reading after the initial delay already sees the fault: the delay must
 * let the window fill past the threshold (here 50 % errors × 3 s of data / a 10 s window = 15 % > 5 %),
 * leaving one scrape interval for Prometheus to have the data.
 */
const INITIAL_DELAY_MS = 4_000;
const INTERVAL_MS = 1_000;
const FAILURE_LIMIT = 1;
const ERROR_RATE = 0.5;
const RPS = 50;
/** A 10-second window keeps a run's errors from lingering into the next for long. */
const ERROR_RATIO = errorRatio("10s");

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function benchReaction(): Promise<string> {
  const service = await startSampleService();
  service.startTraffic(RPS);
  const prometheus = await startPrometheus({ sample: `127.0.0.1:${service.port}` }, SCRAPE_MS);
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-reaction-"));
  const scripts = canaryScripts(dir, service.url);
  const world = await startActionWorld(
    canaryPolicy(scripts, {
      strategies: { canary: { steps: [{ weight: 30, pause: "1s" }, { weight: 100 }], analyses: ["errors"] } },
      analyses: {
        errors: errorRateAbove5(prometheus.address, "10s", {
          initialDelayMs: INITIAL_DELAY_MS,
          intervalMs: INTERVAL_MS,
          count: 3,
          failureLimit: FAILURE_LIMIT,
        }),
      },
      environments: { production: "canary" },
    }),
  );
  const bound = INITIAL_DELAY_MS + FAILURE_LIMIT * INTERVAL_MS + SCRAPE_MS;
  // A shared machine's load shows in every figure: said next to them.
  const load = [loadavg()[0]!];
  const reactions: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      // Each run starts with a window free of the last run's errors.
      await prometheus.waitFor(ERROR_RATIO, (v) => v === 0, 60_000);
      scripts.reset();
      scripts.faultAt(30, { errorRate: ERROR_RATE });
      const result = await world.deploy("production", await world.commit(), 9000 + run);
      const on = scripts.faultsOnAt();
      const back = scripts.rollbackAt();
      if (result.outputs["rollout"] !== "rolled_back" || on === undefined || back === undefined)
        throw new Error(`run ${run + 1} did not roll back:\n${result.stdout}`);
      reactions.push(back - on);
      console.error(`  run ${run + 1}: ${seconds(back - on)}`);
    }
    load.push(loadavg()[0]!);
  } finally {
    await world.close();
    await prometheus.close();
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const max = Math.max(...reactions);
  return [
    "## Fault-to-rollback reaction with a real Prometheus",
    "",
    `${RUNS} canary rollouts through \`node dist/index.js\` against the sandbox: the 30 % step's command turns the sample service's error rate to ${ERROR_RATE * 100} % while it serves ${RPS} requests/s, Prometheus (${"`/usr/bin/prometheus`"}) scrapes it every ${seconds(SCRAPE_MS)}, and the analysis \`${ERROR_RATIO}\` > 5 % (initial delay ${seconds(INITIAL_DELAY_MS)}, interval ${seconds(INTERVAL_MS)}, failure limit ${FAILURE_LIMIT}) rolls back. Measured from the fault being live (noted by the step command) to the rollback command starting. ${machine()}, ${cpus().length} CPUs, load average ${load.map((l) => l.toFixed(1)).join(" → ")} over the runs.`,
    "",
    "| runs | median | max | bound: initial delay + failure limit × interval + one scrape interval | max within bound |",
    "|---|---|---|---|---|",
    `| ${RUNS} | ${seconds(median(reactions))} | ${seconds(max)} | ${seconds(bound)} | ${max <= bound ? "yes" : "**no**"} |`,
    "",
    `Every run (s): ${reactions.map((r) => (r / 1000).toFixed(2)).join(", ")}. Beyond the analysis's own ${seconds(INITIAL_DELAY_MS + FAILURE_LIMIT * INTERVAL_MS)} (initial delay + failure limit × interval) each run spends the step's status write, the Prometheus queries, the failing status write and starting the rollback command: ${seconds(median(reactions) - INITIAL_DELAY_MS - FAILURE_LIMIT * INTERVAL_MS)} at the median.`,
  ].join("\n");
}
