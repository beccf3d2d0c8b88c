/**
 * Checks that need the whole document: references between sections, and contradictions a schema
 * cannot see (an approval count no one could reach, a failure limit that can never be exceeded).
 */
import { parseDuration } from "./duration.js";
import { conditionNeedsBaseline, parseAnyCondition } from "./condition.js";
import { didYouMean, type PathSegment } from "./errors.js";
import { BUSINESS_DAYS } from "./schema/approvals.js";
import { CHECKLIST_KINDS } from "./schema/checklist.js";
import type { PolicyDocument, StrategyDocument } from "./schema.js";
import { own } from "./own.js";
import { checklistKindOf, parseApprover } from "./model.js";
import { LIMITS } from "./limits.js";
import { templateProblems } from "./template.js";
import { readingsNeeded } from "../rollout/mann-whitney.js";
import type { AnalysisDocument } from "./schema.js";

export interface SemanticIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** Point at the key rather than the value (e.g. an unknown name used as a key). */
  readonly atKey?: boolean;
}

/** Fields each strategy type uses; others are mistakes, not silently ignored. */
const STRATEGY_FIELDS: Record<
  StrategyDocument["type"],
  { required: (keyof StrategyDocument)[]; optional: (keyof StrategyDocument)[] }
> = {
  direct: { required: ["run"], optional: ["before", "analyses"] },
  rolling: { required: ["run", "batches"], optional: ["before", "pause", "analyses"] },
  "blue-green": {
    required: ["deploy_idle", "promote", "switch_back"],
    optional: ["before", "keep_old_for", "analyses"],
  },
  canary: { required: ["run", "steps"], optional: ["before", "analyses"] },
  "feature-flag": { required: ["run", "steps", "flag"], optional: ["before", "analyses"] },
};

