/**
 * The audit: read the history (deployments, statuses, payloads, the policy, linked PRs) from GitHub
 * alone, rebuild every record, judge them and measure DORA's metrics over the period and the period
 * before it. The CLI and the Action's `mode: audit` both call `runAudit`.
 */
import { own } from "../policy/own.js";
import { DEFAULT_POLICY_PATH, loadPolicy } from "../policy/load.js";
import type { Policy } from "../policy/model.js";
import type { AuditClient } from "../github/audit-client.js";
import { policyExpression } from "../github/audit-history.js";
import { compareReports, type PreviousReport } from "./compare.js";
import { DAY, environmentMetrics } from "./dora.js";
import { findingsFor, type FindingOptions } from "./findings.js";
import { linkRecords } from "./links.js";
import { completeStatuses, fetchHistory, fetchPulls, type History } from "./query.js";
import { buildRecord, type RecordContext } from "./record.js";
import { fetchReadings, READINGS_TRUST } from "./readings.js";
import {
  deletionFindings,
  maskedDecisionFindings,
  orphanedRejectionFindings,
  tamperFindings,
  withoutNoise,
} from "./tamper.js";
import type {
  AuditRecord,
  AuditReport,
  DeploymentFact,
  EnvironmentMetrics,
  Finding,
  PullFact,
} from "./types.js";

const HOUR = 3_600_000;

export interface AuditOptions {
  readonly owner: string;
  readonly name: string;
  readonly environment?: string | undefined;
  /** Default: 30 days before `until`. */
  readonly since?: Date | undefined;
  /** Default: now. */
  readonly until?: Date | undefined;
  readonly now?: Date | undefined;
  /** A policy given by the caller (`--policy`); otherwise the default branch's is read. */
  readonly policy?: { readonly text: string; readonly source: string } | undefined;
  /** Where the default branch's policy is (the Action's `policy` input); default `.github/tollgate.yml`. */
  readonly policyPath?: string | undefined;
  /** The Tollgate App's bot, the only writer trusted for approvals (default `tollgate[bot]`). */
  readonly appLogin?: string | undefined;
  /** Trusted for non-approval records (default the workflow token's `github-actions[bot]`). */
  readonly trustedWriters?: readonly string[] | undefined;
  /** Environments that are production besides those whose policy requires approval (default `production`). */
  readonly productionEnvironments?: readonly string[] | undefined;
  readonly staleAfterMs?: number | undefined;
  readonly followWindowMs?: number | undefined;
  readonly emergencyDeadlineMs?: number | undefined;
  readonly unplannedChangeTypes?: readonly string[] | undefined;
  readonly previous?: PreviousReport | undefined;
  readonly onProgress?: ((read: number, total: number) => void) | undefined;
}

function resolvePolicy(text: string | null, source: string, notes: string[]): Policy | undefined {
  if (text === null) {
    notes.push(
      `no policy at ${source}: approver and window findings use GitHub's production environment only`,
    );
    return undefined;
  }
  const loaded = loadPolicy(text, source);
  if (!loaded.ok) {
    notes.push(
      `the policy at ${source} is invalid (${loaded.errors.length} error(s)): approver and window findings skipped`,
    );
    return undefined;
  }
  return loaded.policy;
}

/** The policy that judges the records (the caller's, or the default branch's) and whom they trust. */
function judgedBy(
  options: AuditOptions,
  history: History,
  notes: string[],
): { source: string; policy: Policy | undefined; context: RecordContext } {
  const source =
    options.policy?.source ??
    `${history.repository}@${policyExpression(options.policyPath ?? DEFAULT_POLICY_PATH)}`;
  const policy = resolvePolicy(options.policy?.text ?? history.policyText, source, notes);
  const production = new Set(options.productionEnvironments ?? ["production"]);
  const trust = {
    appLogin: options.appLogin ?? "tollgate[bot]",
    trustedWriters: options.trustedWriters ?? ["github-actions[bot]"],
  };
  const context = {
    trust,
    isProduction: (env: string) =>
      production.has(env) || (policy ? own(policy.environments, env) : undefined)?.approval === "required",
  };
  return { source, policy, context };
}

interface Period {
  readonly now: Date;
  readonly previousSince: number;
  readonly since: number;
  readonly until: number;
}

function auditPeriod(options: AuditOptions): Period {
  const now = options.now ?? new Date();
  const until = (options.until ?? now).getTime();
  const since = options.since?.getTime() ?? until - 30 * DAY;
  if (!(since < until)) throw new RangeError("the period is empty: --since must be before --until");
  return { now, previousSince: since - (until - since), since, until };
}

/**
 * The audit's request budget, shared by every read after the deployments: one page per hundred
 * deployments read plus ten, less what has been spent since the audit began.
 */
function budgetLeft(client: AuditClient, startRequests: number, deployments: number): number {
  return Math.ceil(deployments / 100) + 10 - (client.requests - startRequests);
}

