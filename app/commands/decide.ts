/**
 * `/approve <env> [note]` and `/reject <env> <reason>`: bound to one environment and one commit (the
 * merge commit once merged, else the PR head), judged against the default branch's policy, and recorded
 * as a deployment status written by the App's bot, the comment as its `log_url`, and as the App's commit
 * status for that environment and person on that commit, which nobody can delete.
 */
import { writeDecisionStatus } from "../../src/github/decision-status.js";
import { isOutOfTime } from "../../src/github/budget.js";
import {
  findOrCreateDeployment,
  writeDeploymentStatus,
  type DeploymentRecord,
} from "../../src/github/deployments.js";
import { APPROVAL_STATE, approvalDescription } from "../../src/records/format.js";
import { deploymentPayload } from "../../src/records/payload.js";
import { assess, type Assessment } from "../assess.js";
import { followUp, type Recorded } from "../followup.js";
import { answerHeldRuns } from "../held-runs.js";
import { pullOf } from "../pull-facts.js";
import type { PullFacts } from "../../src/github/pull-facts.js";
import { nowOf, writeDecisions } from "../readiness-checks.js";
import { tollgateDeployment, type FoundDeployment } from "../deployment-lookup.js";
import { isActor, writerLogin, type Actor } from "../../src/github/evidence-query.js";
import { admitDecision, tallyText, unknownEnvironment } from "./admission.js";
import { done, refuse, type CommandContext, type Outcome } from "./outcome.js";
import { own } from "../../src/policy/own.js";
import type { Policy } from "../../src/policy/model.js";
import type { Decision } from "../../src/readiness/decision.js";
import type { Evidence } from "../../src/readiness/evidence.js";

const short = (sha: string) => sha.slice(0, 7);

type DecisionCommand =
  | { kind: "approve"; environment: string; note?: string }
  | { kind: "reject"; environment: string; reason: string };

type RecordedDecision = Evidence["approvals"][number];

export async function decide(cx: CommandContext, command: DecisionCommand): Promise<Outcome> {
  const what = command.kind === "approve" ? "approval" : "rejection";
  const { client, repo, identity, settings, comment } = cx;
  const pr = await pullOf(cx);
  if (pr.state === "CLOSED")
    return refuse(what, "this pull request is closed without merging, so nothing of it deploys");
  const sha = pr.mergeSha ?? pr.headSha;
  const stale = staleComment(pr, comment.createdAt, sha);
  if (stale) return refuse(what, stale);

  const assessment = await assess(client, identity, settings, { ...repo, sha, pullNumber: cx.issueNumber });
  const loaded = policyOf(assessment);
  if (!loaded.ok) return refuse(what, loaded.why);
  const policy = loaded.policy;
  const unknown = unknownEnvironment(policy, command.environment);
  if (unknown) return refuse(what, unknown);
  const recorded = assessment.evidence.approvals.find((a) => a.url === comment.url);
  if (recorded) {
    cx.log.debug({ url: comment.url }, "already recorded (a redelivered webhook): no second effect");
    await completeRedelivered(cx, assessment, recorded, {
      policy,
      sha,
      show: pr.mergeSha ? undefined : pr.headSha,
    });
    return done();
  }

  const existing = await trustedRecord(cx, assessment, command.environment, sha);
  // Whoever started a deployment the Action recorded may not approve it; a record the App made has no starter.
  const initiator = existing && existing.creator !== identity.bot ? existing.payload.requested_by : undefined;
  const evidence = initiator ? { ...assessment.evidence, initiator } : assessment.evidence;
  const now = nowOf(settings);
  const admission = admitDecision({
    policy,
    environment: command.environment,
    evidence,
    login: comment.login,
    decision: command.kind,
    sha,
    ...(command.kind === "approve" ? (command.note ? { note: command.note } : {}) : { note: command.reason }),
    url: comment.url,
    now,
  });
  if (!admission.ok) return refuse(what, admission.why);

  const environment = own(policy.environments, command.environment)!;
  const note =
    command.kind === "approve"
      ? tallyText(admission.tally, policy, environment, admission.changeType, evidence)
      : command.reason;
  const { deploymentId, made } = await recordDecision(cx, command.kind, {
    policy,
    environment: environment.name,
    evidence,
    before: admission.before,
    sha,
    existingId: existing?.id,
    note,
  });

  const after = { ...assessment.evidence, approvals: [...assessment.evidence.approvals, admission.record] };
  // The PR's check run shows the new tally at once, without reading GitHub again.
  const show = pr.mergeSha ? undefined : pr.headSha;
  return followDecision(cx, what, show, assessment, {
    policy,
    evidence: after,
    environment: environment.name,
    sha,
    deploymentId,
    defaultBranch: assessment.gathered.defaultBranch,
    starter: initiator,
    held: assessment.gathered.held,
    // A record made just now has no status yet but this decision's; one found on GitHub is listed again.
    statuses: existing ? existing.statuses : made ? { nodes: [], complete: true } : undefined,
    rejection: command.kind === "reject" ? { login: comment.login, reason: command.reason } : undefined,
  });
}

