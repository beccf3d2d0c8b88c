/**
 * A deleted `/approve` comment: the comment no longer says it, so its approval no longer counts. The App
 * records the withdrawal as a status on the approval's deployment (same environment, the deleted
 * comment as `log_url`, who deleted it in the note), so the audit keeps both, and updates the check
 * run. Rejections are never withdrawn this way: anyone with write access can delete another person's
 * comment, and erasing a rejection must take its author's new decision.
 */
import { writeDecisionStatus } from "../../src/github/decision-status.js";
import { writeDeploymentStatus } from "../../src/github/deployments.js";
import { APPROVAL_STATE, approvalDescription } from "../../src/records/format.js";
import { assess } from "../assess.js";
import { tollgateDeployment } from "../deployment-lookup.js";
import { pullOf } from "../pull-facts.js";
import { writeDecisions } from "../readiness-checks.js";
import type { CommandContext } from "./outcome.js";

export async function withdraw(cx: CommandContext, deletedBy: string): Promise<void> {
  const { client, repo, identity, settings, comment, log } = cx;
  const pr = await pullOf(cx);
  const sha = pr.mergeSha ?? pr.headSha;
  const assessment = await assess(client, identity, settings, { ...repo, sha, pullNumber: cx.issueNumber });
  const withdrawn = assessment.evidence.approvals.filter(
    (a) => a.decision === "approve" && a.url === comment.url,
  );
  if (withdrawn.length === 0)
    return log.debug({ url: comment.url }, "no counted approval came from this comment");
  for (const approval of withdrawn) {
    const found = await tollgateDeployment(client, repo, approval.environment, approval.sha);
    if (!found || !identity.trustedWriters.includes(found.creator ?? "")) {
      log.warn({ url: comment.url }, "the approval's record was not found: nothing to withdraw it on");
      continue;
    }
    await writeDeploymentStatus(
      client,
      { ...repo, deploymentId: found.id },
      {
        state: APPROVAL_STATE.withdrawn,
        description: approvalDescription("withdrawn", approval.approver, `comment deleted by @${deletedBy}`),
        logUrl: comment.url,
        environment: approval.environment,
        autoInactive: false,
      },
    );
    // The approval had ended the person's rejection in the indelible record; with it gone, their
    // rejection before it stands again there too.
    const before = assessment.evidence.approvals
      .filter(
        (a) =>
          a.approver.toLowerCase() === approval.approver.toLowerCase() &&
          a.environment === approval.environment &&
          a.sha === approval.sha &&
          a.url !== comment.url,
      )
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      .at(-1);
    if (before?.decision === "reject")
      await writeDecisionStatus(
        client,
        { ...repo, sha: approval.sha },
        {
          kind: "rejected",
          environment: approval.environment,
          login: approval.approver,
          note: before.note ?? "",
          url: before.url ?? comment.url,
        },
      );
  }
  const policy = assessment.policy;
  if (!pr.mergeSha && policy?.ok) {
    const after = {
      ...assessment.evidence,
      approvals: assessment.evidence.approvals.filter((a) => !withdrawn.includes(a)),
    };
    await writeDecisions(cx, policy.policy, after, pr.headSha, { shown: assessment.gathered.shownChecks });
  }
}
