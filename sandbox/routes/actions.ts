/**
 * GitHub Actions' REST operations ("REST API endpoints for workflows" and "for workflow runs"):
 * `actions/list-repo-workflows`, `create-workflow-dispatch` (only for a workflow with a `workflow_dispatch`
 * trigger, at most 25 inputs), `list-workflow-runs-for-repo`, `get-workflow-run`, `re-run-workflow`,
 * `re-run-workflow-failed-jobs`, and `review-custom-gates-for-run`, with which a custom deployment
 * protection rule App approves or rejects a waiting job (installation tokens only). Runs live in runs.ts.
 */
import { forbidden, notAccessible, notFound, validationFailed } from "../errors.js";
import { created, noContent, obj, str, type Ctx } from "../http.js";
import { wrappedReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { runJson, workflowJson } from "../serialize/actions.js";
import { createRun, rerun, workflows, workflowText } from "../runs.js";
import type { Repo, WorkflowRun } from "../state.js";
import { ok } from "../http.js";
import { login, repoOf } from "./common.js";

const read = { perm: ["actions", "read"] as [string, "read"] };
const write = { perm: ["actions", "write"] as [string, "write"], role: "write" as const };

function runOr404(ctx: Ctx, r: Repo): WorkflowRun {
  const run = r.runs.get(Number(ctx.params["run_id"]));
  if (!run) throw notFound();
  return run;
}

export const actionRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/actions/workflows",
    operationId: "actions/list-repo-workflows",
    need: read,
    handler: (ctx) =>
      wrappedReply(ctx, "workflows", workflows(ctx, repoOf(ctx)), (w) => workflowJson(ctx, repoOf(ctx), w)),
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
    operationId: "actions/create-workflow-dispatch",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const key = ctx.params["workflow_id"] ?? "";
      const w = workflows(ctx, r).find((x) => String(x.id) === key || x.path.endsWith(`/${key}`));
      if (!w) throw notFound();
      const b = obj(ctx);
      const ref = str(b, "ref", "Workflow", true).replace(/^refs\/heads\//, "");
      const sha = r.refs.get(`refs/heads/${ref}`);
      if (!sha) throw validationFailed([], `No ref found for: ${ref}`);
      if (!/\bworkflow_dispatch\b/.test(workflowText(r, w)))
        throw validationFailed([], "Workflow does not have 'workflow_dispatch' trigger");
      const inputs = (b["inputs"] ?? {}) as Record<string, unknown>;
      if (Object.keys(inputs).length > 25) throw validationFailed([], "inputs are too large (maximum is 25)");
      createRun(ctx, r, w, { branch: ref, sha, event: "workflow_dispatch", actor: login(ctx), inputs });
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/actions/runs",
    operationId: "actions/list-workflow-runs-for-repo",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const q = ctx.query;
      const runs = [...r.runs.values()]
        .filter(
          (x) =>
            (!q.get("branch") || x.headBranch === q.get("branch")) &&
            (!q.get("event") || x.event === q.get("event")) &&
            (!q.get("status") || x.status === q.get("status") || x.conclusion === q.get("status")) &&
            (!q.get("head_sha") || x.headSha === q.get("head_sha")),
        )
        .sort((a, b) => b.id - a.id);
      return wrappedReply(ctx, "workflow_runs", runs, (x) => runJson(ctx, r, x));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/actions/runs/{run_id}",
    operationId: "actions/get-workflow-run",
    need: read,
    handler: (ctx) => ok(runJson(ctx, repoOf(ctx), runOr404(ctx, repoOf(ctx)))),
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun",
    operationId: "actions/re-run-workflow",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const run = runOr404(ctx, r);
      if (run.status !== "completed") throw forbidden("This workflow is already running");
      rerun(ctx, r, run, login(ctx), false);
      return created({});
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs",
    operationId: "actions/re-run-workflow-failed-jobs",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const run = runOr404(ctx, r);
      if (run.status !== "completed") throw forbidden("This workflow is already running");
      if (!run.jobs.some((j) => j.conclusion !== "success"))
        throw forbidden("This workflow run has no failed jobs to re-run");
      rerun(ctx, r, run, login(ctx), true);
      return created({});
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule",
    operationId: "actions/review-custom-gates-for-run",
    need: { perm: ["deployments", "write"] },
    handler: (ctx) => {
      if (ctx.actor?.kind !== "installation") throw notAccessible();
      const appId = ctx.actor.app.id;
      const r = repoOf(ctx);
      const run = runOr404(ctx, r);
      const b = obj(ctx);
      const environment = str(b, "environment_name", "DeploymentProtectionRule", true);
      const state = str(b, "state", "DeploymentProtectionRule");
      const comment = str(b, "comment", "DeploymentProtectionRule");
      if (state !== undefined && state !== "approved" && state !== "rejected")
        throw validationFailed([{ resource: "DeploymentProtectionRule", field: "state", code: "invalid" }]);
      if (state === undefined && !comment)
        throw validationFailed([
          { resource: "DeploymentProtectionRule", field: "comment", code: "missing_field" },
        ]);
      if (comment && comment.length > 1024)
        throw validationFailed([
          {
            resource: "DeploymentProtectionRule",
            field: "comment",
            code: "custom",
            message: "comment is too long (maximum is 1024 characters)",
          },
        ]);
      const gate = run.gates.find(
        (g) => g.appId === appId && g.environment.toLowerCase() === environment.toLowerCase(),
      );
      if (!gate) throw notFound();
      if (gate.state !== "waiting")
        throw validationFailed([], "The deployment protection rule has already been reviewed.");
      if (state === undefined && gate.comments.filter((c) => c.state === null).length >= 10) {
        throw validationFailed([], "Too many status reports for this deployment (maximum is 10)");
      }
      gate.comments.push({
        state: state ?? null,
        comment: comment ?? "",
        actor: ctx.actor.login,
        at: ctx.state.now(),
      });
      if (state) gate.state = state;
      if (run.gates.every((g) => g.state === "approved")) run.status = "in_progress";
      if (run.gates.some((g) => g.state === "rejected")) {
        run.status = "completed";
        run.conclusion = "failure";
      }
      return noContent();
    },
  },
];
