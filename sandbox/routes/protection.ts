/**
 * Branch protection (`/branches/{branch}/protection` and its required status checks and required reviews)
 * and repository rulesets (`/rulesets`, `/rules/branches/{branch}`), with the `required_status_checks` and
 * `pull_request` rule types. Only administrators change them. What the sandbox cannot enforce — push
 * restrictions, code owners, last-push approval, bypass lists, linear history, locked branches, other rule
 * types and targets — is refused with 501 naming it, never stored and silently ignored.
 */
import { roleAtLeast, roleOf } from "../auth.js";
import {
  DOCS,
  HttpError,
  created,
  noContent,
  notFound,
  obj,
  ok,
  validationFailed,
  type Ctx,
  type Json,
  unauthorized,
} from "../http.js";
import { listReply } from "../paginate.js";
import {
  rulesetsFor,
  rulesOf,
  type BranchProtection,
  type RequiredCheck,
  type ReviewRule,
  type Ruleset,
  type RulesetRule,
} from "../protection.js";
import type { RouteDef } from "../router.js";
import {
  branchRuleJson,
  protectionJson,
  reviewsJson,
  rulesetJson,
  rulesetSummaryJson,
  statusChecksJson,
} from "../serialize/protection.js";
import type { Repo } from "../state.js";
import { NOT_MODELLED } from "../unmodelled.js";
import { repoOf } from "./common.js";

const readAdmin = { perm: ["administration", "read"] as [string, "read"] };
const writeAdmin = { perm: ["administration", "write"] as [string, "write"], role: "admin" as const };
const readMeta = { perm: ["metadata", "read"] as [string, "read"] };
const writeRules = { perm: ["administration", "write"] as [string, "write"] };

const notFoundAs = (message: string): HttpError =>
  new HttpError(404, { message, documentation_url: DOCS, status: "404" });

/** A setting GitHub has but the sandbox does not enforce: 501, recorded like any unmodelled route. */
function unmodelled(ctx: Ctx, what: string): HttpError {
  ctx.state.unmodelled.push({
    at: ctx.state.now(),
    kind: "rest",
    method: ctx.method,
    route: what,
    path: ctx.path,
  });
  return new HttpError(501, {
    message: `${what} is ${NOT_MODELLED}`,
    documentation_url: DOCS,
    status: "501",
  });
}

/** GitHub's wording for a body its schema refuses (the same words strict mode uses). */
function invalidRequest(detail: string): HttpError {
  return new HttpError(422, {
    message: `Invalid request.\n\n${detail}`,
    errors: [detail],
    documentation_url: DOCS,
    status: "422",
  });
}

/**
 * The caller administers the repository: a site administrator or a user with admin rights, or an
 * installation (whose `administration` permission the route already checked). Anonymous callers never do.
 */
function administers(ctx: Ctx, r: Repo): boolean {
  const a = ctx.actor;
  if (a?.kind === "installation") return true;
  if (a?.kind !== "user") return false;
  if (ctx.state.account(a.login)?.site_admin) return true;
  return roleAtLeast(roleOf(ctx.state, r, a.login), "admin");
}

/** Rulesets answer 404 to those who may not edit them (the operations document no 403). */
function requireRulesetEditor(ctx: Ctx, r: Repo): void {
  if (!ctx.actor) throw unauthorized();
  if (!administers(ctx, r)) throw notFound();
}

function branchOf(ctx: Ctx, r: Repo): string {
  const branch = ctx.params["branch"] ?? "";
  if (!r.refs.has(`refs/heads/${branch}`)) throw notFoundAs("Branch not found");
  return branch;
}

function protectionOr404(ctx: Ctx, r: Repo): BranchProtection {
  const p = rulesOf(r).protections.get(branchOf(ctx, r));
  if (!p) throw notFoundAs("Branch not protected");
  return p;
}

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): boolean =>
  isObj(v) && Object.values(v).some((x) => (Array.isArray(x) ? x.length > 0 : x !== undefined));

function boolField(b: Json, key: string, at: string): boolean | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalidRequest(`For '${at}', ${JSON.stringify(v)} is not a boolean.`);
  return v;
}

/**
 * Required checks as GitHub stores them: `checks` win over the deprecated `contexts`; a check without
 * `app_id` is bound to the App that most recently reported a check run of that name (any source if none
 * did), and `app_id: -1` lets any source meet it.
 */
