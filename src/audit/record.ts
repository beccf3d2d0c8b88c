/**
 * One deployment's record: the eight answers, rebuilt from its GitHub facts alone. A status's *state*
 * is GitHub's own lifecycle fact whoever wrote it; what a Tollgate description *means* (an approval, a
 * rollback, a rollout step) is believed only from trusted writers: approvals only from the Tollgate
 * App's bot, the other records also from the Action's workflow token. Everything else is listed by the
 * findings as an untrusted writer.
 */
import { parseDescription, readPayload, type DeploymentPayload } from "../github/records.js";
import { factsDigest } from "./digest.js";
import type { ApprovalEntry, AuditRecord, DeploymentFact, Outcome, StatusFact } from "./types.js";

export interface TrustOptions {
  /** The Tollgate App's bot login, the only writer trusted for approvals. */
  readonly appLogin: string;
  /** Also trusted for step, outcome, rollback and validation records (the Action's workflow token). */
  readonly trustedWriters: readonly string[];
}

const same = (a: string | null, b: string): boolean => a !== null && a.toLowerCase() === b.toLowerCase();

export function isTrustedApprovalWriter(writer: string | null, trust: TrustOptions): boolean {
  return same(writer, trust.appLogin);
}

export function isTrustedWriter(writer: string | null, trust: TrustOptions): boolean {
  return isTrustedApprovalWriter(writer, trust) || trust.trustedWriters.some((w) => same(writer, w));
}

export function approvalsOf(statuses: readonly StatusFact[], trust: TrustOptions): ApprovalEntry[] {
  const out: ApprovalEntry[] = [];
  for (const s of statuses) {
    const parsed = parseDescription(s.description);
    if (parsed?.kind !== "approved" && parsed?.kind !== "rejected") continue;
    out.push({
      decision: parsed.kind,
      login: parsed.login,
      at: s.createdAt,
      note: parsed.note,
      url: s.logUrl,
      writer: s.creator,
      trusted: isTrustedApprovalWriter(s.creator, trust),
    });
  }
  return out;
}

interface OutcomeResult {
  outcome: Outcome;
  detail: string;
  finishedAt: string | null;
  steps: string[];
}

function outcomeOf(statuses: readonly StatusFact[], trust: TrustOptions): OutcomeResult {
  const steps: string[] = [];
  let rejection: { at: string; text: string } | undefined;
  let rollback: { at: string; text: string } | undefined;
  let lastOutcomeText: string | undefined;
  let effective: StatusFact | undefined;
  for (const s of statuses) {
    const parsed = parseDescription(s.description);
    // An approval's "queued" is bookkeeping, not a step back: an emergency approved after its
    // deployment succeeded stays a success. GitHub's "inactive" only means superseded.
    if (s.state !== "inactive" && parsed?.kind !== "approved") effective = s;
    if (!parsed) continue;
    if (parsed.kind === "rejected") {
      if (isTrustedApprovalWriter(s.creator, trust))
        rejection = { at: s.createdAt, text: `rejected by @${parsed.login}: ${parsed.note}` };
      continue;
    }
    if (parsed.kind === "approved" || !isTrustedWriter(s.creator, trust)) continue;
    // Narrowed by hand: TypeScript does not narrow the union through the `||` above.
    if (!("text" in parsed)) continue;
    steps.push(`${parsed.kind}: ${parsed.text}`);
    if (parsed.kind === "rollback") rollback ??= { at: s.createdAt, text: parsed.text };
    if (parsed.kind === "outcome") lastOutcomeText = parsed.text;
  }
  const state = effective?.state;
  if (rejection && state !== "success")
    return { outcome: "rejected", detail: rejection.text, finishedAt: rejection.at, steps };
  const at = effective?.createdAt ?? null;
  if (rollback) {
    // Rolled back only once the rollback is known to have worked: the rollout's "failure" after it (or a
    // rollback deployment's "success"). An "error" after it is a rollback that failed (or was abandoned
    // midway): the service may be in any state, which is a failure, never a rollback.
    if (state === "failure" || state === "success")
      return { outcome: "rolled_back", detail: rollback.text, finishedAt: rollback.at, steps };
    if (state === "error")
      return { outcome: "failure", detail: lastOutcomeText ?? rollback.text, finishedAt: at, steps };
    return { outcome: "in_progress", detail: `rolling back since ${rollback.at}`, finishedAt: null, steps };
  }
  if (state === "success")
    return { outcome: "success", detail: lastOutcomeText ?? "success", finishedAt: at, steps };
  if (state === "failure" || state === "error")
    return { outcome: "failure", detail: lastOutcomeText ?? state, finishedAt: at, steps };
  return {
    outcome: "in_progress",
    detail: state ? `${state} since ${at}` : statuses.length > 0 ? "inactive without a result" : "no status",
    finishedAt: null,
    steps,
  };
}

export interface RecordContext {
  readonly trust: TrustOptions;
  readonly isProduction: (environment: string) => boolean;
}

export function buildRecord(fact: DeploymentFact, context: RecordContext): AuditRecord {
  const payload: DeploymentPayload | undefined = readPayload(fact.payload);
  const result = outcomeOf(fact.statuses, context.trust);
  const deployed = fact.statuses.find((s) => s.state === "in_progress" || s.state === "success");
  const pr = payload?.pull_request;
  return {
    id: fact.id,
    environment: fact.environment,
    production: context.isProduction(fact.environment),
    tollgate: payload !== undefined,
    initiatedBy: payload?.requested_by ?? fact.creator,
    creator: fact.creator,
    sha: fact.sha,
    ref: fact.ref,
    version: payload?.version_label ?? null,
    pullRequest: pr ? { number: pr.number, title: pr.title, author: pr.author, url: null } : null,
    createdAt: fact.createdAt,
    deployedAt: deployed?.createdAt ?? null,
    finishedAt: result.finishedAt,
    strategy: payload?.strategy ?? null,
    checklist: payload?.checklist ?? {},
    steps: result.steps,
    changeType: payload?.change_type ?? null,
    emergency: payload?.emergency === true,
    override: payload?.override ?? null,
    rollbackOf: payload?.rollback_of ?? null,
    approvals: approvalsOf(fact.statuses, context.trust),
    outcome: result.outcome,
    outcomeDetail: result.detail,
    leadTimeMs: null,
    failedChange: false,
    unplanned: false,
    statusCount: fact.statuses.length,
    digest: factsDigest(fact),
  };
}
