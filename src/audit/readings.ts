/**
 * The measurement history of each deployment (every reading the Action's analyses took: time, value,
 * baseline, verdict), read back from the refs the Action keeps (`refs/tollgate/readings/<id>`, see
 * src/action/readings-store.ts): many deployments per GraphQL query (aliases), within what is left of
 * the audit's request budget.
 *
 * The series is informational. Anyone with `contents: write` can write, move or delete those refs, so it
 * never feeds a finding, a metric or the tamper digest, and every record that carries one says so.
 */
import { parseSeries, type SeriesDocument } from "../rollout/series.js";
import type { AuditClient } from "../github/audit-client.js";
import { READINGS_PREFIX, readReadingTrees, type ReadingTree } from "../github/audit-history.js";
import type { AuditRecord, MeasurementHistory, MetricSeries } from "./types.js";

export { READINGS_PREFIX };

export const READINGS_TRUST =
  "informational: kept by the Action in a git ref that anyone with write access to the repository (contents: write) can create, change or delete; it never decides anything";

/** Per query: each tree may hold a few runs' readings, so fewer than the PR queries' hundreds. */
const PER_QUERY = 100;

/** One deployment's history from its ref's files (one per run that measured it), oldest run first. */
export function historyOf(record: Pick<AuditRecord, "id" | "sha">, tree: ReadingTree): MeasurementHistory {
  const problems: string[] = [];
  const documents: SeriesDocument[] = [];
  const entries = [...(tree.entries ?? [])].sort((a, b) =>
    a.name.localeCompare(b.name, "en", { numeric: true }),
  );
  for (const entry of entries) {
    const text = entry.object?.text;
    if (typeof text !== "string" || entry.object?.isTruncated) {
      problems.push(`${entry.name}: not readable as text`);
      continue;
    }
    const parsed = parseSeries(text);
    if ("error" in parsed) problems.push(`${entry.name}: ${parsed.error}`);
    else if (parsed.deploymentId !== record.id || parsed.sha.toLowerCase() !== record.sha.toLowerCase())
      problems.push(
        `${entry.name}: written for deployment ${parsed.deploymentId} of ${parsed.sha.slice(0, 7)}, not this one`,
      );
    else documents.push(parsed);
  }
  const metrics = new Map<string, MetricSeries["readings"][number][]>();
  for (const doc of documents)
    for (const group of doc.groups) {
      const list = metrics.get(group.analysis) ?? [];
      for (const r of group.readings) list.push({ ...r, step: group.step });
      metrics.set(group.analysis, list);
    }
  return {
    source: `${READINGS_PREFIX}${record.id}`,
    trust: READINGS_TRUST,
    runs: documents.map((d) => d.run),
    metrics: [...metrics].map(([analysis, readings]) => ({
      analysis,
      readings: readings.sort((a, b) => Date.parse(a.at) - Date.parse(b.at)),
    })),
    problems,
  };
}

/**
 * The histories of `records` that rolled out, at most `budget` queries; what did not fit is named in
 * the returned note. A deployment without a ref has no history (null); one not asked about is absent.
 */
export async function fetchReadings(
  client: AuditClient,
  owner: string,
  name: string,
  records: readonly AuditRecord[],
  budget: number,
): Promise<{ histories: Map<number, MeasurementHistory | null>; note?: string }> {
  const histories = new Map<number, MeasurementHistory | null>();
  // Only Tollgate's deployments that rolled out, rolled back or were validated can have taken readings: an audit of
  // a history without any spends no request on them.
  const wanted = records.filter(
    (r) =>
      r.tollgate &&
      Number.isSafeInteger(r.id) &&
      r.id > 0 &&
      r.steps.some((s) => /^(step|validation|rollback): /.test(s)),
  );
  const fits = wanted.slice(0, Math.max(0, budget) * PER_QUERY);
  for (let start = 0; start < fits.length; start += PER_QUERY) {
    const chunk = fits.slice(start, start + PER_QUERY);
    const trees = await readReadingTrees(
      client,
      owner,
      name,
      chunk.map((r) => r.id),
    );
    for (const r of chunk) {
      const tree = trees.get(r.id);
      histories.set(r.id, tree ? historyOf(r, tree) : null);
    }
  }
  const left = wanted.length - fits.length;
  return left > 0
    ? {
        histories,
        note: `measurement histories of ${left} deployment(s) not read: the audit's request budget ran out; audit a shorter period or one --environment`,
      }
    : { histories };
}
