/** One deployment environment: its approval mode and rules, prerequisites, checklist, windows, strategies, validation and rollback. */
import * as z from "zod";
import { approvalRuleSchema } from "./approvals.js";
import { analysisRefs, approvers, commands, durationSchema, name, text, url } from "./fields.js";
import { windowsSchema } from "./windows.js";

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
