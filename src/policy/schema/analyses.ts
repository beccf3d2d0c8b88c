/** The policy's health analyses: one provider (http, prometheus, command) and the conditions on its readings. */
import * as z from "zod";
import { CONDITION_HINT, EXPRESSION_HINT, conditionProblem } from "../condition.js";
import { durationSchema, nonNegativeInt, positiveInt, text, url } from "./fields.js";

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
