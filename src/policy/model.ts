/**
 * The policy as the engine uses it: the types the normalized policy is made of (normalize.ts builds
 * them from the document), and the small readings of approvers and checklist items both sides share.
 */
import type { Condition } from "./condition.js";
import { dictionary, own } from "./own.js";
import type { ChecklistItemDocument } from "./schema.js";

export type RepositoryRole = "admin" | "maintain" | "write" | "triage" | "read";

export type ApproverRef =
  | { readonly kind: "user"; readonly login: string }
  | { readonly kind: "team"; readonly team: string }
  | { readonly kind: "role"; readonly role: RepositoryRole }
  | { readonly kind: "group"; readonly group: string };

export type Requirement =
  | { readonly kind: "count"; readonly from: readonly ApproverRef[]; readonly count: number }
  | { readonly kind: "every_member"; readonly of: ApproverRef };

/** A notice period in business days: weekdays off the weekend that are not holidays, in a time zone. */
export interface BusinessDays extends BusinessCalendar {
  readonly count: number;
}

/** Where business days are counted: the environment's calendar and time zone. */
export interface BusinessCalendar {
  readonly timezone: string;
  readonly weekend: readonly Weekday[];
  readonly holidays: readonly { readonly date: string; readonly name?: string | undefined }[];
  /** The calendar's name, when the environment names one. */
  readonly calendar?: string;
  /** An iCalendar file in the repository with more holidays, read with the policy (evidence `holiday_files`). */
  readonly holidaysFile?: string;
}

export interface ApprovalRule {
  readonly requirements: readonly Requirement[];
  /** The notice period; for business days, their nominal length (count × 24 h), so that it is non-zero. */
  readonly noticeMs: number;
  readonly noticeBusinessDays?: BusinessDays;
  /** Set for emergency rules: approvals may follow the deployment within this long. */
  readonly afterDeployWithinMs?: number;
  /** Standard changes approved in advance: no one needs to approve. */
  readonly preApproved: boolean;
}

interface ItemBase {
  readonly id: string;
  readonly title: string;
  readonly skipFor: readonly string[];
  /** When set, the item applies only if a changed file matches one of these globs. */
  readonly whenChanged?: readonly string[];
}
/** A check the checklist waits for: by name, and when `app` is set, only that GitHub App's check runs. */
export interface RequiredCheck {
  readonly name: string;
  readonly app?: string;
}

export type ChecklistItem = ItemBase &
  (
    | { readonly kind: "checks"; readonly checks: readonly RequiredCheck[] }
    | { readonly kind: "reviews"; readonly count: number }
    | {
        readonly kind: "security_alerts";
        readonly severity: Severity;
        /** The alert sources read; a source left out is neither read nor required. */
        readonly sources: readonly AlertSource[];
      }
    | { readonly kind: "pr_section"; readonly heading: string; readonly template?: string }
    | { readonly kind: "changed_files"; readonly globs: readonly string[] }
    | { readonly kind: "no_secrets" }
    | {
        readonly kind: "high_risk_paths";
        readonly globs: readonly string[];
        readonly strategies: readonly string[];
      }
    | { readonly kind: "checkbox"; readonly label: string }
  );
export type ChecklistKind = ChecklistItem["kind"];
export type Severity = "critical" | "high" | "medium" | "low";
export type AlertSource = "dependabot" | "code_scanning" | "secret_scanning";
export const ALL_ALERT_SOURCES: readonly AlertSource[] = ["dependabot", "code_scanning", "secret_scanning"];

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export interface WeeklySpan {
  readonly name?: string;
  /** Why deploys are denied in this span (deny spans). */
  readonly reason?: string;
  readonly days: readonly Weekday[];
  /** Minutes after local midnight; `to` ≤ `from` means the span crosses midnight. */
  readonly fromMinute: number;
  readonly toMinute: number;
}
export interface Freeze {
  readonly name?: string;
  /** Either local dates (YYYY-MM-DD, inclusive) or instants (epoch ms). */
  readonly from: string | number;
  readonly to: string | number;
  readonly reason?: string;
}
export interface Windows {
  readonly timezone: string;
  readonly allow: readonly WeeklySpan[];
  readonly deny: readonly WeeklySpan[];
  readonly freezes: readonly Freeze[];
  readonly blackoutDates: readonly string[];
  /** Why, for the blackout dates the policy gives a reason. */
  readonly blackoutReasons?: Readonly<Record<string, string>>;
  readonly overrideChangeTypes: readonly string[];
}

export interface RolloutStep {
  readonly weight?: number;
  readonly percent?: number;
  readonly pauseMs: number;
  readonly analyses: readonly string[];
}
export interface Strategy {
  readonly name: string;
  readonly type: "direct" | "rolling" | "blue-green" | "canary" | "feature-flag";
  /** One-time commands before the first step; a failure stops the rollout before any traffic moves. */
  readonly before: readonly string[];
  readonly run: readonly string[];
  readonly batches: readonly string[];
  readonly steps: readonly RolloutStep[];
  readonly flag?: string;
  readonly deployIdle: readonly string[];
  readonly promote: readonly string[];
  readonly switchBack: readonly string[];
  readonly keepOldForMs: number;
  readonly pauseMs: number;
  readonly analyses: readonly string[];
}

export type AnalysisProvider =
  | {
      readonly kind: "http";
      readonly url: string;
      readonly method: "GET" | "HEAD" | "POST";
      readonly expectStatus?: readonly number[];
      readonly jsonPath?: string;
      readonly measure: "value" | "latency";
      readonly timeoutMs: number;
    }
  | {
      readonly kind: "prometheus";
      readonly address: string;
      readonly query: string;
      /** The stable version's query, read alongside `query` at each reading. */
      readonly baseline?: string;
      readonly timeoutMs: number;
    }
  | { readonly kind: "command"; readonly run: string; readonly measure: "exit_code" | "stdout" };

