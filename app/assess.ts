/**
 * One assessment: the policy from the default branch and the evidence for one commit, in one GraphQL
 * request, plus the PR's patches (one REST request) only when a gated checklist scans for secrets.
 */
import { gatherEvidence, type GatheredEvidence } from "../src/github/evidence.js";
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

export async function assess(
  client: GitHubClient,
  identity: Identity,
  settings: Settings,
  target: Target,
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
  });
  const policy =
    gathered.policyText === null ? undefined : loadPolicyCached(gathered.policyText, settings.policyPath);
  let evidence = gathered.evidence;
  let requests = gathered.requests;
  const pr = evidence.pull_request;
  const scans =
    policy?.ok === true &&
    gatedEnvironments(policy.policy).some((env) => env.checklist.some((item) => item.kind === "no_secrets"));
  if (pr && scans) {
    // The same request gatherEvidence makes with withPatches, made only once the policy says it is needed.
    const { data } = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
      owner: target.owner,
      repo: target.repo,
      pull_number: pr.number,
      per_page: 100,
    });
    requests++;
    const listed = data as { filename: string; patch?: string }[];
    evidence = {
      ...evidence,
      pull_request: {
        ...pr,
        files: listed.map((f) => ({
          path: f.filename,
          ...(f.patch !== undefined ? { patch: f.patch } : {}),
        })),
        files_complete: pr.files_complete && listed.length >= pr.files.length,
      },
    };
  }
  return { gathered, policy, evidence, requests };
}
