/** One evaluator per checklist item kind: evidence in, a checklist row out. Pure. */
import type { AlertSource, ChecklistItem, RequiredCheck, Severity } from "../policy/model.js";
import type { ChecklistResult } from "./decision.js";
import type { Evidence } from "./evidence.js";
import { matchesAny } from "./glob.js";
import { assessSection, checkboxState, sectionText } from "./markdown.js";
import { findSecrets } from "./secrets.js";

export interface ItemContext {
  readonly evidence: Evidence;
  /** The strategy this deployment will use (requested, or the environment's default). */
  readonly strategy?: string;
}

type Row = Omit<ChecklistResult, "id" | "title">;
type PullRequest = NonNullable<Evidence["pull_request"]>;

const SOURCE_NAMES: Record<AlertSource, string> = {
  dependabot: "Dependabot",
  code_scanning: "code scanning",
  secret_scanning: "secret scanning",
};
const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };
const PASSING_CHECK_STATES = new Set(["success", "neutral", "skipped"]);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function evaluateItem(item: ChecklistItem, context: ItemContext): ChecklistResult {
  return { id: item.id, title: item.title, ...rowFor(item, context) };
}

function rowFor(item: ChecklistItem, { evidence, strategy }: ItemContext): Row {
  switch (item.kind) {
    case "checks":
      return checks(item.checks, evidence);
    case "security_alerts":
      return securityAlerts(item.severity, item.sources, evidence);
  }
  const pr = evidence.pull_request;
  if (!pr) {
    return {
      state: "failed",
      code: "no_pull_request",
      reason: `no pull request was found for ${evidence.sha.slice(0, 7)}, so this cannot be checked`,
      fix: "deploy a commit that was merged through a pull request",
    };
  }
  switch (item.kind) {
    case "reviews":
      return reviews(item.count, pr, evidence);
    case "pr_section":
      return prSection(item.heading, item.template, pr);
    case "changed_files":
      return changedFiles(item.globs, pr);
    case "no_secrets":
      return noSecrets(pr, evidence);
    case "high_risk_paths":
      return highRisk(item.globs, item.strategies, pr, strategy);
    case "checkbox":
      return checkbox(item.label, pr);
  }
}

function checks(required: readonly RequiredCheck[], evidence: Evidence): Row {
  const failed: string[] = [];
  const pending: string[] = [];
  const missing: string[] = [];
  // Reports of a bound check's name from elsewhere (a commit status, another App): never counted, but named.
  const elsewhere: string[] = [];
  for (const { name, app } of required) {
    const named = evidence.checks.filter((c) => c.name === name);
    const runs = app === undefined ? named : named.filter((c) => c.app === app);
    if (runs.length < named.length) elsewhere.push(`${name} (only ${app}'s check runs count)`);
    if (runs.length === 0) missing.push(name);
    else if (runs.some((r) => r.state === "failure" || r.state === "error")) failed.push(name);
    else if (!runs.every((r) => PASSING_CHECK_STATES.has(r.state))) pending.push(name);
  }
  if (failed.length > 0) {
    return {
      state: "failed",
      code: "checks_failed",
      reason: `failed: ${failed.join(", ")}`,
      fix: "fix the failing checks and push, or re-run them",
    };
  }
  if (pending.length > 0)
    return { state: "pending", code: "checks_pending", reason: `still running: ${pending.join(", ")}` };
  if (missing.length > 0) {
    const incomplete = evidence.incomplete.includes("checks")
      ? " (GitHub listed only the first 100 checks)"
      : "";
    const ignored =
      elsewhere.length > 0 ? `; reported from elsewhere and not counted: ${elsewhere.join(", ")}` : "";
    return {
      state: "pending",
      code: "checks_missing",
      reason: `not reported yet: ${missing.join(", ")}${incomplete}${ignored}`,
      fix: "make sure the workflows that report these checks run on this commit",
    };
  }
  return { state: "passed", code: "ready", reason: `${plural(required.length, "check")} succeeded` };
}

