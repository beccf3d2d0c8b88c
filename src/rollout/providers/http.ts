/**
 * HTTP probe: the status must be expected (default any 2xx), then the measurement is either the latency
 * in milliseconds or a number at a dotted path in the JSON body ("metrics.error_rate", "items.0.p99").
 * An unexpected status is a failed reading (the service answered, unhealthy); a network error or a
 * timeout is an unreachable reading: by default a measurement error, tolerated up to the
 * consecutive-error limit (the analysis's `unreachable` rule may count it otherwise).
 */
import { formatDuration } from "../../policy/duration.js";
import { renderTemplate, type TemplateValues } from "../../policy/template.js";
import type { AnalysisProvider } from "../../policy/model.js";
import type { MeasureFn, Measurement } from "../types.js";

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
  let url: string;
  try {
    url = renderTemplate(provider.url, values, "url");
  } catch (error) {
    const why = (error as Error).message;
    return async () => ({ error: why });
  }
  return async (signal) => {
    const started = performance.now();
    const timeout = AbortSignal.timeout(provider.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: provider.method,
        signal: AbortSignal.any([signal, timeout]),
        headers: { accept: "application/json, */*" },
      });
      text = await response.text();
    } catch (error) {
      if (timeout.aborted)
        return { error: `no answer within ${formatDuration(provider.timeoutMs)}`, unreachable: true };
      // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a DNS failure …).
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message;
      return { error: `${(error as Error).message}${why ? ` (${why})` : ""}`, unreachable: true };
    }
    const latency = performance.now() - started;
    const expected = provider.expectStatus;
    const ok = expected
      ? expected.includes(response.status)
      : response.status >= 200 && response.status < 300;
    const detail = `HTTP ${response.status} in ${Math.round(latency)} ms`;
    if (!ok) {
      const wanted = expected ? expected.join(" or ") : "2xx";
      return { value: latency, failure: `HTTP ${response.status}, expected ${wanted}` };
    }
    if (provider.measure === "latency") return { value: latency, detail };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { error: `HTTP ${response.status}: the body is not JSON` };
    }
    return numberAt(body, provider.jsonPath ?? "");
  };
}
