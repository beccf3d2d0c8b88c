/**
 * How Tollgate writes its decisions into GitHub, and reads them back. GitHub is the only system of
 * record: a deployment per (environment, SHA) carries a Tollgate payload, and its statuses carry every
 * decision (approvals, rejections, rollout steps, the outcome). Statuses cannot be edited or deleted one
 * by one, and their `creator` is whoever wrote them, so only statuses written by the Tollgate App's bot
 * are trusted as approvals. Descriptions are limited to 140 characters; the approver's identity is in
 * the description and the comment that gave it is the status's `log_url`.
 */
import * as z from "zod";

export const PAYLOAD_VERSION = 1;
export const DESCRIPTION_LIMIT = 140;

/** The `payload.tollgate` object of a deployment created by Tollgate. */
export interface DeploymentPayload {
  readonly version: typeof PAYLOAD_VERSION;
  /** Who asked: the workflow's actor, or the approver whose comment created the record. */
  readonly requested_by: string;
  readonly change_type: string;
  readonly emergency: boolean;
  readonly strategy?: string;
  readonly pull_request?: {
    readonly number: number;
    readonly title: string;
    readonly author: string;
    readonly head_sha: string;
  };
  readonly version_label?: string;
  /** sha256 of the policy file that judged it. */
  readonly policy_digest: string;
  /** The checklist when the record was made: item id → state. */
  readonly checklist: Readonly<Record<string, string>>;
  readonly override?: { readonly kind: string; readonly change_type: string; readonly reason: string };
  /** Set on deployments that roll an environment back. */
  readonly rollback_of?: string;
  /** The environment's rollback plan when the record was made; empty when it had none. */
  readonly rollback_plan?: readonly RollbackPlanKind[];
}

/** The kinds of rollback a policy can configure for an environment. */
export type RollbackPlanKind = "run" | "redeploy_previous" | "workflow";

export type RecordKind =
  | "approved"
  | "rejected"
  | "withdrawn"
  | "step"
  | "outcome"
  | "awaiting"
  | "validation"
  | "rollback"
  | "verified"
  | PauseChoice;

/** What an approver decided about a paused rollout, from a PR comment. */
export type PauseChoice = "resume" | "abort";

/** A Tollgate status, parsed back from its description. */
export type StatusRecord =
  | { readonly kind: Decision; readonly login: string; readonly note: string }
  | { readonly kind: Exclude<RecordKind, Decision>; readonly text: string };

