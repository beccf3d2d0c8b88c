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
import { findingsFor } from "./findings.js";
import { linkRecords } from "./links.js";
import { completeStatuses, fetchHistory, fetchPulls } from "./query.js";
import { buildRecord } from "./record.js";
import {
  deletionFindings,
  maskedDecisionFindings,
  orphanedRejectionFindings,
  tamperFindings,
  withoutNoise,
} from "./tamper.js";
import type { AuditReport, DeploymentFact } from "./types.js";

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

export async function runAudit(client: AuditClient, options: AuditOptions): Promise<AuditReport> {
  const now = options.now ?? new Date();
  const until = (options.until ?? now).getTime();
  const since = options.since?.getTime() ?? until - 30 * DAY;
  if (!(since < until)) throw new RangeError("the period is empty: --since must be before --until");
  const previousSince = since - (until - since);
  const notes: string[] = [];
  const startRequests = client.requests;

  const history = await fetchHistory(client, {
    owner: options.owner,
    name: options.name,
    environment: options.environment,
    stopBefore: previousSince,
    readPolicy: options.policy === undefined,
    policyPath: options.policyPath,
    onProgress: options.onProgress,
  });
  const facts = history.deployments.sort(
    (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id,
  );
  const budget = Math.ceil(facts.length / 100) + 10 - (client.requests - startRequests);
  const followUps = Math.min(2, Math.max(0, budget - 8));
  await completeStatuses(client, history.repository, facts, followUps);

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
  const drafts = facts.map((f) => buildRecord(f, context));

  // Lead time needs the first commit of each linked PR, for successful deployments only.
  const wanted = new Set<number>();
  for (const r of drafts)
    if (r.outcome === "success" && r.rollbackOf === null && r.pullRequest && Date.parse(r.createdAt) < until)
      wanted.add(r.pullRequest.number);
  const left = Math.ceil(facts.length / 100) + 10 - (client.requests - startRequests);
  const pulls = await fetchPulls(client, options.owner, options.name, [...wanted], Math.max(1, left));
  const missingPulls = [...wanted].filter((n) => !pulls.has(n));
  if (missingPulls.length > 0)
    notes.push(
      `lead time unknown where the linked PR could not be read: #${missingPulls.slice(0, 10).join(", #")}${missingPulls.length > 10 ? " …" : ""}`,
    );

  const records = linkRecords(drafts, pulls, {
    unplannedChangeTypes: options.unplannedChangeTypes ?? ["hotfix", "emergency"],
    followWindowMs: options.followWindowMs ?? 24 * HOUR,
  });
  const inPeriod = (iso: string) => {
    const t = Date.parse(iso);
    return t >= since && t < until;
  };
  const byId = new Map<number, DeploymentFact>(facts.map((f) => [f.id, f]));
  const reported = records.filter((r) => inPeriod(r.createdAt));
  const findingOptions = {
    policy,
    trust,
    now: now.getTime(),
    staleAfterMs: options.staleAfterMs ?? 6 * HOUR,
    emergencyDeadlineMs: options.emergencyDeadlineMs ?? 24 * HOUR,
  };
  const findings = withoutNoise([
    ...reported.flatMap((r) => [
      ...findingsFor(r, byId.get(r.id)!, findingOptions),
      ...tamperFindings(r, byId.get(r.id)!, trust),
    ]),
    // A rejection's deployment may be older than anything read; only a history read to its start can
    // show that it is gone.
    ...maskedDecisionFindings(history.decisionContexts, trust, options.environment),
    ...(history.readToStart
      ? orphanedRejectionFindings(
          history.decisionContexts,
          [...facts, ...history.earlier],
          trust,
          options.environment,
        )
      : []),
  ]);

  const environments = [...new Set(records.map((r) => r.environment))].sort();
  const metrics = environments.map((env) =>
    environmentMetrics(
      env,
      records.filter((r) => r.environment === env),
      { previousSince, since, until },
    ),
  );
  const foreign = reported.filter((r) => !r.tollgate).length;
  if (foreign > 0) notes.push(`${foreign} deployment(s) in the period carry no Tollgate payload`);

  const report: AuditReport = {
    version: 1,
    repository: history.repository,
    environment: options.environment ?? null,
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    previousSince: new Date(previousSince).toISOString(),
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
