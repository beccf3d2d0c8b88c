/**
 * GitHub's environments and deployments page (`/{owner}/{repo}/deployments`, its `activity_log`
 * filtered by `?environments_filter=` — an environment's `html_url` — and `/deployments/{environment}`):
 * each environment with its latest deployment and custom protection rules, then the activity log:
 * every deployment, newest first, with its statuses as a timeline (state, description, creator,
 * `log_url`, `environment_url`).
 */
import { prCommits } from "../diff.js";
import type { Deployment, DeploymentStatus, Issue, Repo, State } from "../state.js";
import type { Html } from "./html.js";
import { badge, branchName, commitLink, markup, icon, layout, link, repoPath, user, when } from "./html.js";

const latest = (d: Deployment): DeploymentStatus | undefined => d.statuses.at(-1);

export const deploymentPath = (r: Repo, d: Deployment): string =>
  `${repoPath(r)}/deployments/activity_log?environments_filter=${encodeURIComponent(d.environment)}#deployment-${d.id}`;

/** A box listing deployments with their latest status, as GitHub's commit and run pages show them. */
export function deploymentsList(
  r: Repo,
  title: string,
  deployments: readonly Deployment[],
  none: string,
): Html {
  return markup`<div class="box" id="deployments">
    <div class="head"><strong>${title}</strong></div>
    ${deployments.length === 0 ? markup`<div class="empty">${none}</div>` : ""}
    <ul class="rows">
      ${deployments.map((d) => {
        const last = latest(d);
        return markup`<li>
          ${icon(last?.state ?? "pending")}
          ${link(deploymentPath(r, d), `Deployment ${d.id} to ${d.environment}`)}
          ${badge(last?.state ?? "pending")} <span class="muted">${last?.description ?? ""}</span>
        </li>`;
      })}
    </ul>
  </div>`;
}

/** Pull requests whose commits (or merge commit) include the SHA. */
export function pullsOf(r: Repo, sha: string): Issue[] {
  return [...r.issues.values()].filter(
    (i) => i.pull && (i.pull.merge_commit_sha === sha || prCommits(r, i.pull).some((c) => c.sha === sha)),
  );
}

/** A status's URL, shown as a link only when it is http(s); otherwise as text. */
const urlRow = (label: string, url: string): Html =>
  url ? markup`<div class="small"><span class="muted">${label}</span> ${link(url)}</div>` : markup``;

function statusItem(s: DeploymentStatus): Html {
  return markup`<li id="deployment-status-${s.id}">
    ${icon(s.state)}
    <div>${badge(s.state)} <strong>${s.description || s.state}</strong></div>
    <div class="small muted">${user(s.creator)} · ${when(s.created_at)} · status ${s.id}</div>
    ${urlRow("log_url", s.log_url)}
    ${s.target_url && s.target_url !== s.log_url ? urlRow("target_url", s.target_url) : ""}
    ${urlRow("environment_url", s.environment_url)}
  </li>`;
}

function deploymentBox(state: State, r: Repo, d: Deployment): Html {
  const last = latest(d);
  const app = d.appId === null ? undefined : state.apps.get(d.appId);
  return markup`<div class="box" id="deployment-${d.id}">
    <div class="head">
      ${icon(last?.state ?? "pending")} <strong>Deployment ${d.id}</strong> to
      <strong>${d.environment}</strong> ${badge(last?.state ?? "created", last?.state ?? "no status yet")}
    </div>
    <div class="body">
      <div>
        ${branchName(d.ref)} at ${commitLink(r, d.sha)} · task <code>${d.task}</code>
        ${d.production_environment ? markup`<span class="tag">production</span>` : ""}
        ${d.transient_environment ? markup`<span class="tag">transient</span>` : ""}
        ${pullsOf(r, d.sha).map((i) => markup` · ${link(`${repoPath(r)}/pull/${i.number}`, `#${i.number} ${i.title}`)}`)}
      </div>
      <div class="small muted">
        created by ${user(d.creator)}${app ? ` via ${app.name}` : ""} · ${when(d.created_at)}
      </div>
      ${d.description ? markup`<p>${d.description}</p>` : ""}
      ${
        d.payload !== null &&
        d.payload !== undefined &&
        JSON.stringify(d.payload) !== "{}" &&
        d.payload !== ""
          ? markup`<details>
              <summary class="small muted">payload</summary>
              <pre>${JSON.stringify(d.payload, null, 2)}</pre>
            </details>`
          : ""
      }
    </div>
    ${
      d.statuses.length > 0
        ? markup`<ol class="timeline">
            ${d.statuses.map(statusItem)}
          </ol>`
        : markup`<div class="empty">No statuses.</div>`
    }
  </div>`;
}

export function deploymentsPage(state: State, r: Repo, environment: string | undefined): string {
  const names = new Set([
    ...[...r.environments.values()].map((e) => e.name),
    ...[...r.deployments.values()].map((d) => d.environment),
  ]);
  const all = [...r.deployments.values()].sort((a, b) => b.id - a.id);
  const wanted = environment?.toLowerCase();
  const shown = wanted === undefined ? all : all.filter((d) => d.environment.toLowerCase() === wanted);
  const base = `${repoPath(r)}/deployments`;
  const envRow = (name: string): Html => {
    const env = [...r.environments.values()].find((e) => e.name.toLowerCase() === name.toLowerCase());
    const current = all.find(
      (d) => d.environment.toLowerCase() === name.toLowerCase() && latest(d)?.state === "success",
    );
    const rules = (env?.customRules ?? []).map(
      (rule) => state.apps.get(rule.appId)?.name ?? `App ${rule.appId}`,
    );
    return markup`<li>
      ${icon(current ? "success" : "inactive")}
      <strong>${link(`${base}/activity_log?environments_filter=${encodeURIComponent(name)}`, name)}</strong>
      <span class="muted"
        >${
          current
            ? markup`active: deployment ${current.id} of ${commitLink(r, current.sha)},
              ${when(latest(current)?.created_at)}`
            : "no active deployment"
        }</span
      >
      ${rules.length > 0 ? markup`<span class="small muted">protection rules: ${rules.join(", ")}</span>` : ""}
    </li>`;
  };
  const body = markup` <h2 class="title">
      ${environment === undefined ? "Deployments" : markup`Deployments to ${environment}`}
    </h2>
    <div class="sub">
      ${shown.length}
      deployment${shown.length === 1 ? "" : "s"}${
        environment === undefined ? "" : markup` · ${link(base, "all environments")}`
      }
    </div>
    <div class="box">
      <div class="head"><strong>Environments</strong></div>
      ${names.size === 0 ? markup`<div class="empty">No environments.</div>` : ""}
      <ul class="rows">
        ${[...names].sort().map(envRow)}
      </ul>
    </div>
    <h3>Activity log</h3>
    ${shown.length === 0 ? markup`<p class="empty">No deployments${environment ? ` to ${environment}` : ""}.</p>` : ""}
    ${shown.map((d) => deploymentBox(state, r, d))}`;
  return layout({
    title: `Deployments${environment ? ` · ${environment}` : ""} · ${r.owner}/${r.name}`,
    repo: r,
    tab: "deployments",
    body,
  });
}
