/**
 * Probot's Octokit for tests and benchmarks against the sandbox or nock. Kept apart from
 * the App world (scripts/worlds/app-world.ts) so a light process (a benchmark's app server) can take it
 * without loading the sandbox.
 */
import { ProbotOctokit } from "probot";

/** No retries and no write throttling: every request is made once, at once. */
export const PLAIN_OCTOKIT = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

/** Probot's own retry and throttling, with short retry delays so a test under faults stays quick. */
export const RESILIENT_OCTOKIT = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { enabled: true, retryAfterBaseValue: 20 },
}));