function parseChecks(ctx: Ctx, r: Repo, b: Json, at: string): RequiredCheck[] {
  const checks = b["checks"];
  const contexts = b["contexts"];
  const given: { context: string; app_id?: unknown }[] = Array.isArray(checks)
    ? (checks as { context: string; app_id?: unknown }[])
    : Array.isArray(contexts)
      ? (contexts as unknown[]).map((c) => ({ context: String(c) }))
      : [];
  return given.map((c) => {
    if (typeof c?.context !== "string") throw invalidRequest(`"context" wasn't supplied.`);
    if (c.app_id === undefined || c.app_id === null) {
      const recent = [...r.checkRuns.values()].filter((x) => x.name === c.context).at(-1);
      return { context: c.context, appId: recent?.appId ?? null };
    }
    if (c.app_id === -1) return { context: c.context, appId: null };
    if (typeof c.app_id !== "number" || !ctx.state.apps.has(c.app_id))
      throw validationFailed([
        { resource: "ProtectedBranch", field: `${at}.checks.app_id`, code: "invalid" },
      ]);
    return { context: c.context, appId: c.app_id };
  });
}

function parseReviews(ctx: Ctx, b: Json, previous: ReviewRule | null): ReviewRule {
  const at = "required_pull_request_reviews";
  if (boolField(b, "require_code_owner_reviews", at) === true)
    throw unmodelled(ctx, "require_code_owner_reviews (code owners)");
  if (boolField(b, "require_last_push_approval", at) === true)
    throw unmodelled(ctx, "require_last_push_approval");
  if (nonEmpty(b["dismissal_restrictions"])) throw unmodelled(ctx, "dismissal_restrictions");
  if (nonEmpty(b["bypass_pull_request_allowances"])) throw unmodelled(ctx, "bypass_pull_request_allowances");
  const count = b["required_approving_review_count"] ?? previous?.count ?? 1;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > 6)
    throw validationFailed([
      {
        resource: "ProtectedBranch",
        field: "required_approving_review_count",
        code: "invalid",
        message: "required_approving_review_count must be between 0 and 6",
      },
    ]);
  return {
    count,
    dismissStale: boolField(b, "dismiss_stale_reviews", at) ?? previous?.dismissStale ?? false,
  };
}

function putProtection(ctx: Ctx, r: Repo, branch: string): BranchProtection {
  const b = obj(ctx);
  for (const key of [
    "required_status_checks",
    "enforce_admins",
    "required_pull_request_reviews",
    "restrictions",
  ])
    if (!(key in b)) throw invalidRequest(`"${key}" wasn't supplied.`);
  if (b["restrictions"] !== null) throw unmodelled(ctx, "restrictions (who may push)");
  if (boolField(b, "required_linear_history", "required_linear_history") === true)
    throw unmodelled(ctx, "required_linear_history");
  if (boolField(b, "lock_branch", "lock_branch") === true) throw unmodelled(ctx, "lock_branch");
  const rsc = b["required_status_checks"];
  const rpr = b["required_pull_request_reviews"];
  if (rsc !== null && !isObj(rsc))
    throw invalidRequest(
      `For 'properties/required_status_checks', ${JSON.stringify(rsc)} is not an object or null.`,
    );
  if (rpr !== null && !isObj(rpr))
    throw invalidRequest(
      `For 'properties/required_pull_request_reviews', ${JSON.stringify(rpr)} is not an object or null.`,
    );
  return {
    branch,
    checks: rsc
      ? {
          strict: boolField(rsc, "strict", "required_status_checks") ?? false,
          checks: parseChecks(ctx, r, rsc, "required_status_checks"),
        }
      : null,
    reviews: rpr ? parseReviews(ctx, rpr, null) : null,
    enforceAdmins: boolField(b, "enforce_admins", "enforce_admins") ?? false,
    linearHistory: false,
    allowForcePushes: boolField(b, "allow_force_pushes", "allow_force_pushes") ?? false,
    allowDeletions: boolField(b, "allow_deletions", "allow_deletions") ?? false,
    blockCreations: boolField(b, "block_creations", "block_creations") ?? false,
    // The sandbox has no review threads, so there is never an unresolved conversation to hold a merge.
    conversationResolution:
      boolField(b, "required_conversation_resolution", "required_conversation_resolution") ?? false,
    lockBranch: false,
    allowForkSyncing: boolField(b, "allow_fork_syncing", "allow_fork_syncing") ?? false,
  };
}

