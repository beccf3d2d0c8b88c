/**
 * The policy as the engine uses it: references resolved, durations in milliseconds, conditions parsed,
 * shorthands expanded. Built only from a document that passed the schema and the semantic checks.
 */
import { createHash } from "node:crypto";
import { parseAnyCondition, type Condition } from "./condition.js";
import { parseDuration } from "./duration.js";
import { dictionary, own } from "./own.js";
import type {
  AnalysisDocument,
  ApprovalRuleDocument,
  ChecklistItemDocument,
  EnvironmentDocument,
  PolicyDocument,
  StrategyDocument,
  WindowsDocument,
} from "./schema.js";
import { BUSINESS_DAYS } from "./schema/approvals.js";

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

const DEFAULT_TITLES: Record<ChecklistKind, (item: ChecklistItemDocument) => string> = {
  checks: (i) => `CI checks green: ${i.checks!.map((c) => (typeof c === "string" ? c : c.name)).join(", ")}`,
  reviews: (i) => `${i.reviews} approving review${i.reviews === 1 ? "" : "s"}`,
  security_alerts: (i) =>
    `No open ${typeof i.security_alerts === "string" ? i.security_alerts : i.security_alerts!.severity} (or worse) security alerts`,
  pr_section: (i) => `"${i.pr_section}" section in the PR description`,
  changed_files: (i) => `Changed: ${i.changed_files!.join(", ")}`,
  no_secrets: () => "No secrets in the diff",
  high_risk_paths: (i) =>
    `High-risk paths (${i.high_risk_paths!.paths.join(", ")}) ship only with ${i.high_risk_paths!.strategies.join(" or ")}`,
  checkbox: (i) => `Checked: "${i.checkbox}"`,
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

const ms = (text: string | undefined, fallback = 0): number =>
  text === undefined ? fallback : parseDuration(text)!;
const list = (commands: string | string[] | undefined): string[] =>
  commands === undefined ? [] : typeof commands === "string" ? [commands] : commands;

export function normalizeApprovalRule(rule: ApprovalRuleDocument, calendar?: BusinessCalendar): ApprovalRule {
  const requirements: Requirement[] = [];
  const add = (r: {
    from?: string[] | undefined;
    count?: number | undefined;
    every_member_of?: string | undefined;
  }) => {
    if (r.every_member_of !== undefined)
      requirements.push({ kind: "every_member", of: parseApprover(r.every_member_of) });
    if (r.from !== undefined)
      requirements.push({ kind: "count", from: r.from.map(parseApprover), count: r.count ?? 1 });
  };
  add(rule);
  for (const requirement of rule.all_of ?? []) add(requirement);
  return {
    requirements,
    ...notice(rule.notice, calendar),
    ...(rule.after_deploy_within !== undefined ? { afterDeployWithinMs: ms(rule.after_deploy_within) } : {}),
    preApproved: rule.pre_approved === true,
  };
}

function notice(
  text: string | undefined,
  calendar: BusinessCalendar | undefined,
): Pick<ApprovalRule, "noticeMs" | "noticeBusinessDays"> {
  const business = text !== undefined ? BUSINESS_DAYS.exec(text) : null;
  if (!business) return { noticeMs: ms(text) };
  const count = Number(business[1]);
  // The semantic checks guarantee a zone wherever business days are used.
  return { noticeMs: count * 86_400_000, noticeBusinessDays: { count, ...calendar! } };
}

function normalizeItem(id: string, item: ChecklistItemDocument): ChecklistItem {
  const [kind] = checklistKindOf(item) as [ChecklistKind];
  const base = {
    id,
    title: item.title ?? DEFAULT_TITLES[kind](item),
    skipFor: item.skip_for ?? [],
    ...(item.when_changed ? { whenChanged: item.when_changed } : {}),
  };
  switch (kind) {
    case "checks":
      return {
        ...base,
        kind,
        checks: item.checks!.map((c) => (typeof c === "string" ? { name: c } : { name: c.name, app: c.app })),
      };
    case "reviews":
      return { ...base, kind, count: item.reviews! };
    case "security_alerts":
      return typeof item.security_alerts === "string"
        ? { ...base, kind, severity: item.security_alerts, sources: ALL_ALERT_SOURCES }
        : {
            ...base,
            kind,
            severity: item.security_alerts!.severity,
            sources: [...new Set(item.security_alerts!.sources ?? ALL_ALERT_SOURCES)],
          };
    case "pr_section":
      return {
        ...base,
        kind,
        heading: item.pr_section!,
        ...(item.template !== undefined ? { template: item.template } : {}),
      };
    case "changed_files":
      return { ...base, kind, globs: item.changed_files! };
    case "no_secrets":
      return { ...base, kind };
    case "high_risk_paths":
      return {
        ...base,
        kind,
        globs: item.high_risk_paths!.paths,
        strategies: item.high_risk_paths!.strategies,
      };
    case "checkbox":
      return { ...base, kind, label: item.checkbox! };
  }
}

const minuteOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
const ALL_DAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const instantOrDate = (text: string): string | number => (text.length === 10 ? text : Date.parse(text));

function normalizeWindows(doc: WindowsDocument): Windows {
  const spans = (list: WindowsDocument["allow"]) =>
    (list ?? []).map((s) => ({
      ...(s.name !== undefined ? { name: s.name } : {}),
      ...(s.reason !== undefined ? { reason: s.reason } : {}),
      days: s.days ?? ALL_DAYS,
      fromMinute: minuteOf(s.from),
      toMinute: minuteOf(s.to),
    }));
  return {
    timezone: doc.timezone,
    allow: spans(doc.allow),
    deny: spans(doc.deny),
    freezes: (doc.freezes ?? []).map((f) => ({
      ...(f.name !== undefined ? { name: f.name } : {}),
      from: instantOrDate(f.from),
      to: instantOrDate(f.to),
      ...(f.reason !== undefined ? { reason: f.reason } : {}),
    })),
    blackoutDates: (doc.blackout_dates ?? []).map((d) => (typeof d === "string" ? d : d.date)),
    blackoutReasons: dictionary(
      (doc.blackout_dates ?? []).flatMap((d) =>
        typeof d !== "string" && d.reason !== undefined ? [[d.date, d.reason] as const] : [],
      ),
    ),
    overrideChangeTypes: doc.override?.change_types ?? [],
  };
}

function normalizeStrategy(name: string, doc: StrategyDocument): Strategy {
  const batches = doc.batches;
  return {
    name,
    type: doc.type,
    run: list(doc.run),
    batches:
      typeof batches === "number"
        ? Array.from({ length: batches }, (_, i) => `${i + 1}/${batches}`)
        : (batches ?? []),
    steps: (doc.steps ?? []).map((s) => ({
      ...(s.weight !== undefined ? { weight: s.weight } : {}),
      ...(s.percent !== undefined ? { percent: s.percent } : {}),
      pauseMs: ms(s.pause),
      analyses: s.analyses ?? doc.analyses ?? [],
    })),
    ...(doc.flag !== undefined ? { flag: doc.flag } : {}),
    deployIdle: list(doc.deploy_idle),
    before: list(doc.before),
    promote: list(doc.promote),
    switchBack: list(doc.switch_back),
    keepOldForMs: ms(doc.keep_old_for),
    pauseMs: ms(doc.pause),
    analyses: doc.analyses ?? [],
  };
}

function normalizeAnalysis(name: string, doc: AnalysisDocument): Analysis {
  const intervalMs = ms(doc.interval, 30_000);
  const provider: AnalysisProvider = doc.http
    ? {
        kind: "http",
        url: doc.http.url,
        method: doc.http.method ?? "GET",
        ...(doc.http.expect_status ? { expectStatus: doc.http.expect_status } : {}),
        ...(doc.http.json_path !== undefined ? { jsonPath: doc.http.json_path } : {}),
        measure: doc.http.measure ?? (doc.http.json_path !== undefined ? "value" : "latency"),
        // 10 s as before: a latency probe may well take longer than half its interval.
        timeoutMs: ms(doc.http.timeout, 10_000),
      }
    : doc.prometheus
      ? {
          kind: "prometheus",
          address: doc.prometheus.address,
          query: doc.prometheus.query,
          ...(doc.prometheus.baseline !== undefined ? { baseline: doc.prometheus.baseline } : {}),
          // A query slower than half the interval would crowd out the next reading.
          timeoutMs: ms(doc.prometheus.timeout, Math.min(10_000, Math.ceil(intervalMs / 2))),
        }
      : { kind: "command", run: doc.command!.run, measure: doc.command!.measure };
  return {
    name,
    title: doc.title ?? name,
    provider,
    ...(doc.success !== undefined ? { success: parseAnyCondition(doc.success)! } : {}),
    ...(doc.failure !== undefined ? { failure: parseAnyCondition(doc.failure)! } : {}),
    ...(doc.warn !== undefined ? { warn: parseAnyCondition(doc.warn)! } : {}),
    intervalMs,
    initialDelayMs: ms(doc.initial_delay),
    count: doc.count ?? 1,
    failureLimit: doc.failure_limit ?? 0,
    consecutiveErrorLimit: doc.consecutive_error_limit ?? 4,
    inconclusiveLimit: doc.inconclusive_limit ?? 0,
    consecutiveSuccesses: doc.consecutive_successes ?? 0,
    noData: doc.no_data ?? "inconclusive",
    unreachable: doc.unreachable ?? "error",
    inconclusive: doc.inconclusive ?? "fail",
    dryRun: doc.dry_run ?? false,
    ...(doc.judge !== undefined
      ? { judge: { kind: doc.judge, alpha: doc.alpha ?? 0.05, worse: doc.worse ?? "higher" } }
      : {}),
  };
}

/** The calendar business days are counted on here, when a time zone is known for it. */
export function businessCalendar(
  env: EnvironmentDocument,
  policy: PolicyDocument,
): BusinessCalendar | undefined {
  const named = env.calendar !== undefined ? own(policy.calendars, env.calendar) : undefined;
  const timezone = env.windows?.timezone ?? named?.timezone;
  if (timezone === undefined) return undefined;
  return {
    timezone,
    weekend: named?.weekend ?? ["sat", "sun"],
    holidays: (named?.holidays ?? []).map((h) => (typeof h === "string" ? { date: h } : h)),
    ...(env.calendar !== undefined ? { calendar: env.calendar } : {}),
    ...(named?.holidays_file !== undefined ? { holidaysFile: named.holidays_file } : {}),
  };
}

function normalizeEnvironment(name: string, doc: EnvironmentDocument, policy: PolicyDocument): Environment {
  const calendar = businessCalendar(doc, policy);
  const approvals = dictionary(
    Object.entries(doc.approvals ?? {}).map(([changeType, rule]) => [
      changeType,
      normalizeApprovalRule(rule, calendar),
    ]),
  );
  return {
    name,
    ...(doc.description !== undefined ? { description: doc.description } : {}),
    ...(doc.url !== undefined ? { url: doc.url } : {}),
    approval: doc.approval,
    approvals,
    separationOfDuties: doc.separation_of_duties !== false,
    commitIdentity:
      typeof doc.separation_of_duties === "object"
        ? (doc.separation_of_duties.identity ?? "linked_emails")
        : "linked_emails",
    requires: (doc.requires ?? []).map((r) => ({
      environment: r.environment,
      soakMs: ms(r.soak),
      soakForChangeType: dictionary(Object.entries(r.soak_for ?? {}).map(([type, d]) => [type, ms(d)])),
    })),
    ...(doc.deployers ? { deployers: doc.deployers.map(parseApprover) } : {}),
    checklist: (doc.checklist ?? []).map((id) => normalizeItem(id, own(policy.checklist, id)!)),
    ...(doc.windows ? { windows: normalizeWindows(doc.windows) } : {}),
    strategies: doc.strategies ?? [],
    byChangeType: dictionary(
      Object.entries(doc.by_change_type ?? {}).map(([type, o]) => [
        type,
        {
          ...(o.approval !== undefined ? { approval: o.approval } : {}),
          ...(o.strategies !== undefined ? { strategies: o.strategies } : {}),
        },
      ]),
    ),
    ...(doc.validation
      ? {
          validation: {
            atMs: doc.validation.at.map((d) => ms(d)),
            analyses: doc.validation.analyses,
            onFailure: doc.validation.on_failure ?? "rollback",
          },
        }
      : {}),
    rollback: {
      run: list(doc.rollback?.run),
      redeployPrevious: doc.rollback?.redeploy_previous ?? false,
      ...(doc.rollback?.workflow !== undefined ? { workflow: doc.rollback.workflow } : {}),
      analyses: doc.rollback?.analyses ?? [],
      approval: doc.rollback?.approval ?? "none",
    },
  };
}

export function normalizePolicy(doc: PolicyDocument, source: string): Policy {
  const mapValues = <T, U>(record: Record<string, T> | undefined, f: (key: string, value: T) => U) =>
    dictionary(Object.entries(record ?? {}).map(([key, value]) => [key, f(key, value)]));
  return {
    version: 1,
    digest: createHash("sha256").update(source).digest("hex"),
    groups: mapValues(doc.approvers, (_, specs) => specs.map(parseApprover)),
    changeTypes: doc.change_types
      ? {
          default: doc.change_types.default,
          ...(doc.change_types.order ? { order: doc.change_types.order } : {}),
          types: mapValues(doc.change_types.types, (_, t) => ({
            labels: t.labels ?? [],
            ...(t.semver !== undefined ? { semver: t.semver } : {}),
            paths: t.paths ?? [],
            diff: t.diff ?? [],
            titles: t.titles ?? [],
          })),
        }
      : DEFAULT_CHANGE_TYPES,
    strategies: mapValues(doc.strategies, normalizeStrategy),
    analyses: mapValues(doc.analyses, normalizeAnalysis),
    environments: mapValues(doc.environments, (name, env) => normalizeEnvironment(name, env, doc)),
  };
}
