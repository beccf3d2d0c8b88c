/**
 * Prometheus instant query over the HTTP API (GET /api/v1/query). One sample is one measurement: a
 * scalar, or a vector of exactly one series. An empty vector or NaN (e.g. 0/0 when there is no traffic)
 * is "no data", judged by the analysis's `no_data` rule; several series are an error, since picking one
 * would be arbitrary. Prometheus answering with an error (a bad query, an overloaded server's 503) is a
 * measurement error; Prometheus not answering at all (refused, or silent past the analysis's `timeout`)
 * is `unreachable`, judged by the analysis's `unreachable` rule.
 */
import { formatDuration } from "../../policy/duration.js";
import type { TemplateValues } from "../../policy/template.js";
import type { AnalysisProvider } from "../../policy/model.js";
import type { MeasureFn, Measurement } from "../types.js";
import { fetchText } from "./fetch-text.js";
import { fillTemplate } from "./filled-template.js";

type PrometheusProvider = Extract<AnalysisProvider, { kind: "prometheus" }>;

interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** A sample value as Prometheus encodes it: a string, "NaN", "+Inf", "-Inf". */
function sampleValue(sample: unknown): Measurement {
  const raw = Array.isArray(sample) ? sample[1] : undefined;
  if (typeof raw !== "string") return { error: "the answer holds no sample value" };
  if (raw === "NaN") return { noData: true, reason: "the query returned NaN" };
  const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
  return Number.isNaN(value) ? { error: `unreadable sample value ${JSON.stringify(raw)}` } : { value };
}

export function interpret(answer: ApiAnswer): Measurement {
  if (answer.status !== "success") {
    const kind = answer.errorType ? `${answer.errorType}: ` : "";
    return { error: `Prometheus: ${kind}${answer.error ?? "unsuccessful answer"}` };
  }
  const { resultType, result } = answer.data ?? {};
  if (resultType === "scalar") return sampleValue(result);
  if (resultType !== "vector")
    return { error: `the query returned a ${resultType ?? "missing"} result; expected one instant sample` };
  if (!Array.isArray(result)) return { error: "the vector result is not a list" };
  if (result.length === 0) return { noData: true, reason: "the query returned no series" };
  if (result.length > 1) return { error: `the query returned ${result.length} series; aggregate it to one` };
  return sampleValue((result[0] as { value?: unknown }).value);
}

export function prometheusProvider(
  provider: PrometheusProvider,
  fetchImpl: typeof fetch = fetch,
  values: TemplateValues = {},
): MeasureFn {
  const query = fillTemplate(provider.query, values, "promql");
  if ("why" in query) return async () => ({ error: query.why });
  const url = `${provider.address.replace(/\/+$/, "")}/api/v1/query?query=${encodeURIComponent(query.filled)}`;
  return async (signal) => {
    const fetched = await fetchText(fetchImpl, url, {}, signal, provider.timeoutMs);
    if (fetched.kind === "timed out")
      return {
        error: `Prometheus did not answer within ${formatDuration(provider.timeoutMs)}`,
        unreachable: true,
      };
    if (fetched.kind === "failed")
      return { error: `Prometheus unreachable: ${fetched.why}`, unreachable: true };
    const { status, text } = fetched;
    let answer: ApiAnswer;
    try {
      answer = JSON.parse(text) as ApiAnswer;
    } catch {
      return { error: `Prometheus answered HTTP ${status} without JSON` };
    }
    // Prometheus reports bad queries as 400/422 with a JSON error body: its message says more than the status.
    if (status >= 300 && answer.status === "success") return { error: `Prometheus answered HTTP ${status}` };
    return interpret(answer);
  };
}