const P = "/repos/{owner}/{repo}/branches/{branch}/protection";

const protectionRoutes: RouteDef[] = [
  {
    method: "GET",
    path: P,
    operationId: "repos/get-branch-protection",
    need: readAdmin,
    handler: (ctx) => {
      const r = repoOf(ctx);
      if (!administers(ctx, r)) throw notFound();
      return ok(protectionJson(ctx, r, protectionOr404(ctx, r)));
    },
  },
  {
    method: "PUT",
    path: P,
    operationId: "repos/update-branch-protection",
    need: writeAdmin,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const branch = branchOf(ctx, r);
      const p = putProtection(ctx, r, branch);
      rulesOf(r).protections.set(branch, p);
      return ok(protectionJson(ctx, r, p));
    },
  },
  {
    method: "DELETE",
    path: P,
    operationId: "repos/delete-branch-protection",
    need: writeAdmin,
    handler: (ctx) => {
      const r = repoOf(ctx);
      protectionOr404(ctx, r);
      rulesOf(r).protections.delete(branchOf(ctx, r));
      return noContent();
    },
  },
  {
    method: "GET",
    path: `${P}/required_status_checks`,
    operationId: "repos/get-status-checks-protection",
    need: readAdmin,
    handler: (ctx) => {
      const r = repoOf(ctx);
      if (!administers(ctx, r)) throw notFound();
      const json = statusChecksJson(ctx, r, protectionOr404(ctx, r));
      if (!json) throw notFoundAs("Required status checks not enabled");
      return ok(json);
    },
  },
  {
    method: "PATCH",
    path: `${P}/required_status_checks`,
    operationId: "repos/update-status-check-protection",
    need: writeAdmin,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const p = protectionOr404(ctx, r);
      const b = obj(ctx);
      const before = p.checks ?? { strict: false, checks: [] };
      p.checks = {
        strict: boolField(b, "strict", "strict") ?? before.strict,
        checks:
          Array.isArray(b["checks"]) || Array.isArray(b["contexts"])
            ? parseChecks(ctx, r, b, "required_status_checks")
            : before.checks,
      };
      return ok(statusChecksJson(ctx, r, p));
    },
  },
  {
    method: "DELETE",
    path: `${P}/required_status_checks`,
    operationId: "repos/remove-status-check-protection",
    need: writeAdmin,
    handler: (ctx) => {
      protectionOr404(ctx, repoOf(ctx)).checks = null;
      return noContent();
    },
  },
  {
    method: "GET",
    path: `${P}/required_pull_request_reviews`,
    operationId: "repos/get-pull-request-review-protection",
    need: readAdmin,
    handler: (ctx) => {
      const r = repoOf(ctx);
      if (!administers(ctx, r)) throw notFound();
      const json = reviewsJson(ctx, r, protectionOr404(ctx, r));
      if (!json) throw notFoundAs("Required pull request reviews not enabled");
      return ok(json);
    },
  },
  {
    method: "PATCH",
    path: `${P}/required_pull_request_reviews`,
    operationId: "repos/update-pull-request-review-protection",
    need: writeAdmin,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const p = protectionOr404(ctx, r);
      p.reviews = parseReviews(ctx, obj(ctx), p.reviews);
      return ok(reviewsJson(ctx, r, p));
    },
  },
  {
    method: "DELETE",
    path: `${P}/required_pull_request_reviews`,
    operationId: "repos/delete-pull-request-review-protection",
    need: writeAdmin,
    handler: (ctx) => {
      const p = protectionOr404(ctx, repoOf(ctx));
      if (!p.reviews) throw notFoundAs("Required pull request reviews not enabled");
      p.reviews = null;
      return noContent();
    },
  },
];

const PULL_REQUEST_REQUIRED = [
  "dismiss_stale_reviews_on_push",
  "require_code_owner_review",
  "require_last_push_approval",
  "required_approving_review_count",
  "required_review_thread_resolution",
];

