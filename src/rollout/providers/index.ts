/** Turns an analysis's provider into a measure function. */
import { templateValues } from "../../policy/template.js";
import type { Analysis } from "../../policy/model.js";
import type { CommandRunner, MeasureFn } from "../types.js";
import { commandProvider } from "./command.js";
import { httpProvider } from "./http.js";
import { prometheusProvider } from "./prometheus.js";

/** `baseline`: the analysis's baseline query (the stable version), read alongside the canary's. */
export type ProviderRole = "canary" | "baseline";

export type ProviderFactory = (
  analysis: Analysis,
  env: Readonly<Record<string, string>>,
  role?: ProviderRole,
) => MeasureFn;

export function providers(runner: CommandRunner, fetchImpl: typeof fetch = fetch): ProviderFactory {
  return (analysis, env, role = "canary") => {
    const provider = analysis.provider;
    const values = templateValues(env);
    switch (provider.kind) {
      case "http":
        return httpProvider(provider, fetchImpl, values);
      case "prometheus":
        return prometheusProvider(
          role === "baseline" && provider.baseline !== undefined
            ? { ...provider, query: provider.baseline }
            : provider,
          fetchImpl,
          values,
        );
      case "command":
        return commandProvider(provider, runner, env);
    }
  };
}
