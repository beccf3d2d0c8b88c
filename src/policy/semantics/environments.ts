/**
 * Environments: references that resolve, notice periods counted in a known time zone, approval modes
 * that have the rules and rollback plan they need, windows that can hold, and no prerequisite cycles.
 */
import type { PathSegment } from "../errors.js";
import { own } from "../own.js";
import type { EnvironmentDocument, PolicyDocument } from "../schema.js";
import { BUSINESS_DAYS } from "../schema/approvals.js";
import { checkApprovalRule } from "./approval-rules.js";
import type { Report, SemanticContext } from "./context.js";

type At = (...rest: PathSegment[]) => PathSegment[];

export function checkEnvironments(context: SemanticContext): void {
  for (const [envName, env] of Object.entries(context.doc.environments)) {
    const at: At = (...rest) => ["environments", envName, ...rest];
    checkReferences(envName, env, at, context);
    checkWindows(env.windows, at("windows"), context.report);
    checkCalendar(env, at, context);
    checkByChangeType(env, at, context);
    checkApprovalModes(env, at, context);
    for (const [changeType, rule] of Object.entries(env.approvals ?? {}))
      checkApprovalRule(rule, at("approvals", changeType), changeType, context);
  }
  const cycle = findCycle(context.doc.environments);
  if (cycle)
    context.report(
      ["environments", cycle[0]!, "requires"],
      `prerequisites form a cycle: ${cycle.join(" → ")}`,
    );
}

function checkReferences(envName: string, env: EnvironmentDocument, at: At, context: SemanticContext): void {
  const { report, reference, changeTypeRef, strategyRef, analysisRefs, approverRef } = context;
  env.deployers?.forEach((spec, i) => approverRef(at("deployers", i), spec));
  env.requires?.forEach((r, i) => {
    for (const type of Object.keys(r.soak_for ?? {}))
      changeTypeRef(at("requires", i, "soak_for", type), type, true);
    if (r.environment === envName)
      report(at("requires", i, "environment"), "an environment cannot require itself");
    else
      reference(
        at("requires", i, "environment"),
        r.environment,
        context.environments,
        "environment",
        "environments",
      );
  });
  env.checklist?.forEach((id, i) =>
    reference(at("checklist", i), id, Object.keys(context.checklist), "checklist item", "checklist"),
  );
  env.strategies?.forEach((s, i) => strategyRef(at("strategies", i), s));
  analysisRefs(at("validation", "analyses"), env.validation?.analyses);
  analysisRefs(at("rollback", "analyses"), env.rollback?.analyses);
  env.windows?.override?.change_types.forEach((t, i) =>
    changeTypeRef(at("windows", "override", "change_types", i), t),
  );
}

/** The named calendar exists, and business days are counted where a time zone is known. */
function checkCalendar(env: EnvironmentDocument, at: At, { doc, report, reference }: SemanticContext): void {
  if (env.calendar !== undefined)
    reference(at("calendar"), env.calendar, Object.keys(doc.calendars ?? {}), "calendar", "calendars");
  const zoned =
    env.windows?.timezone !== undefined ||
    (env.calendar !== undefined && own(doc.calendars, env.calendar)?.timezone !== undefined);
  for (const [changeType, rule] of Object.entries(env.approvals ?? {})) {
    if (rule.notice !== undefined && BUSINESS_DAYS.test(rule.notice) && !zoned)
      report(
        at("approvals", changeType, "notice"),
        "business days are counted in a time zone: set `windows.timezone` here, or a `timezone` on the environment's calendar",
      );
  }
}

function checkByChangeType(
  env: EnvironmentDocument,
  at: At,
  { changeTypeRef, strategyRef }: SemanticContext,
): void {
  for (const [type, override] of Object.entries(env.by_change_type ?? {})) {
    changeTypeRef(at("by_change_type", type), type, true);
    override.strategies?.forEach((s, i) => strategyRef(at("by_change_type", type, "strategies", i), s));
  }
}

/**
 * Rules exist exactly where some change type requires approval (directly or through `by_change_type`),
 * cover every such change type, and come with a rollback plan unless the policy waives it.
 */
function checkApprovalModes(
  env: EnvironmentDocument,
  at: At,
  { report, changeTypes }: SemanticContext,
): void {
  const rules = env.approvals ?? {};
  const overrides = env.by_change_type ?? {};
  const modeOf = (type: string) => own(overrides, type)?.approval ?? env.approval;
  const requiring = changeTypes.filter((t) => modeOf(t) === "required");
  if (requiring.length === 0 && Object.keys(rules).length > 0) {
    report(
      at("approvals"),
      env.approval === "required"
        ? "approval rules are never used: `by_change_type` gives every change type another approval mode"
        : `approval rules are only used when \`approval: required\` (this environment has approval: ${env.approval})`,
      true,
    );
  }
  if (requiring.length === 0) return;
  if (Object.keys(rules).length === 0)
    report(
      env.approval === "required" ? at("approval") : at("by_change_type", requiring[0]!, "approval"),
      'approval: required needs `approvals` rules (use "*" for every change type)',
    );
  else if (!Object.hasOwn(rules, "*")) {
    const missing = requiring.filter((t) => !Object.hasOwn(rules, t));
    if (missing.length > 0)
      report(
        at("approvals"),
        `no approval rule for change type ${missing.map((t) => `"${t}"`).join(", ")}: add one or a "*" rule`,
        true,
      );
  }
  const rollbackRequired = env.rollback?.required ?? true;
  if (rollbackRequired && !env.rollback?.run && !env.rollback?.redeploy_previous) {
    report(
      at(env.rollback ? "rollback" : "approval"),
      "a rollback plan is required here: set `rollback.run` or `rollback.redeploy_previous: true`",
    );
  }
}

function checkWindows(
  windows: PolicyDocument["environments"][string]["windows"],
  path: PathSegment[],
  report: Report,
): void {
  if (!windows) return;
  for (const kind of ["allow", "deny"] as const) {
    windows[kind]?.forEach((span, i) => {
      if (span.from === span.to)
        report([...path, kind, i, "to"], `an empty span: from and to are both ${span.from}`);
      if (kind === "allow" && span.reason !== undefined)
        report([...path, kind, i, "reason"], "a reason says why deploys are denied: use it on `deny` spans");
    });
  }
  windows.freezes?.forEach((freeze, i) => {
    const from = freeze.from.length === 10 ? Date.parse(`${freeze.from}T00:00:00Z`) : Date.parse(freeze.from);
    const to = freeze.to.length === 10 ? Date.parse(`${freeze.to}T23:59:59Z`) : Date.parse(freeze.to);
    if (from > to)
      report(
        [...path, "freezes", i, "to"],
        `the freeze ends (${freeze.to}) before it starts (${freeze.from})`,
      );
  });
}

/** A cycle in the `requires` graph, as the environments along it (first repeated at the end). */
function findCycle(environments: PolicyDocument["environments"]): string[] | undefined {
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const open = stack.indexOf(name);
    if (open >= 0) return [...stack.slice(open), name];
    if (done.has(name) || !Object.hasOwn(environments, name)) return undefined;
    stack.push(name);
    // An environment requiring itself is reported on its own; here only longer cycles.
    for (const r of (environments[name]!.requires ?? []).filter((r) => r.environment !== name)) {
      const cycle = visit(r.environment);
      if (cycle) return cycle;
    }
    stack.pop();
    done.add(name);
    return undefined;
  };
  for (const name of Object.keys(environments)) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}
