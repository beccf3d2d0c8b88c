/** The policy's readiness checklist items: one kind key each, with the options that kind reads. */
import * as z from "zod";
import { name, positiveInt, text } from "./fields.js";

const severity = z.enum(["critical", "high", "medium", "low"], {
  error: "expected a severity: critical, high, medium or low",
});
export const ALERT_SOURCES = ["dependabot", "code_scanning", "secret_scanning"] as const;
const alertSource = z.enum(ALERT_SOURCES, {
  error: "expected an alert source: dependabot, code_scanning or secret_scanning",
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
