/**
 * The policy language: `.github/tollgate.yml`, version 1.
 *
 * One zod schema is the single source of truth: the loader validates with it, the JSON Schema in
 * schema/tollgate.schema.json is generated from it, and the README's policy reference is generated
 * from the descriptions written here. Durations and conditions are kept as the author wrote them and
 * parsed by refinements, so the JSON Schema describes exactly what a person types.
 */
import { z } from "zod";
import { DURATION_PATTERN } from "./duration.js";
import { CONDITION_HINT, EXPRESSION_HINT, conditionProblem } from "./condition.js";
import { LIMITS } from "./limits.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const name = (what: string) =>
  z
    .string()
    .regex(NAME, { error: `expected ${what}: letters, digits, ".", "_" or "-"` })
    .max(100, { error: `${what} is longer than 100 characters` });

export const durationSchema = z
  .string({ error: "expected a duration like 30s, 5m, 24h or 2d" })
  .regex(new RegExp(DURATION_PATTERN), { error: "expected a duration like 30s, 5m, 24h or 2d" })
  .meta({ description: "A duration: 30s, 5m, 24h, 2d, or combined (1h30m); 250ms for latencies." });

const positiveInt = z
  .int({ error: "expected a positive integer" })
  .positive({ error: "expected a positive integer" });
const nonNegativeInt = z
  .int({ error: "expected a whole number, 0 or more" })
  .nonnegative({ error: "expected a whole number, 0 or more" });

const text = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `${what} is empty` });

/** Shell commands, run by the Action with the deployment's context in TOLLGATE_* environment variables. */
const commands = z
  .union([text("a command"), z.array(text("a command")).min(1, { error: "expected at least one command" })], {
    error: "expected a command or a list of commands",
  })
  .meta({ description: "A command, or a list of commands, run by bash with TOLLGATE_* variables set." });

