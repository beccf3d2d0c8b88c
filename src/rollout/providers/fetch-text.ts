/**
 * One HTTP read for a provider that measures over HTTP (the HTTP probe, Prometheus): bounded by the
 * analysis's timeout as well as the rollout's own signal, the body read whole. Each provider words the
 * outcome itself; of a request that got no answer it needs to know whether the timeout ran out first,
 * and otherwise why the request failed.
 */
export type Fetched =
  | { readonly kind: "answered"; readonly status: number; readonly text: string }
  | { readonly kind: "timed out" }
  | { readonly kind: "failed"; readonly why: string };

export async function fetchText(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Fetched> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetchImpl(url, { ...init, signal: AbortSignal.any([signal, timeout]) });
    return { kind: "answered", status: response.status, text: await response.text() };
  } catch (error) {
    if (timeout.aborted) return { kind: "timed out" };
    // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a DNS failure …).
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message;
    return { kind: "failed", why: `${(error as Error).message}${why ? ` (${why})` : ""}` };
  }
}
