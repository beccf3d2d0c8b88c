/**
 * The seams of the rollout core: time, commands and measurements are injected, so the executor and the
 * analysis run the same code under unit tests (a virtual clock, a fake runner) and in the Action.
 */

/** One reading of a provider. `failure` marks a reading the provider itself judged unhealthy (an
 * unexpected HTTP status), whatever the conditions say. An `error` is a reading that could not be
 * taken: `unreachable` when the provider was never heard (connection refused, no answer in time), which
 * the analysis's `unreachable` rule judges; otherwise it answered with an error (a bad query). */
export type Measurement =
  | { readonly value: number; readonly failure?: string; readonly detail?: string }
  | { readonly noData: true; readonly reason: string }
  | { readonly error: string; readonly unreachable?: true };

export type MeasureFn = (signal: AbortSignal) => Promise<Measurement>;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (it never rejects: callers check the signal). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
}

/** Runs one trusted policy command; context travels only in `env`, never in the command line. */
export interface CommandRunner {
  run(command: string, env: Readonly<Record<string, string>>): Promise<CommandResult>;
}

/** What the deployment is about. PR-derived values (title, branch) are untrusted: env vars only. */
export interface RolloutContext {
  readonly environment: string;
  readonly sha: string;
  readonly strategy: string;
  readonly version?: string;
  /** The environment's last successful SHA: the rollback target. */
  readonly previousSha?: string;
  readonly ref?: string;
  readonly pullRequest?: { readonly number: number; readonly title: string; readonly branch: string };
  readonly initiator?: string;
}

/** The environment variables every command gets, before step-specific ones. */
export function contextEnv(context: RolloutContext): Record<string, string> {
  const env: Record<string, string> = {
    TOLLGATE_ENVIRONMENT: context.environment,
    TOLLGATE_SHA: context.sha,
    TOLLGATE_STRATEGY: context.strategy,
  };
  if (context.version !== undefined) env.TOLLGATE_VERSION = context.version;
  if (context.previousSha !== undefined) env.TOLLGATE_PREVIOUS_SHA = context.previousSha;
  if (context.ref !== undefined) env.TOLLGATE_REF = context.ref;
  if (context.initiator !== undefined) env.TOLLGATE_INITIATOR = context.initiator;
  if (context.pullRequest) {
    env.TOLLGATE_PR_NUMBER = String(context.pullRequest.number);
    env.TOLLGATE_PR_TITLE = context.pullRequest.title;
    env.TOLLGATE_BRANCH = context.pullRequest.branch;
  }
  return env;
}

/** Runs a command, turning a runner that throws (bash missing, spawn failure) into a failed exit. */
export async function runCommand(
  runner: CommandRunner,
  command: string,
  env: Readonly<Record<string, string>>,
): Promise<CommandResult & { readonly error?: string }> {
  try {
    return await runner.run(command, env);
  } catch (error) {
    return { exitCode: -1, stdout: "", error: error instanceof Error ? error.message : String(error) };
  }
}
