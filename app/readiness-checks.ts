/**
 * A PR's readiness, written back as check runs: one GraphQL read (+ the patches when a checklist scans
 * for secrets), then one check run per gated environment whose run would show something new. A broken
 * policy gives one failing "Tollgate · policy" run instead: the gate fails closed and no environment is
 * judged.
 */
import type { Logger } from "probot";
import type { GitHubClient, RepositoryRef } from "../src/github/client.js";
import {
  CHECK_PREFIX,
  checkRunName,
  ourCheckRunNames,
  POLICY_CHECK,
  writeNoticeCheck,
  writeNoticeCleared,
  writePolicyCheck,
  writeReadinessCheck,
} from "../src/github/checks.js";
import { isOutOfTime, type EventBudget, type OutOfTime } from "../src/github/budget.js";
import { describeRateLimit, rateLimitOf, type RateLimited } from "../src/github/rate-limit.js";
import type { Decision } from "../src/readiness/decision.js";
import { evaluate } from "../src/readiness/evaluate.js";
import type { Evidence } from "../src/readiness/evidence.js";
import type { Policy } from "../src/policy/model.js";
import { deleteDue, dueRef, writeDue } from "../src/github/due.js";
import { nextChange } from "../src/readiness/next-change.js";
import { assess, gatedEnvironments, type Assessment } from "./assess.js";
import { answerHeldRuns } from "./held-runs.js";
import type { Identity, Settings } from "./settings.js";

export interface Deps {
  readonly client: GitHubClient;
  readonly repo: RepositoryRef;
  readonly identity: Identity;
  readonly settings: Settings;
  readonly log: Logger;
  /** The event's time budget, when the caller keeps one: its notice may still write past it. */
  readonly budget?: EventBudget;
}

/** The run written on a PR's head when a rate limit or the time budget stopped its first evaluation. */
export const RATE_LIMITED_CHECK = `${CHECK_PREFIX}readiness`;

/** How the external ids of the "not evaluated" runs begin: under a rate limit, or out of the event's time. */
const RATE_LIMITED = "rate-limited@";
const OUT_OF_TIME = "out-of-time@";
const isNotEvaluatedNotice = (externalId: string | undefined) =>
  externalId !== undefined && (externalId.startsWith(RATE_LIMITED) || externalId.startsWith(OUT_OF_TIME));

export const nowOf = (settings: Settings) => (settings.now ? settings.now() : new Date());

export interface RefreshOptions {
  /** Write every run even when it would show what GitHub shows already: a person asked to re-run it. */
  readonly rewrite?: boolean;
  /** The due time a wake named (see src/github/due.ts): spent once this evaluation has judged the commit. */
  readonly spentDue?: Date;
}

/**
 * Re-evaluates the PR whose head is `sha` and writes its check runs; returns the decisions made. When the
 * event's time budget runs out first, Tollgate's runs on the commit say it was not evaluated (the
 * budget's notice), and the error goes on to fail the delivery.
 */
export async function refreshReadiness(
  deps: Deps,
  sha: string,
  pullNumber?: number,
  options: RefreshOptions = {},
): Promise<Decision[]> {
  try {
    return await refresh(deps, sha, pullNumber, options);
  } catch (error) {
    if (!isOutOfTime(error) || !deps.budget) throw error;
    await deps.budget.notice(() => writeOutOfTime(deps, sha, pullNumber, error));
    throw error;
  }
}