export const APPROVER_PATTERN =
  /^(@[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+|role:(admin|maintain|write|triage|read)|group:[A-Za-z0-9][A-Za-z0-9._-]*|[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\[bot\])?)$/;
const approver = z
  .string({ error: "expected an approver" })
  .regex(APPROVER_PATTERN, {
    error:
      'expected an approver: a user ("alice"), a team ("@acme/sre"), a role ("role:admin") or a group ("group:leads")',
  })
  .meta({
    description:
      'A GitHub user ("alice"), a team ("@org/team"), a repository role or higher ("role:maintain"), or a named group ("group:leads").',
  });
const approvers = z.array(approver).min(1, { error: "expected at least one approver" });

const requirementSchema = z
  .strictObject({
    from: approvers.optional().meta({ description: "Who may give these approvals." }),
    count: positiveInt.optional().meta({ description: "How many distinct people from `from` (default 1)." }),
    every_member_of: approver
      .optional()
      .meta({ description: "Every member of this team or group must approve (a consensus)." }),
  })
  .meta({
    description: "One requirement: `count` approvals `from` a set of people, or `every_member_of` a group.",
  });

/** "5 business_days": counted on the environment's calendar, in its time zone. */
export const BUSINESS_DAYS = /^(\d+) business_days?$/;
const notice = z
  .string({ error: "expected a duration like 4h or 2d, or business days like 5 business_days" })
  .refine((s) => new RegExp(DURATION_PATTERN).test(s) || BUSINESS_DAYS.test(s), {
    error: "expected a duration like 4h or 2d, or business days like 5 business_days",
  })
  .meta({
    description:
      "A duration (4h, 2d) or business days (5 business_days): weekdays that are not holidays of the environment's `calendar`, in its time zone.",
  });

export const approvalRuleSchema = z
  .strictObject({
    from: approvers.optional().meta({ description: "Who may approve (shorthand for one requirement)." }),
    count: positiveInt
      .optional()
      .meta({ description: "How many distinct approvals from `from` (default 1)." }),
    every_member_of: approver
      .optional()
      .meta({ description: "Every member of this team or group must approve." }),
    all_of: z
      .array(requirementSchema)
      .min(1, { error: "expected at least one requirement" })
      .optional()
      .meta({ description: "Several requirements that must all hold, e.g. a team lead and an architect." }),
    notice: notice.optional().meta({
      description:
        "How long the change must have been announced (PR ready for review) before deploying: a duration, or business days (5 business_days) counted from the announcement's time of day.",
    }),
    after_deploy_within: durationSchema.optional().meta({
      description:
        "Emergency changes: deploy first, and the approvals must be recorded within this long after the deployment.",
    }),
    pre_approved: z.literal(true, { error: "expected true" }).optional().meta({
      description: "Standard changes: approved in advance; recorded as waived, not as approved by anyone.",
    }),
  })
  .meta({ description: "The approvals a change type needs before (or, for emergencies, after) deploying." });

const severity = z.enum(["critical", "high", "medium", "low"], {
  error: "expected a severity: critical, high, medium or low",
});
export const ALERT_SOURCES = ["dependabot", "code_scanning", "secret_scanning"] as const;
const alertSource = z.enum(ALERT_SOURCES, {
  error: "expected an alert source: dependabot, code_scanning or secret_scanning",
});
const strategyType = z.enum(["direct", "rolling", "blue-green", "canary", "feature-flag"], {
  error: "expected a strategy type: direct, rolling, blue-green, canary or feature-flag",
});

export const CHECKLIST_KINDS = [
  "checks",
  "reviews",
  "security_alerts",
  "pr_section",
  "changed_files",
  "no_secrets",
  "high_risk_paths",
  "checkbox",
] as const;

export const checklistItemSchema = z
  .strictObject({
    title: text("a title")
      .optional()
      .meta({ description: "What the checklist row says (defaults from the kind)." }),
    checks: z
      .array(
        z.union(
          [
            text("a check name"),
            z.strictObject({
              name: text("a check name").meta({ description: "The check run's name." }),
              app: text("a GitHub App's slug").meta({
                description:
                  "Only check runs written by this GitHub App count (e.g. github-actions). Anyone with write access can post a commit status of any name; only the App can write its check runs.",
              }),
            }),
          ],
          { error: "expected a check name, or { name, app } to count only that GitHub App's check runs" },
        ),
      )
      .min(1, { error: "expected at least one check name" })
      .optional()
      .meta({
        description:
          "CI check runs or commit statuses, by name, that must all have succeeded. A plain name is met by a check run of any App or a commit status by anyone with write access; `{ name, app }` only by that App's check runs.",
      }),
    reviews: positiveInt
      .optional()
      .meta({ description: "Approving pull request reviews of the head commit, with no change requested." }),
    security_alerts: z
      .union(
        [
          severity,
          z.strictObject({
            severity: severity.meta({ description: "The lowest severity that blocks." }),
            sources: z.array(alertSource).min(1, { error: "expected at least one source" }).optional().meta({
              description:
                "The alert sources read (default: all three). A source not listed is not read, so a repository without code scanning or secret scanning can still deploy.",
            }),
          }),
        ],
        {
          error:
            "expected a severity (critical, high, medium or low), or { severity, sources: [dependabot, code_scanning, secret_scanning] }",
        },
      )
      .optional()
      .meta({
        description:
          "No open security alert at or above this severity: Dependabot, code scanning (by the rule's security severity) and secret scanning (always critical). A source the App or token cannot read (feature off, or permission missing) blocks, naming what to enable, unless `sources` leaves it out.",
      }),
    pr_section: text("a heading").optional().meta({
      description:
        'A filled-in section of the PR body under this heading (any level, e.g. "Rollback plan" also matches "## Rollback Plan: v2.0"). Template residue does not count: bracketed placeholders ("[Conditions]"), comments, empty list items and labels with nothing after them ("**Rollback Trigger**:").',
    }),
    template: text("a template").optional().meta({
      description:
        'pr_section: the section\'s template. Its lines do not count as content, and each of its labels ("**Rollback Steps**:") must be present and filled in.',
    }),
    changed_files: z
      .array(text("a path glob"))
      .min(1)
      .optional()
      .meta({ description: "At least one changed file matches one of these globs (e.g. CHANGELOG.md)." }),
    no_secrets: z
      .literal(true, { error: "expected true" })
      .optional()
      .meta({ description: "No secret in the lines the PR adds, and no open secret-scanning alert." }),
    high_risk_paths: z
      .strictObject({
        paths: z
          .array(text("a path glob"))
          .min(1)
          .meta({ description: "Globs of high-risk files, e.g. db/migrations/**." }),
        strategies: z
          .array(name("a strategy name"))
          .min(1)
          .meta({ description: "The only strategies allowed when such files change." }),
      })
      .optional()
      .meta({
        description: "Changes to these paths are high risk and may only ship with the listed strategies.",
      }),
    checkbox: text("a checkbox label")
      .optional()
      .meta({ description: 'A ticked checkbox in the PR body: "- [x] Runbook updated".' }),
    skip_for: z
      .array(name("a change type"))
      .min(1)
      .optional()
      .meta({ description: "Change types for which this item is waived (recorded as waived, not passed)." }),
    when_changed: z.array(text("a path glob")).min(1).optional().meta({
      description:
        "The item applies only when a changed file matches one of these globs (e.g. migrations); otherwise it is waived as not applicable.",
    }),
  })
  .meta({ description: "One readiness checklist item: exactly one kind key (checks, reviews, …)." });

const weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], {
  error: "expected a weekday: mon, tue, wed, thu, fri, sat or sun",
});
const clock = z
  .string({ error: 'expected a time of day like "09:00"' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, {
    error: 'expected a time of day like "09:00" (00:00 to 24:00)',
  });
const weeklySpan = z.strictObject({
  name: text("a name")
    .optional()
    .meta({ description: 'What the span is called in check runs ("Business hours", "Friday afternoon").' }),
  reason: text("a reason")
    .optional()
    .meta({ description: "Why (deny spans): shown when it blocks a deploy." }),
  days: z.array(weekday).min(1).optional().meta({ description: "Weekdays (default: every day)." }),
  from: clock.meta({ description: "Start, local time in the windows' time zone." }),
  to: clock.meta({ description: "End, local time; earlier than `from` means the span crosses midnight." }),
});
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** Date.parse rolls 2026-02-30 over to March; a real calendar date survives the round trip. */
function isCalendarDate(text: string): boolean {
  const day = text.slice(0, 10);
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}
const instantOrDate = z
  .string({ error: "expected a date (2026-12-24) or a date and time with an offset (2026-12-24T12:00:00Z)" })
  .refine((s) => (DATE.test(s) || DATE_TIME.test(s)) && isCalendarDate(s) && !Number.isNaN(Date.parse(s)), {
    error: "expected a date (2026-12-24) or a date and time with an offset (2026-12-24T12:00:00Z)",
  });

const calendarDate = z
  .string({ error: "expected a date like 2026-12-25" })
  .regex(DATE, { error: "expected a date like 2026-12-25" })
  .refine((s) => !DATE.test(s) || isCalendarDate(s), { error: "expected a date like 2026-12-25" });

export const windowsSchema = z
  .strictObject({
    timezone: z
      .string({ error: "expected an IANA time zone such as Europe/Stockholm" })
      .refine(isTimeZone, {
        error: "expected an IANA time zone such as Europe/Stockholm or America/New_York",
      })
      .meta({ description: "IANA time zone in which days and times are read (daylight saving included)." }),
    allow: z
      .array(weeklySpan)
      .min(1)
      .optional()
      .meta({ description: "Deploys only inside one of these weekly spans." }),
    deny: z
      .array(weeklySpan)
      .min(1)
      .optional()
      .meta({ description: 'Never inside these weekly spans ("no Friday afternoon").' }),
    freezes: z
      .array(
        z.strictObject({
          name: text("a name")
            .optional()
            .meta({ description: 'What the freeze is called ("Year-end freeze").' }),
          from: instantOrDate.meta({ description: "First day (or instant) of the freeze." }),
          to: instantOrDate.meta({ description: "Last day (inclusive) or end instant of the freeze." }),
          reason: text("a reason").optional().meta({
            description: "Why: shown in the check run and `explain` while the freeze blocks deploys.",
          }),
        }),
      )
      .optional()
      .meta({ description: "Change freezes." }),
    blackout_dates: z
      .array(
        z.union([calendarDate, z.strictObject({ date: calendarDate, reason: text("a reason").optional() })], {
          error: "expected a date like 2026-12-25, or { date, reason }",
        }),
      )
      .optional()
      .meta({
        description:
          "Whole days, in the windows' time zone, with no deploys: dates, or { date, reason } to say why in the check run.",
      }),
    override: z
      .strictObject({
        change_types: z.array(name("a change type")).min(1).meta({
          description: "Change types that may deploy outside windows and freezes; the override is recorded.",
        }),
      })
      .optional(),
  })
  .meta({ description: "When deploys may happen." });

/**
 * A file in the repository, as the contents API names it: relative, forward slashes, no "." or ".."
 * segments (GitHub resolves none of them), ending in .ics.
 */
const HOLIDAY_FILE_ERROR = "expected a path in the repository to an .ics file, like .github/holidays.ics";
const holidayFilePath = z
  .string({ error: HOLIDAY_FILE_ERROR })
  .max(1000, { error: "the path is longer than 1000 characters" })
  .refine(
    (path) =>
      /\.ics$/i.test(path) &&
      ![...path].some((c) => c < " " || c === "\u007F" || c === "\\") &&
      path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== ".."),
    { error: HOLIDAY_FILE_ERROR },
  );

