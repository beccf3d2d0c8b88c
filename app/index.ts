/**
 * Tollgate, the GitHub App: readiness check runs on PRs, approvals from PR comments recorded as
 * deployment statuses, custom deployment protection rules, and re-runs of gates that awaited approval.
 * Stateless: every handler reads GitHub, decides with the core, and writes back.
 */
import type { ApplicationFunctionOptions, Context, Probot } from "probot";
import { perProcess } from "./coalescing.js";
import { attestSuccess } from "./handlers/attest-success.js";
import { onDeploymentStatus } from "./handlers/deployment-status.js";
import { onCheckRunOfNoPullRequest } from "./handlers/held-ci.js";
import { onIssueComment } from "./handlers/issue-comment.js";
import { onProtectionRule } from "./handlers/protection-rule.js";
import { onCheckRun, onCheckSuite, onPullRequest, onReview, onStatus } from "./handlers/readiness-events.js";
import {
  isOutOfTime,
  keepWithin,
  startBudget,
  type EventBudget,
  type RequestHooks,
} from "../src/github/budget.js";
import { describeRateLimit, rateLimitOf } from "../src/github/rate-limit.js";
import { eventBudgetOf, identityResolver, settingsFromEnv, type Settings } from "./settings.js";

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
    // Per process, never shared between replicas: the policy validators, the evaluations in flight and
    // the comment commands' turns.
    const local = perProcess();
    const env = async () => ({ identity: await identity(), settings, process: local });
    // Every handler runs under the event's time budget (see withinBudget), inside the rate-limit answer.
    const on = (context: Context, handle: (budget: EventBudget) => Promise<void>) =>
      unlessLimited(() => withinBudget(context, settings, handle));
    app.on([...PULL_REQUEST_ACTIONS], async (context) =>
      on(context, async (budget) => onPullRequest(context, { ...(await env()), budget })),
    );
    app.on("pull_request_review", async (context) =>
      on(context, async (budget) => onReview(context, { ...(await env()), budget })),
    );
    app.on(["check_run.completed", "check_run.rerequested", "check_run.requested_action"], async (context) =>
      on(context, async (budget) => {
        const current = { ...(await env()), budget };
        await onCheckRun(context, current);
        // CI on a commit no PR heads (a merge commit) may be what a run held there waits for.
        await onCheckRunOfNoPullRequest(context, current);
      }),
    );
    app.on("check_suite.completed", async (context) =>
      on(context, async () => onCheckSuite(context, await env())),
    );
    app.on("status", async (context) =>
      on(context, async (budget) => onStatus(context, { ...(await env()), budget })),
    );
    app.on("issue_comment", async (context) =>
      on(context, async (budget) => {
        const { identity: who } = await env();
        await onIssueComment(context, who, settings, budget, local.commands);
      }),
    );
    app.on("deployment_status.created", async (context) =>
      on(context, async () => {
        const current = await env();
        if (context.payload.deployment_status.state === "success")
          await attestSuccess(context, current.identity);
        else await onDeploymentStatus(context, current);
      }),
    );
    app.on("deployment_protection_rule.requested", async (context) =>
      on(context, async () => onProtectionRule(context, await env())),
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

/**
 * One event, one time budget: every request the handler makes through its Octokit is kept within it.
 * Past it nothing more is written, so what the event decides is either recorded whole or not at all
 * (each record Tollgate writes is one request, complete on its own), and the process is free for the
 * next event. A comment command says so in its reply (see onIssueComment), a PR's readiness in its
 * check runs (see refreshReadiness); every other event in the log, and all of them but the comment in
 * the delivery's answer (503, shown in GitHub's delivery log and redeliverable). A gate not yet
 * approved stays closed.
 */
async function withinBudget(
  context: Context,
  settings: Settings,
  handle: (budget: EventBudget) => Promise<void>,
): Promise<void> {
  const budget = startBudget(eventBudgetOf(settings));
  keepWithin(context.octokit.hook as unknown as RequestHooks, budget);
  try {
    await handle(budget);
  } catch (error) {
    if (!isOutOfTime(error)) throw error;
    context.log.warn(
      { event: context.name, delivery: context.id },
      `not finished: Tollgate ${error.message}`,
    );
    throw Object.assign(new Error(`not finished: Tollgate ${error.message}; redeliver to try again`), {
      status: 503,
    });
  } finally {
    budget.end();
  }
}

export default (app: Probot, options?: ApplicationFunctionOptions): void =>
  tollgate(settingsFromEnv(process.env))(app, options);
