/** Strategies and analyses as the engine reads them: defaults filled in, durations in milliseconds, conditions parsed. */
import { parseAnyCondition } from "../condition.js";
import type { Analysis, AnalysisProvider, Strategy } from "../model.js";
import type { AnalysisDocument, StrategyDocument } from "../schema.js";
import { commandList, durationMs } from "./values.js";

export function normalizeStrategy(name: string, doc: StrategyDocument): Strategy {
  const batches = doc.batches;
  return {
    name,
    type: doc.type,
    run: commandList(doc.run),
    batches:
      typeof batches === "number"
        ? Array.from({ length: batches }, (_, i) => `${i + 1}/${batches}`)
        : (batches ?? []),
    steps: (doc.steps ?? []).map((s) => ({
      ...(s.weight !== undefined ? { weight: s.weight } : {}),
      ...(s.percent !== undefined ? { percent: s.percent } : {}),
      pauseMs: durationMs(s.pause),
      analyses: s.analyses ?? doc.analyses ?? [],
    })),
    ...(doc.flag !== undefined ? { flag: doc.flag } : {}),
    deployIdle: commandList(doc.deploy_idle),
    before: commandList(doc.before),
    promote: commandList(doc.promote),
    switchBack: commandList(doc.switch_back),
    keepOldForMs: durationMs(doc.keep_old_for),
    pauseMs: durationMs(doc.pause),
    analyses: doc.analyses ?? [],
  };
}

export function normalizeAnalysis(name: string, doc: AnalysisDocument): Analysis {
  const intervalMs = durationMs(doc.interval, 30_000);
  const provider: AnalysisProvider = doc.http
    ? {
        kind: "http",
        url: doc.http.url,
        method: doc.http.method ?? "GET",
        ...(doc.http.expect_status ? { expectStatus: doc.http.expect_status } : {}),
        ...(doc.http.json_path !== undefined ? { jsonPath: doc.http.json_path } : {}),
        measure: doc.http.measure ?? (doc.http.json_path !== undefined ? "value" : "latency"),
        // 10 s as before: a latency probe may well take longer than half its interval.
        timeoutMs: durationMs(doc.http.timeout, 10_000),
      }
    : doc.prometheus
      ? {
          kind: "prometheus",
          address: doc.prometheus.address,
          query: doc.prometheus.query,
          ...(doc.prometheus.baseline !== undefined ? { baseline: doc.prometheus.baseline } : {}),
          // A query slower than half the interval would crowd out the next reading.
          timeoutMs: durationMs(doc.prometheus.timeout, Math.min(10_000, Math.ceil(intervalMs / 2))),
        }
      : { kind: "command", run: doc.command!.run, measure: doc.command!.measure };
  return {
    name,
    title: doc.title ?? name,
    provider,
    ...(doc.success !== undefined ? { success: parseAnyCondition(doc.success)! } : {}),
    ...(doc.failure !== undefined ? { failure: parseAnyCondition(doc.failure)! } : {}),
    ...(doc.warn !== undefined ? { warn: parseAnyCondition(doc.warn)! } : {}),
    intervalMs,
    initialDelayMs: durationMs(doc.initial_delay),
    count: doc.count ?? 1,
    failureLimit: doc.failure_limit ?? 0,
    consecutiveErrorLimit: doc.consecutive_error_limit ?? 4,
    inconclusiveLimit: doc.inconclusive_limit ?? 0,
    consecutiveSuccesses: doc.consecutive_successes ?? 0,
    noData: doc.no_data ?? "inconclusive",
    unreachable: doc.unreachable ?? "error",
    inconclusive: doc.inconclusive ?? "fail",
    dryRun: doc.dry_run ?? false,
    ...(doc.judge !== undefined
      ? { judge: { kind: doc.judge, alpha: doc.alpha ?? 0.05, worse: doc.worse ?? "higher" } }
      : {}),
  };
}
