/**
 * REST representations of GitHub Actions workflows and workflow runs (GitHub's OpenAPI schemas
 * `workflow` and `workflow-run`), as the Actions routes and the `workflow_run` webhook send them.
 */
import type { Json } from "../http.js";
import type { Repo, Workflow, WorkflowRun } from "../state.js";
import { nodeId, simpleUser, type View } from "./accounts.js";
import { headCommitJson } from "./git.js";
import { repoHtml, repoJson, repoUrl } from "./repo.js";
import { prRefsFor } from "./checks.js";

export function workflowJson(v: View, r: Repo, w: Workflow): Json {
  return {
    id: w.id,
    node_id: nodeId("Workflow", w.id),
    name: w.name,
    path: w.path,
    state: "active",
    created_at: w.created_at,
    updated_at: w.created_at,
    url: `${repoUrl(v, r)}/actions/workflows/${w.id}`,
    html_url: `${repoHtml(v, r)}/blob/${r.defaultBranch}/${w.path}`,
    badge_url: `${repoHtml(v, r)}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
  };
}

export function runJson(v: View, r: Repo, run: WorkflowRun): Json {
  const url = `${repoUrl(v, r)}/actions/runs/${run.id}`;
  const commit = r.git.get(run.headSha, "commit");
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("WorkflowRun", run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.path,
    display_title: commit?.message.split("\n")[0] ?? run.name,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    check_suite_id: run.id + 1,
    check_suite_node_id: nodeId("CheckSuite", run.id + 1),
    url,
    html_url: `${repoHtml(v, r)}/actions/runs/${run.id}`,
    pull_requests: prRefsFor(v, r, run.headSha),
    created_at: run.created_at,
    updated_at: run.updated_at,
    actor: simpleUser(v, run.actor),
    run_attempt: run.runAttempt,
    referenced_workflows: [],
    run_started_at: run.run_started_at,
    triggering_actor: simpleUser(v, run.triggeringActor),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${repoUrl(v, r)}/check-suites/${run.id + 1}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: run.runAttempt > 1 ? `${url}/attempts/${run.runAttempt - 1}` : null,
    workflow_url: `${repoUrl(v, r)}/actions/workflows/${run.workflowId}`,
    head_commit: commit ? headCommitJson(commit) : null,
    repository: repoJson(v, r),
    head_repository: repoJson(v, r),
  };
}
