/**
 * Approval rules as the engine reads them: shorthand and `all_of` as one list of requirements, notice
 * periods in milliseconds or business days on the environment's calendar.
 */
import { parseApprover, type ApprovalRule, type BusinessCalendar, type Requirement } from "../model.js";
import { own } from "../own.js";
import type { ApprovalRuleDocument, EnvironmentDocument, PolicyDocument } from "../schema.js";
import { BUSINESS_DAYS } from "../schema/approvals.js";
import { durationMs } from "./values.js";

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
    ...(rule.after_deploy_within !== undefined
      ? { afterDeployWithinMs: durationMs(rule.after_deploy_within) }
      : {}),
    preApproved: rule.pre_approved === true,
  };
}

function notice(
  text: string | undefined,
  calendar: BusinessCalendar | undefined,
): Pick<ApprovalRule, "noticeMs" | "noticeBusinessDays"> {
  const business = text !== undefined ? BUSINESS_DAYS.exec(text) : null;
  if (!business) return { noticeMs: durationMs(text) };
  const count = Number(business[1]);
  // The semantic checks guarantee a zone wherever business days are used.
  return { noticeMs: count * 86_400_000, noticeBusinessDays: { count, ...calendar! } };
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