async function refresh(
  deps: Deps,
  sha: string,
  pullNumber: number | undefined,
  options: RefreshOptions,
): Promise<Decision[]> {
  const { client, repo } = deps;
  const target = { ...repo, sha, ...(pullNumber !== undefined ? { pullNumber } : {}) };
  // One time for the whole evaluation: which teams it reads depends on what it judges then.
  const now = nowOf(deps.settings);
  let assessment: Assessment;
  try {
    assessment = await assess(client, deps.identity, deps.settings, target, { teamsAsNeededAt: now });
  } catch (error) {
    const limited = rateLimitOf(error, nowOf(deps.settings));
    if (!limited) throw error;
    await writeRateLimited(deps, sha, pullNumber, limited);
    return [];
  }
  const decisions = await judgeAndShow(deps, assessment, sha, options, now);
  // A wake's due time is spent once the commit was judged after it. The App removes it, not the wake: a
  // wake the App never heard (it was down, its delivery failed) wakes it again on the next scheduled run.
  const spent = options.spentDue;
  if (spent && spent.getTime() < now.getTime()) await deleteDue(client, repo, dueRef(spent, sha));
  return decisions;
}

/** The held runs answered and the PR's check runs written, from one assessment of the commit. */
async function judgeAndShow(
  deps: Deps,
  assessment: Assessment,
  sha: string,
  options: RefreshOptions,
  now: Date,
): Promise<Decision[]> {
  const { client, repo, log } = deps;
  const { policy, evidence, gathered } = assessment;
  if (!policy) {
    log.debug({ sha }, "no policy on the default branch: nothing to show");
    return [];
  }
  // Whatever made this evaluation happen (CI, a review, a wake at a due time) may open a held run's gate;
  // the App's notes say at no cost whether it holds one on this commit (a merged one included).
  if (policy.ok) await answerHeldRuns(deps, policy.policy, evidence, sha, gathered.held);
  const pr = evidence.pull_request;
  if (!pr || pr.head_sha !== sha) {
    log.debug({ sha }, "the commit is not the head of an open pull request: no readiness check");
    return [];
  }
  if (!policy.ok) {
    await writePolicyCheck(client, repo, sha, policy.errors);
    return [];
  }
  // A failing policy check from before the fix would stay forever: supersede it, once.
  const stalePolicyCheck = evidence.checks.some((c) => c.name === POLICY_CHECK && c.state !== "success");
  if (stalePolicyCheck) await writePolicyCheck(client, repo, sha, []);
  // So would the "not evaluated" run written on a PR head that had no run of Tollgate's yet.
  if (isNotEvaluatedNotice(gathered.shownChecks.get(RATE_LIMITED_CHECK)))
    await writeNoticeCleared(client, repo, { name: RATE_LIMITED_CHECK, headSha: sha });
  return writeDecisions(deps, policy.policy, evidence, sha, {
    now,
    ...(options.rewrite ? {} : { shown: gathered.shownChecks }),
  });
}

/**
 * GitHub refused the read for its rate limit: nothing can be judged until it resets, and a run showing an
 * earlier result must not stand as if it were current. Every Tollgate run on the commit (or, on a PR's
 * head without any yet, one run) says so in words with the reset time, and is not a pass; the reset is
 * recorded as a due time, so the scheduled wake has the App judge the commit again once it has passed.
 */
async function writeRateLimited(
  deps: Deps,
  sha: string,
  pullNumber: number | undefined,
  limited: RateLimited,
): Promise<void> {
  const text = describeRateLimit(limited);
  deps.log.warn({ sha, reset: limited.resetAt.toISOString() }, `not evaluated: ${text}`);
  const at = limited.resetAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  await writeNotEvaluated(deps, sha, pullNumber, {
    externalId: `${RATE_LIMITED}${sha}#${at}`,
    title: `Not evaluated: rate limit until ${at.slice(11, 16)} UTC`,
    summary: [
      `**Not evaluated.** ${text}, so Tollgate could not read the evidence for ${sha.slice(0, 7)}.`,
      "",
      "Nothing was decided: an earlier result shown here no longer stands, and this run is not a pass.",
      `Tollgate evaluates again after ${at}: at the next scheduled wake (\`mode: wake\`), on the next event, or when you press **Re-evaluate** then.`,
      "",
      `GitHub said: ${limited.message}`,
    ].join("\n"),
  });
  // The reset is a due time like a soak's end: the scheduled wake brings the App back to this commit then.
  // REST has its own budget, so this write usually passes; if it does not, the next event still comes.
  try {
    await writeDue(deps.client, deps.repo, sha, limited.resetAt);
  } catch (error) {
    deps.log.warn(
      { sha, error: error instanceof Error ? error.message : String(error) },
      "could not record the reset as a due time",
    );
  }
}

