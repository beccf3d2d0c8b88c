/**
 * One deployment's record: the eight answers, rebuilt from its GitHub facts alone, by the gate's rules.
 * On a Tollgate deployment a status proves only what `statusProof` says it proves: a success only as the
 * App's "verified" attestation, failures and progress also from the workflow token, nothing from anyone
 * else; the latest proof is the outcome. Approvals, rejections and attested successes are bound to the
 * environment their own status recorded, never to the one the deployment names now (any writer can move
 * it). What a Tollgate description *means* (a rollback, a rollout step) is believed only from trusted
 * writers. A deployment without Tollgate's payload is not Tollgate's to judge: its record keeps GitHub's
 * lifecycle state whoever wrote it (and `foreign_payload` says so). Everything else is listed by the
 * findings (findings.ts, tamper.ts).
 */
import {
  parseDescription,
  readPayload,
  statusProof,
  type DeploymentPayload,
  type Writer,
} from "../records/format.js";
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

/** The writer as `statusProof` knows it: the App's bot, a trusted workflow token, or anyone else. */
export function writerOf(creator: string | null, trust: TrustOptions): Writer {
  if (isTrustedApprovalWriter(creator, trust)) return "app";
  return isTrustedWriter(creator, trust) ? "workflow" : "other";
}

/** The environment a status recorded; older statuses without one belong where the deployment was created. */
export function statusEnvironment(
  status: StatusFact,
  fact: Pick<DeploymentFact, "environment" | "originalEnvironment">,
): string {
  return status.environment ?? fact.originalEnvironment ?? fact.environment;
}

/**
 * What one status proves about the deployment in `environment` (its current one): `statusProof`, with
 * a success counted only where the attestation's own status recorded that environment.
 */
export function proofIn(
  status: StatusFact,
  fact: Pick<DeploymentFact, "environment" | "originalEnvironment">,
  trust: TrustOptions,
  environment: string = fact.environment,
): ReturnType<typeof statusProof> {
  const proof = statusProof(status, writerOf(status.creator, trust));
  return proof === "success" && statusEnvironment(status, fact) !== environment ? undefined : proof;
}

/**
 * The approval chain. An entry is trusted only if the App's bot wrote it and its status recorded the
 * deployment's environment (`environment`; by default the status is taken to belong where it is).
 */
export function approvalsOf(
  statuses: readonly StatusFact[],
  trust: TrustOptions,
  where?: Pick<DeploymentFact, "environment" | "originalEnvironment">,
): ApprovalEntry[] {
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
      trusted:
        isTrustedApprovalWriter(s.creator, trust) &&
        (where === undefined || statusEnvironment(s, where) === where.environment),
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

function outcomeOf(fact: DeploymentFact, trust: TrustOptions, tollgate: boolean): OutcomeResult {
  const statuses = fact.statuses;
  const steps: string[] = [];
  let rejection: { at: string; text: string } | undefined;
  let rollback: { at: string; text: string } | undefined;
  let lastOutcomeText: string | undefined;
  let effective: { state: string; createdAt: string } | undefined;
  for (const s of statuses) {
    const parsed = parseDescription(s.description);
    // An approval's "queued" is bookkeeping, not a step back: an emergency approved after its
    // deployment succeeded stays a success. GitHub's "inactive" only means superseded.
    if (parsed?.kind !== "approved") {
      if (!tollgate) {
        if (s.state !== "inactive") effective = s;
      } else {
        // The gate's rule: only what the status proves, the latest proof winning.
        const proof = proofIn(s, fact, trust);
        if (proof !== undefined && proof !== "inactive")
          effective = { state: proof === "progress" ? s.state : proof, createdAt: s.createdAt };
      }
    }
    if (!parsed) continue;
    if (parsed.kind === "rejected") {
      if (
        isTrustedApprovalWriter(s.creator, trust) &&
        (!tollgate || statusEnvironment(s, fact) === fact.environment)
      )
        rejection = { at: s.createdAt, text: `rejected by @${parsed.login}: ${parsed.note}` };
      continue;
    }
    if (parsed.kind === "approved" || !isTrustedWriter(s.creator, trust)) continue;
    // Narrowed by hand: TypeScript does not narrow the union through the `||` above.
    if (!("text" in parsed)) continue;
    // Only the App attests; a "verified" record by anyone else is a forgery (tamper.ts).
    if (parsed.kind === "verified" && !isTrustedApprovalWriter(s.creator, trust)) continue;
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
  const claimed = tollgate && statuses.some((s) => s.state === "success");
  return {
    outcome: "in_progress",
    detail: claimed
      ? "success not verified by the App"
      : state
        ? `${state} since ${at}`
        : statuses.length > 0
          ? "inactive without a result"
          : "no status",
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
  const result = outcomeOf(fact, context.trust, payload !== undefined);
  const deployed = fact.statuses.find((s) => s.state === "in_progress" || s.state === "success");
  const pr = payload?.pull_request;
  return {
    id: fact.id,
    environment: fact.environment,
    originalEnvironment: fact.originalEnvironment ?? fact.environment,
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
    approvals: approvalsOf(fact.statuses, context.trust, fact),
    outcome: result.outcome,
    outcomeDetail: result.detail,
    leadTimeMs: null,
    failedChange: false,
    unplanned: false,
    statusCount: fact.statuses.length,
    digest: factsDigest(fact),
  };
}