/**
 * What follows a recorded decision: the PR's check run (`show`: the head shown, before the merge) and
 * the runs waiting for it. When GitHub answers too slowly the decision itself is recorded and what follows
 * only lags (a check run not updated, a waiting run not yet reviewed or re-run), which holds a deployment
 * back and never lets one through.
 */
async function followDecision(
  cx: CommandContext,
  what: string,
  show: string | undefined,
  assessment: Assessment,
  recorded: Recorded,
): Promise<Outcome> {
  try {
    if (show)
      await writeDecisions(cx, recorded.policy, recorded.evidence, show, {
        only: recorded.environment,
        shown: assessment.gathered.shownChecks,
      });
    await followUp(cx, recorded);
  } catch (error) {
    if (!isOutOfTime(error)) throw error;
    cx.log.warn({ environment: recorded.environment }, `after the ${what}: Tollgate ${error.message}`);
    return done(
      `Tollgate recorded this ${what}, then GitHub answered too slowly and it ${error.message}: the ${recorded.environment} check run and any run waiting for it catch up on the next event (or re-run the workflow)`,
    );
  }
  return done();
}

/**
 * Why a command written before the head commit arrived decides nothing: it approved an earlier commit,
 * not this one. Checked after the merge too (a redelivered old command must not bind to the merge
 * commit), and by GitHub's clock where it can be had, not by the commit's own date, which the pusher writes.
 */
function staleComment(pr: PullFacts, commentedAt: string, sha: string): string | undefined {
  const headArrived = pr.headPushedAt ?? pr.headCommittedAt;
  if (!headArrived || Date.parse(commentedAt) >= Date.parse(headArrived)) return undefined;
  return `stale commit: the pull request changed after the comment (head is now ${short(sha)}); review it and comment again`;
}

/** The default branch's valid policy, or why no decision can be recorded without one. */
function policyOf(assessment: Assessment): { ok: true; policy: Policy } | { ok: false; why: string } {
  if (!assessment.policy)
    return { ok: false, why: "this repository has no Tollgate policy on its default branch" };
  if (!assessment.policy.ok)
    return {
      ok: false,
      why: `the policy on the default branch is invalid (${assessment.policy.errors.length} errors, see the "Tollgate · policy" check), so no approval can be recorded until it is fixed`,
    };
  return { ok: true, policy: assessment.policy.policy };
}

/**
 * A redelivered command whose deployment status is written: the App stopped after it, so what it had not
 * done yet catches up (nothing is written where GitHub shows it already): the indelible record, unless the
 * person has decided again since (rewriting this decision would then hide the later one); the runs held
 * for the commit; the PR's check run (`show`: the head shown, before the merge).
 */
async function completeRedelivered(
  cx: CommandContext,
  assessment: Assessment,
  recorded: RecordedDecision,
  on: { readonly policy: Policy; readonly sha: string; readonly show: string | undefined },
): Promise<void> {
  await completeIndelibleRecord(cx, assessment, recorded);
  await answerHeldRuns(cx, on.policy, assessment.evidence, on.sha, assessment.gathered.held);
  if (on.show)
    await writeDecisions(cx, on.policy, assessment.evidence, on.show, {
      only: recorded.environment,
      shown: assessment.gathered.shownChecks,
    });
}