export const calendarSchema = z
  .strictObject({
    timezone: z
      .string({ error: "expected an IANA time zone such as Europe/Stockholm" })
      .refine(isTimeZone, {
        error: "expected an IANA time zone such as Europe/Stockholm or America/New_York",
      })
      .optional()
      .meta({ description: "The zone days are read in, when the environment has no `windows.timezone`." }),
    weekend: z
      .array(weekday)
      .optional()
      .meta({ description: "Days that are never business days (default sat and sun)." }),
    holidays: z
      .array(
        z.union(
          [
            calendarDate,
            z.strictObject({
              date: calendarDate,
              name: text("a name").optional(),
            }),
          ],
          { error: "expected a date like 2026-12-25, or { date, name }" },
        ),
      )
      .default([])
      .meta({ description: "Holidays: dates (2026-12-25) or { date, name }, never business days." }),
    holidays_file: holidayFilePath.optional().meta({
      description:
        "An iCalendar (.ics) file in the repository whose events are holidays too, read from the default branch with the policy (all-day and timed events, several days, yearly repeats). A file that is missing or that Tollgate cannot read exactly blocks business-day notices, naming the file and line.",
    }),
  })
  .meta({ description: "A holiday calendar: which days are business days." });

function isTimeZone(zone: string): boolean {
  if (!zone.includes("/") && zone !== "UTC") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const analysisRefs = z.array(name("an analysis name")).min(1).meta({ description: "Names from `analyses`." });

const rolloutStep = z
  .strictObject({
    weight: z
      .number({ error: "expected a traffic weight from 1 to 100" })
      .gt(0, { error: "expected a traffic weight from 1 to 100" })
      .max(100, { error: "expected a traffic weight from 1 to 100" })
      .optional()
      .meta({
        description: "Canary: the share of traffic, in percent, sent to the new version (TOLLGATE_WEIGHT).",
      }),
    percent: z
      .number({ error: "expected a percentage from 0 to 100" })
      .min(0, { error: "expected a percentage from 0 to 100" })
      .max(100, { error: "expected a percentage from 0 to 100" })
      .optional()
      .meta({ description: "Feature flag: the share of users who get the flag (TOLLGATE_WEIGHT)." }),
    pause: durationSchema
      .optional()
      .meta({ description: "Wait, analysing in the background, before the next step." }),
    analyses: analysisRefs
      .optional()
      .meta({ description: "Analyses after this step (default: the strategy's)." }),
  })
  .meta({ description: "One canary or feature-flag step." });

export const strategySchema = z
  .strictObject({
    type: strategyType,
    before: commands.optional().meta({
      description:
        "One-time commands before the first step (a backup, migrations): run once per rollout, their outcome recorded; a failure stops the rollout before any traffic moves. Not run again when a stopped rollout resumes past its first step.",
    }),
    run: commands
      .optional()
      .meta({ description: "Deploy commands (direct, rolling per batch, canary and flag per step)." }),
    batches: z
      .union([positiveInt, z.array(text("a batch name")).min(1)], {
        error: "expected a number of batches or a list of batch names",
      })
      .optional()
      .meta({ description: "Rolling: how many batches, or their names (TOLLGATE_BATCH)." }),
    steps: z
      .array(rolloutStep)
      .min(1)
      .optional()
      .meta({ description: "Canary weights or feature-flag percentages, in order." }),
    flag: text("a flag name").optional().meta({ description: "Feature flag: its name (TOLLGATE_FLAG)." }),
    deploy_idle: commands
      .optional()
      .meta({ description: "Blue-green: deploy the new version to the idle side." }),
    promote: commands.optional().meta({ description: "Blue-green: switch traffic to the new side." }),
    switch_back: commands
      .optional()
      .meta({ description: "Blue-green: switch traffic back to the old side." }),
    keep_old_for: durationSchema
      .optional()
      .meta({ description: "Blue-green: keep the old side this long after promotion." }),
    pause: durationSchema.optional().meta({ description: "Rolling: wait between batches." }),
    analyses: analysisRefs
      .optional()
      .meta({ description: "Analyses run after each step (and in the background)." }),
  })
  .meta({ description: "A rollout strategy: its type and the commands each step runs." });

const url = z
  .string({ error: "expected a URL" })
  .refine((s) => URL.canParse(s) && /^https?:/.test(s), { error: "expected an http(s) URL" });

const condition = z
  .string({ error: `expected ${CONDITION_HINT}` })
  .superRefine((s, ctx) => {
    const problem = conditionProblem(s);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  })
  .meta({
    description: `A condition on the measured value: ${CONDITION_HINT}, or ${EXPRESSION_HINT} over result, baseline and ratio (result / baseline) with + - * /, < <= > >= == !=, && || ! and units %, ms, s.`,
  });

export const analysisSchema = z
  .strictObject({
    title: text("a title").optional(),
    http: z
      .strictObject({
        url,
        method: z.enum(["GET", "HEAD", "POST"], { error: "expected GET, HEAD or POST" }).optional(),
        expect_status: z
          .array(z.int({ error: "expected an HTTP status" }).min(100).max(599))
          .min(1)
          .optional()
          .meta({ description: "Statuses counted as healthy (default: any 2xx)." }),
        json_path: text("a JSON path")
          .optional()
          .meta({ description: 'Dotted path to a number in the JSON body, e.g. "metrics.error_rate".' }),
        measure: z.enum(["value", "latency"], { error: "expected value or latency" }).optional().meta({
          description: "What the conditions compare: the JSON value or the latency in ms (default value).",
        }),
        timeout: durationSchema.optional().meta({
          description: "How long a probe may take before it is unreachable (default 10s).",
        }),
      })
      .optional()
      .meta({ description: "Probe an HTTP endpoint." }),
    prometheus: z
      .strictObject({
        address: url.meta({ description: "Prometheus base URL, e.g. http://prometheus:9090." }),
        query: text("a PromQL query").meta({
          description:
            "A PromQL instant query returning one sample; may use {{ environment }}, {{ sha }}, {{ version }}, {{ previous_sha }}, {{ weight }}.",
        }),
        baseline: text("a PromQL query").optional().meta({
          description:
            'The stable version\'s query, measured alongside `query` at each reading (e.g. with sha="{{ previous_sha }}"): `baseline` and `ratio` in conditions are its reading.',
        }),
        timeout: durationSchema.optional().meta({
          description:
            "How long a query may take before it is unreachable (default: half the interval, at most 10s).",
        }),
      })
      .optional()
      .meta({ description: "Query Prometheus's HTTP API." }),
    command: z
      .strictObject({
        run: text("a command"),
        measure: z
          .enum(["exit_code", "stdout"], { error: "expected exit_code or stdout" })
          .meta({ description: "exit_code: 0 is healthy; stdout: the number printed is the measurement." }),
      })
      .optional()
      .meta({ description: "Run a command." }),
    success: condition.optional().meta({ description: "A measurement is successful when this holds." }),
    failure: condition.optional().meta({ description: "A measurement is failed when this holds." }),
    warn: condition.optional().meta({
      description:
        "A measurement that is not failed is shown and recorded as a warning when this holds; a warning never fails, pauses or rolls back.",
    }),
    interval: durationSchema.optional().meta({ description: "Time between measurements (default 30s)." }),
    initial_delay: durationSchema.optional().meta({
      description:
        "Wait after a step's commands before its first measurement, so it sees the new version (default 0s).",
    }),
    count: positiveInt.optional().meta({ description: "Measurements per run (default 1)." }),
    failure_limit: nonNegativeInt
      .optional()
      .meta({ description: "The analysis fails when more measurements than this fail (default 0)." }),
    consecutive_error_limit: nonNegativeInt
      .optional()
      .meta({ description: "Measurement errors in a row tolerated before the analysis errors (default 4)." }),
    inconclusive_limit: nonNegativeInt.optional().meta({
      description:
        "The analysis is inconclusive when more measurements than this are inconclusive (default 0).",
    }),
    consecutive_successes: positiveInt.optional().meta({
      description:
        "Promote early: this many successful measurements in a row end the analysis and its step's pause (default off).",
    }),
    no_data: z
      .enum(["fail", "pass", "inconclusive"], { error: "expected fail, pass or inconclusive" })
      .optional()
      .meta({
        description:
          "How an answer without a value (no series, an empty result, NaN as 0/0 gives) counts (default inconclusive).",
      }),
    unreachable: z
      .enum(["error", "inconclusive", "fail"], { error: "expected error, inconclusive or fail" })
      .optional()
      .meta({
        description:
          "How a provider that is down or times out counts: error (see consecutive_error_limit) (default error).",
      }),
    inconclusive: z.enum(["fail", "pause"], { error: "expected fail or pause" }).optional().meta({
      description:
        "What an inconclusive analysis does: fail (roll back) or pause (stop and ask) (default fail).",
    }),
    dry_run: z.boolean({ error: "expected true or false" }).optional().meta({
      description:
        "Measure and record only: the analysis never fails, pauses or promotes a step (default false).",
    }),
    judge: z.enum(["mann-whitney"], { error: "expected mann-whitney" }).optional().meta({
      description:
        "Also compare the canary's readings with the baseline's over the run (Mann-Whitney U test): significantly worse fails.",
    }),
    alpha: z
      .number({ error: "expected a number between 0 and 1" })
      .gt(0, { error: "expected a number between 0 and 1" })
      .lt(1, { error: "expected a number between 0 and 1" })
      .optional()
      .meta({
        description: "The judge's significance level: a p-value below it is a difference (default 0.05).",
      }),
    worse: z.enum(["higher", "lower"], { error: "expected higher or lower" }).optional().meta({
      description:
        "Which direction is worse for the judge: higher (errors, latency) or lower (default higher).",
    }),
  })
  .meta({ description: "A health analysis: one provider (http, prometheus, command) and its conditions." });

export const environmentSchema = z
  .strictObject({
    description: text("a description").optional(),
    url: url
      .optional()
      .meta({ description: "The environment's URL (environment_url on deployment statuses)." }),
    approval: z
      .enum(["none", "automatic", "required"], { error: "expected none, automatic or required" })
      .meta({
        description:
          "none: no gate beyond the checklist · automatic: approved when the checklist passes · required: people must approve.",
      }),
    approvals: z.record(z.string(), approvalRuleSchema).optional().meta({
      description: 'Approval rule per change type; "*" applies to change types without their own rule.',
    }),
    deployers: approvers.optional().meta({
      description: "Who may start a deployment here (the workflow's actor); anyone when absent.",
    }),
    separation_of_duties: z
      .union(
        [
          z.boolean(),
          z.strictObject({
            identity: z
              .enum(["linked_emails", "verified_signatures"], {
                error: "expected linked_emails or verified_signatures",
              })
              .optional()
              .meta({
                description:
                  "How a commit's people are known. linked_emails (default): the accounts GitHub links to its author, committer and Co-authored-by emails, which whoever writes the commit chooses. verified_signatures: only the account whose key made a commit's valid signature; a commit without one keeps the approval from passing until it is signed.",
              }),
          }),
        ],
        { error: "expected true, false or { identity: linked_emails | verified_signatures }" },
      )
      .optional()
      .meta({
        description:
          "Who may not approve (default true): whoever started the deployment, the PR author, whoever force-pushed its branch, and the people on its commits (their authors, committers and co-authors; with identity: verified_signatures, their signers).",
      }),
    requires: z
      .array(
        z.strictObject({
          environment: name("an environment name").meta({ description: "An environment deployed first." }),
          soak: durationSchema
            .optional()
            .meta({ description: "How long ago that deployment of the same commit must have succeeded." }),
          soak_for: z
            .record(name("a change type"), durationSchema)
            .optional()
            .meta({ description: "A different soak per change type, e.g. { hotfix: 30m }." }),
        }),
      )
      .optional()
      .meta({ description: "Prerequisites: successful deployments of the same commit elsewhere." }),
    checklist: z
      .array(name("a checklist item id"))
      .optional()
      .meta({ description: "Ids from the top-level `checklist` that gate this environment." }),
    windows: windowsSchema.optional(),
    calendar: name("a calendar name").optional().meta({
      description:
        "The calendar, from the top-level `calendars`, on which business-day notice periods are counted (in `windows.timezone`).",
    }),
    strategies: z.array(name("a strategy name")).min(1).optional().meta({
      description: "Strategies allowed here, from the top-level `strategies`; the first is the default.",
    }),
    by_change_type: z
      .record(
        name("a change type"),
        z
          .strictObject({
            approval: z
              .enum(["none", "automatic", "required"], { error: "expected none, automatic or required" })
              .optional()
              .meta({ description: "The approval mode for this change type here." }),
            strategies: z.array(name("a strategy name")).min(1).optional().meta({
              description: "The strategies allowed for this change type here; the first is the default.",
            }),
          })
          .meta({ description: "What differs for one change type." }),
      )
      .optional()
      .meta({
        description:
          "Per change type, an approval mode and allowed strategies that replace the environment's (e.g. hotfix: { strategies: [direct] }).",
      }),
    validation: z
      .strictObject({
        at: z
          .array(durationSchema)
          .min(1)
          .meta({ description: "Checkpoints after the deployment, e.g. [0s, 5m, 30m]." }),
        analyses: analysisRefs,
        on_failure: z
          .enum(["rollback", "report"], { error: "expected rollback or report" })
          .optional()
          .meta({ description: "What a failed checkpoint does (default rollback)." }),
      })
      .optional()
      .meta({ description: "Post-deploy validation schedule." }),
    rollback: z
      .strictObject({
        run: commands.optional().meta({ description: "Rollback commands (TOLLGATE_PREVIOUS_SHA is set)." }),
        redeploy_previous: z
          .boolean({ error: "expected true or false" })
          .optional()
          .meta({ description: "Roll back by redeploying the last successful commit of this environment." }),
        workflow: text("a workflow file name").optional().meta({
          description: "Workflow file dispatched by a `/rollback <env>` comment, e.g. rollback.yml.",
        }),
        analyses: analysisRefs.optional().meta({ description: "Health checks after a rollback." }),
        required: z.boolean({ error: "expected true or false" }).optional().meta({
          description:
            "A rollback plan (run or redeploy_previous) must exist (default: true when approval is required).",
        }),
        approval: z.enum(["none", "required"], { error: "expected none or required" }).optional().meta({
          description:
            "Whether a redeploy with `rollback_of` in its evidence needs approval: none waives it, required judges it as any deployment (default none). Waived only when the commit redeployed has a verified success on this environment.",
        }),
      })
      .optional()
      .meta({ description: "How to roll back, and whether a rollback redeploy needs approval." }),
  })
  .meta({ description: "One deployment environment and its gate." });

export const changeTypesSchema = z
  .strictObject({
    default: name("a change type").meta({
      description: "The change type when no source names one.",
    }),
    types: z
      .record(
        name("a change type"),
        z.strictObject({
          description: text("a description").optional(),
          labels: z
            .array(text("a label"))
            .optional()
            .meta({ description: "PR labels that mark this change type." }),
          semver: z
            .enum(["major", "minor", "patch"], { error: "expected major, minor or patch" })
            .optional()
            .meta({ description: "A version bump of this size marks this change type." }),
          paths: z
            .array(text("a path glob"))
            .min(1)
            .optional()
            .meta({ description: "Changed paths that mark this change type, as globs (migrations/**)." }),
          diff: z
            .array(
              text("a regular expression").max(200, { error: "a pattern is at most 200 characters long" }),
            )
            .min(1)
            .optional()
            .meta({
              description:
                'Regular expressions, case-insensitive, over the lines the PR adds (their first 500 characters): a match marks this change type, e.g. "\\\\bDROP\\\\s+TABLE\\\\b". No repeated groups, and at most one unbounded repetition (*, +).',
            }),
          titles: z
            .array(
              z.string({ error: "expected a conventional-commit type" }).regex(/^(\*|[A-Za-z]+)!?$/, {
                error:
                  'expected a conventional-commit type such as "feat", "fix!" or "*!" (any breaking change)',
              }),
            )
            .min(1)
            .optional()
            .meta({
              description:
                'Conventional-commit types of the PR title that mark this change type: "feat" for "feat: …", "feat!" for "feat!: …", "*!" for any breaking change.',
            }),
        }),
      )
      .meta({ description: "Change types by name." }),
    order: z.array(name("a change type")).min(1).optional().meta({
      description:
        "Every change type, from the least to the most strict. When sources (labels, paths, diff, title, version) disagree, the strictest wins; without an order, a disagreement blocks the deployment as ambiguous. Labels of two change types always block.",
    }),
  })
  .meta({
    description:
      "How a change's type is derived: each source a type declares (labels, paths, diff, titles, semver) votes.",
  });

export const policySchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: "Editors: the JSON Schema of this file." }),
    version: z
      .literal(1, { error: "expected version: 1" })
      .meta({ description: "The policy language version: 1." }),
    approvers: z
      .record(
        name("a group name"),
        approvers.max(LIMITS.groupSize, {
          error: `a group has at most ${LIMITS.groupSize} entries (use a team for a larger set of people)`,
        }),
      )
      .optional()
      .meta({
        description: `Named approver groups, referenced as "group:<name>": at most ${LIMITS.groups} groups of ${LIMITS.groupSize} entries each, nested at most ${LIMITS.groupDepth} levels deep.`,
      }),
    change_types: changeTypesSchema.optional(),
    calendars: z
      .record(name("a calendar name"), calendarSchema)
      .optional()
      .meta({ description: "Holiday calendars by name, for business-day notice periods." }),
    checklist: z
      .record(name("a checklist item id"), checklistItemSchema)
      .optional()
      .meta({ description: "Checklist items by id, referenced from environments." }),
    strategies: z
      .record(name("a strategy name"), strategySchema)
      .optional()
      .meta({ description: "Rollout strategies by name." }),
    analyses: z
      .record(name("an analysis name"), analysisSchema)
      .optional()
      .meta({ description: "Health analyses by name." }),
    environments: z
      .record(name("an environment name"), environmentSchema)
      .refine((envs) => Object.keys(envs).length > 0, { error: "expected at least one environment" })
      .meta({ description: "The environments Tollgate gates, by name." }),
  })
  .meta({
    title: "Tollgate policy",
    description: "The deployment policy of a repository: .github/tollgate.yml.",
  });

export type PolicyDocument = z.infer<typeof policySchema>;
export type EnvironmentDocument = z.infer<typeof environmentSchema>;
export type ApprovalRuleDocument = z.infer<typeof approvalRuleSchema>;
export type ChecklistItemDocument = z.infer<typeof checklistItemSchema>;
export type StrategyDocument = z.infer<typeof strategySchema>;
export type AnalysisDocument = z.infer<typeof analysisSchema>;
export type WindowsDocument = z.infer<typeof windowsSchema>;
export type CalendarDocument = z.infer<typeof calendarSchema>;
