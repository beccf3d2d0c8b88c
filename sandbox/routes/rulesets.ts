/**
 * Repository rulesets (`/rulesets`, `/rules/branches/{branch}`), branch-targeted, with the
 * `required_status_checks` and `pull_request` rule types. Only administrators (or an installation with
 * `administration: write`) edit them, and others get 404, as the operations document no 403. What the
 * sandbox cannot enforce — code owners, last-push approval, required reviewers, restricted merge
 * methods, bypass lists, other rule types and targets — is refused with 501 naming it.
 */
import { notFound, validationFailed, unauthorized } from "../errors.js";
import { created, noContent, obj, ok, type Ctx, type Json } from "../http.js";
import { listReply } from "../paginate.js";
import { rulesetsFor, rulesOf, type Ruleset, type RulesetRule } from "../protection.js";
import type { RouteDef } from "../router.js";
import { branchRuleJson, rulesetJson, rulesetSummaryJson } from "../serialize/protection.js";
import type { Repo } from "../state.js";
import { administers, invalidRequest, isObj, unmodelled } from "./branch-rules-shared.js";
import { repoOf } from "./common.js";

const readMeta = { perm: ["metadata", "read"] as [string, "read"] };
const writeRules = { perm: ["administration", "write"] as [string, "write"] };

/** Rulesets answer 404 to those who may not edit them (the operations document no 403). */
function requireRulesetEditor(ctx: Ctx, r: Repo): void {
  if (!ctx.actor) throw unauthorized();
  if (!administers(ctx, r)) throw notFound();
}

const PULL_REQUEST_REQUIRED = [
  "dismiss_stale_reviews_on_push",
  "require_code_owner_review",
  "require_last_push_approval",
  "required_approving_review_count",
  "required_review_thread_resolution",
];

/** A `required_status_checks` rule: every check names its context; an `integration_id` must be an App. */
function parseStatusChecksRule(ctx: Ctx, params: Json | undefined, at: string): RulesetRule {
  if (!params) throw invalidRequest(`"parameters" wasn't supplied.`);
  for (const key of ["required_status_checks", "strict_required_status_checks_policy"])
    if (!(key in params)) throw invalidRequest(`"${key}" wasn't supplied.`);
  const checks = params["required_status_checks"];
  if (!Array.isArray(checks)) throw invalidRequest(`For '${at}/required_status_checks', it is not an array.`);
  for (const c of checks) {
    if (!isObj(c) || typeof c["context"] !== "string") throw invalidRequest(`"context" wasn't supplied.`);
    const id = c["integration_id"];
    if (id !== undefined && (typeof id !== "number" || !ctx.state.apps.has(id)))
      throw validationFailed([`Invalid rule 'required_status_checks': integration ${String(id)} not found`]);
  }
  return {
    type: "required_status_checks",
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

/** A `pull_request` rule: the approval count and stale-review dismissal; what the sandbox cannot enforce is 501. */
function parsePullRequestRule(ctx: Ctx, params: Json | undefined, at: string): RulesetRule {
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
    type: "pull_request",
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

function parseRule(ctx: Ctx, raw: unknown, index: number): RulesetRule {
  if (!isObj(raw) || typeof raw["type"] !== "string") throw invalidRequest(`"type" wasn't supplied.`);
  const type = raw["type"];
  const params = isObj(raw["parameters"]) ? raw["parameters"] : undefined;
  const at = `rules/${index}/parameters`;
  if (type === "required_status_checks") return parseStatusChecksRule(ctx, params, at);
  if (type === "pull_request") return parsePullRequestRule(ctx, params, at);
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

/** Applies the request's body to `s` and stores `s` under its id: the answer is the ruleset as its editor sees it. */
function saveRuleset(ctx: Ctx, r: Repo, s: Ruleset, creating: boolean): Json {
  applyRuleset(ctx, r, s, obj(ctx), creating);
  rulesOf(r).rulesets.set(s.id, s);
  return rulesetJson(ctx, r, s, true);
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

export const rulesetRoutes: RouteDef[] = [
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
      return created(saveRuleset(ctx, r, s, true));
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
      return ok(saveRuleset(ctx, r, next, false));
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
