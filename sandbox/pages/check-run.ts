/**
 * GitHub's check run page (`/{owner}/{repo}/runs/{check_run_id}`, a check run's `html_url`): the run's
 * name, App, status and conclusion, its commit, times and output (title, summary and text rendered
 * from Markdown), its requested actions, and the other check runs on the same commit, as the Checks
 * tab lists them. Also the "checks" box the pull request and commit pages show: the latest run of
 * each name, with its output, and the commit statuses.
 */
import type { CheckRun, Repo, State } from "../state.js";
import { Html, badge, commitLink, markup, icon, layout, link, repoPath, when } from "./html.js";
import { renderMarkdown } from "./markdown.js";

const appName = (state: State, run: CheckRun): string => state.apps.get(run.appId)?.name ?? "an App";
const result = (run: CheckRun): string => run.conclusion ?? run.status;
const runPath = (r: Repo, run: CheckRun): string => `${repoPath(r)}/runs/${run.id}`;

/** The latest run of each (App, name) on a commit, as GitHub's merge box lists them. */
export function latestRuns(r: Repo, sha: string): CheckRun[] {
  const latest = new Map<string, CheckRun>();
  for (const run of [...r.checkRuns.values()].sort((a, b) => a.id - b.id))
    if (run.headSha === sha) latest.set(`${run.appId}\u0000${run.name}`, run);
  return [...latest.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const markdown = (text: string | null): Html =>
  markup`<div class="markdown">${new Html(renderMarkdown(text ?? ""))}</div>`;

/** The checks of a commit: each latest check run with its output, then the commit statuses. */
export function checksBox(state: State, r: Repo, sha: string): Html {
  const runs = latestRuns(r, sha);
  const statuses = new Map<string, Repo["statuses"][number]>();
  for (const s of r.statuses) if (s.sha === sha) statuses.set(s.context, s);
  const failing = runs.filter((run) => !["success", "neutral", "skipped"].includes(result(run))).length;
  return markup`<div class="box" id="checks">
    <div class="head">
      <strong>Checks</strong>
      <span class="muted"
        >${runs.length} check run${runs.length === 1 ? "" : "s"} on ${commitLink(r, sha)},
        ${failing === 0 ? "all successful" : `${failing} not successful`}</span
      >
    </div>
    ${runs.length + statuses.size === 0 ? markup`<div class="empty">No checks reported on this commit.</div>` : ""}
    ${runs.map(
      (run) =>
        markup`<details
          class="check"
          id="check-run-${run.id}"
          ${result(run) === "success" ? "" : new Html("open")}
        >
          <summary>
            ${icon(result(run))} <strong>${run.name}</strong>
            <span class="muted"
              >${appName(state, run)} ·
              ${result(run).replace(/_/g, " ")}${run.output.title ? markup` — ${run.output.title}` : ""}</span
            >
            <a href="${runPath(r, run)}">Details</a>
          </summary>
          ${markdown(run.output.summary)}
        </details>`,
    )}
    ${
      statuses.size > 0
        ? markup`<ul class="rows">
            ${[...statuses.values()].map(
              (s) =>
                markup`<li>
                  ${icon(s.state)} <strong>${s.context}</strong>
                  <span class="muted">${s.description ?? ""}</span>
                  ${s.target_url ? link(s.target_url, "Details") : ""}
                  <span class="muted small">commit status by ${s.creator}</span>
                </li>`,
            )}
          </ul>`
        : ""
    }
  </div>`;
}

/** The run's output: title and summary, details text, the annotation count and requested actions. */
function checkRunOutput(run: CheckRun): Html {
  return markup`<div class="box">
          <div class="head">${icon(result(run))} <strong>${run.output.title ?? run.name}</strong></div>
          <div class="body">${markdown(run.output.summary)}</div>
        </div>
        ${
          run.output.text
            ? markup`<div class="box">
                <div class="head"><strong>Details</strong></div>
                <div class="body">${markdown(run.output.text)}</div>
              </div>`
            : ""
        }
        ${
          run.output.annotations_count > 0
            ? markup`<p class="muted">${run.output.annotations_count} annotation(s).</p>`
            : ""
        }
        ${
          run.actions.length > 0
            ? markup`<div class="box">
                <div class="head">
                  <strong>Requested actions</strong>
                  <span class="muted small">buttons on GitHub; here only listed</span>
                </div>
                <ul class="rows">
                  ${run.actions.map(
                    (a) =>
                      markup`<li>
                        <strong>${a.label}</strong> <span class="muted">${a.description}</span>
                        <code>${a.identifier}</code>
                      </li>`,
                  )}
                </ul>
              </div>`
            : ""
        }`;
}

/** The sidebar: status and timing, details URL, external id and the other check runs on the commit. */
function checkRunSidebar(r: Repo, run: CheckRun): Html {
  const siblings = [...r.checkRuns.values()]
    .filter((c) => c.headSha === run.headSha)
    .sort((a, b) => a.id - b.id);
  const seconds =
    run.completed_at && run.started_at
      ? (Date.parse(run.completed_at) - Date.parse(run.started_at)) / 1000
      : null;
  return markup`<aside>
        <section>
          <h3>Status</h3>
          <div>
            ${run.status.replace(/_/g, " ")}${run.conclusion ? markup` · ${run.conclusion.replace(/_/g, " ")}` : ""}
          </div>
          <div class="muted small">started ${when(run.started_at)}</div>
          ${
            run.completed_at
              ? markup`<div class="muted small">
                  completed ${when(run.completed_at)}${seconds === null ? "" : ` (${Math.round(seconds)} s)`}
                </div>`
              : ""
          }
        </section>
        ${
          run.details_url
            ? markup`<section>
                <h3>Details URL</h3>
                ${link(run.details_url)}
              </section>`
            : ""
        }
        ${
          run.external_id
            ? markup`<section>
                <h3>External id</h3>
                <code>${run.external_id}</code>
              </section>`
            : ""
        }
        <section>
          <h3>Check runs on this commit</h3>
          <ul class="rows">
            ${siblings.map(
              (c) =>
                markup`<li>
                  ${icon(result(c))}
                  ${c.id === run.id ? markup`<strong>${c.name}</strong>` : link(runPath(r, c), c.name)}
                  <span class="muted small">${c.id}</span>
                </li>`,
            )}
          </ul>
        </section>
      </aside>`;
}

export function checkRunPage(state: State, r: Repo, run: CheckRun): string {
  const pulls = [...r.issues.values()].filter(
    (i) => i.pull && (i.pull.headSha === run.headSha || i.pull.merge_commit_sha === run.headSha),
  );
  const body = markup` <h2 class="title">${run.name}</h2>
    <div class="sub">
      ${badge(result(run))} ${appName(state, run)} · check run ${run.id} on ${commitLink(r, run.headSha)}
      ${pulls.map((i) => markup` · ${link(`${repoPath(r)}/pull/${i.number}`, `#${i.number} ${i.title}`)}`)}
    </div>
    <div class="layout">
      <div>
        ${checkRunOutput(run)}
      </div>
      ${checkRunSidebar(r, run)}
    </div>`;
  return layout({
    title: `${run.name} · check run ${run.id} · ${r.owner}/${r.name}`,
    repo: r,
    tab: "pulls",
    body,
  });
}