/** Every deployment back to the period before, oldest first, with statuses beyond the first page completed. */
async function readDeployments(
  client: AuditClient,
  options: AuditOptions,
  period: Period,
  startRequests: number,
): Promise<{ history: History; facts: DeploymentFact[] }> {
  const history = await fetchHistory(client, {
    owner: options.owner,
    name: options.name,
    environment: options.environment,
    stopBefore: period.previousSince,
    readPolicy: options.policy === undefined,
    policyPath: options.policyPath,
    onProgress: options.onProgress,
  });
  const facts = history.deployments.sort(
    (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id,
  );
  const followUps = Math.min(2, Math.max(0, budgetLeft(client, startRequests, facts.length) - 8));
  await completeStatuses(client, history.repository, facts, followUps);
  return { history, facts };
}

/** Lead time needs the first commit of each linked PR, for successful deployments only. */
async function readLeadTimePulls(
  client: AuditClient,
  options: AuditOptions,
  drafts: readonly AuditRecord[],
  until: number,
  budget: number,
  notes: string[],
): Promise<Map<number, PullFact>> {
  const wanted = new Set<number>();
  for (const r of drafts)
    if (r.outcome === "success" && r.rollbackOf === null && r.pullRequest && Date.parse(r.createdAt) < until)
      wanted.add(r.pullRequest.number);
  const pulls = await fetchPulls(client, options.owner, options.name, [...wanted], Math.max(1, budget));
  const missingPulls = [...wanted].filter((n) => !pulls.has(n));
  if (missingPulls.length > 0)
    notes.push(
      `lead time unknown where the linked PR could not be read: #${missingPulls.slice(0, 10).join(", #")}${missingPulls.length > 10 ? " …" : ""}`,
    );
  return pulls;
}

/** The measurement histories, with what is left of the budget: informational, never judged. */
async function withReadings(
  client: AuditClient,
  options: AuditOptions,
  records: readonly AuditRecord[],
  budget: number,
  notes: string[],
): Promise<AuditRecord[]> {
  const readings = await fetchReadings(client, options.owner, options.name, records, budget);
  if (readings.note) notes.push(readings.note);
  const reported = records.map((r) =>
    readings.histories.has(r.id) ? { ...r, measurements: readings.histories.get(r.id)! } : r,
  );
  if (reported.some((r) => r.measurements))
    notes.push(`measurement histories (records' \`measurements\`) are ${READINGS_TRUST}`);
  return reported;
}

/** Each reported record's own and tamper findings, and those of the decision records on the commits. */
function auditFindings(
  reported: readonly AuditRecord[],
  byId: ReadonlyMap<number, DeploymentFact>,
  history: History,
  findingOptions: FindingOptions,
  environment: string | undefined,
): Finding[] {
  const { trust } = findingOptions;
  return withoutNoise([
    ...reported.flatMap((r) => [
      ...findingsFor(r, byId.get(r.id)!, findingOptions),
      ...tamperFindings(r, byId.get(r.id)!, trust),
    ]),
    // A rejection's deployment may be older than anything read; only a history read to its start can
    // show that it is gone.
    ...maskedDecisionFindings(history.decisionContexts, trust, environment),
    ...(history.readToStart
      ? orphanedRejectionFindings(
          history.decisionContexts,
          [...history.deployments, ...history.earlier],
          trust,
          environment,
        )
      : []),
  ]);
}

function metricsByEnvironment(records: readonly AuditRecord[], period: Period): EnvironmentMetrics[] {
  const environments = [...new Set(records.map((r) => r.environment))].sort();
  return environments.map((env) =>
    environmentMetrics(
      env,
      records.filter((r) => r.environment === env),
      period,
    ),
  );
}

export async function runAudit(client: AuditClient, options: AuditOptions): Promise<AuditReport> {
  const period = auditPeriod(options);
  const { now, since, until } = period;
  const notes: string[] = [];
  const startRequests = client.requests;
  const { history, facts } = await readDeployments(client, options, period, startRequests);
  const budget = (): number => budgetLeft(client, startRequests, facts.length);

  const { source, policy, context } = judgedBy(options, history, notes);
  const { trust } = context;
  const drafts = facts.map((f) => buildRecord(f, context));
  const pulls = await readLeadTimePulls(client, options, drafts, until, budget(), notes);
  const records = linkRecords(drafts, pulls, {
    unplannedChangeTypes: options.unplannedChangeTypes ?? ["hotfix", "emergency"],
    followWindowMs: options.followWindowMs ?? 24 * HOUR,
  });
  const inPeriod = (iso: string) => {
    const t = Date.parse(iso);
    return t >= since && t < until;
  };
  const byId = new Map<number, DeploymentFact>(facts.map((f) => [f.id, f]));
  const reported = await withReadings(
    client,
    options,
    records.filter((r) => inPeriod(r.createdAt)),
    budget(),
    notes,
  );
  const findings = auditFindings(
    reported,
    byId,
    history,
    {
      policy,
      trust,
      now: now.getTime(),
      staleAfterMs: options.staleAfterMs ?? 6 * HOUR,
      emergencyDeadlineMs: options.emergencyDeadlineMs ?? 24 * HOUR,
    },
    options.environment,
  );
  const metrics = metricsByEnvironment(records, period);
  const foreign = reported.filter((r) => !r.tollgate).length;
  if (foreign > 0) notes.push(`${foreign} deployment(s) in the period carry no Tollgate payload`);

  const report: AuditReport = {
    version: 1,
    repository: history.repository,
    environment: options.environment ?? null,
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    previousSince: new Date(period.previousSince).toISOString(),
    generatedAt: now.toISOString(),
    policy: policy ? { source, digest: policy.digest } : null,
    requests: client.requests - startRequests,
    records: reported,
    findings,
    metrics,
    notes,
  };
  if (!options.previous) return report;
  const scope = { since, until, environment: options.environment ?? null };
  const comparison = compareReports(options.previous, byId, scope);
  return {
    ...report,
    findings: [...findings, ...deletionFindings(options.previous, comparison)],
    comparison,
  };
}