async function completeIndelibleRecord(
  cx: CommandContext,
  assessment: Assessment,
  recorded: RecordedDecision,
): Promise<void> {
  const url = cx.comment.url;
  const later = assessment.evidence.approvals.some(
    (a) =>
      a.approver.toLowerCase() === recorded.approver.toLowerCase() &&
      a.environment === recorded.environment &&
      a.sha === recorded.sha &&
      a.url !== url &&
      Date.parse(a.at) >= Date.parse(recorded.at),
  );
  if (later || assessment.gathered.hasDecisionStatus(url)) return;
  await writeDecisionStatus(
    cx.client,
    { ...cx.repo, sha: recorded.sha },
    {
      kind: recorded.decision === "approve" ? "approved" : "rejected",
      environment: recorded.environment,
      login: recorded.approver,
      note: recorded.note ?? "",
      url,
    },
  );
}

/**
 * Tollgate's deployment record of this environment and commit, when the App or a trusted writer made it:
 * only such a record is written to, or read for who started it. Anyone may create a deployment with
 * Tollgate's payload, as a decoy or naming an approver as its starter. The evidence just read lists the
 * commit's deployments with their creators; only when GitHub cut that list short is it asked again.
 */
async function trustedRecord(
  cx: CommandContext,
  assessment: Assessment,
  environment: string,
  sha: string,
): Promise<(FoundDeployment & { statuses?: Recorded["statuses"] }) | undefined> {
  const trusted = (creator: Actor | string | null | undefined) =>
    creator != null &&
    cx.identity.trustedWriters.some((writer) =>
      typeof creator === "string" ? creator === writer : isActor(creator, writer),
    );
  if (!assessment.evidence.incomplete.includes("deployments")) {
    const record = assessment.gathered.records.find((r) => r.environment === environment);
    return record && trusted(record.creator)
      ? {
          id: record.id,
          creator: writerLogin(record.creator!),
          payload: record.payload,
          statuses: record.statuses,
        }
      : undefined;
  }
  const found = await tollgateDeployment(cx.client, cx.repo, environment, sha);
  return trusted(found?.creator) ? found : undefined;
}

/**
 * Records the decision: as a deployment status on the record (made now when there is none), the comment
 * as its `log_url`, then as the record nobody else can delete: a rejection outlives its deployment, and an
 * approval ends the person's standing rejection there. Returns the deployment's id, and whether it was
 * made for this decision.
 */
async function recordDecision(
  cx: CommandContext,
  kind: DecisionCommand["kind"],
  on: {
    policy: Policy;
    environment: string;
    evidence: Evidence;
    /** The environment's decision before this one, as admission judged it. */
    before: Decision;
    sha: string;
    existingId: number | undefined;
    note: string;
  },
): Promise<{ deploymentId: number; made: boolean }> {
  const { client, repo, comment } = cx;
  const { environment, sha } = on;
  const record = on.existingId === undefined ? await newRecord(cx, on) : undefined;
  const deploymentId = on.existingId ?? record!.id;
  const decided = kind === "approve" ? "approved" : "rejected";
  await writeDeploymentStatus(
    client,
    { ...repo, deploymentId },
    {
      state: APPROVAL_STATE[decided],
      description: approvalDescription(decided, comment.login, on.note),
      logUrl: comment.url,
      environment,
    },
  );
  await writeDecisionStatus(
    client,
    { ...repo, sha },
    { kind: decided, environment, login: comment.login, note: on.note, url: comment.url },
  );
  return { deploymentId, made: record?.created === true };
}

/** The App's own deployment record, made before any rollout: no strategy or override yet (the Action's record of its rollout names them). */
async function newRecord(
  cx: CommandContext,
  on: { policy: Policy; environment: string; evidence: Evidence; before: Decision; sha: string },
): Promise<DeploymentRecord> {
  const { policy, environment, evidence, sha } = on;
  const pull = evidence.pull_request;
  const payload = deploymentPayload({
    requestedBy: pull?.author ?? cx.comment.login,
    decision: on.before,
    policyDigest: policy.digest,
    pullRequest: pull,
  });
  const created = await findOrCreateDeployment(
    cx.client,
    { ...cx.repo, environment, sha },
    {
      payload,
      description: `Tollgate record of ${environment} for ${short(sha)}`,
      productionEnvironment: environment === "production",
    },
    cx.identity.trustedWriters,
  );
  return created;
}
