/**
 * Writing and reading the App's indelible decision record (see `decisionContext` in records.ts): a commit
 * status per environment and person on the decided commit. Only rejections are read back from it: a
 * standing rejection must survive the deletion of its deployment, while an approval deleted with its
 * deployment only holds a deployment back.
 */
import type { GitHubClient, RepositoryRef } from "./client.js";
import { isActor, type StatusContextNode } from "./evidence-query.js";
import {
  approvalDescription,
  DECISION_STATUS_STATE,
  decisionContext,
  fitDescription,
  parseDecisionContext,
  parseDescription,
} from "../records/format.js";

export async function writeDecisionStatus(
  client: GitHubClient,
  target: RepositoryRef & { readonly sha: string },
  decision: {
    readonly kind: "approved" | "rejected";
    readonly environment: string;
    readonly login: string;
    readonly note: string;
    readonly url: string;
  },
): Promise<void> {
  await client.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
    owner: target.owner,
    repo: target.repo,
    sha: target.sha,
    state: DECISION_STATUS_STATE[decision.kind],
    context: decisionContext(decision.environment, decision.login),
    description: fitDescription(approvalDescription(decision.kind, decision.login, decision.note)),
    target_url: decision.url,
  });
}

export interface StandingRejection {
  readonly approver: string;
  readonly decision: "reject";
  readonly environment: string;
  readonly sha: string;
  readonly at: string;
  readonly url?: string;
  readonly note?: string;
}

/**
 * The rejections a commit's decision contexts say stand. The App's `failure` is a rejection by the person
 * the context names (the subject is in the context, never in the description alone); a decision context
 * whose latest status someone else wrote hides what the App wrote there, so it stands as a rejection too,
 * saying who overwrote it. A `success` by the App is no rejection.
 */
export function standingRejections(
  contexts: readonly StatusContextNode[],
  sha: string,
  appBot: string,
): StandingRejection[] {
  return contexts.flatMap((node) => {
    const subject = parseDecisionContext(node.context);
    if (!subject) return [];
    const base = {
      approver: subject.login,
      decision: "reject" as const,
      environment: subject.environment,
      sha,
    };
    if (!isActor(node.creator, appBot))
      return [
        {
          ...base,
          at: node.createdAt,
          note: `decision record overwritten by @${node.creator?.login ?? "(unknown)"}; @${subject.login} must decide again`,
        },
      ];
    if (node.state.toUpperCase() !== "FAILURE") return [];
    const record = parseDescription(node.description);
    // The App writes the person into both; a mismatch is not the App's record as it writes it.
    const note =
      record?.kind === "rejected" && record.login === subject.login
        ? record.note
        : "rejection (unreadable record)";
    return [
      {
        ...base,
        at: node.createdAt,
        ...(node.targetUrl ? { url: node.targetUrl } : {}),
        ...(note ? { note } : {}),
      },
    ];
  });
}

/** Whether a commit's decision contexts already hold the App's record of this comment's decision. */
export function hasDecisionStatus(
  contexts: readonly StatusContextNode[],
  url: string,
  appBot: string,
): boolean {
  return contexts.some(
    (node) => parseDecisionContext(node.context) && node.targetUrl === url && isActor(node.creator, appBot),
  );
}
