/**
 * The App's assessment of a commit: the shared one (src/github/assess.ts) over every environment a PR's
 * check runs show, with the App's identity and settings and its cache of loaded policies.
 */
import { assessCommit, type CommitAssessment } from "../src/github/assess.js";
import type { GitHubClient, RepositoryRef } from "../src/github/client.js";
import type { Environment, Policy } from "../src/policy/model.js";
import { loadPolicyCached } from "./policy-cache.js";
import type { Identity, Settings } from "./settings.js";

export type Assessment = CommitAssessment;

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

/** The commit's assessment for the App: every gated environment judged, its policies loaded once per text. */
export function assess(
  client: GitHubClient,
  identity: Identity,
  settings: Settings,
  target: Target,
  options: AssessOptions = {},
): Promise<Assessment> {
  return assessCommit(
    client,
    {
      owner: target.owner,
      repo: target.repo,
      sha: target.sha,
      ...(target.pullNumber !== undefined ? { pullNumber: target.pullNumber } : {}),
      ...(target.initiator !== undefined ? { initiator: target.initiator } : {}),
      policyPath: settings.policyPath,
      appBot: identity.bot,
      trustedWriters: identity.trustedWriters,
    },
    {
      load: loadPolicyCached,
      environments: gatedEnvironments,
      answersHeldRuns: true,
      ...(options.teamsAsNeededAt ? { teamsAsNeededAt: options.teamsAsNeededAt } : {}),
    },
  );
}
