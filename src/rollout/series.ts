/**
 * The measurement history as data: every reading of every analysis a run took (time, value, the
 * baseline's, its outcome as `verdict`), grouped per step and analysis. The Action keeps it in git beside the deployment
 * (src/action/readings-store.ts) and `tollgate audit` reads it back (src/audit/readings.ts); both sides
 * share this format, so it is versioned and parsed defensively: anyone with write access can write it.
 */
import type { MeasurementOutcome } from "./judge.js";
import type { TimelineEntry } from "./timeline.js";

export const SERIES_VERSION = 1;

export interface SeriesReading {
  /** ISO 8601. */
  readonly at: string;
  readonly value?: number;
  readonly baseline?: number;
  readonly verdict: MeasurementOutcome;
}

export interface SeriesGroup {
  /** The step it was taken at ("canary 25 %", "post-deploy +5m", "rollback"). */
  readonly step: string;
  /** The analysis's title. */
  readonly analysis: string;
  readonly readings: readonly SeriesReading[];
}

export interface SeriesDocument {
  readonly version: typeof SERIES_VERSION;
  readonly deploymentId: number;
  readonly sha: string;
  readonly environment: string;
  /** The workflow run that took the readings. */
  readonly run: string;
  readonly groups: readonly SeriesGroup[];
}

const OUTCOMES: readonly MeasurementOutcome[] = ["successful", "failed", "inconclusive", "error"];

/** The readings of a run's timeline, in the order taken; empty when no analysis ran. */
export function seriesOf(entries: readonly TimelineEntry[]): SeriesGroup[] {
  return entries.flatMap((e) =>
    e.readings && e.readings.length > 0
      ? [
          {
            step: e.label,
            analysis: e.analysis ?? "",
            readings: e.readings.map((m) => ({
              at: new Date(m.at).toISOString(),
              ...(m.value !== undefined ? { value: m.value } : {}),
              ...(m.baseline !== undefined ? { baseline: m.baseline } : {}),
              verdict: m.verdict,
            })),
          },
        ]
      : [],
  );
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);
const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

function parseReading(raw: unknown): SeriesReading | undefined {
  if (!isRecord(raw) || typeof raw.at !== "string" || !Number.isFinite(Date.parse(raw.at))) return undefined;
  if (!OUTCOMES.includes(raw.verdict as MeasurementOutcome)) return undefined;
  if (raw.value !== undefined && !finite(raw.value)) return undefined;
  if (raw.baseline !== undefined && !finite(raw.baseline)) return undefined;
  return {
    at: raw.at,
    ...(finite(raw.value) ? { value: raw.value } : {}),
    ...(finite(raw.baseline) ? { baseline: raw.baseline } : {}),
    verdict: raw.verdict as MeasurementOutcome,
  };
}

/**
 * A stored document, or why it is unusable. Anything off-format is rejected whole rather than read in
 * part: a half-read series would look complete.
 */
export function parseSeries(text: string): SeriesDocument | { readonly error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { error: "not JSON" };
  }
  if (!isRecord(raw) || raw.version !== SERIES_VERSION)
    return { error: `not a version ${SERIES_VERSION} readings document` };
  if (
    !Number.isSafeInteger(raw.deploymentId) ||
    typeof raw.sha !== "string" ||
    typeof raw.environment !== "string" ||
    typeof raw.run !== "string" ||
    !Array.isArray(raw.groups)
  )
    return { error: "missing deploymentId, sha, environment, run or groups" };
  const groups: SeriesGroup[] = [];
  for (const g of raw.groups as unknown[]) {
    if (
      !isRecord(g) ||
      typeof g.step !== "string" ||
      typeof g.analysis !== "string" ||
      !Array.isArray(g.readings)
    )
      return { error: "a group without step, analysis or readings" };
    const readings = (g.readings as unknown[]).map(parseReading);
    if (readings.some((r) => r === undefined)) return { error: `a malformed reading in ${g.analysis}` };
    groups.push({ step: g.step, analysis: g.analysis, readings: readings as SeriesReading[] });
  }
  return {
    version: SERIES_VERSION,
    deploymentId: raw.deploymentId as number,
    sha: raw.sha,
    environment: raw.environment,
    run: raw.run,
    groups,
  };
}
