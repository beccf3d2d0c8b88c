/**
 * `/approve <env> [note]` and `/reject <env> <reason>`: bound to one environment and one commit (the
 * merge commit once merged, else the PR head), judged against the default branch's policy, and recorded
 * as a deployment status written by the App's bot, the comment as its `log_url`, and as the App's commit
 * status for that environment and person on that commit, which nobody can delete.
 */
import { writeDecisionStatus } from "../../src/github/decision-status.js";
import { isOutOfTime } from "../../src/github/budget.js";
import { findOrCreateDeployment, writeDeploymentStatus } from "../../src/github/deployments.js";
import { APPROVAL_STATE, approvalDescription } from "../../src/records/format.js";
import { deploymentPayload } from "../../src/records/payload.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import { assess } from "../assess.js";
import { followUp } from "../followup.js";
import { pullFacts } from "../github.js";
import { nowOf, writeDecisions } from "../readiness.js";
import { tollgateDeployment } from "../deployment-lookup.js";
import { admitDecision, tallyText, unknownEnvironment } from "./admission.js";
import { done, refuse, type CommandContext, type Outcome } from "./outcome.js";
import { own } from "../../src/policy/own.js";

const short = (sha: string) => sha.slice(0, 7);

export async function decide(
  cx: CommandContext,
  command:
    | { kind: "approve"; environment: string; note?: string }
    | { kind: "reject"; environment: string; reason: string },
): Promise<Outcome> {
  const what = command.kind === "approve" ? "approval" : "rejection";
  const { client, repo, identity, settings, comment } = cx;
  const pr = await pullFacts(client, repo, cx.issueNumber, identity.slug);
  if (pr.state === "CLOSED")
    return refuse(what, "this pull request is closed without merging, so nothing of it deploys");
  const sha = pr.mergeSha ?? pr.headSha;
  // The command was written before the head commit arrived: it approved an earlier commit, not this one.
  // Checked after the merge too (a redelivered old command must not bind to the merge commit), and by
  // GitHub's clock where it can be had, not by the commit's own date, which the pusher writes.
  const headArrived = pr.headPushedAt ?? pr.headCommittedAt;
  if (headArrived && Date.parse(comment.createdAt) < Date.parse(headArrived))
    return refuse(
      what,
      `stale commit: the pull request changed after the comment (head is now ${short(sha)}); review it and comment again`,
    );

  const assessment = await assess(client, identity, settings, { ...repo, sha, pullNumber: cx.issueNumber });
  if (!assessment.policy) return refuse(what, "this repository has no Tollgate policy on its default branch");
  if (!assessment.policy.ok)
    return refuse(
      what,
      `the policy on the default branch is invalid (${assessment.policy.errors.length} errors, see the "Tollgate · policy" check), so no approval can be recorded until it is fixed`,
    );
  const policy = assessment.policy.policy;
  const unknown = unknownEnvironment(policy, command.environment);
  if (unknown) return refuse(what, unknown);
  const recorded = assessment.evidence.approvals.find((a) => a.url === comment.url);
  if (recorded) {
    cx.log.debug({ url: comment.url }, "already recorded (a redelivered webhook): no second effect");
    // The App stopped between its two records: the indelible one is completed, unless the person has
    // decided again since (rewriting this decision would then hide the later one).
    const later = assessment.evidence.approvals.some(
      (a) =>
        a.approver.toLowerCase() === recorded.approver.toLowerCase() &&
        a.environment === recorded.environment &&
        a.sha === recorded.sha &&
        a.url !== comment.url &&
        Date.parse(a.at) >= Date.parse(recorded.at),
    );
    if (!later && !assessment.gathered.hasDecisionStatus(comment.url))
      await writeDecisionStatus(
        client,
        { ...repo, sha: recorded.sha },
        {
          kind: recorded.decision === "approve" ? "approved" : "rejected",
          environment: recorded.environment,
          login: recorded.approver,
          note: recorded.note ?? "",
          url: comment.url,
        },
      );
    return done();
  }

  // Only a record the App or a trusted writer made is written to, or read for who started it: anyone
  // may create a deployment with Tollgate's payload, as a decoy or naming an approver as its starter.
  const found = await tollgateDeployment(client, repo, command.environment, sha);
  const existing =
    found?.creator !== undefined && identity.trustedWriters.includes(found.creator) ? found : undefined;
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
  const decision = evaluate(policy, environment.name, evidence, now);
  const pull = evidence.pull_request;
  // Made before any rollout: no strategy or override yet (the Action's record of its rollout names them).
  const payload = deploymentPayload({
    requestedBy: pull?.author ?? comment.login,
    decision,
    policyDigest: policy.digest,
    pullRequest: pull,
  });
  const deploymentId =
    existing?.id ??
    (
      await findOrCreateDeployment(
        client,
        { ...repo, environment: environment.name, sha },
        {
          payload,
          description: `Tollgate record of ${environment.name} for ${short(sha)}`,
          productionEnvironment: environment.name === "production",
        },
        identity.trustedWriters,
      )
    ).id;
  const note =
    command.kind === "approve"
      ? tallyText(admission.tally, policy, environment, admission.changeType, evidence)
      : command.reason;
  await writeDeploymentStatus(
    client,
    { ...repo, deploymentId },
    {
      state: APPROVAL_STATE[command.kind === "approve" ? "approved" : "rejected"],
      description: approvalDescription(
        command.kind === "approve" ? "approved" : "rejected",
        comment.login,
        note,
      ),
      logUrl: comment.url,
      environment: environment.name,
    },
  );
  // Then the record nobody else can delete: a rejection outlives its deployment, and an approval ends
  // the person's standing rejection there.
  await writeDecisionStatus(
    client,
    { ...repo, sha },
    {
      kind: command.kind === "approve" ? "approved" : "rejected",
      environment: environment.name,
      login: comment.login,
      note,
      url: comment.url,
    },
  );

  const after = { ...assessment.evidence, approvals: [...assessment.evidence.approvals, admission.record] };
  try {
    // The PR's check run shows the new tally at once, without reading GitHub again.
    if (!pr.mergeSha)
      await writeDecisions(cx, policy, after, pr.headSha, {
        only: environment.name,
        shown: assessment.gathered.shownChecks,
      });
    await followUp(cx, {
      policy,
      evidence: after,
      environment: environment.name,
      sha,
      deploymentId,
      defaultBranch: assessment.gathered.defaultBranch,
      starter: initiator,
      rejection: command.kind === "reject" ? { login: comment.login, reason: command.reason } : undefined,
    });
  } catch (error) {
    if (!isOutOfTime(error)) throw error;
    // The decision itself is recorded; what follows from it only lags (a check run not updated, a waiting
    // run not yet reviewed or re-run), which holds a deployment back and never lets one through.
    cx.log.warn({ environment: environment.name }, `after the ${what}: Tollgate ${error.message}`);
    return done(
      `Tollgate recorded this ${what}, then GitHub answered too slowly and it ${error.message}: the ${environment.name} check run and any run waiting for it catch up on the next event (or re-run the workflow)`,
    );
  }
  return done();
}
