/**
 * Deployments and their statuses ("REST API endpoints for deployments" and "for deployment statuses"):
 * `repos/create-deployment` with GitHub's `required_contexts` check (409 when a status or check is not
 * green) and `auto_merge` (202 after merging the default branch into an out-of-date branch), list, get,
 * delete (an inactive deployment, or the environment's only one), `create-deployment-status` with
 * `auto_inactive`; announces `deployment` and `deployment_status`. Any writer may do all of it.
 */
import { conflict, DOCS, HttpError, invalid, invalidBecause, notFound, validationFailed } from "../errors.js";
import { bool, created, noContent, obj, ok, oneOf, str, type Ctx } from "../http.js";
import { latestStatuses } from "../serialize/checks.js";
import { listReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { deploymentJson, deploymentStatusJson } from "../serialize/deployments.js";
import { personFor } from "../serialize/git.js";
import type { Deployment, DeploymentStatus, Repo } from "../state.js";
import { appIdOf, commitish, login, repoOf } from "./common.js";
import { ensureEnvironment } from "./environments.js";
import { updateRef } from "../ops.js";

const STATES = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"] as const;
const write = { perm: ["deployments", "write"] as [string, "write"], role: "write" as const };
const read = { perm: ["deployments", "read"] as [string, "read"] };

function deploymentOr404(ctx: Ctx, r: Repo): Deployment {
  const d = r.deployments.get(Number(ctx.params["deployment_id"]));
  if (!d) throw notFound();
  return d;
}

/** Commit statuses and check runs on the sha, latest per context, as GitHub verifies them before deploying. */
function contextStates(r: Repo, sha: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of latestStatuses(r, sha)) out.set(s.context, s.state);
  for (const c of r.checkRuns.values()) {
    if (c.headSha !== sha) continue;
    out.set(
      c.name,
      c.status !== "completed"
        ? "pending"
        : ["success", "neutral", "skipped"].includes(c.conclusion ?? "")
          ? "success"
          : (c.conclusion ?? "failure"),
    );
  }
  return out;
}

/** GitHub's auto_merge: merge the default branch into an out-of-date ref and answer 202 instead of deploying. */
function autoMerge(ctx: Ctx, r: Repo, ref: string, sha: string): string | undefined {
  const branchRef = `refs/heads/${ref}`;
  const defaultSha = r.refs.get(`refs/heads/${r.defaultBranch}`);
  if (
    !r.refs.has(branchRef) ||
    ref === r.defaultBranch ||
    !defaultSha ||
    r.git.ancestors(sha).has(defaultSha)
  )
    return undefined;
  const tree = (s: string | undefined): string => (s ? (r.git.get(s, "commit")?.tree ?? "") : "");
  const merged = r.git.mergeTrees(tree(r.git.mergeBase(sha, defaultSha)), tree(sha), tree(defaultSha));
  if (!merged) throw conflict(`Conflict merging ${r.defaultBranch} into ${ref}.`);
  const person = personFor(ctx.state, login(ctx), ctx.state.now());
  const c = r.git.commit({
    tree: merged.sha,
    parents: [sha, defaultSha],
    message: `Auto-merged ${r.defaultBranch} into ${ref} on deployment.`,
    author: person,
    committer: person,
  });
  updateRef(ctx, r, branchRef, c.sha, login(ctx));
  return `Auto-merged ${r.defaultBranch} into ${ref} on deployment.`;
}

