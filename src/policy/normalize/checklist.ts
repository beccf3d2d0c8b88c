/** Checklist items as the engine reads them: one kind each, with a default title saying what it checks. */
import { ALL_ALERT_SOURCES, checklistKindOf, type ChecklistItem, type ChecklistKind } from "../model.js";
import type { ChecklistItemDocument } from "../schema.js";

const DEFAULT_TITLES: Record<ChecklistKind, (item: ChecklistItemDocument) => string> = {
  checks: (i) => `CI checks green: ${i.checks!.map((c) => (typeof c === "string" ? c : c.name)).join(", ")}`,
  reviews: (i) => `${i.reviews} approving review${i.reviews === 1 ? "" : "s"}`,
  security_alerts: (i) =>
    `No open ${typeof i.security_alerts === "string" ? i.security_alerts : i.security_alerts!.severity} (or worse) security alerts`,
  pr_section: (i) => `"${i.pr_section}" section in the PR description`,
  changed_files: (i) => `Changed: ${i.changed_files!.join(", ")}`,
  no_secrets: () => "No secrets in the diff",
  high_risk_paths: (i) =>
    `High-risk paths (${i.high_risk_paths!.paths.join(", ")}) ship only with ${i.high_risk_paths!.strategies.join(" or ")}`,
  checkbox: (i) => `Checked: "${i.checkbox}"`,
};

export function normalizeItem(id: string, item: ChecklistItemDocument): ChecklistItem {
  const [kind] = checklistKindOf(item) as [ChecklistKind];
  const base = {
    id,
    title: item.title ?? DEFAULT_TITLES[kind](item),
    skipFor: item.skip_for ?? [],
    ...(item.when_changed ? { whenChanged: item.when_changed } : {}),
  };
  switch (kind) {
    case "checks":
      return {
        ...base,
        kind,
        checks: item.checks!.map((c) => (typeof c === "string" ? { name: c } : { name: c.name, app: c.app })),
      };
    case "reviews":
      return { ...base, kind, count: item.reviews! };
    case "security_alerts":
      return typeof item.security_alerts === "string"
        ? { ...base, kind, severity: item.security_alerts, sources: ALL_ALERT_SOURCES }
        : {
            ...base,
            kind,
            severity: item.security_alerts!.severity,
            sources: [...new Set(item.security_alerts!.sources ?? ALL_ALERT_SOURCES)],
          };
    case "pr_section":
      return {
        ...base,
        kind,
        heading: item.pr_section!,
        ...(item.template !== undefined ? { template: item.template } : {}),
      };
    case "changed_files":
      return { ...base, kind, globs: item.changed_files! };
    case "no_secrets":
      return { ...base, kind };
    case "high_risk_paths":
      return {
        ...base,
        kind,
        globs: item.high_risk_paths!.paths,
        strategies: item.high_risk_paths!.strategies,
      };
    case "checkbox":
      return { ...base, kind, label: item.checkbox! };
  }
}
