/**
 * `--compare previous.json`: which records changed or disappeared since an earlier JSON report. Only
 * records the new audit covers are judged (same environment filter, created inside the new period):
 * an older record outside it has not disappeared, it is simply not looked at.
 */
import * as z from "zod";
import { factsDigest } from "./digest.js";
import type { Comparison, DeploymentFact } from "./types.js";

const previousSchema = z.object({
  version: z.literal(1),
  generatedAt: z.string(),
  since: z.string(),
  until: z.string(),
  environment: z.string().nullable(),
  records: z.array(
    z.object({
      id: z.number(),
      environment: z.string(),
      createdAt: z.string(),
      statusCount: z.number().int().nonnegative(),
      digest: z.string().regex(/^[0-9a-f]{64}$/),
      // Read so a deleted deployment's decisions can be named (tamper.ts); older reports may lack them.
      outcome: z.string().optional(),
      approvals: z
        .array(
          z.object({
            decision: z.enum(["approved", "rejected"]),
            login: z.string(),
            at: z.string(),
            trusted: z.boolean().optional(),
          }),
        )
        .optional(),
    }),
  ),
});
export type PreviousReport = z.infer<typeof previousSchema>;

/** Parses an earlier JSON report, or says in one line why it is not one. */
export function parsePreviousReport(
  text: string,
): { ok: true; report: PreviousReport } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not JSON (${(error as Error).message})` };
  }
  const parsed = previousSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      ok: false,
      message: `not a tollgate audit JSON report: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    };
  }
  return { ok: true, report: parsed.data };
}

export interface CompareScope {
  readonly since: number;
  readonly until: number;
  readonly environment: string | null;
}

export function compareReports(
  previous: PreviousReport,
  current: ReadonlyMap<number, DeploymentFact>,
  scope: CompareScope,
): Comparison {
  const changed: { id: number; why: string }[] = [];
  const grown: number[] = [];
  const disappeared: number[] = [];
  let unchanged = 0;
  const seen = new Set<number>();
  for (const old of previous.records) {
    const created = Date.parse(old.createdAt);
    const covered =
      created >= scope.since &&
      created < scope.until &&
      (scope.environment === null || old.environment === scope.environment);
    const fact = current.get(old.id);
    if (!fact) {
      if (covered) disappeared.push(old.id);
      continue;
    }
    seen.add(old.id);
    if (factsDigest(fact) === old.digest) unchanged++;
    else if (fact.statuses.length > old.statusCount && factsDigest(fact, old.statusCount) === old.digest)
      grown.push(old.id);
    else
      changed.push({
        id: old.id,
        why:
          fact.statuses.length < old.statusCount
            ? `${old.statusCount - fact.statuses.length} status(es) fewer than before`
            : "its facts differ from the earlier report's digest",
      });
  }
  // Present now, inside what both reports cover, yet missing from the earlier one: history was inserted.
  const from = Math.max(scope.since, Date.parse(previous.since));
  const to = Math.min(scope.until, Date.parse(previous.until), Date.parse(previous.generatedAt));
  const added = [...current.values()]
    .filter((f) => {
      const t = Date.parse(f.createdAt);
      const inEnvironment = previous.environment === null || f.environment === previous.environment;
      return !seen.has(f.id) && inEnvironment && t >= from && t < to;
    })
    .map((f) => f.id);
  return { previousGeneratedAt: previous.generatedAt, changed, grown, disappeared, added, unchanged };
}
