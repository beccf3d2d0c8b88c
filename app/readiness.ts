/**
 * A PR's readiness, written back as check runs: one GraphQL read (+ the patches when a checklist scans
 * for secrets), then one check run per gated environment whose run would show something new. A broken
 * policy gives one failing "Tollgate · policy" run instead: the gate fails closed and no environment is
 * judged.
 */
import type { Logger } from "probot";
import type { GitHubClient, RepositoryRef } from "../src/github/client.js";
import { checkRunName, POLICY_CHECK, writePolicyCheck, writeReadinessCheck } from "../src/github/checks.js";
import type { Decision } from "../src/readiness/decision.js";
import { evaluate } from "../src/readiness/evaluate.js";
import type { Evidence } from "../src/readiness/evidence.js";
import type { Policy } from "../src/policy/model.js";
import { assess, gatedEnvironments } from "./assess.js";
import type { Identity, Settings } from "./settings.js";

export interface Deps {
  readonly client: GitHubClient;
  readonly repo: RepositoryRef;
  readonly identity: Identity;
  readonly settings: Settings;
  readonly log: Logger;
}

export const nowOf = (settings: Settings) => (settings.now ? settings.now() : new Date());

export interface RefreshOptions {
  /** Write every run even when it would show what GitHub shows already: a person asked to re-run it. */
  readonly rewrite?: boolean;
}

/** Re-evaluates the PR whose head is `sha` and writes its check runs; returns the decisions made. */
export async function refreshReadiness(
  deps: Deps,
  sha: string,
  pullNumber?: number,
  options: RefreshOptions = {},
): Promise<Decision[]> {
  const { client, repo, log } = deps;
  const target = { ...repo, sha, ...(pullNumber !== undefined ? { pullNumber } : {}) };
  const { policy, evidence, gathered } = await assess(client, deps.identity, deps.settings, target);
  if (!policy) {
    log.debug({ sha }, "no policy on the default branch: nothing to show");
    return [];
  }
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
  return writeDecisions(deps, policy.policy, evidence, sha, {
    ...(options.rewrite ? {} : { shown: gathered.shownChecks }),
  });
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
  } = {},
): Promise<Decision[]> {
  const now = nowOf(deps.settings);
  const decisions = gatedEnvironments(policy)
    .filter((env) => options.only === undefined || env.name === options.only)
    .map((env) => evaluate(policy, env.name, evidence, now));
  // One write per environment, in parallel: they are independent, and each is complete on its own.
  await Promise.all(
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
  return decisions;
}
