/**
 * GitHub's workflow run page (`/{owner}/{repo}/actions/runs/{run_id}`, a run's `html_url`, which
 * Tollgate writes as the `log_url` of the statuses it records from a workflow): the run's workflow,
 * event, branch, commit, actor, attempt and result, its jobs, the environments it targeted with their
 * protection-rule gates and comments, and the deployments it created.
 */
import type { Repo, State, WorkflowRun } from "../state.js";
import { deploymentsList } from "./deployments.js";
import type { Html } from "./html.js";
import { badge, branchName, commitLink, markup, icon, layout, repoPath, user, when } from "./html.js";

function jobsBox(run: WorkflowRun): Html {
  return markup`<div class="box" id="jobs">
          <div class="head"><strong>Jobs</strong></div>
          ${run.jobs.length === 0 ? markup`<div class="empty">No jobs reported.</div>` : ""}
          <ul class="rows">
            ${run.jobs.map(
              (j) =>
                markup`<li>
                  ${icon(j.conclusion ?? j.status)} <strong>${j.name}</strong>
                  <span class="muted">${j.conclusion ?? j.status}</span>
                </li>`,
            )}
          </ul>
        </div>`;
}

/** The environments the run waited on, each with its protection-rule gate's state and comments. */
function gatesBox(state: State, run: WorkflowRun): Html {
  return markup`<div class="box" id="gates">
          <div class="head">
            <strong>Environments</strong> <span class="muted small">deployment protection rules</span>
          </div>
          ${run.gates.length === 0 ? markup`<div class="empty">No environment gates.</div>` : ""}
          ${run.gates.map(
            (g) =>
              markup`<div class="body">
                ${icon(g.state === "waiting" ? "waiting" : g.state)}
                <strong>${g.environment}</strong> ${badge(g.state)}
                <span class="muted">${state.apps.get(g.appId)?.name ?? `App ${g.appId}`}</span>
                <ol class="timeline">
                  ${g.comments.map(
                    (c) =>
                      markup`<li>
                        ${icon(c.state ?? "commented")}
                        <div>${c.comment}</div>
                        <div class="small muted">${user(c.actor)} · ${when(c.at)}</div>
                      </li>`,
                  )}
                </ol>
              </div>`,
          )}
        </div>`;
}

/** Deployments the run created or whose statuses point at it (the Action writes the run as their log_url). */
function deploymentsBox(r: Repo, run: WorkflowRun): Html {
  const runUrl = `${repoPath(r)}/actions/runs/${run.id}`;
  const deployments = [...r.deployments.values()].filter(
    (d) =>
      run.gates.some((g) => g.deploymentId === d.id) ||
      d.statuses.some((s) =>
        [s.log_url, s.target_url].some((u) => u.endsWith(runUrl) || u.includes(`${runUrl}/`)),
      ),
  );
  return deploymentsList(r, "Deployments", deployments, "No deployments point at this run.");
}

export function workflowRunPage(state: State, r: Repo, run: WorkflowRun): string {
  const result = run.conclusion ?? run.status;
  const body = markup` <h2 class="title">${run.name} <span class="num">#${run.runNumber}</span></h2>
    <div class="sub">
      ${badge(result)} ${run.event} on ${branchName(run.headBranch)} at ${commitLink(r, run.headSha)} ·
      triggered by ${user(run.triggeringActor)} · attempt ${run.runAttempt} · <code>${run.path}</code> ·
      ${when(run.run_started_at)}
    </div>
    <div class="layout">
      <div>
        ${jobsBox(run)}
        ${gatesBox(state, run)}
        ${deploymentsBox(r, run)}
      </div>
      <aside>
        <section>
          <h3>Run</h3>
          <div>${run.id}</div>
          <div class="muted small">created ${when(run.created_at)}</div>
          <div class="muted small">updated ${when(run.updated_at)}</div>
        </section>
        <section>
          <h3>Actor</h3>
          ${user(run.actor)}
        </section>
        ${
          Object.keys(run.inputs).length > 0
            ? markup`<section>
                <h3>Inputs</h3>
                <pre>${JSON.stringify(run.inputs, null, 2)}</pre>
              </section>`
            : ""
        }
      </aside>
    </div>`;
  return layout({
    title: `${run.name} #${run.runNumber} · ${r.owner}/${r.name}`,
    repo: r,
    tab: "actions",
    body,
  });
}
