/**
 * The canary policies that roll the sample service out under a real Prometheus: the queries a team would
 * write over the service's metrics, the analyses judging them, and the policy file around them. The
 * Action's Prometheus tests, the pause-by-comment test and the reaction benchmark all write their policy
 * through here, so that what the benchmark measures is what the tests prove.
 */
import { dump } from "js-yaml";
import type { CanaryScripts } from "./canary-scripts.js";

/** The share of the sample service's requests that failed over `window`; nothing added to dodge NaN. */
export const errorRatio = (window: string): string =>
  `sum(rate(sample_requests_total{status="500"}[${window}])) / sum(rate(sample_requests_total[${window}]))`;

/** The sample service's p99 latency in milliseconds over `window`. */
export const p99Ms = (window: string): string =>
  `histogram_quantile(0.99, sum(rate(sample_request_duration_seconds_bucket[${window}])) by (le)) * 1000`;

/** The rate of requests the sample service served over `window`: zero once traffic stops. */
export const traffic = (window: string): string => `sum(rate(sample_requests_total[${window}]))`;

/** An analysis of the policy file (`analyses.<name>`) reading one Prometheus query. */
export interface PrometheusAnalysis {
  readonly title: string;
  readonly prometheus: { readonly address: string; readonly query: string };
  readonly success?: string;
  readonly failure?: string;
  readonly initial_delay?: string;
  readonly interval: string;
  readonly count: number;
  readonly failure_limit?: number;
  readonly unreachable?: "inconclusive";
  readonly inconclusive?: "pause";
}

/** How often and how long an analysis reads, in milliseconds. */
export interface Timing {
  readonly initialDelayMs?: number;
  readonly intervalMs: number;
  readonly count: number;
  readonly failureLimit?: number;
}

/** The policy's timing keys of an analysis. */
export function timed(timing: Timing) {
  return {
    ...(timing.initialDelayMs === undefined ? {} : { initial_delay: `${timing.initialDelayMs}ms` }),
    interval: `${timing.intervalMs}ms`,
    count: timing.count,
    ...(timing.failureLimit === undefined ? {} : { failure_limit: timing.failureLimit }),
  };
}

/** The seeds' trigger: an error rate above 5 % fails the step. */
export function errorRateAbove5(address: string, window: string, timing: Timing): PrometheusAnalysis {
  return {
    title: "error rate",
    prometheus: { address, query: errorRatio(window) },
    failure: "> 5%",
    ...timed(timing),
  };
}

/**
 * An error rate with a gray zone, read once at the step it judges: at most 1 % passes, above 50 % fails,
 * anything between pauses the rollout for a person to decide.
 */
export function grayZone(address: string): PrometheusAnalysis {
  return {
    title: "error rate",
    prometheus: { address, query: errorRatio("30s") },
    success: "<= 1%",
    failure: "> 50%",
    initial_delay: "4s",
    interval: "1000ms",
    count: 1,
    inconclusive: "pause",
  };
}

export interface CanaryStep {
  readonly weight: number;
  readonly pause?: string;
  readonly analyses?: readonly string[];
}

/** A canary strategy: its steps, and the analyses run between them (when not per step). */
export interface Canary {
  readonly steps: readonly CanaryStep[];
  readonly analyses?: readonly string[];
}

/** Judged at its first step only, by the gray zone; the step's command is the sample service's deploy. */
export const GRAY_CANARY: Canary = { steps: [{ weight: 30, analyses: ["gray"] }, { weight: 100 }] };

/**
 * The policy file: each strategy a canary running `scripts.deploy`, each environment (name → strategy)
 * deploying without approval and rolling back with `scripts.rollback`.
 */
export function canaryPolicy(
  scripts: Pick<CanaryScripts, "deploy" | "rollback">,
  spec: {
    readonly strategies: Readonly<Record<string, Canary>>;
    readonly analyses: Readonly<Record<string, PrometheusAnalysis>>;
    readonly environments: Readonly<Record<string, string>>;
  },
): string {
  const policy = {
    version: 1,
    strategies: Object.fromEntries(
      Object.entries(spec.strategies).map(([name, canary]) => [
        name,
        { type: "canary", run: scripts.deploy, ...canary },
      ]),
    ),
    analyses: spec.analyses,
    environments: Object.fromEntries(
      Object.entries(spec.environments).map(([name, strategy]) => [
        name,
        { approval: "none", strategies: [strategy], rollback: { run: scripts.rollback } },
      ]),
    ),
  };
  return dump(policy, { lineWidth: -1 });
}
