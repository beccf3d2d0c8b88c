/**
 * Branch protection and repository rulesets, and what they decide about a pull request: which checks are
 * required (`isRequired`), the review decision, the merge state, and whether a merge is refused. GitHub
 * applies every source at once — a branch's protection and each active ruleset whose conditions match the
 * branch — and a requirement from any of them holds.
 */
import { roleAtLeast, roleOf } from "./auth.js";
import { mergeable } from "./diff.js";
import { latestStatuses } from "./serialize/checks.js";
import type { CheckRun, Issue, Pull, Repo, State } from "./state.js";

/** A required check; `appId` null: any source may meet it. */
export interface RequiredCheck {
  context: string;
  appId: number | null;
}

export interface ReviewRule {
  count: number;
  dismissStale: boolean;
}

export interface BranchProtection {
  branch: string;
  checks: { strict: boolean; checks: RequiredCheck[] } | null;
  reviews: ReviewRule | null;
  enforceAdmins: boolean;
  linearHistory: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  blockCreations: boolean;
  conversationResolution: boolean;
  lockBranch: boolean;
  allowForkSyncing: boolean;
}

export interface RulesetRule {
  type: "required_status_checks" | "pull_request";
  parameters: Record<string, unknown>;
}

export interface Ruleset {
  id: number;
  name: string;
  target: "branch";
  enforcement: "disabled" | "active" | "evaluate";
  include: string[];
  exclude: string[];
  rules: RulesetRule[];
  created_at: string;
  updated_at: string;
}

interface Rules {
  protections: Map<string, BranchProtection>;
  rulesets: Map<number, Ruleset>;
}

// Kept beside the repository rather than inside it: only this module reads or writes them.
const byRepo = new WeakMap<Repo, Rules>();

export function rulesOf(r: Repo): Rules {
  let rules = byRepo.get(r);
  if (!rules) {
    rules = { protections: new Map(), rulesets: new Map() };
    byRepo.set(r, rules);
  }
  return rules;
}

/** fnmatch as GitHub applies it to ref names: `*` stays within a path segment, `**` crosses them. */
function refPattern(pattern: string): RegExp {
  const source = pattern
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^/]*"),
    )
    .join(".*");
  return new RegExp(`^${source}$`);
}

function conditionMatches(r: Repo, pattern: string, branch: string): boolean {
  if (pattern === "~ALL") return true;
  if (pattern === "~DEFAULT_BRANCH") return branch === r.defaultBranch;
  return refPattern(pattern).test(`refs/heads/${branch}`);
}

/** Active rulesets (not disabled, not evaluate-only) whose ref conditions take in the branch. */
export function rulesetsFor(r: Repo, branch: string): Ruleset[] {
  return [...rulesOf(r).rulesets.values()].filter(
    (s) =>
      s.enforcement === "active" &&
      s.include.some((p) => conditionMatches(r, p, branch)) &&
      !s.exclude.some((p) => conditionMatches(r, p, branch)),
  );
}

/** Everything required of a merge into `branch`, from its protection and from each active ruleset. */
export interface Requirements {
  checks: { check: RequiredCheck; from: "protection" | "ruleset" }[];
  strict: boolean;
  /** the largest approval count any source asks for; null: reviews are not required */
  reviews: ReviewRule | null;
  protection: BranchProtection | undefined;
  rulesets: Ruleset[];
}

export function requirementsFor(r: Repo, branch: string): Requirements {
  const protection = rulesOf(r).protections.get(branch);
  const rulesets = rulesetsFor(r, branch);
  const checks: Requirements["checks"] = (protection?.checks?.checks ?? []).map((check) => ({
    check,
    from: "protection",
  }));
  let strict = protection?.checks?.strict ?? false;
  let reviews = protection?.reviews && protection.reviews.count > 0 ? protection.reviews : null;
  for (const set of rulesets)
    for (const rule of set.rules) {
      const p = rule.parameters;
      if (rule.type === "required_status_checks") {
        strict ||= p["strict_required_status_checks_policy"] === true;
        for (const c of (p["required_status_checks"] ?? []) as { context: string; integration_id?: number }[])
          checks.push({ check: { context: c.context, appId: c.integration_id ?? null }, from: "ruleset" });
      } else {
        const count = Number(p["required_approving_review_count"] ?? 0);
        const dismissStale = p["dismiss_stale_reviews_on_push"] === true;
        if (count > 0 && (!reviews || count > reviews.count)) reviews = { count, dismissStale };
        else if (count > 0 && reviews && dismissStale) reviews = { ...reviews, dismissStale };
      }
    }
  return { checks, strict, reviews, protection, rulesets };
}

/** The App that wrote a commit status: statuses record their creator, an App's bot for installation tokens. */
export function statusApp(state: State, creator: string): number | null {
  const slug = /^(.+)\[bot\]$/.exec(creator)?.[1];
  return slug === undefined ? null : (state.appBySlug(slug)?.id ?? null);
}

export type CheckVerdict = "passing" | "failing" | "pending" | "expected";

