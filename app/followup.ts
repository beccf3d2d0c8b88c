/**
 * What a recorded decision sets in motion, found statelessly from GitHub: runs held at a custom
 * protection rule for this commit are approved once the gate passes (or rejected on a rejection), and a
 * run whose gate failed fast with "awaiting approval" (its run linked from the deployment's status) is
 * re-run so no runner ever sat waiting for a person.
 */
import type { Policy } from "../src/policy/model.js";
import { parseDescription, workflowRunIdFrom } from "../src/records/format.js";
import { listDeploymentStatuses } from "../src/github/deployments.js";
import { rerunFailedJobs, reviewGate, verifyDeployingRun, waitingRuns } from "../src/github/runs.js";
import { evaluate } from "../src/readiness/evaluate.js";
import { isActor } from "../src/github/evidence-query.js";
import type { RecordStatus } from "../src/github/evidence.js";
import type { HeldRun } from "../src/github/held.js";
import type { Evidence } from "../src/readiness/evidence.js";
import { nowOf, type Deps } from "./readiness-checks.js";

export interface Recorded {
  readonly policy: Policy;
  readonly evidence: Evidence;
  readonly environment: string;
  readonly sha: string;
  readonly deploymentId: number;
  readonly defaultBranch: string;
  /** Who started the deployment the Action recorded, if it did. */
  readonly starter: string | undefined;
  readonly rejection: { readonly login: string; readonly reason: string } | undefined;
  /** The App's notes of the runs it holds at its protection rule on this commit, as the evidence read them. */
  readonly held: readonly HeldRun[];
  /**
   * The record's statuses as the evidence read them before this decision, newest first (none for a
   * record made by it); undefined when they were not read, and are listed from GitHub.
   */
  readonly statuses: { readonly nodes: readonly RecordStatus[]; readonly complete: boolean } | undefined;
}

const problem = (error: unknown) => (error instanceof Error ? error.message : String(error));
/** GitHub said no (already reviewed, not gated here, already running); anything else is a real failure. */
export function isRefusal(error: unknown): boolean {
  const status = (error as { status?: number } | null)?.status;
  return status === 403 || status === 404 || status === 409 || status === 422;
}

export async function followUp(deps: Deps, recorded: Recorded): Promise<void> {
  await reviewWaitingRuns(deps, recorded);
  if (!recorded.rejection) await rerunAwaitingRun(deps, recorded);
}

async function reviewWaitingRuns(deps: Deps, recorded: Recorded): Promise<void> {
  const { client, repo, log } = deps;
  // The App notes every run it holds (held.ts): without a note for this environment none waits for it.
  if (!recorded.held.some((note) => note.environment === recorded.environment))
    return log.debug({ environment: recorded.environment }, "no run held here: none to review");
  const now = nowOf(deps.settings);
  for (const run of await waitingRuns(client, repo, recorded.sha)) {
    const evidence = run.actor ? { ...recorded.evidence, initiator: run.actor } : recorded.evidence;
    const decision = evaluate(recorded.policy, recorded.environment, evidence, now);
    const review = recorded.rejection
      ? {
          state: "rejected" as const,
          comment: `Rejected by @${recorded.rejection.login}: ${recorded.rejection.reason}`,
        }
      : decision.verdict === "allowed"
        ? { state: "approved" as const, comment: `Tollgate: ${decision.summary}` }
        : undefined;
    if (!review) continue;
    try {
      await reviewGate(client, repo, run.id, { environment: recorded.environment, ...review });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // A run gated on another environment, or one already reviewed (a concurrent approval got there first).
      log.debug({ run: run.id, error: problem(error) }, "protection rule not reviewed");
    }
  }
}

async function rerunAwaitingRun(deps: Deps, recorded: Recorded): Promise<void> {
  const { log } = deps;
  const latest = await latestWord(deps, recorded);
  if (!latest || parseDescription(latest.description)?.kind !== "awaiting") return;
  if (!latest.trusted) return;
  const runId = workflowRunIdFrom(latest.logUrl);
  if (runId === undefined) return;
  const evidence = recorded.starter
    ? { ...recorded.evidence, initiator: recorded.starter }
    : recorded.evidence;
  const decision = evaluate(recorded.policy, recorded.environment, evidence, nowOf(deps.settings));
  if (decision.verdict !== "allowed") {
    log.debug({ runId, reason: decision.reasonCode }, "the gate still waits: no re-run yet");
    return;
  }
  // Any workflow can write "awaiting" linking any run: re-run only a run of this very commit.
  const { client, repo } = deps;
  const verdict = await verifyDeployingRun(client, repo, {
    runId,
    sha: recorded.sha,
    defaultBranch: recorded.defaultBranch,
    rollback: false,
    purpose: "rerun",
  });
  if (!verdict.ok) {
    log.warn({ runId, why: verdict.why }, "the awaiting status links a run Tollgate does not re-run");
    return;
  }
  try {
    await rerunFailedJobs(client, repo, runId);
    log.info({ runId }, "re-ran the run whose gate awaited approval");
  } catch (error) {
    if (!isRefusal(error)) throw error;
    log.debug({ runId, error: problem(error) }, "re-run refused (already running?)");
  }
}

interface Word {
  readonly description: string | null;
  readonly logUrl: string | null | undefined;
  /** Written by the App or a trusted workflow, not by just anyone who can write deployments. */
  readonly trusted: boolean;
}

/**
 * The record's latest word other than approvals, newest first, from the statuses the evidence read when
 * it holds them all and no two could be in either order (GitHub's times have whole seconds), else from
 * GitHub.
 */
async function latestWord(deps: Deps, recorded: Recorded): Promise<Word | undefined> {
  const isWord = (description: string | null) => {
    const kind = parseDescription(description)?.kind;
    return kind !== undefined && kind !== "approved" && kind !== "rejected";
  };
  const writers = deps.identity.trustedWriters;
  const read = recorded.statuses;
  if (read?.complete) {
    const words = read.nodes.filter((s) => isWord(s.description));
    const [first, second] = words;
    if (!first) return undefined;
    if (!second || second.createdAt !== first.createdAt)
      return {
        description: first.description,
        logUrl: first.logUrl,
        trusted: writers.some((writer) => isActor(first.creator, writer)),
      };
  }
  const { client, repo } = deps;
  const statuses = await listDeploymentStatuses(client, { ...repo, deploymentId: recorded.deploymentId });
  const latest = statuses.find((s) => isWord(s.description));
  return latest
    ? {
        description: latest.description,
        logUrl: latest.log_url,
        trusted: writers.includes(latest.creator?.login ?? ""),
      }
    : undefined;
}
