/**
 * Tampering findings: what anyone with `deployments: write` (every workflow token, including one of a
 * workflow on a branch nobody reviewed, and every user with write access) can do to the Deployments
 * history, and Tollgate itself never does. Such a writer can create a deployment with Tollgate's payload,
 * write statuses that look like Tollgate's records, move a deployment to another environment with a
 * status's `environment` parameter, and delete an inactive deployment with all its statuses. The record
 * already ignores all of it (record.ts applies the gate's rules); these findings say that it happened,
 * who did it and when. Kept apart from findings.ts so each can change on its own.
 */
import {
  claimsTollgatePayload,
  parseDecisionContext,
  parseDescription,
  readPayload,
} from "../records/format.js";
import type { DecisionContextFact } from "./query.js";
import type { PreviousReport } from "./compare.js";
import { SEVERITY } from "./findings.js";
import {
  isTrustedApprovalWriter,
  isTrustedWriter,
  proofIn,
  statusEnvironment,
  type TrustOptions,
} from "./record.js";
import type { AuditRecord, Comparison, DeploymentFact, Finding, FindingCode, StatusFact } from "./types.js";

const who = (login: string | null): string => `@${login ?? "(unknown)"}`;

function finding(id: number, environment: string, code: FindingCode, message: string): Finding {
  return { code, deploymentId: id, environment, severity: SEVERITY[code], message };
}

interface Move {
  readonly from: string;
  readonly to: string;
  readonly status: StatusFact;
}

/** Each status that recorded another environment than the one before it, starting from the original. */
export function movesOf(fact: DeploymentFact): Move[] {
  const moves: Move[] = [];
  let current = fact.originalEnvironment ?? fact.statuses.find((s) => s.environment)?.environment;
  if (current === undefined || current === null) return moves;
  for (const s of fact.statuses) {
    if (s.environment === null || s.environment === current) continue;
    moves.push({ from: current, to: s.environment, status: s });
    current = s.environment;
  }
  return moves;
}

/** A success that counts nowhere: no App attestation of that environment at or after it. */
function unverifiedSuccesses(fact: DeploymentFact, trust: TrustOptions): StatusFact[] {
  const out: StatusFact[] = [];
  fact.statuses.forEach((s, i) => {
    if (s.state !== "success") return;
    const where = statusEnvironment(s, fact);
    if (proofIn(s, fact, trust, where) === "success") return;
    const attested = fact.statuses
      .slice(i + 1)
      .some((v) => statusEnvironment(v, fact) === where && proofIn(v, fact, trust, where) === "success");
    if (!attested) out.push(s);
  });
  return out;
}

export function tamperFindings(record: AuditRecord, fact: DeploymentFact, trust: TrustOptions): Finding[] {
  const out: Finding[] = [];
  const add = (code: FindingCode, message: string) =>
    out.push(finding(record.id, record.environment, code, message));
  const wellFormed = readPayload(fact.payload) !== undefined;
  const claimed = claimsTollgatePayload(fact.payload);

  // 1. Re-targeted: Tollgate never moves a deployment.
  const moves = movesOf(fact);
  if (moves.length > 0)
    add(
      "retargeted",
      `moved ${moves
        .map((m) => `from ${m.from} to ${m.to} by ${who(m.status.creator)} at ${m.status.createdAt}`)
        .join(
          ", then ",
        )} (Tollgate never moves a deployment; decisions count only in the environment their own status recorded)`,
    );
  else if (fact.originalEnvironment && fact.originalEnvironment !== fact.environment)
    add(
      "retargeted",
      `created for ${fact.originalEnvironment} but now in ${fact.environment}, moved by a status not in the history read (Tollgate never moves a deployment)`,
    );

  // 3. Forged records: Tollgate's payload from someone Tollgate is not, its decisions from anyone but the App.
  if (claimed && !isTrustedWriter(fact.creator, trust))
    add(
      "forged_deployment",
      `created with ${wellFormed ? "Tollgate's payload" : "a malformed imitation of Tollgate's payload"} by ${who(fact.creator)}, who is neither the Tollgate App (@${trust.appLogin}) nor a trusted workflow token: Tollgate did not create it`,
    );
  const forged = fact.statuses.filter((s) => {
    const kind = parseDescription(s.description)?.kind;
    return (
      (kind === "approved" || kind === "rejected" || kind === "verified") &&
      !isTrustedApprovalWriter(s.creator, trust)
    );
  });
  if (forged.length > 0)
    add(
      "forged_decision",
      `${forged
        .map((s) => `"${s.description}" written by ${who(s.creator)} at ${s.createdAt}`)
        .join(
          "; ",
        )}: only the Tollgate App (@${trust.appLogin}) records approvals, rejections and verified successes`,
    );

  if (!wellFormed) return out;

  // 2. Unverified successes: the workflow token's (or anyone's) success counts only once the App attested it.
  const unverified = unverifiedSuccesses(fact, trust);
  if (unverified.length > 0)
    add(
      "unverified_success",
      `success not verified by the App: ${unverified
        .map((s) => `success by ${who(s.creator)} at ${s.createdAt} in ${statusEnvironment(s, fact)}`)
        .join(
          ", ",
        )} has no "Tollgate verified" attestation by @${trust.appLogin} for that environment, so the record does not count it`,
    );

  // 4. A verified success later overturned by a trusted failure: the latest outcome wins.
  if (record.outcome === "failure") {
    let success: StatusFact | undefined;
    let failure: StatusFact | undefined;
    for (const s of fact.statuses) {
      const proof = proofIn(s, fact, trust);
      if (proof === "success") success = s;
      else if ((proof === "failure" || proof === "error") && success) failure = s;
    }
    if (success && failure)
      add(
        "success_overturned",
        `verified as a success at ${success.createdAt}, then ${failure.state} by ${who(failure.creator)} at ${failure.createdAt}: the latest outcome wins, so it is counted as a failure`,
      );
  }
  return out;
}

