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
import { describeRateLimit, rateLimitOf } from "../src/github/rate-limit.js";
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
    app.on([...PULL_REQUEST_ACTIONS], async (context) =>
      unlessLimited(async () => onPullRequest(context, await env())),
    );
    app.on("pull_request_review", async (context) =>
      unlessLimited(async () => onReview(context, await env())),
    );
    app.on(["check_run.completed", "check_run.rerequested", "check_run.requested_action"], async (context) =>
      unlessLimited(async () => onCheckRun(context, await env())),
    );
    app.on("check_suite.completed", async (context) =>
      unlessLimited(async () => onCheckSuite(context, await env())),
    );
    app.on("status", async (context) => unlessLimited(async () => onStatus(context, await env())));
    app.on("issue_comment", async (context) =>
      unlessLimited(async () => {
        const { identity: who } = await env();
        await onIssueComment(context, who, settings);
      }),
    );
    app.on("deployment_status.created", async (context) =>
      unlessLimited(async () => {
        const current = await env();
        if (context.payload.deployment_status.state === "success")
          await attestSuccess(context, current.identity);
        else await onDeploymentStatus(context, current);
      }),
    );
    app.on("deployment_protection_rule.requested", async (context) =>
      unlessLimited(async () => onProtectionRule(context, await env())),
    );
  };
}

/**
 * GitHub's rate limit stopping a handler is a failure of the moment: the delivery is answered 503 with the
 * reset time (shown in GitHub's delivery log, redeliverable after the reset), not with the 403/429 GitHub
 * gave the App, which would read as the webhook being refused. Nothing was decided on what was not read.
 */
async function unlessLimited(handler: () => Promise<void>): Promise<void> {
  try {
    await handler();
  } catch (error) {
    const limited = rateLimitOf(error);
    if (!limited) throw error;
    throw Object.assign(new Error(`not handled: ${describeRateLimit(limited)}; redeliver after the reset`), {
      status: 503,
    });
  }
}

export default (app: Probot, options?: ApplicationFunctionOptions): void =>
  tollgate(settingsFromEnv(process.env))(app, options);
