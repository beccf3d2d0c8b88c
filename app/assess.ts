/**
 * One assessment: the policy from the default branch and the evidence for one commit, in one GraphQL
 * request, plus what a gated checklist reads beyond it (the PR's patches, code and secret scanning
 * alerts: one REST request each, only when asked for).
 */
import { gatherEvidence, readDeferredTeams, type GatheredEvidence } from "../src/github/evidence.js";
import { asksTeamMembers } from "../src/readiness/team-use.js";
import { completeEvidence, evidenceNeeds } from "../src/github/policy-evidence.js";
import type { GitHubClient, RepositoryRef } from "../src/github/client.js";
import type { LoadResult } from "../src/policy/load.js";
import type { Environment, Policy } from "../src/policy/model.js";
import type { Evidence } from "../src/readiness/evidence.js";
import { loadPolicyCached } from "./policy-cache.js";
import type { Identity, Settings } from "./settings.js";

export interface Assessment {
  readonly gathered: GatheredEvidence;
  /** undefined when the default branch has no policy file: the repository does not use Tollgate. */
  readonly policy: LoadResult | undefined;
  readonly evidence: Evidence;
  /** GitHub requests made for it. */
  readonly requests: number;
}

export interface Target extends RepositoryRef {
  readonly sha: string;
  readonly pullNumber?: number;
  readonly initiator?: string;
}

/** The environments whose readiness a PR shows: those with approvals or a checklist to meet. */
export function gatedEnvironments(policy: Policy): Environment[] {
  return Object.values(policy.environments).filter(
    (env) => env.approval !== "none" || env.checklist.length > 0 || env.requires.length > 0,
  );
}

export interface AssessOptions {
  /**
   * Read the policy's teams only when judging the gated environments at this time asks who is in them
   * (or a held run's gate will be judged): most evaluations never do, and skipping them saves a query.
   */
  readonly teamsAsNeededAt?: Date;
}

export async function assess(
  client: GitHubClient,
  identity: Identity,
  settings: Settings,
  target: Target,
  options: AssessOptions = {},
): Promise<Assessment> {
  const gathered = await gatherEvidence(client, {
    owner: target.owner,
    repo: target.repo,
    sha: target.sha,
    ...(target.pullNumber !== undefined ? { pullNumber: target.pullNumber } : {}),
    ...(target.initiator !== undefined ? { initiator: target.initiator } : {}),
    policyPath: settings.policyPath,
    appBot: identity.bot,
    trustedWriters: identity.trustedWriters,
    deferTeams: options.teamsAsNeededAt !== undefined,
  });
  const policy =
    gathered.policyText === null ? undefined : loadPolicyCached(gathered.policyText, settings.policyPath);
  if (policy?.ok !== true)
    return { gathered, policy, evidence: gathered.evidence, requests: gathered.requests };
  // What the gated checklists read beyond the query, by the same path as the Action and `explain --repo`.
  const completed = await completeEvidence(
    client,
    target,
    gathered.evidence,
    evidenceNeeds(gatedEnvironments(policy.policy)),
    gathered.policyCommit,
  );
  const environments = gatedEnvironments(policy.policy).map((env) => env.name);
  const at = options.teamsAsNeededAt;
  const needsTeams =
    at !== undefined &&
    (gathered.held.length > 0 || asksTeamMembers(policy.policy, environments, completed.evidence, at));
  const withTeams = needsTeams
    ? await readDeferredTeams(client, target, gathered, completed.evidence)
    : { evidence: completed.evidence, requests: 0 };
  return {
    gathered,
    policy,
    evidence: withTeams.evidence,
    requests: gathered.requests + completed.requests + withTeams.requests,
  };
}
