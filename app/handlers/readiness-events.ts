/**
 * The events after which a PR's readiness may have changed: the PR itself (opened, new commits, body,
 * labels, ready for review), a review, another app's check run completing, a commit status, and a
 * person asking to re-run or re-evaluate Tollgate's own check run. A check run or status no checklist
 * item names is skipped, as are labels and reviews under a policy that reads neither (see
 * src/policy/relevance.ts), and evaluations of the same PR head are coalesced (see ../coalescing.ts).
 */
import type { Context } from "probot";
import type { EventBudget } from "../../src/github/budget.js";
import { REEVALUATE } from "../../src/github/checks.js";
import { clientOf } from "../../src/github/client.js";
import { coalescedRefresh, policyMatters, type PerProcess } from "../coalescing.js";
import type { Policy } from "../../src/policy/model.js";
import { wakeDueAt } from "../../src/github/held.js";
import {
  WAKE_CONTEXT,
  canChangeDecision,
  labelsCanChangeDecision,
  reviewsCanChangeDecision,
} from "../../src/policy/relevance.js";
import { repoOf } from "../pull-facts.js";
import type { ConditionalClient } from "../policy-read.js";
import type { Deps, RefreshOptions } from "../readiness-checks.js";
import type { Identity, Settings } from "../settings.js";

type Env = { identity: Identity; settings: Settings; budget?: EventBudget; process?: PerProcess };

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

const installationOf = (context: Context) =>
  (context.payload as { installation?: { id: number } }).installation?.id;

async function refresh(
  context: Context,
  env: Env,
  d: Deps,
  sha: string,
  pullNumber?: number,
  options: RefreshOptions = {},
): Promise<void> {
  await coalescedRefresh(env.process, installationOf(context), d, sha, pullNumber, options);
}

/**
 * Whether the policy reads what this event changed (a CI report, labels, reviews): asked of the policy
 * read conditionally, which costs nothing while it is unchanged (see ../coalescing.ts).
 */
function policyReads(
  context: Context,
  env: Env,
  d: Deps,
  payload: { repository: { default_branch: string } },
  what: string,
  reads: (policy: Policy) => boolean,
): Promise<boolean> {
  const client = context.octokit as unknown as ConditionalClient;
  return policyMatters(env.process, client, d, payload.repository.default_branch, what, reads);
}

/** Whether a CI report named `name` can change a decision under a policy. */
const namesReport = (name: string) => (policy: Policy) => canChangeDecision(policy, name);

export async function onPullRequest(context: Context<"pull_request">, env: Env): Promise<void> {
  const { payload } = context;
  const pr = payload.pull_request;
  if (pr.state !== "open") return context.log.debug("closed pull request");
  const d = deps(context, payload, env);
  const labelled = payload.action === "labeled" || payload.action === "unlabeled";
  if (labelled && !(await policyReads(context, env, d, payload, "labels", labelsCanChangeDecision))) return;
  await refresh(context, env, d, pr.head.sha, pr.number);
}

export async function onReview(context: Context<"pull_request_review">, env: Env): Promise<void> {
  const { payload } = context;
  const pr = payload.pull_request;
  if (pr.state !== "open") return context.log.debug("closed pull request");
  const d = deps(context, payload, env);
  if (!(await policyReads(context, env, d, payload, "reviews", reviewsCanChangeDecision))) return;
  await refresh(context, env, d, pr.head.sha, pr.number);
}

interface PullRef {
  number: number;
  head: { sha: string };
}

async function refreshAll(
  context: Context,
  env: Env,
  d: Deps,
  sha: string,
  prs: readonly PullRef[],
  options: RefreshOptions = {},
): Promise<void> {
  const open = prs.filter((p) => p.head.sha === sha);
  if (open.length === 0) return context.log.debug({ sha }, "no pull request has this head");
  for (const pr of open) await refresh(context, env, d, sha, pr.number, options);
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
      if (!prs.some((p) => p.head.sha === run.head_sha))
        return context.log.debug({ sha: run.head_sha }, "no pull request has this head");
      if (
        !(await policyReads(context, env, d, payload, `the CI report "${run.name}"`, namesReport(run.name)))
      )
        return;
      return refreshAll(context, env, d, run.head_sha, prs);
    // A person asked for a fresh run: write it even if it shows the same as the last one.
    case "rerequested":
      if (!ours) return context.log.debug("not our check run");
      return refreshAll(context, env, d, run.head_sha, prs, { rewrite: true });
    case "requested_action":
      if (!ours || payload.requested_action?.identifier !== REEVALUATE)
        return context.log.debug("not our action");
      return refreshAll(context, env, d, run.head_sha, prs, { rewrite: true });
    default:
      return context.log.debug(`check_run.${payload.action}: nothing to do`);
  }
}

/**
 * A suite completing adds no evidence: the checklist reads check runs (and statuses) by name, never
 * suites, and every run in the suite sent its own check_run.completed, which is evaluated if its name
 * matters. So a suite costs nothing, whatever its runs were.
 */
export function onCheckSuite(context: Context<"check_suite.completed">, env: Env): void {
  const suite = context.payload.check_suite;
  if (suite.app?.slug === env.identity.slug) return context.log.debug("our own check suite");
  context.log.debug(
    { sha: suite.head_sha },
    "check_suite.completed: a suite is not evidence; each of its check runs was judged on its own event",
  );
}

/** Commit statuses carry no PR: the evidence finds the PR whose head the commit is, if any. */
export async function onStatus(context: Context<"status">, env: Env): Promise<void> {
  const d = deps(context, context.payload, env);
  const name = context.payload.context;
  if (!(await policyReads(context, env, d, context.payload, `the CI report "${name}"`, namesReport(name))))
    return;
  // A wake names the due time it answers: judging the commit spends it (see src/github/due.ts).
  const spentDue = name === WAKE_CONTEXT ? wakeDueAt(context.payload.description) : undefined;
  await refresh(context, env, d, context.payload.sha, undefined, spentDue ? { spentDue } : {});
}