function securityAlerts(threshold: Severity, sources: readonly AlertSource[], evidence: Evidence): Row {
  const open = evidence.security_alerts.filter(
    (a) => sources.includes(a.source) && SEVERITY_RANK[a.severity] >= SEVERITY_RANK[threshold],
  );
  if (open.length > 0) {
    const bySeverity = (["critical", "high", "medium", "low"] as const)
      .map((s) => [s, open.filter((a) => a.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`);
    return {
      state: "failed",
      code: "security_alerts_open",
      reason: `open security alerts: ${bySeverity.join(", ")}`,
      fix: "fix or dismiss the alerts in the repository's Security tab",
    };
  }
  // A source that could not be read may hide any alert: blocked until it is enabled or left out.
  const unavailable = evidence.alert_sources_unavailable.filter((u) => sources.includes(u.source));
  if (unavailable.length > 0) {
    return {
      state: "failed",
      code: "alert_source_unavailable",
      reason: `could not read ${unavailable.map((u) => `${SOURCE_NAMES[u.source]} alerts (${u.reason})`).join("; ")}`,
      fix: `enable the feature or grant the permission named, or list only the sources this repository has in security_alerts.sources (e.g. { severity: ${threshold}, sources: [${sources.filter((s) => !unavailable.some((u) => u.source === s)).join(", ")}] })`,
    };
  }
  if (evidence.incomplete.includes("security_alerts")) {
    return {
      state: "pending",
      code: "evidence_incomplete",
      reason: "not every security alert could be read",
    };
  }
  return { state: "passed", code: "ready", reason: `no open ${threshold} or worse alerts` };
}

function reviews(count: number, pr: PullRequest, evidence: Evidence): Row {
  // A reviewer's latest approving or blocking review is their position; comments don't change it.
  const positions = new Map<string, Evidence["reviews"][number]>();
  for (const review of [...evidence.reviews].sort(
    (a, b) => Date.parse(a.submitted_at) - Date.parse(b.submitted_at),
  )) {
    if (review.state !== "COMMENTED") positions.set(review.author.toLowerCase(), review);
  }
  const blocking = [...positions.values()].filter((r) => r.state === "CHANGES_REQUESTED");
  if (blocking.length > 0) {
    return {
      state: "failed",
      code: "changes_requested",
      reason: `changes requested by ${blocking.map((r) => `@${r.author}`).join(", ")}`,
      fix: "address the review and ask for a new one",
    };
  }
  const approving = [...positions.values()].filter(
    (r) =>
      r.state === "APPROVED" &&
      r.commit_sha === pr.head_sha &&
      r.author.toLowerCase() !== pr.author.toLowerCase(),
  );
  const staleCount = [...positions.values()].filter(
    (r) => r.state === "APPROVED" && r.commit_sha !== pr.head_sha,
  ).length;
  if (approving.length >= count) {
    return {
      state: "passed",
      code: "ready",
      reason: `approved by ${approving.map((r) => `@${r.author}`).join(", ")}`,
    };
  }
  const stale =
    staleCount > 0 ? `; ${plural(staleCount, "approval")} of an older commit no longer count` : "";
  const incomplete = evidence.incomplete.includes("reviews")
    ? " (GitHub listed only the first 100 reviews)"
    : "";
  return {
    state: "pending",
    code: "reviews_missing",
    reason: `${approving.length} of ${count} approving reviews on the head commit${stale}${incomplete}`,
    fix: `ask for ${plural(count - approving.length, "more approving review")}`,
  };
}

function prSection(heading: string, template: string | undefined, pr: PullRequest): Row {
  const text = sectionText(pr.body, heading);
  if (text === undefined) {
    return {
      state: "failed",
      code: "section_missing",
      reason: `the PR description has no "${heading}" section`,
      fix: `add a "## ${heading}" section to the PR description`,
    };
  }
  const { hasContent, unfilled, absent } = assessSection(text, template);
  if (unfilled.length > 0 || absent.length > 0) {
    const still =
      unfilled.length > 0
        ? `${list(unfilled)} ${unfilled.length === 1 ? "is" : "are"} still the template`
        : "";
    const gone = absent.length > 0 ? `${list(absent)} ${absent.length === 1 ? "is" : "are"} missing` : "";
    return {
      state: "failed",
      code: "section_missing",
      reason: `the "${heading}" section is incomplete: ${[still, gone].filter(Boolean).join("; ")}`,
      fix: `fill in ${list([...unfilled, ...absent])} in the "${heading}" section of the PR description`,
    };
  }
  if (!hasContent) {
    return {
      state: "failed",
      code: "section_missing",
      reason: `the "${heading}" section is empty`,
      fix: `fill in the "${heading}" section of the PR description`,
    };
  }
  return { state: "passed", code: "ready", reason: `"${heading}" is documented in the PR description` };
}

/** "a", "a and b", "a, b and c". */
function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function changedFiles(globs: readonly string[], pr: PullRequest): Row {
  const touched = pr.files.filter((f) => matchesAny(f.path, globs)).map((f) => f.path);
  if (touched.length > 0)
    return { state: "passed", code: "ready", reason: `changed: ${touched.slice(0, 5).join(", ")}` };
  if (!pr.files_complete)
    return { state: "pending", code: "evidence_incomplete", reason: "the PR's file list was cut short" };
  return {
    state: "failed",
    code: "file_not_changed",
    reason: `none of ${globs.join(", ")} was changed`,
    fix: `update ${globs[0]}`,
  };
}

function noSecrets(pr: PullRequest, evidence: Evidence): Row {
  const alerts = evidence.security_alerts.filter((a) => a.source === "secret_scanning");
  const findings = pr.files.flatMap((f) => (f.patch ? findSecrets(f.path, f.patch) : []));
  if (alerts.length > 0 || findings.length > 0) {
    const places = findings.slice(0, 5).map((f) => `${f.kind} at ${f.path}:${f.line}`);
    if (alerts.length > 0) places.push(plural(alerts.length, "open secret-scanning alert"));
    return {
      state: "failed",
      code: "secrets_found",
      reason: `possible secrets: ${places.join("; ")}`,
      fix: "remove the secret from the change, rotate it, and push again",
    };
  }
  if (!pr.files_complete) {
    return {
      state: "failed",
      code: "diff_incomplete",
      reason: "the diff is too large for GitHub to return in full, so it could not be scanned",
      fix: "split the pull request",
    };
  }
  const unscanned = pr.files.filter((f) => f.patch === undefined).length;
  const note = unscanned > 0 ? ` (${plural(unscanned, "binary or oversized file")} without a text diff)` : "";
  return {
    state: "passed",
    code: "ready",
    reason: `no secrets in ${plural(pr.files.length, "changed file")}${note}`,
  };
}

function highRisk(
  globs: readonly string[],
  allowed: readonly string[],
  pr: PullRequest,
  strategy: string | undefined,
): Row {
  const touched = pr.files.filter((f) => matchesAny(f.path, globs)).map((f) => f.path);
  if (touched.length === 0) {
    if (!pr.files_complete)
      return { state: "pending", code: "evidence_incomplete", reason: "the PR's file list was cut short" };
    return { state: "passed", code: "ready", reason: "no high-risk files changed" };
  }
  const files =
    touched.slice(0, 3).join(", ") + (touched.length > 3 ? ` and ${touched.length - 3} more` : "");
  if (strategy && allowed.includes(strategy)) {
    return { state: "passed", code: "ready", reason: `high risk (${files}), shipping with ${strategy}` };
  }
  return {
    state: "failed",
    code: "high_risk_strategy",
    reason: `high risk (${files}) needs ${allowed.join(" or ")}, but the strategy is ${strategy ?? "not set"}`,
    fix: `deploy with strategy ${allowed[0]}`,
  };
}

function checkbox(label: string, pr: PullRequest): Row {
  const state = checkboxState(pr.body, label);
  if (state === "checked") return { state: "passed", code: "ready", reason: `"${label}" is ticked` };
  return {
    state: "failed",
    code: "checkbox_unchecked",
    reason:
      state === "unchecked" ? `"${label}" is not ticked` : `the PR description has no "${label}" checkbox`,
    fix: `tick "- [x] ${label}" in the PR description`,
  };
}