/**
 * GitHub answered too slowly for the event's time budget: the evaluation stopped part-way, so, as under
 * a rate limit, no earlier result may stand as if it were current.
 */
async function writeOutOfTime(
  deps: Deps,
  sha: string,
  pullNumber: number | undefined,
  error: OutOfTime,
): Promise<void> {
  deps.log.warn({ sha }, `not evaluated: Tollgate ${error.message}`);
  await writeNotEvaluated(deps, sha, pullNumber, {
    externalId: `${OUT_OF_TIME}${sha}#${new Date().toISOString()}`,
    title: "Not evaluated: GitHub answered too slowly",
    summary: [
      `**Not evaluated.** GitHub answered too slowly and Tollgate ${error.message}, so it could not finish evaluating ${sha.slice(0, 7)}.`,
      "",
      "Nothing was decided: an earlier result shown here no longer stands, and this run is not a pass.",
      "Tollgate evaluates again on the next event, or when you press **Re-evaluate**.",
    ].join("\n"),
  });
}

/**
 * Every Tollgate run on the commit (or, on a PR's head without any yet, one run) says in words that
 * nothing was evaluated, and is not a pass.
 */
async function writeNotEvaluated(
  deps: Deps,
  sha: string,
  pullNumber: number | undefined,
  notice: { readonly externalId: string; readonly title: string; readonly summary: string },
): Promise<void> {
  const { client, repo, log } = deps;
  try {
    const ours = (await ourCheckRunNames(client, repo, sha, deps.identity.slug)).filter(
      (name) => name !== POLICY_CHECK,
    );
    const names = ours.length > 0 ? ours : pullNumber !== undefined ? [RATE_LIMITED_CHECK] : [];
    for (const name of names) await writeNoticeCheck(client, repo, { name, headSha: sha, ...notice });
  } catch (error) {
    // GitHub may refuse this too (a spent budget, a slow or failing GitHub): then the log is all there is.
    log.error(
      { sha, error: error instanceof Error ? error.message : String(error) },
      "could not write the not-evaluated check run",
    );
  }
}

export async function writeDecisions(
  deps: Deps,
  policy: Policy,
  evidence: Evidence,
  headSha: string,
  options: {
    /** Judge this environment alone. */
    readonly only?: string;
    /** What Tollgate's runs on the commit show now (name → external_id): a run showing the same is not rewritten. */
    readonly shown?: ReadonlyMap<string, string>;
    /** The time judged at, when the caller chose it; else now. */
    readonly now?: Date;
  } = {},
): Promise<Decision[]> {
  const now = options.now ?? nowOf(deps.settings);
  const decisions = gatedEnvironments(policy)
    .filter((env) => options.only === undefined || env.name === options.only)
    .map((env) => evaluate(policy, env.name, evidence, now));
  // One write per environment, in parallel: they are independent, and each is complete on its own.
  const written = await Promise.all(
    decisions.map((d) =>
      writeReadinessCheck(
        deps.client,
        deps.repo,
        headSha,
        d,
        options.shown?.get(checkRunName(d.environment)),
      ),
    ),
  );
  // A run that shows what time alone will change (a soak, a notice period, a closed window) is written
  // again then: the due time is recorded along with the run that shows it, so only when a run changed.
  const due = written.some(Boolean) ? nextChange(decisions, now) : undefined;
  if (due) await writeDue(deps.client, deps.repo, headSha, due);
  return decisions;
}
