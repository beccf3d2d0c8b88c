/** Shared test doubles for the rollout core: policies from YAML, a recording runner, scripted providers. */
import { loadPolicy } from "../../src/policy/load.js";
import { parseAnyCondition } from "../../src/policy/condition.js";
import type { Analysis, Policy } from "../../src/policy/model.js";
import type { ProviderFactory } from "../../src/rollout/providers/index.js";
import type { CommandResult, CommandRunner, Measurement } from "../../src/rollout/types.js";

export function policyFrom(yaml: string): Policy {
  const loaded = loadPolicy(yaml, "test.yml");
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  return loaded.policy;
}

/** An analysis built directly (for judge/analysis unit tests), defaults as the policy model has them. */
export function analysisOf(
  overrides: Partial<Omit<Analysis, "success" | "failure">> & { success?: string; failure?: string } = {},
): Analysis {
  const { success, failure, ...rest } = overrides;
  return {
    name: "error-rate",
    title: "error rate",
    provider: { kind: "prometheus", address: "http://prometheus:9090", query: "q", timeoutMs: 10_000 },
    intervalMs: 60_000,
    initialDelayMs: 0,
    count: 1,
    failureLimit: 0,
    consecutiveErrorLimit: 4,
    inconclusiveLimit: 0,
    consecutiveSuccesses: 0,
    noData: "inconclusive",
    unreachable: "error",
    inconclusive: "fail",
    dryRun: false,
    ...rest,
    ...(success !== undefined ? { success: parseAnyCondition(success)! } : {}),
    ...(failure !== undefined ? { failure: parseAnyCondition(failure)! } : {}),
  };
}

export interface RecordedCommand {
  readonly command: string;
  readonly env: Readonly<Record<string, string>>;
  readonly at: number;
}

/** Records every command; `exitCode` decides each one's result (default 0). */
export class FakeRunner implements CommandRunner {
  readonly calls: RecordedCommand[] = [];
  constructor(
    private readonly exitCode: (command: string, env: Readonly<Record<string, string>>) => number = () => 0,
    private readonly now: () => number = () => Date.now(),
  ) {}
  async run(command: string, env: Readonly<Record<string, string>>): Promise<CommandResult> {
    this.calls.push({ command, env, at: this.now() });
    return { exitCode: this.exitCode(command, env), stdout: "" };
  }
  commands(): string[] {
    return this.calls.map((c) => c.command);
  }
}

type Script = number | Measurement | ((env: Readonly<Record<string, string>>) => number | Measurement);

/** Providers that answer from a list per analysis name (the last entry repeats), counting calls. */
export function scripted(scripts: Record<string, readonly Script[]>): ProviderFactory & {
  calls: Record<string, number>;
} {
  const calls: Record<string, number> = {};
  const factory = (analysis: Analysis, env: Readonly<Record<string, string>>) => async () => {
    const script = scripts[analysis.name];
    if (!script) throw new Error(`no script for ${analysis.name}`);
    const n = calls[analysis.name] ?? 0;
    calls[analysis.name] = n + 1;
    const entry = script[Math.min(n, script.length - 1)]!;
    const answer = typeof entry === "function" ? entry(env) : entry;
    return typeof answer === "number" ? { value: answer } : answer;
  };
  return Object.assign(factory, { calls });
}