/** How a required check stands on a commit: the latest run or status of that name from an allowed source. */
export function requiredCheckState(state: State, r: Repo, sha: string, check: RequiredCheck): CheckVerdict {
  const allowed = (appId: number | null): boolean => check.appId === null || appId === check.appId;
  const runs = [...r.checkRuns.values()].filter(
    (c) => c.headSha === sha && c.name === check.context && allowed(c.appId),
  );
  const statuses = latestStatuses(r, sha).filter(
    (s) => s.context === check.context && allowed(statusApp(state, s.creator)),
  );
  const verdicts: CheckVerdict[] = [];
  const latestRun = runs.at(-1);
  if (latestRun)
    verdicts.push(
      latestRun.status !== "completed"
        ? "pending"
        : ["success", "neutral", "skipped"].includes(latestRun.conclusion ?? "")
          ? "passing"
          : "failing",
    );
  for (const s of statuses)
    verdicts.push(s.state === "success" ? "passing" : s.state === "pending" ? "pending" : "failing");
  if (verdicts.length === 0) return "expected";
  if (verdicts.includes("failing")) return "failing";
  if (verdicts.includes("pending")) return "pending";
  return "passing";
}

/** True when `name` (from `appId`) is one of the checks required to merge the pull request. */
export function isRequiredFor(r: Repo, i: Issue, name: string, appId: number | null): boolean {
  if (!i.pull) return false;
  return requirementsFor(r, i.pull.baseRef).checks.some(
    ({ check }) => check.context === name && (check.appId === null || check.appId === appId),
  );
}

export type ReviewDecision = "APPROVED" | "CHANGES_REQUESTED" | "REVIEW_REQUIRED";

/**
 * GitHub's review decision: null unless a source requires approving reviews; then changes requested by
 * anyone with write access block, and approvals count only from reviewers with write access (on the head
 * commit when stale approvals are dismissed).
 */
export function reviewDecision(state: State, r: Repo, p: Pull): ReviewDecision | null {
  const rule = requirementsFor(r, p.baseRef).reviews;
  if (!rule) return null;
  const latest = new Map<string, { state: string; commit: string }>();
  for (const rv of p.reviews)
    if (rv.state !== "COMMENTED")
      latest.set(rv.user.toLowerCase(), { state: rv.state, commit: rv.commit_id });
  let approvals = 0;
  for (const [user, rv] of latest) {
    if (!roleAtLeast(roleOf(state, r, user), "write")) continue;
    if (rv.state === "CHANGES_REQUESTED") return "CHANGES_REQUESTED";
    if (rv.state === "APPROVED" && (!rule.dismissStale || rv.commit === p.headSha)) approvals++;
  }
  return approvals >= rule.count ? "APPROVED" : "REVIEW_REQUIRED";
}

/** True when the head contains the base branch's tip (what "require branches to be up to date" asks). */
export function upToDate(r: Repo, p: Pull): boolean {
  const base = r.refs.get(`refs/heads/${p.baseRef}`);
  return base === undefined || r.git.mergeBase(base, p.headSha) === base;
}

export interface MergeRefusal {
  message: string;
}

/**
 * Why GitHub would refuse to merge the pull request now, in its words, or undefined when nothing in the
 * branch's protection or rulesets stands in the way. Admins pass branch protection unless it is enforced for
 * administrators; rulesets here have no bypass actors, so they hold for everyone.
 */
export function mergeRefusal(
  state: State,
  r: Repo,
  i: Issue,
  actor: string | null,
): MergeRefusal | undefined {
  const p = i.pull;
  if (!p) return undefined;
  const req = requirementsFor(r, p.baseRef);
  const admin = actor !== null && roleAtLeast(roleOf(state, r, actor), "admin");
  const protectionHolds = req.protection !== undefined && (req.protection.enforceAdmins || !admin);
  const holds = (from: "protection" | "ruleset"): boolean => from === "ruleset" || protectionHolds;
  const problems: { from: "protection" | "ruleset"; message: string }[] = [];
  const unmet = req.checks
    .filter((c) => holds(c.from))
    .map((c) => ({ ...c, verdict: requiredCheckState(state, r, p.headSha, c.check) }))
    .filter((c) => c.verdict !== "passing");
  if (unmet.length === 1 && unmet[0]) {
    const c = unmet[0];
    const how =
      c.verdict === "failing" ? "is failing" : c.verdict === "pending" ? "is in progress" : "is expected";
    problems.push({ from: c.from, message: `Required status check "${c.check.context}" ${how}.` });
  } else if (unmet.length > 1) {
    const names = new Set(req.checks.map((c) => c.check.context));
    problems.push({
      from: unmet.some((c) => c.from === "ruleset") ? "ruleset" : "protection",
      message: `${unmet.length} of ${names.size} required status checks are expected.`,
    });
  }
  const rulesetStrict = req.rulesets.some((s) =>
    s.rules.some(
      (x) =>
        x.type === "required_status_checks" && x.parameters["strict_required_status_checks_policy"] === true,
    ),
  );
  const strict = (req.protection?.checks?.strict === true && protectionHolds) || rulesetStrict;
  if (strict && !upToDate(r, p))
    problems.push({
      from: rulesetStrict ? "ruleset" : "protection",
      message: "Head branch is out of date. Review and try the merge again.",
    });
  const reviewsFromRuleset = req.rulesets.some((s) =>
    s.rules.some(
      (x) => x.type === "pull_request" && Number(x.parameters["required_approving_review_count"]) > 0,
    ),
  );
  if (req.reviews && (reviewsFromRuleset || protectionHolds)) {
    const decision = reviewDecision(state, r, p);
    const from = reviewsFromRuleset ? "ruleset" : "protection";
    // Changes requested by a writer hold the merge as a missing approval does, with the same message.
    if (decision !== "APPROVED")
      problems.push({
        from,
        message:
          req.reviews.count === 1
            ? "At least 1 approving review is required by reviewers with write access."
            : `At least ${req.reviews.count} approving reviews are required by reviewers with write access.`,
      });
  }
  if (problems.length === 0) return undefined;
  // Rulesets report every violation under one heading; branch protection names the first it finds.
  const fromRulesets = problems.filter((x) => x.from === "ruleset");
  if (fromRulesets.length > 0)
    return {
      message: `Repository rule violations found\n\n${fromRulesets.map((x) => `${x.message}\n\n`).join("")}`,
    };
  return { message: problems[0]?.message ?? "" };
}