/** A record that tampering explains needs no second finding saying it is unfinished. */
export function withoutNoise(findings: readonly Finding[]): Finding[] {
  const unverified = new Set(
    findings.filter((f) => f.code === "unverified_success").map((f) => f.deploymentId),
  );
  return findings.filter((f) => !(f.code === "stale_in_progress" && unverified.has(f.deploymentId)));
}

/**
 * 5. Deleted deployments (`--compare`): GitHub lets anyone with `deployments: write` delete an inactive
 * deployment with all its statuses. One that carried the App's approval or rejection took a decision
 * with it: critical.
 */
export function deletionFindings(previous: PreviousReport, comparison: Comparison): Finding[] {
  const gone = new Set(comparison.disappeared);
  const out: Finding[] = [];
  for (const old of previous.records) {
    if (!gone.has(old.id)) continue;
    const decisions = (old.approvals ?? []).filter((a) => a.trusted === true);
    const was = old.outcome ? ` (its outcome was ${old.outcome})` : "";
    if (decisions.length > 0)
      out.push(
        finding(
          old.id,
          old.environment,
          "deleted_decision",
          `deleted since the report of ${previous.generatedAt}${was}, with the Tollgate App's ${decisions
            .map((a) => `${a.decision === "approved" ? "approval" : "rejection"} by @${a.login} at ${a.at}`)
            .join(
              ", ",
            )}: a deployment can only be deleted once inactive, by anyone with deployments: write, and its statuses go with it`,
        ),
      );
    else
      out.push(
        finding(
          old.id,
          old.environment,
          "deleted_deployment",
          `deleted since the report of ${previous.generatedAt}${was}: its statuses went with it`,
        ),
      );
  }
  return out;
}

/**
 * 6. Deleted decisions found without `--compare`: the App keeps each person's standing rejection also as
 * its commit status on the decided commit, which nobody can delete. One whose deployment record (the App's
 * rejection with the same comment, in that environment, on that commit) is no longer in the history read
 * was deleted with its deployment. Only commits that still have a deployment in the history are seen;
 * `--compare` finds the rest. Reported against deployment 0: the deleted deployment's id is gone with it.
 */
export function orphanedRejectionFindings(
  contexts: readonly DecisionContextFact[],
  facts: readonly DeploymentFact[],
  trust: TrustOptions,
  environment?: string,
): Finding[] {
  const recorded = new Set(
    facts.flatMap((f) =>
      f.statuses.flatMap((s) => {
        const parsed = parseDescription(s.description);
        return parsed?.kind === "rejected" && s.logUrl && isTrustedApprovalWriter(s.creator, trust)
          ? [`${f.sha} ${statusEnvironment(s, f)} ${parsed.login.toLowerCase()} ${s.logUrl}`]
          : [];
      }),
    ),
  );
  // A deployment whose statuses were not all read may hold the rejection: not a finding.
  const unread = new Set(facts.filter((f) => !f.statusesComplete).map((f) => f.sha));
  return contexts.flatMap((c) => {
    if (unread.has(c.sha)) return [];
    const subject = parseDecisionContext(c.context);
    if (!subject || c.state !== "failure" || !c.url || !isTrustedApprovalWriter(c.creator, trust)) return [];
    if (environment !== undefined && subject.environment !== environment) return [];
    const key = `${c.sha} ${subject.environment} ${subject.login.toLowerCase()} ${c.url}`;
    if (recorded.has(key)) return [];
    return [
      finding(
        0,
        subject.environment,
        "deleted_decision",
        `the Tollgate App's rejection by @${subject.login} of ${c.sha.slice(0, 7)} in ${subject.environment} (${c.url}, its commit status of ${c.createdAt}) has no deployment record left: the deployment that held it was deleted (anyone with deployments: write can delete an inactive deployment with its statuses); the rejection still stands`,
      ),
    ];
  });
}

/**
 * 7. A decision context whose latest status someone else wrote: GitHub shows the latest status per context,
 * so anyone with write access can post one there to hide the App's rejection. The gate reads it as that
 * person's rejection; the audit names the writer.
 */
export function maskedDecisionFindings(
  contexts: readonly DecisionContextFact[],
  trust: TrustOptions,
  environment?: string,
): Finding[] {
  return contexts.flatMap((c) => {
    const subject = parseDecisionContext(c.context);
    if (!subject || isTrustedApprovalWriter(c.creator, trust)) return [];
    if (environment !== undefined && subject.environment !== environment) return [];
    return [
      finding(
        0,
        subject.environment,
        "forged_decision",
        `the Tollgate App's decision context "${c.context}" on ${c.sha.slice(0, 7)} was last written by ${who(c.creator)} at ${c.createdAt} ("${c.description ?? ""}"): only the App records decisions there; the gate counts it as @${subject.login}'s rejection until they decide again`,
      ),
    ];
  });
}
