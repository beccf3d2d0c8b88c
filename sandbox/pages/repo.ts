/**
 * GitHub's repository home (`/{owner}/{repo}`, a repository's `html_url`), condensed to one page: the
 * default branch's files and latest commit, branches, pull requests and issues, workflow runs,
 * environments, and security alerts, each linking to its own page. Also the repository's pending
 * invitations (`/{owner}/{repo}/invitations`, an invitation's `html_url`).
 */
import type { Repo, State } from "../state.js";
import type { Html } from "./html.js";
import {
  badge,
  branchName,
  commitLink,
  markup,
  icon,
  labelChip,
  layout,
  link,
  repoPath,
  user,
  when,
} from "./html.js";

/** The default branch's latest commit and the files at the top of its tree. */
function codeBox(r: Repo): Html {
  const base = repoPath(r);
  const head = r.refs.get(`refs/heads/${r.defaultBranch}`);
  const commit = head ? r.git.get(head, "commit") : undefined;
  const tree = commit ? r.git.get(commit.tree, "tree") : undefined;
  return markup`<div class="box" id="code">
          <div class="head">
            ${branchName(r.defaultBranch)}
            ${
              commit
                ? markup`<span>${commit.message.split("\n")[0] ?? ""}</span> ${commitLink(r, commit.sha)}
                    <span class="muted small">${when(commit.committer.date)}</span>`
                : markup`<span class="muted">empty repository</span>`
            }
          </div>
          <ul class="rows">
            ${(tree?.entries ?? []).map(
              (e) =>
                markup`<li>
                  ${e.type === "tree" ? "📁" : "📄"}
                  ${link(
                    `${base}/${e.type === "tree" ? "tree" : "blob"}/${encodeURIComponent(r.defaultBranch)}/${encodeURIComponent(e.path)}`,
                    e.path,
                  )}
                </li>`,
            )}
          </ul>
        </div>`;
}

/** Pull requests and issues, newest first, with their state and labels. */
function pullsBox(r: Repo): Html {
  const base = repoPath(r);
  const issues = [...r.issues.values()].sort((a, b) => b.number - a.number);
  return markup`<div class="box" id="pulls">
          <div class="head"><strong>Pull requests and issues</strong></div>
          ${issues.length === 0 ? markup`<div class="empty">None yet.</div>` : ""}
          <ul class="rows">
            ${issues.map((i) => {
              const state = i.pull?.merged_at ? "merged" : i.state;
              return markup`<li>
                ${icon(state)} ${link(`${base}/${i.pull ? "pull" : "issues"}/${i.number}`, i.title)}
                <span class="muted">#${i.number} by ${i.user} · ${state}</span>
                ${i.labels.map((n) => {
                  const l = r.labels.get(n.toLowerCase());
                  return l ? labelChip(l.name, l.color) : "";
                })}
              </li>`;
            })}
          </ul>
        </div>`;
}

/** Workflow runs, newest first. */
function runsBox(r: Repo): Html {
  const base = repoPath(r);
  const runs = [...r.runs.values()].sort((a, b) => b.id - a.id);
  return markup`<div class="box" id="actions">
          <div class="head"><strong>Workflow runs</strong></div>
          ${runs.length === 0 ? markup`<div class="empty">No workflow runs.</div>` : ""}
          <ul class="rows">
            ${runs.map(
              (run) =>
                markup`<li>
                  ${icon(run.conclusion ?? run.status)}
                  ${link(`${base}/actions/runs/${run.id}`, `${run.name} #${run.runNumber}`)}
                  <span class="muted"
                    >${run.event} on ${run.headBranch} · attempt ${run.runAttempt} ·
                    ${run.conclusion ?? run.status}</span
                  >
                </li>`,
            )}
          </ul>
        </div>`;
}

/** Code scanning and Dependabot alerts together, each linking to its own page. */
function securityBox(r: Repo): Html {
  const base = repoPath(r);
  const alerts = [
    ...r.codeScanning.map((a) => ({
      path: `security/code-scanning/${a.number}`,
      text: `${a.rule_id}: ${a.description}`,
      severity: a.security_severity_level ?? a.severity,
      state: a.state,
    })),
    ...r.dependabot.map((a) => ({
      path: `security/dependabot/${a.number}`,
      text: `${a.package}: ${a.summary}`,
      severity: a.severity,
      state: a.state,
    })),
  ];
  return markup`<div class="box" id="security">
          <div class="head"><strong>Security alerts</strong></div>
          ${alerts.length === 0 ? markup`<div class="empty">No alerts.</div>` : ""}
          <ul class="rows">
            ${alerts.map(
              (a) =>
                markup`<li>
                  ${badge(a.state === "open" ? "failure" : "inactive", a.severity)}
                  ${link(`${base}/${a.path}`, a.text)} <span class="muted">${a.state}</span>
                </li>`,
            )}
          </ul>
        </div>`;
}

/** The sidebar: environments (configured or deployed to), branches and collaborators. */
function repoSidebar(state: State, r: Repo): Html {
  const base = repoPath(r);
  const branches = [...r.refs.keys()].filter((k) => k.startsWith("refs/heads/")).map((k) => k.slice(11));
  const environments = new Set([
    ...[...r.environments.values()].map((e) => e.name),
    ...[...r.deployments.values()].map((d) => d.environment),
  ]);
  return markup`<aside>
        <section>
          <h3>Environments</h3>
          ${
            environments.size === 0
              ? markup`<div class="muted">None</div>`
              : [...environments].sort().map(
                  (name) =>
                    markup`<div>
                        ${link(`${base}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`, name)}
                      </div>`,
                )
          }
          <div>${link(`${base}/deployments`, "All deployments")}</div>
        </section>
        <section>
          <h3>Branches</h3>
          ${branches.map((b) => markup`<div>${branchName(b)}</div>`)}
        </section>
        <section>
          <h3>Collaborators</h3>
          ${[...r.collaborators].map(
            ([login, role]) =>
              markup`<div>
                ${user(state.account(login)?.login ?? login)} <span class="muted small">${role}</span>
              </div>`,
          )}
        </section>
      </aside>`;
}

export function repoPage(state: State, r: Repo): string {
  const body = markup` ${r.description ? markup`<p>${r.description}</p>` : ""}
    <div class="layout">
      <div>
        ${codeBox(r)}
        ${pullsBox(r)}
        ${runsBox(r)}
        ${securityBox(r)}
      </div>
      ${repoSidebar(state, r)}
    </div>`;
  return layout({ title: `${r.owner}/${r.name}`, repo: r, tab: "code", body });
}

export function invitationsPage(r: Repo): string {
  const body = markup`<h2 class="title">Invitations</h2>
    <div class="box">
      ${r.invitations.size === 0 ? markup`<div class="empty">No pending invitations.</div>` : ""}
      <ul class="rows">
        ${[...r.invitations].map(
          ([id, inv]) =>
            markup`<li>
              ${user(inv.login)}
              <span class="muted"
                >invited as ${inv.role} by ${inv.inviter} ${when(inv.created_at)} · invitation ${id}</span
              >
            </li>`,
        )}
      </ul>
    </div>`;
  return layout({ title: `Invitations · ${r.owner}/${r.name}`, repo: r, tab: "code", body });
}