export function checkSemantics(doc: PolicyDocument): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const report = (path: PathSegment[], message: string, atKey = false) =>
    issues.push({ path, message, atKey });

  const environments = Object.keys(doc.environments);
  const groups = doc.approvers ?? {};
  const changeTypes = doc.change_types ? Object.keys(doc.change_types.types) : ["standard"];
  const checklist = doc.checklist ?? {};
  const strategies = doc.strategies ?? {};
  const analyses = doc.analyses ?? {};

  const reference = (
    path: PathSegment[],
    value: string,
    known: string[],
    what: string,
    section: string,
    atKey = false,
  ) => {
    if (!known.includes(value)) {
      report(
        path,
        `unknown ${what} "${value}"${didYouMean(value, known)}; define it under \`${section}\``,
        atKey,
      );
    }
  };
  const analysisRefs = (path: PathSegment[], refs: string[] | undefined) =>
    refs?.forEach((ref, i) => reference([...path, i], ref, Object.keys(analyses), "analysis", "analyses"));

  // Approver groups: references to other groups must resolve, without cycles, within the limits.
  const groupMap = new Map(Object.entries(groups));
  const approverRef = (path: PathSegment[], spec: string) => {
    const ref = parseApprover(spec);
    if (ref.kind === "group" && !groupMap.has(ref.group))
      reference(path, ref.group, [...groupMap.keys()], "approver group", "approvers");
  };
  const groupCycle = findGroupCycle(groupMap);
  if (groupCycle)
    report(["approvers", groupCycle[0]!], `approver groups form a cycle: ${groupCycle.join(" → ")}`);
  for (const [name, specs] of groupMap) {
    specs.forEach((spec, i) => {
      approverRef(["approvers", name, i], spec);
      const ref = parseApprover(spec);
      if (ref.kind === "group" && ref.group === name)
        report(["approvers", name, i], `group "${name}" includes itself`);
    });
  }
  if (groupMap.size > LIMITS.groups)
    report(
      ["approvers"],
      `${groupMap.size} approver groups; at most ${LIMITS.groups} are allowed (use teams for large sets of people)`,
      true,
    );
  for (const [name, chain, index] of tooDeepGroups(groupMap)) {
    report(
      ["approvers", name, index],
      `approver groups nest ${chain.length} deep (${chain.join(" → ")}); at most ${LIMITS.groupDepth} levels are allowed: include the people or teams directly`,
    );
  }

  // Change types.
  if (doc.change_types) {
    const { types } = doc.change_types;
    reference(
      ["change_types", "default"],
      doc.change_types.default,
      changeTypes,
      "change type",
      "change_types.types",
    );
    const labelOwner = new Map<string, string>();
    const semverOwner = new Map<string, string>();
    for (const [type, def] of Object.entries(types)) {
      def.labels?.forEach((label, i) => {
        const owner = labelOwner.get(label.toLowerCase());
        if (owner)
          report(
            ["change_types", "types", type, "labels", i],
            `label "${label}" already marks change type "${owner}"`,
          );
        labelOwner.set(label.toLowerCase(), type);
      });
      def.diff?.forEach((source, i) => {
        const problem = patternProblem(source);
        if (problem) report(["change_types", "types", type, "diff", i], problem);
      });
      if (def.semver) {
        const owner = semverOwner.get(def.semver);
        if (owner)
          report(
            ["change_types", "types", type, "semver"],
            `a ${def.semver} bump already marks change type "${owner}"`,
          );
        semverOwner.set(def.semver, type);
      }
    }
  }

  if (doc.change_types?.order) {
    const { order } = doc.change_types;
    const seen = new Set<string>();
    order.forEach((type, i) => {
      if (seen.has(type)) report(["change_types", "order", i], `"${type}" is listed twice`);
      seen.add(type);
      reference(["change_types", "order", i], type, changeTypes, "change type", "change_types.types");
    });
    const unlisted = changeTypes.filter((t) => !seen.has(t));
    if (unlisted.length > 0)
      report(
        ["change_types", "order"],
        `the order must list every change type; missing ${unlisted.map((t) => `"${t}"`).join(", ")}`,
      );
  }

  // Checklist items: exactly one kind each.
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
    item.skip_for?.forEach((t, i) =>
      reference(["checklist", id, "skip_for", i], t, changeTypes, "change type", "change_types.types"),
    );
    item.high_risk_paths?.strategies.forEach((s, i) =>
      reference(
        ["checklist", id, "high_risk_paths", "strategies", i],
        s,
        Object.keys(strategies),
        "strategy",
        "strategies",
      ),
    );
  }

  // Strategies: the fields their type needs, and no others.
  for (const [name, strategy] of Object.entries(strategies)) {
    const { required, optional } = STRATEGY_FIELDS[strategy.type];
    for (const field of required) {
      if (strategy[field] === undefined)
        report(["strategies", name], `a ${strategy.type} strategy needs \`${field}\``);
    }
    for (const field of Object.keys(strategy) as (keyof StrategyDocument)[]) {
      if (field !== "type" && !required.includes(field) && !optional.includes(field)) {
        report(["strategies", name, field], `not used by a ${strategy.type} strategy`, true);
      }
    }
    const stepKey = strategy.type === "canary" ? "weight" : "percent";
    const otherKey = strategy.type === "canary" ? "percent" : "weight";
    if (strategy.type === "canary" || strategy.type === "feature-flag") {
      let previous = -1;
      strategy.steps?.forEach((step, i) => {
        const value = step[stepKey];
        if (value === undefined)
          report(["strategies", name, "steps", i], `a ${strategy.type} step needs \`${stepKey}\``);
        if (step[otherKey] !== undefined)
          report(
            ["strategies", name, "steps", i, otherKey],
            `not used by a ${strategy.type} step (use \`${stepKey}\`)`,
            true,
          );
        if (value !== undefined && value <= previous) {
          report(
            ["strategies", name, "steps", i, stepKey],
            `steps must increase: ${value} after ${previous}`,
          );
        }
        if (value !== undefined) previous = value;
        analysisRefs(["strategies", name, "steps", i, "analyses"], step.analyses);
      });
    }
    analysisRefs(["strategies", name, "analyses"], strategy.analyses);
  }

  // Analyses: one provider, conditions that can be met, limits that mean something.
  for (const [name, analysis] of Object.entries(analyses)) {
    const providers = (["http", "prometheus", "command"] as const).filter((p) => analysis[p] !== undefined);
    if (providers.length !== 1) {
      report(
        ["analyses", name],
        providers.length === 0
          ? "an analysis needs one provider: http, prometheus or command"
          : `an analysis has one provider, found ${providers.join(" and ")}`,
      );
    }
    const needsCondition =
      analysis.prometheus !== undefined ||
      analysis.command?.measure === "stdout" ||
      analysis.http?.json_path !== undefined;
    if (
      needsCondition &&
      analysis.success === undefined &&
      analysis.failure === undefined &&
      analysis.warn === undefined &&
      analysis.judge === undefined
    ) {
      report(["analyses", name], "a measured value needs a `success`, `failure` or `warn` condition");
    }
    // A warning must never stop a rollout: a baseline read for it alone would (a missing baseline fails).
    const warn = analysis.warn === undefined ? undefined : parseAnyCondition(analysis.warn);
    const decidingReadsBaseline = [analysis.success, analysis.failure].some((c) => {
      const parsed = c === undefined ? undefined : parseAnyCondition(c);
      return parsed !== undefined && conditionNeedsBaseline(parsed);
    });
    if (
      warn !== undefined &&
      conditionNeedsBaseline(warn) &&
      !decidingReadsBaseline &&
      analysis.prometheus?.baseline === undefined
    )
      report(
        ["analyses", name, "warn"],
        "this `warn` compares with a baseline no `success` or `failure` condition reads: measuring one only to warn could stop the rollout; add `prometheus.baseline` or warn on an absolute threshold",
      );
    if (analysis.http?.measure === "value" && analysis.http.json_path === undefined) {
      report(
        ["analyses", name, "http", "measure"],
        "measure: value needs a `json_path` into the response body",
      );
    }
    const interval = parseDuration(analysis.interval ?? "30s") ?? 30_000;
    // Only Prometheus's: an HTTP probe's timeout predates this check, and policies rely on it.
    const timeout = analysis.prometheus?.timeout;
    const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout);
    if (timeoutMs !== undefined && timeoutMs >= interval)
      report(
        ["analyses", name, "prometheus", "timeout"],
        `a timeout of ${timeout} leaves no time before the next measurement (interval ${analysis.interval ?? "30s"}): make it shorter than the interval`,
      );
    if (analysis.unreachable !== undefined && analysis.command !== undefined)
      report(
        ["analyses", name, "unreachable"],
        "a command is never unreachable: `unreachable` applies to http and prometheus analyses",
      );
    templateChecks(name, analysis, report);
    const count = analysis.count ?? 1;
    if (analysis.judge !== undefined && analysis.prometheus?.baseline === undefined)
      report(
        ["analyses", name, "judge"],
        "the judge compares the canary with its baseline: add `prometheus.baseline`, the stable version's query",
      );
    else if (analysis.judge !== undefined && readingsNeeded(analysis.alpha ?? 0.05) > count)
      report(
        ["analyses", name, "count"],
        `${count} reading${count === 1 ? "" : "s"} can never show a difference at alpha ${analysis.alpha ?? 0.05}: the judge needs count ${readingsNeeded(analysis.alpha ?? 0.05)} at least`,
      );
    for (const key of ["alpha", "worse"] as const)
      if (analysis[key] !== undefined && analysis.judge === undefined)
        report(
          ["analyses", name, key],
          `\`${key}\` applies to \`judge: mann-whitney\`: add it or remove \`${key}\``,
        );
    if (analysis.failure_limit !== undefined && analysis.failure_limit >= count) {
      report(
        ["analyses", name, "failure_limit"],
        `a failure limit of ${analysis.failure_limit} with count ${count} can never be exceeded: lower it below ${count}`,
      );
    }
  }

  // Environments.
  for (const [envName, env] of Object.entries(doc.environments)) {
    const at = (...rest: PathSegment[]): PathSegment[] => ["environments", envName, ...rest];

    env.deployers?.forEach((spec, i) => approverRef(at("deployers", i), spec));
    env.requires?.forEach((r, i) => {
      for (const type of Object.keys(r.soak_for ?? {})) {
        reference(
          at("requires", i, "soak_for", type),
          type,
          changeTypes,
          "change type",
          "change_types.types",
          true,
        );
      }
      if (r.environment === envName)
        report(at("requires", i, "environment"), "an environment cannot require itself");
      else
        reference(
          at("requires", i, "environment"),
          r.environment,
          environments,
          "environment",
          "environments",
        );
    });
    env.checklist?.forEach((id, i) =>
      reference(at("checklist", i), id, Object.keys(checklist), "checklist item", "checklist"),
    );
    env.strategies?.forEach((s, i) =>
      reference(at("strategies", i), s, Object.keys(strategies), "strategy", "strategies"),
    );
    analysisRefs(at("validation", "analyses"), env.validation?.analyses);
    analysisRefs(at("rollback", "analyses"), env.rollback?.analyses);
    env.windows?.override?.change_types.forEach((t, i) =>
      reference(
        at("windows", "override", "change_types", i),
        t,
        changeTypes,
        "change type",
        "change_types.types",
      ),
    );
    checkWindows(env.windows, at("windows"), report);
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

    const rules = env.approvals ?? {};
    const overrides = env.by_change_type ?? {};
    for (const [type, override] of Object.entries(overrides)) {
      reference(at("by_change_type", type), type, changeTypes, "change type", "change_types.types", true);
      override.strategies?.forEach((s, i) =>
        reference(
          at("by_change_type", type, "strategies", i),
          s,
          Object.keys(strategies),
          "strategy",
          "strategies",
        ),
      );
    }
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
    if (requiring.length > 0) {
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
    for (const [changeType, rule] of Object.entries(rules)) {
      const rulePath = at("approvals", changeType);
      if (changeType !== "*")
        reference(rulePath, changeType, changeTypes, "change type", "change_types.types", true);
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
        if (index > 0 && (req.from !== undefined) === (req.every_member_of !== undefined)) {
          report(reqPath, "a requirement needs exactly one of: `from` (with `count`) or `every_member_of`");
        }
        if (req.count !== undefined && req.from === undefined)
          report([...reqPath, "count"], "`count` needs `from`: who may approve");
        req.from?.forEach((spec, i) => approverRef([...reqPath, "from", i], spec));
        if (req.every_member_of !== undefined) {
          approverRef([...reqPath, "every_member_of"], req.every_member_of);
          if (parseApprover(req.every_member_of).kind === "role") {
            report(
              [...reqPath, "every_member_of"],
              "every_member_of needs a team, a group or a user, not a role",
            );
          }
        }
        if (req.from && req.count !== undefined) {
          const users = enumerableUsers(req.from, groupMap);
          if (users && req.count > users.size) {
            report(
              [...reqPath, "count"],
              `${req.count} approvals needed but only ${users.size} ${users.size === 1 ? "person is" : "people are"} in \`from\` (${[...users].join(", ")})`,
            );
          }
        }
      });
    }
  }

  const cycle = findCycle(doc.environments);
  if (cycle)
    report(["environments", cycle[0]!, "requires"], `prerequisites form a cycle: ${cycle.join(" → ")}`);
  return issues;
}

