/**
 * GitHub Actions as far as deployments need it ("Events that trigger workflows", "Deploying with GitHub
 * Actions"): workflows are the files under `.github/workflows` on the default branch; a run is created,
 * started, completed and re-run with `workflow_run` webhooks; a job targeting an environment creates a
 * deployment and, for each custom deployment protection rule App on it, sends
 * `deployment_protection_rule.requested` and waits for the App's review. No workflow file is executed.
 */
import type { Ctx } from "./http.js";
import { deploymentJson } from "./serialize/deployments.js";
import { runJson, workflowJson } from "./serialize/actions.js";
import { prRefsFor } from "./serialize/checks.js";
import { pullJson } from "./serialize/issues.js";
import type { Deployment, Repo, Workflow, WorkflowRun } from "./state.js";
import { ensureEnvironment } from "./routes/environments.js";

/** Workflows are the files under .github/workflows on the default branch, as on GitHub. */
export function workflows(ctx: Pick<Ctx, "state">, r: Repo): Workflow[] {
  const sha = r.refs.get(`refs/heads/${r.defaultBranch}`);
  const tree = sha ? r.git.get(sha, "commit")?.tree : undefined;
  const files = tree ? r.git.flatten(tree) : new Map<string, { sha: string; mode: string }>();
  const out: Workflow[] = [];
  for (const [path, f] of files) {
    if (!/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) continue;
    let w = r.workflows.get(path);
    if (!w) {
      const text = r.git.get(f.sha, "blob")?.content.toString("utf8") ?? "";
      const name = /^name:\s*["']?(.+?)["']?\s*$/m.exec(text)?.[1] ?? path;
      w = { id: ctx.state.nextId("workflow"), path, name, created_at: ctx.state.now() };
      r.workflows.set(path, w);
    }
    out.push(w);
  }
  return out;
}

export function workflowText(r: Repo, w: Workflow): string {
  const sha = r.refs.get(`refs/heads/${r.defaultBranch}`);
  const entry = sha ? r.git.lookup(r.git.get(sha, "commit")?.tree ?? "", w.path) : undefined;
  return entry ? (r.git.get(entry.sha, "blob")?.content.toString("utf8") ?? "") : "";
}

function emitRun(ctx: Ctx, r: Repo, run: WorkflowRun, action: string, sender: string): void {
  const w = [...r.workflows.values()].find((x) => x.id === run.workflowId);
  ctx.hooks.emit(
    r,
    "workflow_run",
    action,
    () => ({ workflow_run: runJson(ctx, r, run), workflow: w ? workflowJson(ctx, r, w) : null }),
    { sender },
  );
}

export function createRun(
  ctx: Ctx,
  r: Repo,
  w: Workflow,
  o: { branch: string; sha: string; event: string; actor: string; inputs?: Record<string, unknown> },
): WorkflowRun {
  const now = ctx.state.now();
  const run: WorkflowRun = {
    id: ctx.state.nextId("run"),
    workflowId: w.id,
    name: w.name,
    path: w.path,
    headBranch: o.branch,
    headSha: o.sha,
    event: o.event,
    status: "queued",
    conclusion: null,
    runNumber: [...r.runs.values()].filter((x) => x.workflowId === w.id).length + 1,
    runAttempt: 1,
    created_at: now,
    updated_at: now,
    run_started_at: now,
    actor: o.actor,
    triggeringActor: o.actor,
    inputs: o.inputs ?? {},
    jobs: [{ id: ctx.state.nextId("job"), name: "build", status: "queued", conclusion: null }],
    gates: [],
  };
  r.runs.set(run.id, run);
  emitRun(ctx, r, run, "requested", o.actor);
  return run;
}

export function setRunState(
  ctx: Ctx,
  r: Repo,
  run: WorkflowRun,
  status: WorkflowRun["status"],
  conclusion: string | null,
): void {
  const was = run.status;
  run.status = status;
  run.conclusion = status === "completed" ? (conclusion ?? "success") : null;
  run.updated_at = ctx.state.now();
  for (const j of run.jobs) {
    j.status = status === "completed" ? "completed" : status;
    j.conclusion = run.conclusion;
  }
  if (was === status) return;
  if (status === "in_progress") emitRun(ctx, r, run, "in_progress", run.triggeringActor);
  if (status === "completed") emitRun(ctx, r, run, "completed", run.triggeringActor);
}

export function rerun(ctx: Ctx, r: Repo, run: WorkflowRun, actor: string, failedOnly: boolean): void {
  run.runAttempt++;
  run.triggeringActor = actor;
  run.status = "queued";
  run.conclusion = null;
  run.run_started_at = ctx.state.now();
  run.updated_at = run.run_started_at;
  for (const j of run.jobs) {
    if (failedOnly && j.conclusion === "success") continue;
    j.status = "queued";
    j.conclusion = null;
  }
  run.gates = [];
  emitRun(ctx, r, run, "requested", actor);
}

/**
 * A job of the run targets an environment: GitHub Actions creates the deployment and, for each custom
 * protection rule App on that environment, sends deployment_protection_rule.requested and holds the job.
 */
export function deployFromRun(ctx: Ctx, r: Repo, run: WorkflowRun, environment: string): Deployment {
  const env = ensureEnvironment(ctx, r, environment);
  const now = ctx.state.now();
  const d: Deployment = {
    id: ctx.state.nextId("deployment"),
    sha: run.headSha,
    ref: run.headBranch,
    task: "deploy",
    payload: {},
    environment,
    original_environment: environment,
    description: null,
    creator: run.triggeringActor,
    created_at: now,
    updated_at: now,
    transient_environment: false,
    production_environment: environment === "production",
    appId: null,
    statuses: [],
  };
  r.deployments.set(d.id, d);
  ctx.hooks.emit(
    r,
    "deployment",
    "created",
    () => ({ deployment: deploymentJson(ctx, r, d), workflow: null, workflow_run: runJson(ctx, r, run) }),
    { sender: run.triggeringActor },
  );
  const rules = env.customRules.filter((x) => x.enabled);
  if (rules.length > 0) run.status = "waiting";
  for (const rule of rules) {
    run.gates.push({ environment, deploymentId: d.id, appId: rule.appId, state: "waiting", comments: [] });
    ctx.hooks.emit(
      r,
      "deployment_protection_rule",
      "requested",
      () => ({
        environment,
        event: run.event,
        sha: run.headSha,
        ref: `refs/heads/${run.headBranch}`,
        deployment_callback_url: `${ctx.api}/repos/${r.owner}/${r.name}/actions/runs/${run.id}/deployment_protection_rule`,
        deployment: deploymentJson(ctx, r, d),
        pull_requests: prRefsFor(ctx, r, run.headSha).map((p) => {
          const issue = r.issues.get(Number(p["number"]));
          return issue ? pullJson(ctx, r, issue) : p;
        }),
      }),
      { sender: run.triggeringActor, onlyApp: rule.appId },
    );
  }
  return d;
}