const PREFIX = "Tollgate: ";
const APPROVAL =
  /^Tollgate: (approved|rejected|withdrawn) by @([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?)(?:: (.*))?$/s;
const OTHER = /^Tollgate (step|outcome|awaiting|validation|rollback|verified|resume|abort): (.*)$/s;
const PAUSE_DECISION = /^by @([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/;

/** Shortens to GitHub's 140-character limit, marking the cut. */
export function fitDescription(text: string): string {
  const chars = [...text];
  return chars.length <= DESCRIPTION_LIMIT ? text : `${chars.slice(0, DESCRIPTION_LIMIT - 1).join("")}…`;
}

/**
 * A person's decision as the App records it. "withdrawn" ends an approval whose comment was deleted:
 * the comment no longer says it, so it no longer counts (a rejection is never withdrawn that way, as
 * anyone with write access can delete someone else's comment).
 */
export type Decision = "approved" | "rejected" | "withdrawn";

/** "Tollgate: approved by @alice: 1/2 of group:leads, group:architects" */
export function approvalDescription(kind: Decision, login: string, note: string): string {
  return fitDescription(`${PREFIX}${kind} by @${login}${note ? `: ${note}` : ""}`);
}

/** "Tollgate step: canary 25 %: error rate 0.4 % ≤ 1 %" */
export function eventDescription(kind: Exclude<RecordKind, Decision>, text: string): string {
  return fitDescription(`Tollgate ${kind}: ${text}`);
}

export function parseDescription(description: string | null | undefined): StatusRecord | undefined {
  if (!description) return undefined;
  const approval = APPROVAL.exec(description);
  if (approval) return { kind: approval[1] as Decision, login: approval[2]!, note: approval[3] ?? "" };
  const other = OTHER.exec(description);
  if (other) return { kind: other[1] as Exclude<RecordKind, Decision>, text: other[2]! };
  return undefined;
}

/**
 * "Tollgate resume: by @alice": a person's decision about a paused rollout, written by the App's bot on
 * the paused deployment with the comment as its `log_url`. The Action carries it out only when the App
 * wrote it: the workflow token and every writer can write the same words.
 */
export function pauseDecisionDescription(choice: PauseChoice, login: string): string {
  return eventDescription(choice, `by @${login}`);
}

/** The choice and person a pause decision record names, or undefined for any other record. */
export function readPauseDecision(
  record: StatusRecord | undefined,
): { readonly choice: PauseChoice; readonly login: string } | undefined {
  if (record?.kind !== "resume" && record?.kind !== "abort") return undefined;
  const login = PAUSE_DECISION.exec(record.text)?.[1];
  return login !== undefined ? { choice: record.kind, login } : undefined;
}

/** Approvals (and their withdrawal) wait for the deployment to run (queued); a rejection stops it (failure). */
export const APPROVAL_STATE = { approved: "queued", rejected: "failure", withdrawn: "queued" } as const;

/**
 * The payload's shape, checked whole: anyone who can create a deployment can write any payload, so a
 * record that merely claims `tollgate` with missing or mistyped fields is not Tollgate's (and must not
 * crash whoever reads it, such as the audit). Unknown keys are kept for newer writers.
 */
const payloadSchema = z.looseObject({
  version: z.literal(PAYLOAD_VERSION),
  requested_by: z.string(),
  change_type: z.string(),
  emergency: z.boolean(),
  strategy: z.string().optional(),
  pull_request: z
    .looseObject({ number: z.number(), title: z.string(), author: z.string(), head_sha: z.string() })
    .optional(),
  version_label: z.string().optional(),
  policy_digest: z.string(),
  checklist: z.record(z.string(), z.string()),
  override: z.looseObject({ kind: z.string(), change_type: z.string(), reason: z.string() }).optional(),
  rollback_of: z.string().optional(),
  rollback_plan: z.array(z.enum(["run", "redeploy_previous", "workflow"])).optional(),
});

/** Reads `payload.tollgate` from a deployment payload (an object, or a JSON string as GraphQL returns it). */
export function readPayload(payload: unknown): DeploymentPayload | undefined {
  const parsed = payloadSchema.safeParse(claimedPayload(payload));
  return parsed.success ? (parsed.data as DeploymentPayload) : undefined;
}

/**
 * Whether a payload claims to be this version of Tollgate's, well-formed or not: what the audit asks of
 * forgeries. Another version's payload is foreign to this reader, not an imitation of it.
 */
export function claimsTollgatePayload(payload: unknown): boolean {
  const claimed = claimedPayload(payload);
  return (
    claimed !== null &&
    typeof claimed === "object" &&
    (claimed as { version?: unknown }).version === PAYLOAD_VERSION
  );
}

function claimedPayload(payload: unknown): unknown {
  let value = payload;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === "object" ? (value as { tollgate?: unknown }).tollgate : undefined;
}

/**
 * The Action's "awaiting approval" status links the workflow run that asked (`log_url`), so the App,
 * which keeps no state, can re-run that run's failed jobs once the approvals are complete.
 */
export function workflowRunUrl(serverUrl: string, repository: string, runId: number): string {
  return `${serverUrl.replace(/\/$/, "")}/${repository}/actions/runs/${runId}`;
}

export function workflowRunIdFrom(url: string | null | undefined): number | undefined {
  const match = url ? /\/actions\/runs\/(\d+)(?:\/|$|\?|#)/.exec(url) : null;
  return match ? Number(match[1]) : undefined;
}

/** Who wrote a deployment status, as far as trust goes. */
export type Writer = "app" | "workflow" | "other";

/**
 * What one deployment status proves about its deployment, or nothing. A success counts only as the
 * App's "verified" record: the workflow token that writes the Action's statuses is also every other
 * workflow's, including one on a branch nobody reviewed, so the App checks the run behind a success
 * before it attests it. Failures and progress from the workflow token count as they are (believing
 * one can only hold a deployment back). Anyone else's status proves nothing.
 */
export function statusProof(
  status: { readonly state: string; readonly description: string | null | undefined },
  writer: Writer,
): "success" | "failure" | "error" | "progress" | "inactive" | undefined {
  const state = status.state.toLowerCase();
  if (writer === "other") return undefined;
  if (state === "success")
    return writer === "app" && parseDescription(status.description)?.kind === "verified"
      ? "success"
      : undefined;
  if (state === "failure" || state === "error" || state === "inactive") return state;
  return "progress";
}

/**
 * The App's indelible decision record: a commit status on the decided commit, written by the App's bot,
 * one context per environment and person. A deployment (and every status on it) can be deleted by any
 * writer; a commit status can be neither deleted nor edited, and GitHub records who wrote it. `failure`
 * says that person's rejection stands; `success` that their latest decision is an approval (the approval
 * itself counts from its deployment record). Any writer can add a status with the same context, which
 * then shows as the latest: a decision context whose latest status is not the App's is read as a standing
 * rejection by that person (fail closed), which only that person's next decision, written by the App,
 * replaces.
 */
export const DECISION_CONTEXT_PREFIX = "tollgate/decision: ";

/** "tollgate/decision: production @alice" */
export function decisionContext(environment: string, login: string): string {
  return `${DECISION_CONTEXT_PREFIX}${environment} @${login}`;
}

/** The environment and person a decision context names, or undefined for any other context. */
export function parseDecisionContext(
  context: string,
): { readonly environment: string; readonly login: string } | undefined {
  if (!context.startsWith(DECISION_CONTEXT_PREFIX)) return undefined;
  const match = /^(.+) @([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/s.exec(
    context.slice(DECISION_CONTEXT_PREFIX.length),
  );
  return match ? { environment: match[1]!, login: match[2]! } : undefined;
}

/** The commit status state of a person's latest decision: a standing rejection fails. */
export const DECISION_STATUS_STATE = { approved: "success", rejected: "failure" } as const;
