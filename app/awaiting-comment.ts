/** The comment asking approvers: what would deploy, how, what is still missing, and how it would be undone. */
import type { Environment } from "../src/policy/model.js";
import type { DeploymentPayload } from "../src/records/format.js";
import type { Decision } from "../src/readiness/decision.js";
import type { Evidence } from "../src/readiness/evidence.js";
import { sectionText, hasContent } from "../src/readiness/markdown.js";

export function awaitingComment(input: {
  decision: Decision;
  environment: Environment;
  evidence: Evidence;
  payload: DeploymentPayload | undefined;
  marker: string;
  runUrl: string | undefined;
}): string {
  const { decision, environment, evidence } = input;
  const sha = decision.sha.slice(0, 7);
  const strategy = input.payload?.strategy ?? decision.strategy ?? "direct";
  const { approvals } = decision;
  const rollback = environment.rollback;
  const plan = [
    rollback.workflow
      ? `the \`${rollback.workflow}\` workflow (comment \`/rollback ${environment.name}\`)`
      : "",
    rollback.redeployPrevious ? "redeploy the previous version" : "",
    rollback.run.length > 0 ? `run ${rollback.run.map((c) => `\`${c.replace(/`/g, "'")}\``).join(", ")}` : "",
  ].filter(Boolean);
  const prPlan = evidence.pull_request ? sectionText(evidence.pull_request.body, "Rollback plan") : undefined;
  const open = decision.checklist.filter((i) => i.state === "failed" || i.state === "pending");
  return [
    `**Tollgate: ${environment.name} is waiting for approval** of \`${sha}\`${input.runUrl ? ` ([run](${input.runUrl}))` : ""}.`,
    "",
    `- Plan: ${decision.changeType} change, ${strategy} rollout to ${environment.name}.`,
    `- Approvals needed: ${approvals.required || "none"}; counted so far: ${approvals.counted.map((c) => `@${c.login}`).join(", ") || "none"}.`,
    `- Who can approve: ${approvals.approvers.join(", ") || "see the policy"}.`,
    `- Rollback: ${plan.join("; ") || "the policy names none"}.`,
    ...(prPlan && hasContent(prPlan)
      ? [
          "",
          "Rollback plan from the PR:",
          "",
          ...prPlan
            .trim()
            .split("\n")
            .map((l) => `> ${l}`),
        ]
      : []),
    ...(open.length > 0 ? ["", "Still open:", ...open.map((i) => `- ${i.title}: ${i.reason}`)] : []),
    "",
    `An approver approves with a new comment that starts with \`/approve ${environment.name}\`, or rejects with \`/reject ${environment.name} <reason>\`.`,
    input.marker,
  ].join("\n");
}
