/**
 * HTTP probe: the status must be expected (default any 2xx), then the measurement is either the latency
 * in milliseconds or a number at a dotted path in the JSON body ("metrics.error_rate", "items.0.p99").
 * An unexpected status is a failed reading (the service answered, unhealthy); a network error or a
 * timeout is an unreachable reading: by default a measurement error, tolerated up to the
 * consecutive-error limit (the analysis's `unreachable` rule may count it otherwise).
 */
import { formatDuration } from "../../policy/duration.js";
import type { TemplateValues } from "../../policy/template.js";
import type { AnalysisProvider } from "../../policy/model.js";
import type { MeasureFn, Measurement } from "../types.js";
import { fetchText } from "./fetch-text.js";
import { fillTemplate } from "./filled-template.js";

type HttpProvider = Extract<AnalysisProvider, { kind: "http" }>;

export function readPath(body: unknown, path: string): unknown {
  let node = body;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function numberAt(body: unknown, path: string): Measurement {
  const found = readPath(body, path);
  if (found === undefined || found === null) return { noData: true, reason: `nothing at ${path}` };
  const value = typeof found === "string" && found.trim() !== "" ? Number(found) : found;
  if (typeof value !== "number" || Number.isNaN(value))
    return { error: `${path} is ${JSON.stringify(found)}, not a number` };
  return { value };
}

export function httpProvider(
  provider: HttpProvider,
  fetchImpl: typeof fetch = fetch,
  values: TemplateValues = {},
): MeasureFn {
  const url = fillTemplate(provider.url, values, "url");
  if ("why" in url) return async () => ({ error: url.why });
  return async (signal) => {
    const started = performance.now();
    const init = { method: provider.method, headers: { accept: "application/json, */*" } };
    const fetched = await fetchText(fetchImpl, url.filled, init, signal, provider.timeoutMs);
    if (fetched.kind === "timed out")
      return { error: `no answer within ${formatDuration(provider.timeoutMs)}`, unreachable: true };
    if (fetched.kind === "failed") return { error: fetched.why, unreachable: true };
    const { status, text } = fetched;
    const latency = performance.now() - started;
    const expected = provider.expectStatus;
    const ok = expected ? expected.includes(status) : status >= 200 && status < 300;
    const detail = `HTTP ${status} in ${Math.round(latency)} ms`;
    if (!ok) {
      const wanted = expected ? expected.join(" or ") : "2xx";
      return { value: latency, failure: `HTTP ${status}, expected ${wanted}` };
    }
    if (provider.measure === "latency") return { value: latency, detail };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { error: `HTTP ${status}: the body is not JSON` };
    }
    return numberAt(body, provider.jsonPath ?? "");
  };
}
