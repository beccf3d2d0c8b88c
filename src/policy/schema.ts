/**
 * The policy language: `.github/tollgate.yml`, version 1.
 *
 * One zod schema is the single source of truth: the loader validates with it, the JSON Schema in
 * schema/tollgate.schema.json is generated from it, and the README's policy reference is generated
 * from the descriptions written here. Durations and conditions are kept as the author wrote them and
 * parsed by refinements, so the JSON Schema describes exactly what a person types.
 */
import * as z from "zod";
import { LIMITS } from "./limits.js";
import { analysisSchema } from "./schema/analyses.js";
import type { approvalRuleSchema } from "./schema/approvals.js";
import { checklistItemSchema } from "./schema/checklist.js";
import { environmentSchema } from "./schema/environment.js";
import { approvers, name, text } from "./schema/fields.js";
import { strategySchema } from "./schema/strategies.js";
import type { windowsSchema } from "./schema/windows.js";
import { calendarSchema } from "./schema/windows.js";

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