function parseRule(ctx: Ctx, raw: unknown, index: number): RulesetRule {
  if (!isObj(raw) || typeof raw["type"] !== "string") throw invalidRequest(`"type" wasn't supplied.`);
  const type = raw["type"];
  const params = isObj(raw["parameters"]) ? raw["parameters"] : undefined;
  const at = `rules/${index}/parameters`;
  if (type === "required_status_checks") {
    if (!params) throw invalidRequest(`"parameters" wasn't supplied.`);
    for (const key of ["required_status_checks", "strict_required_status_checks_policy"])
      if (!(key in params)) throw invalidRequest(`"${key}" wasn't supplied.`);
    const checks = params["required_status_checks"];
    if (!Array.isArray(checks))
      throw invalidRequest(`For '${at}/required_status_checks', it is not an array.`);
    for (const c of checks) {
      if (!isObj(c) || typeof c["context"] !== "string") throw invalidRequest(`"context" wasn't supplied.`);
      const id = c["integration_id"];
      if (id !== undefined && (typeof id !== "number" || !ctx.state.apps.has(id)))
        throw validationFailed([
          `Invalid rule 'required_status_checks': integration ${String(id)} not found`,
        ]);
    }
    return {
      type,
      parameters: {
        strict_required_status_checks_policy: params["strict_required_status_checks_policy"] === true,
        do_not_enforce_on_create: params["do_not_enforce_on_create"] === true,
        required_status_checks: checks.map((c: Json) => ({
          context: c["context"],
          ...(c["integration_id"] === undefined ? {} : { integration_id: c["integration_id"] }),
        })),
      },
    };
  }
  if (type === "pull_request") {
    if (!params) throw invalidRequest(`"parameters" wasn't supplied.`);
    for (const key of PULL_REQUEST_REQUIRED)
      if (!(key in params)) throw invalidRequest(`"${key}" wasn't supplied.`);
    if (params["require_code_owner_review"] === true)
      throw unmodelled(ctx, "require_code_owner_review (code owners)");
    if (params["require_last_push_approval"] === true) throw unmodelled(ctx, "require_last_push_approval");
    if (Array.isArray(params["required_reviewers"]) && params["required_reviewers"].length > 0)
      throw unmodelled(ctx, "required_reviewers");
    const methods = params["allowed_merge_methods"];
    if (Array.isArray(methods) && !["merge", "squash", "rebase"].every((m) => methods.includes(m)))
      throw unmodelled(ctx, "allowed_merge_methods");
    const count = params["required_approving_review_count"];
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > 10)
      throw invalidRequest(
        `For '${at}/required_approving_review_count', ${JSON.stringify(count)} is not valid.`,
      );
    return {
      type,
      parameters: {
        required_approving_review_count: count,
        dismiss_stale_reviews_on_push: params["dismiss_stale_reviews_on_push"] === true,
        require_code_owner_review: false,
        require_last_push_approval: false,
        // No review threads exist in the sandbox, so none is ever left unresolved.
        required_review_thread_resolution: params["required_review_thread_resolution"] === true,
        allowed_merge_methods: ["merge", "squash", "rebase"],
      },
    };
  }
  throw unmodelled(ctx, `ruleset rule type "${type}"`);
}

/** Applies a ruleset body (all of it for POST, what it names for PUT) to `s`. */
function applyRuleset(ctx: Ctx, r: Repo, s: Ruleset, b: Json, creating: boolean): void {
  if (creating)
    for (const key of ["name", "enforcement"])
      if (!(key in b)) throw invalidRequest(`"${key}" wasn't supplied.`);
  if (b["name"] !== undefined) {
    if (typeof b["name"] !== "string") throw invalidRequest(`For 'properties/name', it is not a string.`);
    const taken = [...rulesOf(r).rulesets.values()].some((x) => x.id !== s.id && x.name === b["name"]);
    if (taken) throw validationFailed(["Name must be unique"]);
    s.name = b["name"];
  }
  const target = b["target"] ?? (creating ? "branch" : s.target);
  if (target !== "branch") throw unmodelled(ctx, `ruleset target "${String(target)}"`);
  if (b["enforcement"] !== undefined) {
    const e = b["enforcement"];
    if (e !== "disabled" && e !== "active" && e !== "evaluate")
      throw invalidRequest(
        `For 'properties/enforcement', ${JSON.stringify(e)} is not a member of ["disabled","active","evaluate"].`,
      );
    s.enforcement = e;
  }
  if (Array.isArray(b["bypass_actors"]) && b["bypass_actors"].length > 0)
    throw unmodelled(ctx, "ruleset bypass_actors");
  if (b["conditions"] !== undefined) {
    const refName =
      isObj(b["conditions"]) && isObj(b["conditions"]["ref_name"]) ? b["conditions"]["ref_name"] : {};
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
    s.include = list(refName["include"]);
    s.exclude = list(refName["exclude"]);
  }
  if (b["rules"] !== undefined) {
    if (!Array.isArray(b["rules"])) throw invalidRequest(`For 'properties/rules', it is not an array.`);
    s.rules = b["rules"].map((x, n) => parseRule(ctx, x, n));
  }
  s.updated_at = ctx.state.now();
}