/**
 * Why a `diff` pattern cannot be used. JavaScript's regular expressions backtrack, and the App runs
 * these over every added line of every PR, so only patterns whose cost stays near-linear are taken:
 * no repeated group (`(a+)+`, `(a|b)*`, exponential) and at most one unbounded repetition (`\s*\s*x`
 * is already cubic on a long line). Keywords with `\s+` or `\b` between them are what this is for.
 */
/** Placeholders in queries and URLs: known names, and text values only where they can be escaped. */
function templateChecks(
  name: string,
  analysis: AnalysisDocument,
  report: (path: PathSegment[], message: string) => void,
): void {
  const checked: [PathSegment[], string | undefined, "promql" | "url"][] = [
    [["analyses", name, "prometheus", "query"], analysis.prometheus?.query, "promql"],
    [["analyses", name, "prometheus", "baseline"], analysis.prometheus?.baseline, "promql"],
    [["analyses", name, "http", "url"], analysis.http?.url, "url"],
  ];
  for (const [path, template, target] of checked)
    if (template !== undefined)
      for (const problem of templateProblems(template, target)) report(path, problem);
}

function patternProblem(source: string): string | undefined {
  try {
    new RegExp(source, "i");
  } catch (error) {
    return `not a regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, "")}`;
  }
  let unbounded = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      continue;
    }
    if (char === "[") inClass = true;
    const next = source[i + 1];
    if (char === ")" && (next === "*" || next === "+" || next === "?" || next === "{"))
      return "a repeated group (like (a+)+ or (a|b)*) can take exponential time: repeat single characters or classes only";
    if (char === "*" || char === "+" || (char === "{" && /^\{\d+,\}/.test(source.slice(i)))) unbounded++;
  }
  if (unbounded > 1)
    return `${unbounded} unbounded repetitions (*, + or {n,}) can take polynomial time on long lines: use at most one`;
  return undefined;
}

