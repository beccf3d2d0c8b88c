/**
 * One approval rule: exactly one form, no notice or deadline where they cannot apply, and requirements
 * whose approvers exist and whose counts the people they name could reach.
 */
import type { PathSegment } from "../errors.js";
import { parseApprover } from "../model.js";
import type { ApprovalRuleDocument } from "../schema.js";
import { enumerableUsers } from "./approvers.js";
import type { SemanticContext } from "./context.js";

type RequirementDocument = NonNullable<ApprovalRuleDocument["all_of"]>[number];

export function checkApprovalRule(
  rule: ApprovalRuleDocument,
  rulePath: PathSegment[],
  changeType: string,
  context: SemanticContext,
): void {
  const { report, changeTypeRef } = context;
  if (changeType !== "*") changeTypeRef(rulePath, changeType, true);
  const forms = [
    rule.from !== undefined || rule.count !== undefined,
    rule.every_member_of !== undefined,
    rule.all_of !== undefined,
    rule.pre_approved !== undefined,
  ].filter(Boolean).length;
  if (forms !== 1) {
    report(
      rulePath,
      "a rule needs exactly one of: `from` (with `count`), `every_member_of`, `all_of`, or `pre_approved`",
    );
  }
  if (rule.pre_approved && (rule.notice !== undefined || rule.after_deploy_within !== undefined)) {
    report(rulePath, "a pre-approved change type has no notice period or approval deadline");
  }
  if (rule.after_deploy_within !== undefined && rule.notice !== undefined) {
    report(
      [...rulePath, "notice"],
      "an emergency rule (after_deploy_within) cannot also demand a notice period",
    );
  }
  const requirements = [rule, ...(rule.all_of ?? [])];
  requirements.forEach((req, index) => {
    const reqPath = index === 0 ? rulePath : [...rulePath, "all_of", index - 1];
    checkRequirement(req, reqPath, index > 0, context);
  });
}

/** The rule itself (its shorthand) or one of its `all_of` entries, which must pick exactly one form. */
function checkRequirement(
  req: RequirementDocument,
  reqPath: PathSegment[],
  inAllOf: boolean,
  { report, approverRef, groups }: SemanticContext,
): void {
  if (inAllOf && (req.from !== undefined) === (req.every_member_of !== undefined)) {
    report(reqPath, "a requirement needs exactly one of: `from` (with `count`) or `every_member_of`");
  }
  if (req.count !== undefined && req.from === undefined)
    report([...reqPath, "count"], "`count` needs `from`: who may approve");
  req.from?.forEach((spec, i) => approverRef([...reqPath, "from", i], spec));
  if (req.every_member_of !== undefined) {
    approverRef([...reqPath, "every_member_of"], req.every_member_of);
    if (parseApprover(req.every_member_of).kind === "role") {
      report([...reqPath, "every_member_of"], "every_member_of needs a team, a group or a user, not a role");
    }
  }
  if (req.from && req.count !== undefined) {
    const users = enumerableUsers(req.from, groups);
    if (users && req.count > users.size) {
      report(
        [...reqPath, "count"],
        `${req.count} approvals needed but only ${users.size} ${users.size === 1 ? "person is" : "people are"} in \`from\` (${[...users].join(", ")})`,
      );
    }
  }
}
