/**
 * A command from the policy, run like deploy steps (bash, context in env vars). `exit_code`: the exit
 * code is the measurement (0 healthy unless conditions say otherwise). `stdout`: the last non-empty
 * line printed is the number; a failing command or an unreadable line is a measurement error.
 */
import type { AnalysisProvider } from "../../policy/model.js";
import type { CommandRunner, MeasureFn } from "../types.js";

type CommandProvider = Extract<AnalysisProvider, { kind: "command" }>;

export function commandProvider(
  provider: CommandProvider,
  runner: CommandRunner,
  env: Readonly<Record<string, string>>,
): MeasureFn {
  return async () => {
    const { exitCode, stdout } = await runner.run(provider.run, env);
    if (provider.measure === "exit_code") return { value: exitCode, detail: `exit code ${exitCode}` };
    if (exitCode !== 0) return { error: `the command exited with ${exitCode}` };
    const line = stdout
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1);
    if (line === undefined) return { noData: true, reason: "the command printed nothing" };
    if (line === "NaN") return { noData: true, reason: "the command printed NaN" };
    const value = Number(line.replace(/%$/, ""));
    if (Number.isNaN(value)) return { error: `the command printed ${JSON.stringify(line)}, not a number` };
    return { value: line.endsWith("%") ? value / 100 : value };
  };
}
