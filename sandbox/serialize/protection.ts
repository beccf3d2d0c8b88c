/**
 * REST representations of branch protection and rulesets (GitHub's OpenAPI schemas `branch-protection`,
 * `status-check-policy`, `protected-branch-pull-request-review`, `repository-ruleset`, and the rules
 * `GET /rules/branches/{branch}` lists), and the protection summary `repos/get-branch` shows.
 */
import type { Json } from "../http.js";
import { nodeId, type View } from "./accounts.js";
import { repoHtml, repoUrl } from "./repo.js";
import { rulesetsFor, rulesOf, type BranchProtection, type Ruleset } from "../protection.js";
import type { Repo } from "../state.js";

const protectionUrl = (v: View, r: Repo, branch: string): string =>
  `${repoUrl(v, r)}/branches/${encodeURIComponent(branch)}/protection`;

export function statusChecksJson(v: View, r: Repo, p: BranchProtection): Json | undefined {
  if (!p.checks) return undefined;
  const url = `${protectionUrl(v, r, p.branch)}/required_status_checks`;
  return {
    url,
    strict: p.checks.strict,
    contexts: p.checks.checks.map((c) => c.context),
    contexts_url: `${url}/contexts`,
    checks: p.checks.checks.map((c) => ({ context: c.context, app_id: c.appId })),
  };
}

export function reviewsJson(v: View, r: Repo, p: BranchProtection): Json | undefined {
  if (!p.reviews) return undefined;
  return {
    url: `${protectionUrl(v, r, p.branch)}/required_pull_request_reviews`,
    dismiss_stale_reviews: p.reviews.dismissStale,
    require_code_owner_reviews: false,
    required_approving_review_count: p.reviews.count,
    require_last_push_approval: false,
  };
}

/** A branch's protection as both `GET` (branch-protection) and `PUT` (protected-branch) answer it. */
export function protectionJson(v: View, r: Repo, p: BranchProtection): Json {
  const url = protectionUrl(v, r, p.branch);
  const checks = statusChecksJson(v, r, p);
  const reviews = reviewsJson(v, r, p);
  return {
    url,
    ...(checks ? { required_status_checks: checks } : {}),
    ...(reviews ? { required_pull_request_reviews: reviews } : {}),
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforceAdmins },
    required_linear_history: { enabled: p.linearHistory },
    allow_force_pushes: { enabled: p.allowForcePushes },
    allow_deletions: { enabled: p.allowDeletions },
    block_creations: { enabled: p.blockCreations },
    required_conversation_resolution: { enabled: p.conversationResolution },
    lock_branch: { enabled: p.lockBranch },
    allow_fork_syncing: { enabled: p.allowForkSyncing },
  };
}

function links(v: View, r: Repo, s: Ruleset): Json {
  return {
    self: { href: `${repoUrl(v, r)}/rulesets/${s.id}` },
    html: { href: `${repoHtml(v, r)}/rules/${s.id}` },
  };
}

/** A ruleset in a list: no rules or conditions, as GitHub lists them. */
export function rulesetSummaryJson(v: View, r: Repo, s: Ruleset): Json {
  return {
    id: s.id,
    name: s.name,
    target: s.target,
    source_type: "Repository",
    source: `${r.owner}/${r.name}`,
    enforcement: s.enforcement,
    node_id: nodeId("RepositoryRuleset", s.id),
    _links: links(v, r, s),
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}

/** A whole ruleset; `bypass_actors` only for someone who may edit it, as GitHub hides it from others. */
export function rulesetJson(v: View, r: Repo, s: Ruleset, canEdit: boolean): Json {
  return {
    id: s.id,
    name: s.name,
    target: s.target,
    source_type: "Repository",
    source: `${r.owner}/${r.name}`,
    enforcement: s.enforcement,
    ...(canEdit ? { bypass_actors: [] } : {}),
    current_user_can_bypass: "never",
    node_id: nodeId("RepositoryRuleset", s.id),
    _links: links(v, r, s),
    conditions: { ref_name: { include: s.include, exclude: s.exclude } },
    rules: s.rules.map((x) => ({ type: x.type, parameters: x.parameters })),
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}

/** One rule as `GET /rules/branches/{branch}` lists it, with the ruleset it comes from. */
export function branchRuleJson(r: Repo, s: Ruleset, rule: Ruleset["rules"][number]): Json {
  return {
    type: rule.type,
    parameters: rule.parameters,
    ruleset_source_type: "Repository",
    ruleset_source: `${r.owner}/${r.name}`,
    ruleset_id: s.id,
  };
}

/** What `GET /branches/{branch}` tells anyone who can read the branch about its protection. */
export function branchProtectionSummary(r: Repo, branch: string): Json {
  const p = rulesOf(r).protections.get(branch);
  const checks = p?.checks?.checks ?? [];
  return {
    protected: p !== undefined || rulesetsFor(r, branch).length > 0,
    protection: {
      enabled: p !== undefined,
      required_status_checks: {
        enforcement_level: !p?.checks ? "off" : p.enforceAdmins ? "everyone" : "non_admins",
        contexts: checks.map((c) => c.context),
        checks: checks.map((c) => ({ context: c.context, app_id: c.appId })),
      },
    },
  };
}