export const deploymentRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/deployments",
    operationId: "repos/create-deployment",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const b = obj(ctx);
      const ref = str(b, "ref", "Deployment", true);
      const sha = commitish(r, ref);
      if (!sha) throw invalidBecause("Deployment", "ref", `No ref found for: ${ref}`);
      let payload: unknown = b["payload"] ?? {};
      if (typeof payload === "string") {
        try {
          payload = payload === "" ? {} : (JSON.parse(payload) as unknown);
        } catch {
          throw invalid("Deployment", "payload");
        }
      }
      if (typeof payload !== "object" || payload === null) throw invalid("Deployment", "payload");
      const environment = str(b, "environment", "Deployment") ?? "production";
      const required = b["required_contexts"];
      if (
        required !== undefined &&
        !(Array.isArray(required) && required.every((x) => typeof x === "string"))
      )
        throw invalid("Deployment", "required_contexts");
      const states = contextStates(r, sha);
      const wanted = required === undefined ? [...states.keys()] : (required as string[]);
      const failing = wanted
        .filter((c) => states.get(c) !== "success")
        .map((c) => ({ context: c, state: states.get(c) ?? "missing" }));
      if (failing.length > 0) {
        throw new HttpError(409, {
          message: `Conflict: Commit status checks failed for ${ref}.`,
          errors: [
            { contexts: failing, resource: "Deployment", field: "required_contexts", code: "invalid" },
          ],
          documentation_url: DOCS,
          status: "409",
        });
      }
      if (bool(b, "auto_merge", "Deployment") ?? true) {
        const message = autoMerge(ctx, r, ref, sha);
        if (message) return { status: 202, body: { message } };
      }
      const now = ctx.state.now();
      const d: Deployment = {
        id: ctx.state.nextId("deployment"),
        sha,
        ref,
        task: str(b, "task", "Deployment") ?? "deploy",
        payload,
        environment,
        original_environment: environment,
        description: str(b, "description", "Deployment") ?? null,
        creator: login(ctx),
        created_at: now,
        updated_at: now,
        transient_environment: bool(b, "transient_environment", "Deployment") ?? false,
        production_environment:
          bool(b, "production_environment", "Deployment") ?? environment === "production",
        appId: appIdOf(ctx),
        statuses: [],
      };
      r.deployments.set(d.id, d);
      ensureEnvironment(ctx, r, environment);
      ctx.hooks.emit(
        r,
        "deployment",
        "created",
        () => ({ deployment: deploymentJson(ctx, r, d), workflow: null, workflow_run: null }),
        { sender: login(ctx) },
      );
      return created(deploymentJson(ctx, r, d));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/deployments",
    operationId: "repos/list-deployments",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const q = ctx.query;
      const list = [...r.deployments.values()]
        .filter(
          (d) =>
            (!q.get("sha") || d.sha === q.get("sha")) &&
            (!q.get("ref") || d.ref === q.get("ref")) &&
            (!q.get("task") || d.task === q.get("task")) &&
            (!q.get("environment") || d.environment === q.get("environment")),
        )
        .sort((a, b) => b.id - a.id);
      return listReply(ctx, list, (d) => deploymentJson(ctx, r, d));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/deployments/{deployment_id}",
    operationId: "repos/get-deployment",
    need: read,
    handler: (ctx) => ok(deploymentJson(ctx, repoOf(ctx), deploymentOr404(ctx, repoOf(ctx)))),
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/deployments/{deployment_id}",
    operationId: "repos/delete-deployment",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const d = deploymentOr404(ctx, r);
      const inEnv = [...r.deployments.values()].filter((x) => x.environment === d.environment);
      if (d.statuses.at(-1)?.state !== "inactive" && inEnv.length > 1) {
        throw validationFailed(
          [],
          "We cannot delete an active deployment unless it is the only deployment in a given environment.",
        );
      }
      r.deployments.delete(d.id);
      return noContent();
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
    operationId: "repos/create-deployment-status",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const d = deploymentOr404(ctx, r);
      const b = obj(ctx);
      const state =
        oneOf(str(b, "state", "DeploymentStatus", true), STATES, "DeploymentStatus", "state") ?? "pending";
      const description = str(b, "description", "DeploymentStatus") ?? "";
      if (description.length > 140) {
        throw validationFailed([
          {
            resource: "DeploymentStatus",
            field: "description",
            code: "custom",
            message: "description is too long (maximum is 140 characters)",
          },
        ]);
      }
      const logUrl = str(b, "log_url", "DeploymentStatus") ?? str(b, "target_url", "DeploymentStatus") ?? "";
      const environment = str(b, "environment", "DeploymentStatus") ?? d.environment;
      const now = ctx.state.now();
      const s: DeploymentStatus = {
        id: ctx.state.nextId("deployment_status"),
        state,
        creator: login(ctx),
        description,
        environment,
        target_url: logUrl,
        log_url: logUrl,
        environment_url: str(b, "environment_url", "DeploymentStatus") ?? "",
        created_at: now,
        updated_at: now,
        appId: appIdOf(ctx),
      };
      d.statuses.push(s);
      d.environment = environment;
      d.updated_at = now;
      ensureEnvironment(ctx, r, environment);
      ctx.hooks.emit(
        r,
        "deployment_status",
        "created",
        () => ({
          deployment_status: deploymentStatusJson(ctx, r, d, s),
          deployment: deploymentJson(ctx, r, d),
          check_run: null,
          workflow: null,
          workflow_run: null,
        }),
        { sender: login(ctx) },
      );
      if (state === "success" && (bool(b, "auto_inactive", "DeploymentStatus") ?? true))
        deactivatePrior(ctx, r, d);
      return created(deploymentStatusJson(ctx, r, d, s));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
    operationId: "repos/list-deployment-statuses",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const d = deploymentOr404(ctx, r);
      return listReply(ctx, [...d.statuses].reverse(), (s) => deploymentStatusJson(ctx, r, d, s));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses/{status_id}",
    operationId: "repos/get-deployment-status",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const d = deploymentOr404(ctx, r);
      const s = d.statuses.find((x) => x.id === Number(ctx.params["status_id"]));
      if (!s) throw notFound();
      return ok(deploymentStatusJson(ctx, r, d, s));
    },
  },
];

/** auto_inactive: prior non-transient, non-production deployments to the same environment that succeeded go inactive. */
function deactivatePrior(ctx: Ctx, r: Repo, current: Deployment): void {
  for (const d of r.deployments.values()) {
    if (
      d.id === current.id ||
      d.environment !== current.environment ||
      d.transient_environment ||
      d.production_environment
    )
      continue;
    if (d.statuses.at(-1)?.state !== "success") continue;
    const now = ctx.state.now();
    d.statuses.push({
      id: ctx.state.nextId("deployment_status"),
      state: "inactive",
      creator: login(ctx),
      description: "",
      environment: d.environment,
      target_url: "",
      log_url: "",
      environment_url: "",
      created_at: now,
      updated_at: now,
      appId: appIdOf(ctx),
    });
  }
}
