/**
 * The audit's vocabulary. Facts are what GitHub returned, unchanged (the tamper digest is taken over
 * them, so a change in how we interpret them never looks like tampering); records are the eight answers
 * an auditor asks for, derived from the facts; findings and metrics are judgements over the records.
 */
import type { DeploymentPayload } from "../records/format.js";

/** One deployment status as GitHub returned it; states lowercase, actors with REST's `[bot]` suffix. */
export interface StatusFact {
  readonly state: string;
  readonly description: string | null;
  readonly creator: string | null;
  readonly createdAt: string;
  readonly logUrl: string | null;
  readonly environment: string | null;
}

export interface DeploymentFact {
  readonly id: number;
  /** The environment now: any status's `environment` parameter moves a deployment. */
  readonly environment: string;
  /** The environment it was created for (GraphQL `originalEnvironment`); absent in older reports. */
  readonly originalEnvironment?: string | null;
  readonly sha: string;
  readonly ref: string | null;
  readonly task: string | null;
  readonly description: string | null;
  readonly creator: string | null;
  readonly createdAt: string;
  /** The payload as GitHub's GraphQL API returns it: a JSON string. */
  readonly payload: string | null;
  /** Oldest first. */
  readonly statuses: readonly StatusFact[];
  /** False when GitHub had more statuses than we could read. */
  readonly statusesComplete: boolean;
}

export interface PullFact {
  readonly number: number;
  readonly title: string;
  readonly url: string;
  readonly author: string | null;
  readonly mergedAt: string | null;
  /** Authored date of the PR's first commit: where lead time starts (squash merges lose the link). */
  readonly firstCommitAt: string | null;
}

export type Outcome = "success" | "failure" | "rolled_back" | "in_progress" | "rejected";
export const OUTCOMES: readonly Outcome[] = ["success", "failure", "rolled_back", "in_progress", "rejected"];

export interface ApprovalEntry {
  readonly decision: "approved" | "rejected";
  readonly login: string;
  readonly at: string;
  readonly note: string;
  /** The comment that gave it (the status's log_url). */
  readonly url: string | null;
  /** Who wrote the status; only the Tollgate App's bot is trusted for approvals. */
  readonly writer: string | null;
  readonly trusted: boolean;
}

export interface AuditRecord {
  readonly id: number;
  readonly environment: string;
  /** Where it was created for; differs from `environment` only when a status moved it (Tollgate never does). */
  readonly originalEnvironment: string;
  readonly production: boolean;
  /** The payload is Tollgate's (`payload.tollgate`, version 1). */
  readonly tollgate: boolean;
  /** Who: the person who asked (payload), and the account that created the deployment on GitHub. */
  readonly initiatedBy: string | null;
  readonly creator: string | null;
  /** What. */
  readonly sha: string;
  readonly ref: string | null;
  readonly version: string | null;
  readonly pullRequest: {
    readonly number: number;
    readonly title: string;
    readonly author: string | null;
    readonly url: string | null;
  } | null;
  /** When: created, started rolling out, reached its outcome. */
  readonly createdAt: string;
  readonly deployedAt: string | null;
  readonly finishedAt: string | null;
  /** How. */
  readonly strategy: string | null;
  readonly checklist: Readonly<Record<string, string>>;
  readonly steps: readonly string[];
  /** Why. */
  readonly changeType: string | null;
  readonly emergency: boolean;
  readonly override: DeploymentPayload["override"] | null;
  readonly rollbackOf: string | null;
  /** The approval chain, oldest first. */
  readonly approvals: readonly ApprovalEntry[];
  readonly outcome: Outcome;
  readonly outcomeDetail: string;
  /** Lead time (ms) from the PR's first commit to this deployment's success; null when not measurable. */
  readonly leadTimeMs: number | null;
  /** Counted as a failed change for DORA (failed, rolled back, or followed by a rollback or hotfix). */
  readonly failedChange: boolean;
  readonly unplanned: boolean;
  /** Statuses read; with `digest`, what a later audit compares against. */
  readonly statusCount: number;
  /** sha256 over the canonical GitHub facts of this deployment. */
  readonly digest: string;
}

export const FINDING_CODES = [
  "missing_approvals",
  "outside_approver_set",
  "self_approval",
  "outside_window",
  "no_rollback_plan",
  "rollback_failed",
  "emergency_approval_late",
  "stale_in_progress",
  "untrusted_writer",
  "foreign_payload",
  "statuses_truncated",
  // Tampering: what anyone with `deployments: write` can do that Tollgate itself never does.
  "retargeted",
  "unverified_success",
  "forged_deployment",
  "forged_decision",
  "success_overturned",
  "deleted_decision",
  "deleted_deployment",
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/** "critical": the service may be broken now (a failed rollback) or a record was tampered with; someone must act. */
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  readonly code: FindingCode;
  readonly deploymentId: number;
  readonly environment: string;
  readonly severity: Severity;
  readonly message: string;
}

export type Band = "elite" | "high" | "medium" | "low";
export type Trend = "better" | "worse" | "same" | "n/a";

export interface Metric {
  /** The figure: per day for frequency, milliseconds for times, a ratio 0–1 for rates; null without data. */
  readonly value: number | null;
  /** How many values it was computed from. */
  readonly samples: number;
  readonly previous: number | null;
  readonly trend: Trend;
  /** The DORA 2024 band, only where the report's bands are certain. */
  readonly band: Band | null;
  /** Why there is no band, or what the band is based on. */
  readonly bandNote: string;
}

export interface EnvironmentMetrics {
  readonly environment: string;
  readonly deployments: number;
  readonly deploymentFrequency: Metric;
  readonly leadTime: Metric;
  readonly changeFailRate: Metric;
  readonly recoveryTime: Metric;
  readonly reworkRate: Metric;
  /** Failures in the period with no later success yet. */
  readonly unrecovered: number;
  /** Each recovery in the period: when the failure happened, and how long until the next success. */
  readonly recoveries: readonly { readonly at: string; readonly ms: number }[];
}

export interface Comparison {
  readonly previousGeneratedAt: string;
  readonly changed: readonly { readonly id: number; readonly why: string }[];
  /** Statuses were only added since (a deployment's history grows; that is not tampering). */
  readonly grown: readonly number[];
  readonly disappeared: readonly number[];
  readonly added: readonly number[];
  readonly unchanged: number;
}

export interface AuditReport {
  readonly version: 1;
  readonly repository: string;
  readonly environment: string | null;
  readonly since: string;
  readonly until: string;
  readonly previousSince: string;
  readonly generatedAt: string;
  readonly policy: { readonly source: string; readonly digest: string } | null;
  readonly requests: number;
  readonly records: readonly AuditRecord[];
  readonly findings: readonly Finding[];
  readonly metrics: readonly EnvironmentMetrics[];
  readonly notes: readonly string[];
  readonly comparison?: Comparison;
}
