/** The policy's approval rules: who must approve a change type, how many, and when. */
import * as z from "zod";
import { DURATION_PATTERN } from "../duration.js";
import { approver, approvers, durationSchema, positiveInt } from "./fields.js";

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