function rulesetOr404(ctx: Ctx, r: Repo): Ruleset {
  // `/rulesets/rule-suites` is another GitHub operation, not a ruleset id.
  if (ctx.params["ruleset_id"] === "rule-suites")
    throw unmodelled(ctx, `${ctx.method} /repos/{owner}/{repo}/rulesets/rule-suites`);
  const s = rulesOf(r).rulesets.get(Number(ctx.params["ruleset_id"]));
  if (!s) throw notFound();
  return s;
}

const canEdit = (ctx: Ctx, r: Repo): boolean =>
  ctx.actor?.kind === "installation"
    ? ctx.actor.permissions["administration"] === "write"
    : administers(ctx, r);

const rulesetRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/rules/branches/{branch}",
    operationId: "repos/get-branch-rules",
    need: readMeta,
    handler: (ctx) => {
      const r = repoOf(ctx);
      // The branch need not exist: the rules that would apply to a branch of that name are listed.
      const rules = rulesetsFor(r, ctx.params["branch"] ?? "").flatMap((s) => s.rules.map((x) => ({ s, x })));
      return listReply(ctx, rules, ({ s, x }) => branchRuleJson(r, s, x));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/rulesets",
    operationId: "repos/get-repo-rulesets",
    need: readMeta,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const targets = ctx.query.get("targets")?.split(",");
      const sets = [...rulesOf(r).rulesets.values()].filter((s) => !targets || targets.includes(s.target));
      return listReply(ctx, sets, (s) => rulesetSummaryJson(ctx, r, s));
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/rulesets",
    operationId: "repos/create-repo-ruleset",
    need: writeRules,
    handler: (ctx) => {
      const r = repoOf(ctx);
      requireRulesetEditor(ctx, r);
      const now = ctx.state.now();
      const s: Ruleset = {
        id: ctx.state.nextId("ruleset"),
        name: "",
        target: "branch",
        enforcement: "disabled",
        include: [],
        exclude: [],
        rules: [],
        created_at: now,
        updated_at: now,
      };
      applyRuleset(ctx, r, s, obj(ctx), true);
      rulesOf(r).rulesets.set(s.id, s);
      return created(rulesetJson(ctx, r, s, true));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/rulesets/{ruleset_id}",
    operationId: "repos/get-repo-ruleset",
    need: readMeta,
    handler: (ctx) => {
      const r = repoOf(ctx);
      return ok(rulesetJson(ctx, r, rulesetOr404(ctx, r), canEdit(ctx, r)));
    },
  },
  {
    method: "PUT",
    path: "/repos/{owner}/{repo}/rulesets/{ruleset_id}",
    operationId: "repos/update-repo-ruleset",
    need: writeRules,
    handler: (ctx) => {
      const r = repoOf(ctx);
      requireRulesetEditor(ctx, r);
      const s = rulesetOr404(ctx, r);
      // Validate on a copy so a refused update changes nothing.
      const next: Ruleset = { ...s, include: [...s.include], exclude: [...s.exclude], rules: [...s.rules] };
      applyRuleset(ctx, r, next, obj(ctx), false);
      rulesOf(r).rulesets.set(s.id, next);
      return ok(rulesetJson(ctx, r, next, true));
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/rulesets/{ruleset_id}",
    operationId: "repos/delete-repo-ruleset",
    need: writeRules,
    handler: (ctx) => {
      const r = repoOf(ctx);
      requireRulesetEditor(ctx, r);
      rulesOf(r).rulesets.delete(rulesetOr404(ctx, r).id);
      return noContent();
    },
  },
];

export const branchRuleRoutes: RouteDef[] = [...protectionRoutes, ...rulesetRoutes];
