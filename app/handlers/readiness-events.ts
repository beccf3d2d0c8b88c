/**
 * The events after which a PR's readiness may have changed: the PR itself (opened, new commits, body,
 * labels, ready for review), a review, another app's check run or suite completing, a commit status,
 * and a person asking to re-run or re-evaluate Tollgate's own check run.
 */
import type { Context } from "probot";
import type { EventBudget } from "../../src/github/budget.js";
import { REEVALUATE } from "../../src/github/checks.js";
import { clientOf } from "../../src/github/client.js";
import { repoOf } from "../github.js";
import { refreshReadiness, type Deps, type RefreshOptions } from "../readiness.js";
import type { Identity, Settings } from "../settings.js";

type Env = { identity: Identity; settings: Settings; budget?: EventBudget };

function deps(
  context: Context,
  payload: { repository: { name: string; owner: { login: string } } },
  env: Env,
): Deps {
  return {
    client: clientOf(context.octokit),
    repo: repoOf(payload),
    identity: env.identity,
    settings: env.settings,
    log: context.log,
    ...(env.budget ? { budget: env.budget } : {}),
  };
}

export async function onPullRequest(context: Context<"pull_request">, env: Env): Promise<void> {
  const pr = context.payload.pull_request;
  if (pr.state !== "open") return context.log.debug("closed pull request");
  await refreshReadiness(deps(context, context.payload, env), pr.head.sha, pr.number);
}

export async function onReview(context: Context<"pull_request_review">, env: Env): Promise<void> {
  const pr = context.payload.pull_request;
  if (pr.state !== "open") return context.log.debug("closed pull request");
  await refreshReadiness(deps(context, context.payload, env), pr.head.sha, pr.number);
}

interface PullRef {
  number: number;
  head: { sha: string };
}

async function refreshAll(
  context: Context,
  d: Deps,
  sha: string,
  prs: readonly PullRef[],
  options: RefreshOptions = {},
): Promise<void> {
  const open = prs.filter((p) => p.head.sha === sha);
  if (open.length === 0) return context.log.debug({ sha }, "no pull request has this head");
  for (const pr of open) await refreshReadiness(d, sha, pr.number, options);
}

export async function onCheckRun(context: Context<"check_run">, env: Env): Promise<void> {
  const { payload } = context;
  const run = payload.check_run;
  const ours = run.app?.slug === env.identity.slug;
  const d = deps(context, payload, env);
  const prs = run.pull_requests as PullRef[];
  switch (payload.action) {
    case "completed":
      // Our own runs complete when written: re-evaluating on them would loop.
      if (ours) return context.log.debug("our own check run");
      return refreshAll(context, d, run.head_sha, prs);
    // A person asked for a fresh run: write it even if it shows the same as the last one.
    case "rerequested":
      if (!ours) return context.log.debug("not our check run");
      return refreshAll(context, d, run.head_sha, prs, { rewrite: true });
    case "requested_action":
      if (!ours || payload.requested_action?.identifier !== REEVALUATE)
        return context.log.debug("not our action");
      return refreshAll(context, d, run.head_sha, prs, { rewrite: true });
    default:
      return context.log.debug(`check_run.${payload.action}: nothing to do`);
  }
}

export async function onCheckSuite(context: Context<"check_suite.completed">, env: Env): Promise<void> {
  const suite = context.payload.check_suite;
  if (suite.app?.slug === env.identity.slug) return context.log.debug("our own check suite");
  await refreshAll(
    context,
    deps(context, context.payload, env),
    suite.head_sha,
    suite.pull_requests as PullRef[],
  );
}

/** Commit statuses carry no PR: the evidence finds the PR whose head the commit is, if any. */
export async function onStatus(context: Context<"status">, env: Env): Promise<void> {
  await refreshReadiness(deps(context, context.payload, env), context.payload.sha);
}
