/**
 * Tollgate, the GitHub App: readiness check runs on PRs, approvals from PR comments recorded as
 * deployment statuses, custom deployment protection rules, and re-runs of gates that awaited approval.
 * Stateless: every handler reads GitHub, decides with the core, and writes back.
 */
import type { ApplicationFunctionOptions, Probot } from "probot";
import { attestSuccess } from "./handlers/attest-success.js";
import { onDeploymentStatus } from "./handlers/deployment-status.js";
import { onIssueComment } from "./handlers/issue-comment.js";
import { onProtectionRule } from "./handlers/protection-rule.js";
import { onCheckRun, onCheckSuite, onPullRequest, onReview, onStatus } from "./handlers/readiness-events.js";
import { identityResolver, settingsFromEnv, type Settings } from "./settings.js";

export const PULL_REQUEST_ACTIONS = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
  "pull_request.edited",
  "pull_request.labeled",
  "pull_request.unlabeled",
  "pull_request.ready_for_review",
] as const;

export function tollgate(settings: Settings) {
  return (app: Probot, _options?: ApplicationFunctionOptions): void => {
    const identity = identityResolver(app, settings);
    const env = async () => ({ identity: await identity(), settings });
    app.on([...PULL_REQUEST_ACTIONS], async (context) => onPullRequest(context, await env()));
    app.on("pull_request_review", async (context) => onReview(context, await env()));
    app.on(["check_run.completed", "check_run.rerequested", "check_run.requested_action"], async (context) =>
      onCheckRun(context, await env()),
    );
    app.on("check_suite.completed", async (context) => onCheckSuite(context, await env()));
    app.on("status", async (context) => onStatus(context, await env()));
    app.on("issue_comment", async (context) => {
      const { identity: who } = await env();
      await onIssueComment(context, who, settings);
    });
    app.on("deployment_status.created", async (context) => {
      const current = await env();
      if (context.payload.deployment_status.state === "success")
        await attestSuccess(context, current.identity);
      else await onDeploymentStatus(context, current);
    });
    app.on("deployment_protection_rule.requested", async (context) => onProtectionRule(context, await env()));
  };
}

export default (app: Probot, options?: ApplicationFunctionOptions): void =>
  tollgate(settingsFromEnv(process.env))(app, options);
