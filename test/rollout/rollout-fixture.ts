/** A policy with every strategy shape, and a rollout harness on a virtual clock with a fake runner. */
import type { Policy } from "../../src/policy/model.js";
import { VirtualClock } from "../../src/rollout/clock.js";
import { executeRollout, type RolloutEvent } from "../../src/rollout/executor.js";
import { planRollout } from "../../src/rollout/plan.js";
import { planRollback } from "../../src/rollout/rollback.js";
import type { RolloutContext } from "../../src/rollout/types.js";
import { FakeRunner, policyFrom, scripted } from "./helpers.js";

export const POLICY = `
version: 1
strategies:
  canary:
    type: canary
    run: ./deploy/canary.sh
    steps:
      - { weight: 5, pause: 10m }
      - { weight: 25, pause: 10m }
      - { weight: 100 }
    analyses: [error-rate]
  blue-green:
    type: blue-green
    deploy_idle: ./bg.sh deploy
    promote: ./bg.sh promote
    switch_back: ./bg.sh switch-back
    keep_old_for: 30m
    analyses: [error-rate]
  rolling:
    type: rolling
    run: ./deploy/rolling.sh
    batches: 3
    pause: 2m
  relative:
    type: direct
    run: ./deploy/direct.sh
    analyses: [latency]
  migrating:
    type: canary
    before: [./db/backup.sh, ./db/migrate.sh]
    run: ./deploy/canary.sh
    steps:
      - { weight: 50 }
      - { weight: 100 }
analyses:
  error-rate:
    title: error rate
    prometheus: { address: "http://prometheus:9090", query: "sum(rate(errors[1m])) / sum(rate(requests[1m]))" }
    success: "<= 1%"
    failure: "> 5%"
    inconclusive: pause
    interval: 1m
    count: 3
    failure_limit: 1
  latency:
    title: p99 latency
    prometheus: { address: "http://prometheus:9090", query: "p99" }
    failure: "> 300% of baseline"
  smoke:
    title: smoke
    command: { run: ./smoke.sh, measure: exit_code }
environments:
  production:
    approval: none
    strategies: [canary, blue-green, rolling, relative, migrating]
    rollback: { run: ./deploy/rollback.sh, analyses: [smoke] }
  staging:
    approval: none
    strategies: [canary]
    rollback: { redeploy_previous: true }
`;
export const policy: Policy = policyFrom(POLICY);
export const SHA = "a".repeat(40);
export const PREVIOUS = "b".repeat(40);
export const HOSTILE = `fix: $(touch /tmp/pwned) \`id\`; rm -rf / "quoted" 'single'\nsecond line`;
export const context: RolloutContext = {
  environment: "production",
  sha: SHA,
  strategy: "canary",
  version: "1.4.0",
  previousSha: PREVIOUS,
  pullRequest: { number: 7, title: HOSTILE, branch: "feat/$(reboot);x" },
};
export const HEALTHY = 0.004;
export const FAULTY = 0.072;

export function rollout(
  strategy: string,
  options: {
    environment?: string;
    measure?: ReturnType<typeof scripted>;
    exitCode?: (command: string) => number;
    previousSha?: string;
    reporter?: (event: RolloutEvent) => Promise<void>;
    /** Replaces the fixture context's optional fields (previousSha …); `{}` drops them all. */
    context?: Partial<RolloutContext>;
    startAt?: number;
    stopped?: () => string | undefined;
  } = {},
) {
  const environment = policy.environments[options.environment ?? "production"]!;
  const clock = new VirtualClock(0);
  const runner = new FakeRunner(options.exitCode, () => clock.now());
  const events: RolloutEvent[] = [];
  const measure = options.measure ?? scripted({ "error-rate": [HEALTHY], smoke: [0], latency: [250] });
  const run = executeRollout({
    plan: planRollout(policy.strategies[strategy]!, environment, policy.analyses),
    context: {
      ...(options.context
        ? {
            environment: context.environment,
            sha: context.sha,
            strategy: context.strategy,
            ...options.context,
          }
        : context),
      environment: environment.name,
      strategy,
    },
    runner,
    clock,
    measure,
    reporter: options.reporter ?? (async (event) => void events.push(event)),
    rollback: planRollback(policy.strategies[strategy]!, environment, policy.analyses, options.previousSha),
    ...(options.startAt !== undefined ? { startAt: options.startAt } : {}),
    ...(options.stopped ? { stopped: options.stopped } : {}),
  });
  return { run, runner, events, clock, measure };
}
