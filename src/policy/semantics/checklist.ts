/** Checklist items: exactly one kind each, options only where their kind reads them, names that resolve. */
import { checklistKindOf } from "../model.js";
import { CHECKLIST_KINDS } from "../schema/checklist.js";
import type { SemanticContext } from "./context.js";

export function checkChecklist({ checklist, report, changeTypeRef, strategyRef }: SemanticContext): void {
  for (const [id, item] of Object.entries(checklist)) {
    const kinds = checklistKindOf(item);
    if (kinds.length !== 1) {
      report(
        ["checklist", id],
        kinds.length === 0
          ? `a checklist item needs one of: ${CHECKLIST_KINDS.join(", ")}`
          : `a checklist item has exactly one kind, found ${kinds.join(" and ")}: split it into separate items`,
      );
    }
    if (item.template !== undefined && item.pr_section === undefined)
      report(["checklist", id, "template"], "`template` is only used by a `pr_section` item", true);
    item.skip_for?.forEach((t, i) => changeTypeRef(["checklist", id, "skip_for", i], t));
    item.high_risk_paths?.strategies.forEach((s, i) =>
      strategyRef(["checklist", id, "high_risk_paths", "strategies", i], s),
    );
  }
}
