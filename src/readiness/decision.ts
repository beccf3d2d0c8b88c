/** What a readiness evaluation returns: a verdict, a stable reason code, and the checklist behind it. */
import type { ApprovalTally } from "../approvals/tally.js";

export type ItemState = "passed" | "failed" | "pending" | "waived";
export type Verdict = "allowed" | "waiting" | "blocked";

/**
 * Stable reason codes. The Action publishes them (`reason-code` output, versioned result JSON) and
 * workflows branch on them, so they are only ever added to, never renamed.
 */
export const REASON_CODES = [
  "ready",
  "environment_unknown",
  "change_type_ambiguous",
  "no_pull_request",
  "prerequisite_missing",
  "prerequisite_failed",
  "soak_pending",
  "window_closed",
  "freeze_active",
  "blackout_date",
  "strategy_not_allowed",
  "deployer_not_allowed",
  "checks_failed",
  "checks_pending",
  "checks_missing",
  "reviews_missing",
  "changes_requested",
  "security_alerts_open",
  "alert_source_unavailable",
  "evidence_incomplete",
  "identity_unknown",
  "section_missing",
  "file_not_changed",
  "secrets_found",
  "diff_incomplete",
  "high_risk_strategy",
  "checkbox_unchecked",
  "awaiting_checklist",
  "awaiting_approval",
  "notice_pending",
  "notice_unknown",
  "rejected",
  "emergency_post_approval",
  "emergency_approval_overdue",
  "rollback_unverified",
  "holiday_calendar_unreadable",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface ChecklistResult {
  readonly id: string;
  readonly title: string;
  readonly state: ItemState;
  /** Why, in words a person understands. */
  readonly reason: string;
  /** What to do about it, when there is something to do. */
  readonly fix?: string;
  readonly code: ReasonCode;
  /**
   * When this item changes by time alone (a soak or notice period ends, a window opens, an emergency's
   * approval deadline passes): the App wakes at that time to judge again (see next-change.ts).
   */
  readonly until?: string;
}

export interface Override {
  readonly kind: "window" | "freeze" | "blackout";
  readonly changeType: string;
  readonly reason: string;
}

export interface Decision {
  readonly environment: string;
  readonly sha: string;
  readonly verdict: Verdict;
  readonly reasonCode: ReasonCode;
  readonly summary: string;
  readonly changeType: string;
  /** How the change type was derived: each source's vote, and how disagreements were settled. */
  readonly changeTypeReason?: string;
  readonly emergency: boolean;
  readonly highRisk: boolean;
  readonly strategy?: string;
  readonly override?: Override;
  readonly checklist: readonly ChecklistResult[];
  readonly approvals: ApprovalTally;
  readonly policyDigest: string;
  readonly evaluatedAt: string;
}