export interface Analysis {
  readonly name: string;
  readonly title: string;
  readonly provider: AnalysisProvider;
  readonly success?: Condition;
  readonly failure?: Condition;
  /** A reading meeting it is recorded as a warning; it decides nothing. */
  readonly warn?: Condition;
  readonly intervalMs: number;
  /** Before the first measurement of a run. */
  readonly initialDelayMs: number;
  readonly count: number;
  readonly failureLimit: number;
  readonly consecutiveErrorLimit: number;
  readonly inconclusiveLimit: number;
  /** Successful measurements in a row that end the run early; 0: off. */
  readonly consecutiveSuccesses: number;
  readonly noData: "fail" | "pass" | "inconclusive";
  /** How a provider that cannot be reached (network error, timeout) counts. */
  readonly unreachable: "error" | "inconclusive" | "fail";
  readonly inconclusive: "fail" | "pause";
  /** Measured and recorded, never deciding. */
  readonly dryRun: boolean;
  /** Compare the canary's readings with the baseline's over the run. */
  readonly judge?: {
    readonly kind: "mann-whitney";
    readonly alpha: number;
    readonly worse: "higher" | "lower";
  };
}

export interface Environment {
  readonly name: string;
  readonly description?: string;
  readonly url?: string;
  readonly approval: "none" | "automatic" | "required";
  /** Keyed by change type; "*" for change types without their own rule. */
  readonly approvals: Readonly<Record<string, ApprovalRule>>;
  readonly separationOfDuties: boolean;
  /**
   * How separation of duties knows a commit's people: GitHub's links from the emails the commit's writer
   * chose, or only valid signatures (a commit without one leaves its people unknown: approval fails closed).
   */
  readonly commitIdentity: "linked_emails" | "verified_signatures";
  readonly requires: readonly {
    readonly environment: string;
    readonly soakMs: number;
    readonly soakForChangeType: Readonly<Record<string, number>>;
  }[];
  /** Who may start a deployment; undefined when anyone may. */
  readonly deployers?: readonly ApproverRef[];
  readonly checklist: readonly ChecklistItem[];
  readonly windows?: Windows;
  readonly strategies: readonly string[];
  /** Approval mode and strategies that replace the environment's for one change type. */
  readonly byChangeType: Readonly<Record<string, ChangeTypeOverride>>;
  readonly validation?: {
    readonly atMs: readonly number[];
    readonly analyses: readonly string[];
    readonly onFailure: "rollback" | "report";
  };
  readonly rollback: {
    readonly run: readonly string[];
    readonly redeployPrevious: boolean;
    readonly workflow?: string;
    readonly analyses: readonly string[];
    /** Whether a rollback redeploy (evidence `rollback_of`, verified) needs approval. */
    readonly approval: "none" | "required";
  };
}

export interface ChangeTypeOverride {
  readonly approval?: "none" | "automatic" | "required";
  readonly strategies?: readonly string[];
}

/** The environment as it applies to one change type: its `by_change_type` entry laid over it. */
export function environmentFor(environment: Environment, changeType: string): Environment {
  const override = own(environment.byChangeType, changeType);
  if (!override) return environment;
  return {
    ...environment,
    ...(override.approval !== undefined ? { approval: override.approval } : {}),
    ...(override.strategies !== undefined ? { strategies: override.strategies } : {}),
  };
}

export interface ChangeTypeRule {
  readonly labels: readonly string[];
  readonly semver?: "major" | "minor" | "patch";
  /** Globs of changed paths that mark this type. */
  readonly paths: readonly string[];
  /** Regular expressions (case-insensitive) over the lines the PR adds. */
  readonly diff: readonly string[];
  /** Conventional-commit types of the PR title: "feat", "fix!", "*!" (any breaking change). */
  readonly titles: readonly string[];
}

export interface ChangeTypes {
  readonly default: string;
  /** From the least to the most strict; when sources disagree the strictest wins. Absent: disagreement blocks. */
  readonly order?: readonly string[];
  readonly types: Readonly<Record<string, ChangeTypeRule>>;
}

export interface Policy {
  readonly version: 1;
  /** sha256 of the file's text: which policy judged a deployment. */
  readonly digest: string;
  readonly groups: Readonly<Record<string, readonly ApproverRef[]>>;
  readonly changeTypes: ChangeTypes;
  readonly strategies: Readonly<Record<string, Strategy>>;
  readonly analyses: Readonly<Record<string, Analysis>>;
  readonly environments: Readonly<Record<string, Environment>>;
}

export const DEFAULT_CHANGE_TYPES: ChangeTypes = {
  default: "standard",
  types: dictionary([["standard", { labels: [], paths: [], diff: [], titles: [] }]]),
};

export function parseApprover(spec: string): ApproverRef {
  if (spec.startsWith("@")) return { kind: "team", team: spec.slice(1).toLowerCase() };
  if (spec.startsWith("role:")) return { kind: "role", role: spec.slice(5) as RepositoryRole };
  if (spec.startsWith("group:")) return { kind: "group", group: spec.slice(6) };
  return { kind: "user", login: spec.toLowerCase() };
}

export function checklistKindOf(item: ChecklistItemDocument): ChecklistKind[] {
  return (Object.keys(item) as (keyof ChecklistItemDocument)[]).filter(
    (key): key is ChecklistKind =>
      key !== "title" && key !== "skip_for" && key !== "when_changed" && key !== "template",
  );
}
