/**
 * Branch protection (`/branches/{branch}/protection` and its required status checks and required
 * reviews). Only administrators change it. What the sandbox cannot enforce — push restrictions, code
 * owners, last-push approval, dismissal restrictions, bypass allowances, linear history, locked
 * branches — is refused with 501 naming it, never stored and silently ignored.
 */
import { DOCS, HttpError, notFound, validationFailed } from "../errors.js";
import { noContent, obj, ok, type Ctx, type Json } from "../http.js";
import { rulesOf, type BranchProtection, type RequiredCheck, type ReviewRule } from "../protection.js";
import type { RouteDef } from "../router.js";
import { protectionJson, reviewsJson, statusChecksJson } from "../serialize/protection.js";
import type { Repo } from "../state.js";
import {
  administers,
  boolField,
  invalidRequest,
  isObj,
  nonEmpty,
  unmodelled,
} from "./branch-rules-shared.js";
import { repoOf } from "./common.js";

const readAdmin = { perm: ["administration", "read"] as [string, "read"] };
const writeAdmin = { perm: ["administration", "write"] as [string, "write"], role: "admin" as const };

const notFoundAs = (message: string): HttpError =>
  new HttpError(404, { message, documentation_url: DOCS, status: "404" });

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

/**
 * A part of a branch's protection (its required status checks, its required reviews) as the part's own GET
 * answers it: hidden from non-administrators like the whole protection, and 404 with `whenOff` when the
 * protection leaves that part off.
 */
function enabledPartOr404(
  ctx: Ctx,
  partJson: (v: Ctx, r: Repo, p: BranchProtection) => Json | undefined,
  whenOff: string,
): Json {
  const r = repoOf(ctx);
  if (!administers(ctx, r)) throw notFound();
  const json = partJson(ctx, r, protectionOr404(ctx, r));
  if (!json) throw notFoundAs(whenOff);
  return json;
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

export const branchProtectionRoutes: RouteDef[] = [
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
    handler: (ctx) => ok(enabledPartOr404(ctx, statusChecksJson, "Required status checks not enabled")),
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
    handler: (ctx) => ok(enabledPartOr404(ctx, reviewsJson, "Required pull request reviews not enabled")),
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
