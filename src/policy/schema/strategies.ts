/** The policy's rollout strategies: a type, and the commands and steps that type runs. */
import * as z from "zod";
import { analysisRefs, commands, durationSchema, positiveInt, text } from "./fields.js";

const strategyType = z.enum(["direct", "rolling", "blue-green", "canary", "feature-flag"], {
  error: "expected a strategy type: direct, rolling, blue-green, canary or feature-flag",
});

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
