/**
 * The production command runner. The command text comes from the policy on the default branch; it is
 * handed to bash as one argument (`bash -e -o pipefail -c <command>`, no shell in between), and every
 * value about the deployment — including untrusted PR titles and branch names — arrives as environment
 * variables, so nothing a PR author writes is ever parsed as shell syntax.
 */
import { getExecOutput } from "@actions/exec";
import type { CommandResult, CommandRunner } from "../rollout/types.js";

export interface ExecRunnerOptions {
  /** Don't echo the command and its output to the job log (tests, benchmarks). */
  readonly silent?: boolean;
  readonly cwd?: string;
}

export function bashArgs(command: string): string[] {
  return ["-e", "-o", "pipefail", "-c", command];
}

export function execRunner(options: ExecRunnerOptions = {}): CommandRunner {
  return {
    async run(command, env): Promise<CommandResult> {
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      const { exitCode, stdout } = await getExecOutput("bash", bashArgs(command), {
        env: { ...inherited, ...env },
        ignoreReturnCode: true,
        silent: options.silent ?? false,
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      });
      return { exitCode, stdout };
    },
  };
}
