/**
 * Checks ("REST API endpoints for check runs" and "for check suites"): `checks/create`, `update`, `get`,
 * `rerequest-run`, `list-for-ref`, `list-suites-for-ref`, `get-suite`. Only a GitHub App's installation
 * creates and updates check runs, and only its own; GitHub's documented limits on output and actions hold.
 * Announces `check_run` and `check_suite` to the owning App.
 */
import {
  forbidden,
  invalidBecause,
  notAccessible,
  notFound,
  validationFailed,
  type FieldError,
} from "../errors.js";
import { created, obj, ok, oneOf, str, type Ctx, type Json } from "../http.js";
import { branchOf, ensureSuite } from "../ops.js";
import { wrappedReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { checkRunJson, suiteJson, suiteStatus } from "../serialize/checks.js";
import type { CheckRun, Repo } from "../state.js";
import { commitish, login, repoOf } from "./common.js";

const STATUSES = ["queued", "in_progress", "completed", "waiting", "requested", "pending"] as const;
const CONCLUSIONS = [
  "action_required",
  "cancelled",
  "failure",
  "neutral",
  "success",
  "skipped",
  "stale",
  "timed_out",
] as const;

function appOf(ctx: Ctx): number {
  if (ctx.actor?.kind !== "installation") throw forbidden("You must authenticate via a GitHub App.");
  return ctx.actor.app.id;
}

/** GitHub's documented limits: summary/text ≤ 65,535, ≤ 50 annotations, ≤ 3 actions (label 20, description 40, identifier 20). */
function applyFields(c: CheckRun, b: Json, creating: boolean): void {
  const errors: FieldError[] = [];
  const tooLong = (field: string, v: unknown, max: number): void => {
    if (typeof v === "string" && v.length > max)
      errors.push({
        resource: "CheckRun",
        field,
        code: "custom",
        message: `${field} is too long (maximum is ${max} characters)`,
      });
  };
  const name = creating ? str(b, "name", "CheckRun", true) : str(b, "name", "CheckRun");
  if (name !== undefined) c.name = name;
  const status = oneOf(str(b, "status", "CheckRun"), STATUSES, "CheckRun", "status");
  const conclusion = oneOf(str(b, "conclusion", "CheckRun"), CONCLUSIONS, "CheckRun", "conclusion");
  if (status === "completed" && !conclusion && !c.conclusion)
    errors.push({ resource: "CheckRun", field: "conclusion", code: "missing_field" });
  for (const k of ["details_url", "external_id"] as const) {
    const v = str(b, k, "CheckRun");
    if (v !== undefined) c[k] = v;
  }
  const startedAt = str(b, "started_at", "CheckRun");
  if (startedAt) c.started_at = startedAt;
  const output = b["output"] as Json | undefined;
  if (output !== undefined) {
    if (typeof output !== "object" || output === null)
      errors.push({ resource: "CheckRun", field: "output", code: "invalid" });
    else {
      if (typeof output["title"] !== "string")
        errors.push({ resource: "CheckRun", field: "output.title", code: "missing_field" });
      if (typeof output["summary"] !== "string")
        errors.push({ resource: "CheckRun", field: "output.summary", code: "missing_field" });
      tooLong("output.summary", output["summary"], 65535);
      tooLong("output.text", output["text"], 65535);
      const annotations = Array.isArray(output["annotations"]) ? output["annotations"] : [];
      if (annotations.length > 50)
        errors.push({
          resource: "CheckRun",
          field: "output.annotations",
          code: "custom",
          message: "Only 50 annotations can be sent per request",
        });
      c.output = {
        title: typeof output["title"] === "string" ? output["title"] : null,
        summary: typeof output["summary"] === "string" ? output["summary"] : null,
        text: typeof output["text"] === "string" ? output["text"] : null,
        annotations_count: c.output.annotations_count + annotations.length,
      };
    }
  }
  const actions = b["actions"];
  if (Array.isArray(actions)) {
    if (actions.length > 3)
      errors.push({
        resource: "CheckRun",
        field: "actions",
        code: "custom",
        message: "Only 3 actions can be sent per request",
      });
    c.actions = (actions as Json[]).map((a) => {
      tooLong("actions.label", a["label"], 20);
      tooLong("actions.description", a["description"], 40);
      tooLong("actions.identifier", a["identifier"], 20);
      return {
        label: String(a["label"] ?? ""),
        description: String(a["description"] ?? ""),
        identifier: String(a["identifier"] ?? ""),
      };
    });
  }
  if (errors.length > 0) throw validationFailed(errors);
  if (conclusion) {
    c.conclusion = conclusion;
    c.status = "completed";
    c.completed_at = str(b, "completed_at", "CheckRun") ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  } else if (status) c.status = status;
}

function runOr404(ctx: Ctx, r: Repo): CheckRun {
  const c = r.checkRuns.get(Number(ctx.params["check_run_id"]));
  if (!c) throw notFound();
  return c;
}

function announce(ctx: Ctx, r: Repo, c: CheckRun, action: string, wasComplete: boolean): void {
  ctx.hooks.emit(r, "check_run", action, () => ({ check_run: checkRunJson(ctx, r, c) }), {
    sender: login(ctx),
  });
  if (c.status === "completed" && !wasComplete) {
    if (action !== "completed")
      ctx.hooks.emit(r, "check_run", "completed", () => ({ check_run: checkRunJson(ctx, r, c) }), {
        sender: login(ctx),
      });
    const suite = r.checkSuites.get(c.suiteId);
    if (suite && suiteStatus(r, suite).status === "completed") {
      ctx.hooks.emit(r, "check_suite", "completed", () => ({ check_suite: suiteJson(ctx, r, suite) }), {
        sender: login(ctx),
        onlyApp: suite.appId,
      });
    }
  }
}

const need = { perm: ["checks", "write"] as [string, "write"] };
const read = { perm: ["checks", "read"] as [string, "read"] };

export const checkRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/check-runs",
    operationId: "checks/create",
    need,
    handler: (ctx) => {
      const appId = appOf(ctx);
      const r = repoOf(ctx);
      const b = obj(ctx);
      const headSha = commitish(r, str(b, "head_sha", "CheckRun", true));
      if (!headSha)
        throw invalidBecause("CheckRun", "head_sha", "No commit found for SHA: " + String(b["head_sha"]));
      const suite = ensureSuite(ctx.state, r, appId, headSha, branchOf(r, headSha));
      const now = ctx.state.now();
      const c: CheckRun = {
        id: ctx.state.nextId("check_run"),
        suiteId: suite.id,
        appId,
        name: "",
        headSha,
        status: "queued",
        conclusion: null,
        started_at: now,
        completed_at: null,
        output: { title: null, summary: null, text: null, annotations_count: 0 },
        details_url: null,
        external_id: null,
        actions: [],
      };
      applyFields(c, b, true);
      r.checkRuns.set(c.id, c);
      suite.updated_at = now;
      announce(ctx, r, c, "created", false);
      return created(checkRunJson(ctx, r, c));
    },
  },
  {
    method: "PATCH",
    path: "/repos/{owner}/{repo}/check-runs/{check_run_id}",
    operationId: "checks/update",
    need,
    handler: (ctx) => {
      const appId = appOf(ctx);
      const r = repoOf(ctx);
      const c = runOr404(ctx, r);
      if (c.appId !== appId) throw notAccessible();
      const wasComplete = c.status === "completed";
      applyFields(c, obj(ctx), false);
      if (c.status === "completed" && !wasComplete) announce(ctx, r, c, "completed", false);
      return ok(checkRunJson(ctx, r, c));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/check-runs/{check_run_id}",
    operationId: "checks/get",
    need: read,
    handler: (ctx) => ok(checkRunJson(ctx, repoOf(ctx), runOr404(ctx, repoOf(ctx)))),
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest",
    operationId: "checks/rerequest-run",
    need,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const c = runOr404(ctx, r);
      ctx.hooks.emit(r, "check_run", "rerequested", () => ({ check_run: checkRunJson(ctx, r, c) }), {
        sender: login(ctx),
        onlyApp: c.appId,
      });
      return created({});
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/commits/{ref}/check-runs",
    operationId: "checks/list-for-ref",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const sha = commitish(r, ctx.params["ref"] ?? "");
      if (!sha) throw invalidBecause("Commit", "sha", `No commit found for SHA: ${ctx.params["ref"] ?? ""}`);
      const name = ctx.query.get("check_name");
      const status = ctx.query.get("status");
      const appId = ctx.query.get("app_id");
      let runs = [...r.checkRuns.values()].filter(
        (c) =>
          c.headSha === sha &&
          (!name || c.name === name) &&
          (!status || c.status === status) &&
          (!appId || String(c.appId) === appId),
      );
      if ((ctx.query.get("filter") ?? "latest") === "latest") {
        const latest = new Map<string, CheckRun>();
        for (const c of runs) latest.set(`${c.appId}:${c.name}`, c);
        runs = [...latest.values()];
      }
      return wrappedReply(ctx, "check_runs", runs.reverse(), (c) => checkRunJson(ctx, r, c));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/commits/{ref}/check-suites",
    operationId: "checks/list-suites-for-ref",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const sha = commitish(r, ctx.params["ref"] ?? "");
      const suites = [...r.checkSuites.values()].filter((s) => s.headSha === sha);
      return wrappedReply(ctx, "check_suites", suites, (s) => suiteJson(ctx, r, s));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/check-suites/{check_suite_id}",
    operationId: "checks/get-suite",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const s = r.checkSuites.get(Number(ctx.params["check_suite_id"]));
      if (!s) throw notFound();
      return ok(suiteJson(ctx, r, s));
    },
  },
];