export type MergeStateStatus = "BEHIND" | "BLOCKED" | "CLEAN" | "DIRTY" | "DRAFT" | "UNKNOWN" | "UNSTABLE";

/**
 * GitHub's `mergeStateStatus` for an open pull request, as its merge box reads: a conflict (DIRTY), a draft
 * (DRAFT), unmet requirements (BLOCKED), a head behind a strict base (BEHIND), checks that are not all green
 * though none required is failing (UNSTABLE), else CLEAN. Pre-receive hooks (HAS_HOOKS) are not modelled.
 */
export function mergeStateStatus(state: State, r: Repo, i: Issue, rollupGreen: boolean): MergeStateStatus {
  const p = i.pull;
  if (!p || p.merged_at || i.state !== "open") return "UNKNOWN";
  if (!mergeable(r, i)) return "DIRTY";
  if (p.draft) return "DRAFT";
  const req = requirementsFor(r, p.baseRef);
  const checksMet = req.checks.every((c) => requiredCheckState(state, r, p.headSha, c.check) === "passing");
  const decision = reviewDecision(state, r, p);
  if (!checksMet || (decision !== null && decision !== "APPROVED")) return "BLOCKED";
  if (req.strict && !upToDate(r, p)) return "BEHIND";
  return rollupGreen ? "CLEAN" : "UNSTABLE";
}

/** Whether every check run and status on a commit is green (or there are none), as the merge box reads it. */
export function rollupGreen(r: Repo, sha: string): boolean {
  const runs = new Map<string, CheckRun>();
  for (const c of r.checkRuns.values()) if (c.headSha === sha) runs.set(`${c.appId}:${c.name}`, c);
  const runsGreen = [...runs.values()].every(
    (c) => c.status === "completed" && ["success", "neutral", "skipped"].includes(c.conclusion ?? ""),
  );
  return runsGreen && latestStatuses(r, sha).every((s) => s.state === "success");
}

/**
 * Why GitHub would refuse a push (a ref update through the git or contents API) to `branch`, or undefined.
 * A protected branch takes no deletion or force-push unless allowed, no push at all where reviews are
 * required (changes come through pull requests), and only commits whose required checks already pass.
 * Admins pass branch protection unless it is enforced for administrators; rulesets hold for everyone.
 */
export function pushRefusal(
  state: State,
  r: Repo,
  branch: string,
  actor: string,
  push: { sha: string | null; force: boolean },
): string | undefined {
  const req = requirementsFor(r, branch);
  const p = req.protection;
  const admin = roleAtLeast(roleOf(state, r, actor), "admin");
  const unmetChecks = (checks: RequiredCheck[]): string[] =>
    push.sha === null
      ? []
      : checks
          .filter((c) => requiredCheckState(state, r, push.sha ?? "", c) !== "passing")
          .map((c) => `Required status check "${c.context}" is expected.`);
  const fromRulesets: string[] = [];
  for (const set of req.rulesets)
    for (const rule of set.rules) {
      if (rule.type === "pull_request") fromRulesets.push("Changes must be made through a pull request.");
      else
        fromRulesets.push(
          ...unmetChecks(
            (
              (rule.parameters["required_status_checks"] ?? []) as {
                context: string;
                integration_id?: number;
              }[]
            ).map((c) => ({ context: c.context, appId: c.integration_id ?? null })),
          ),
        );
    }
  if (fromRulesets.length > 0)
    return `Repository rule violations found\n\n${[...new Set(fromRulesets)].map((m) => `${m}\n\n`).join("")}`;
  if (!p || (admin && !p.enforceAdmins)) return undefined;
  if (push.sha === null && !p.allowDeletions) return "Cannot delete this protected branch";
  if (push.force && !p.allowForcePushes) return "Cannot force-push to this branch";
  if (p.reviews && p.reviews.count > 0) return "Changes must be made through a pull request.";
  return unmetChecks(p.checks?.checks ?? [])[0];
}
