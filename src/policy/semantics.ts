/**
 * Checks that need the whole document: references between sections, and contradictions a schema
 * cannot see (an approval count no one could reach, a failure limit that can never be exceeded).
 * Each section has its checks in src/policy/semantics/; they run in document order, so issues are
 * reported in the order a reader meets them.
 */
import type { PathSegment } from "./errors.js";
import type { PolicyDocument } from "./schema.js";
import { checkAnalyses } from "./semantics/analyses.js";
import { checkApproverGroups } from "./semantics/approvers.js";
import { checkChangeTypeOrder, checkChangeTypes } from "./semantics/change-types.js";
import { checkChecklist } from "./semantics/checklist.js";
import { semanticContext } from "./semantics/context.js";
import { checkEnvironments } from "./semantics/environments.js";
import { checkStrategies } from "./semantics/strategies.js";

export interface SemanticIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** Point at the key rather than the value (e.g. an unknown name used as a key). */
  readonly atKey?: boolean;
}

export function checkSemantics(doc: PolicyDocument): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const context = semanticContext(doc, (path, message, atKey = false) =>
    issues.push({ path, message, atKey }),
  );
  checkApproverGroups(context);
  checkChangeTypes(context);
  checkChangeTypeOrder(context);
  checkChecklist(context);
  checkStrategies(context);
  checkAnalyses(context);
  checkEnvironments(context);
  return issues;
}
