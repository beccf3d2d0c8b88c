/**
 * One assessment of a commit, the same for the App, the Action and `tollgate explain --repo`: the policy
 * from the default branch and the commit's evidence (one GraphQL read, two at most), then what the judged
 * environments' checklists read beyond it (patches, alerts, holiday files, at the commit the policy was
 * read from), then — when the caller judges at a known time and left them for later — the policy's teams,
 * only if judging asks who is in one. Judging is the caller's; what it judges is the same everywhere.
 */
import type { LoadResult } from "../policy/load.js";
import type { Environment, Policy } from "../policy/model.js";
import type { Evidence } from "../readiness/evidence.js";
import { asksTeamMembers } from "../readiness/team-use.js";
import type { GitHubClient } from "./client.js";
import {
  gatherEvidence,
  readDeferredTeams,
  type EvidenceRequest,
  type GatheredEvidence,
} from "./evidence.js";
import { heldBeneath } from "./held.js";
import { completeEvidence, evidenceNeeds } from "./policy-evidence.js";

export interface CommitAssessment {
  readonly gathered: GatheredEvidence;
  /** undefined when the default branch has no policy file: the repository does not use Tollgate. */
  readonly policy: LoadResult | undefined;
  readonly evidence: Evidence;
  /** GitHub requests made for it. */
  readonly requests: number;
}

export interface Judging {
  /** How the policy's text is loaded (the App keeps a cache of them). */
  readonly load: (text: string, path: string) => LoadResult;
  /** The environments the caller judges: what their checklists read is completed. */
  readonly environments: (policy: Policy) => readonly (Environment | undefined)[];
  /** A commit a rollback replaces, judged by the policy's rollback rules (the Action's `mode: rollback`). */
  readonly rollbackOf?: string;
  /**
   * Read the policy's teams only when judging these environments at this time asks who is in one (or a
   * run held at the protection rule is to be judged): most evaluations never do, and that saves a query.
   */
  readonly teamsAsNeededAt?: Date;
  /**
   * The caller answers runs held at its protection rule (the App): where someone wrote over the App's held
   * note, its own notes are read beneath (one request, only then).
   */
  readonly answersHeldRuns?: boolean;
}

export async function assessCommit(
  client: GitHubClient,
  request: EvidenceRequest,
  judging: Judging,
): Promise<CommitAssessment> {
  const lazyTeams = judging.teamsAsNeededAt !== undefined;
  const found = await gatherEvidence(client, { ...request, deferTeams: lazyTeams });
  const gathered =
    judging.answersHeldRuns && found.heldNoteOverwritten
      ? await withHeldBeneath(client, request, found)
      : found;
  const policy =
    gathered.policyText === null ? undefined : judging.load(gathered.policyText, request.policyPath);
  const read = judging.rollbackOf
    ? { ...gathered.evidence, rollback_of: judging.rollbackOf }
    : gathered.evidence;
  if (policy?.ok !== true) return { gathered, policy, evidence: read, requests: gathered.requests };
  const environments = judging.environments(policy.policy);
  const completed = await completeEvidence(
    client,
    request,
    read,
    evidenceNeeds(environments),
    gathered.policyCommit,
  );
  const at = judging.teamsAsNeededAt;
  const judged = environments.flatMap((env) => (env ? [env.name] : []));
  const needsTeams =
    at !== undefined &&
    (gathered.held.length > 0 || asksTeamMembers(policy.policy, judged, completed.evidence, at));
  const withTeams = needsTeams
    ? await readDeferredTeams(client, request, gathered, completed.evidence)
    : { evidence: completed.evidence, requests: 0 };
  return {
    gathered,
    policy,
    evidence: withTeams.evidence,
    requests: gathered.requests + completed.requests + withTeams.requests,
  };
}

/** The App's held notes read beneath whatever someone wrote over them (held.ts). */
async function withHeldBeneath(
  client: GitHubClient,
  request: EvidenceRequest,
  gathered: GatheredEvidence,
): Promise<GatheredEvidence> {
  const target = { owner: request.owner, repo: request.repo, sha: gathered.evidence.sha };
  const beneath = await heldBeneath(client, target, request.appBot);
  return { ...gathered, held: beneath.held, requests: gathered.requests + beneath.requests };
}