/** A cycle of two or more approver groups including each other (a group including itself is reported apart). */
function findGroupCycle(groups: ReadonlyMap<string, string[]>): string[] | undefined {
  const includes = (name: string) =>
    (groups.get(name) ?? [])
      .map(parseApprover)
      .flatMap((ref) => (ref.kind === "group" && ref.group !== name ? [ref.group] : []));
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const open = stack.indexOf(name);
    if (open >= 0) return [...stack.slice(open), name];
    if (done.has(name) || !groups.has(name)) return undefined;
    stack.push(name);
    for (const next of includes(name)) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    done.add(name);
    return undefined;
  };
  for (const name of groups.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Groups whose nesting first goes past the limit: each with its deepest chain and the entry that
 * starts it. Depths are memoized, so this is linear in the size of the `approvers` section.
 */
function tooDeepGroups(groups: ReadonlyMap<string, string[]>): [string, string[], number][] {
  const chains = new Map<string, { chain: string[]; index: number }>();
  const open = new Set<string>();
  const deepest = (name: string): { chain: string[]; index: number } => {
    const known = chains.get(name);
    if (known) return known;
    if (open.has(name) || !groups.has(name)) return { chain: [], index: -1 };
    open.add(name);
    let best = { chain: [name], index: -1 };
    groups.get(name)!.forEach((spec, index) => {
      const ref = parseApprover(spec);
      if (ref.kind !== "group") return;
      const below = deepest(ref.group).chain;
      if (below.length + 1 > best.chain.length) best = { chain: [name, ...below], index };
    });
    open.delete(name);
    chains.set(name, best);
    return best;
  };
  const found: [string, string[], number][] = [];
  for (const name of groups.keys()) {
    const { chain, index } = deepest(name);
    if (chain.length === LIMITS.groupDepth + 1) found.push([name, chain, index]);
  }
  return found;
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

/**
 * The users behind a `from` list when it names only users and groups of users; undefined when it
 * names a team or a role (known only at run time). Each group is walked once, however often named.
 */
function enumerableUsers(specs: string[], groups: ReadonlyMap<string, string[]>): Set<string> | undefined {
  const users = new Set<string>();
  const walked = new Set<string>();
  const walk = (spec: string): boolean => {
    const ref = parseApprover(spec);
    if (ref.kind === "user") users.add(ref.login);
    else if (ref.kind !== "group") return false;
    else if (!walked.has(ref.group)) {
      walked.add(ref.group);
      return (groups.get(ref.group) ?? []).every(walk);
    }
    return true;
  };
  return specs.every(walk) ? users : undefined;
}

function checkWindows(
  windows: PolicyDocument["environments"][string]["windows"],
  path: PathSegment[],
  report: (path: PathSegment[], message: string) => void,
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
