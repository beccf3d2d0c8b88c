/** Turns an analysis's provider into a measure function. */
import type { Analysis } from "../../policy/model.js";
import type { CommandRunner, MeasureFn } from "../types.js";
import { commandProvider } from "./command.js";
import { httpProvider } from "./http.js";
import { prometheusProvider } from "./prometheus.js";

export type ProviderFactory = (analysis: Analysis, env: Readonly<Record<string, string>>) => MeasureFn;

export function providers(runner: CommandRunner, fetchImpl: typeof fetch = fetch): ProviderFactory {
  return (analysis, env) => {
    const provider = analysis.provider;
    switch (provider.kind) {
      case "http":
        return httpProvider(provider, fetchImpl);
      case "prometheus":
        return prometheusProvider(provider, fetchImpl);
      case "command":
        return commandProvider(provider, runner, env);
    }
  };
}
