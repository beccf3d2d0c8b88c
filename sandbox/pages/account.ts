/**
 * GitHub's account pages: a user's or organization's profile (`/{login}`, an account's `html_url`)
 * with its repositories (and, for an organization, members and teams); an App's public page
 * (`/apps/{slug}`) with its permissions and events; an installation's settings
 * (`/settings/installations/{id}`); and a team (`/orgs/{org}/teams/{slug}`). The sandbox's home (`/`)
 * lists all of them.
 */
import type { Account, App, Installation, State, Team } from "../state.js";
import { markup, layout, link, repoPath, user, when } from "./html.js";

const repoList = (state: State, owner?: string) =>
  markup`<ul class="rows">
    ${[...state.repos.values()]
      .filter((r) => owner === undefined || r.owner.toLowerCase() === owner.toLowerCase())
      .map(
        (r) =>
          markup`<li>
            ${link(repoPath(r), `${r.owner}/${r.name}`)}
            <span class="tag">${r.private ? "Private" : "Public"}</span>
            <span class="muted">${r.description ?? ""}</span>
          </li>`,
      )}
  </ul>`;

export function homePage(state: State): string {
  const accounts = [...state.accounts.values()];
  const body = markup`<h2 class="title">GitHub sandbox</h2>
    <div class="sub">Read-only pages over the sandbox's state. The REST API is at <code>/api/v3</code>.</div>
    <div class="box">
      <div class="head"><strong>Repositories</strong></div>
      ${repoList(state)}
    </div>
    <div class="box">
      <div class="head"><strong>Organizations and people</strong></div>
      <ul class="rows">
        ${accounts.map(
          (a) =>
            markup`<li>
              ${user(a.login)} <span class="muted">${a.type}${a.site_admin ? ", site admin" : ""}</span>
            </li>`,
        )}
      </ul>
    </div>
    <div class="box">
      <div class="head"><strong>Apps</strong></div>
      <ul class="rows">
        ${[...state.apps.values()].map(
          (a) =>
            markup`<li>
              ${link(`/apps/${encodeURIComponent(a.slug)}`, a.name)} <span class="muted">${a.slug}[bot]</span>
            </li>`,
        )}
      </ul>
    </div>`;
  return layout({ title: "GitHub sandbox", body });
}

export function accountPage(state: State, a: Account): string {
  const teams = [...state.teams.values()].filter((t) => t.org.toLowerCase() === a.login.toLowerCase());
  const body = markup`<h2 class="title">${a.name ?? a.login} <span class="num">${a.login}</span></h2>
    <div class="sub">
      ${a.type}${a.site_admin ? " · site admin" : ""}${a.suspended ? " · suspended" : ""} · joined
      ${when(a.created_at)}
    </div>
    <div class="box">
      <div class="head"><strong>Repositories</strong></div>
      ${repoList(state, a.login)}
    </div>
    ${
      a.type === "Organization"
        ? markup`<div class="box">
              <div class="head"><strong>Members</strong></div>
              <ul class="rows">
                ${[...a.members].map(([login, role]) => markup`<li>${user(state.account(login)?.login ?? login)} <span class="muted">${role}</span></li>`)}
              </ul>
            </div>
            <div class="box">
              <div class="head"><strong>Teams</strong></div>
              <ul class="rows">
                ${teams.map(
                  (t) =>
                    markup`<li>
                      ${link(`/orgs/${encodeURIComponent(a.login)}/teams/${encodeURIComponent(t.slug)}`, t.name)}
                      <span class="muted">${t.members.size} member${t.members.size === 1 ? "" : "s"}</span>
                    </li>`,
                )}
              </ul>
            </div>`
        : ""
    }`;
  return layout({ title: a.login, body });
}

export function appPage(state: State, app: App): string {
  const installations = [...state.installations.values()].filter((i) => i.appId === app.id);
  const body = markup`<h2 class="title">${app.name} <span class="num">${app.slug}[bot]</span></h2>
    <div class="sub">GitHub App ${app.id} owned by ${user(app.owner)} · created ${when(app.created_at)}</div>
    <div class="box">
      <div class="head"><strong>Permissions</strong></div>
      <ul class="rows">
        ${Object.entries(app.permissions).map(([k, v]) => markup`<li><code>${k}</code> <span class="muted">${v}</span></li>`)}
      </ul>
    </div>
    <div class="box">
      <div class="head"><strong>Events</strong></div>
      <div class="body">${app.events.map((e) => markup`<code>${e}</code> `)}</div>
    </div>
    <div class="box">
      <div class="head"><strong>Installations</strong></div>
      <ul class="rows">
        ${installations.map(
          (i) =>
            markup`<li>
              ${link(`/settings/installations/${i.id}`, `${i.account}`)}
              <span class="muted">installation ${i.id}</span>
            </li>`,
        )}
      </ul>
    </div>`;
  return layout({ title: `${app.name} · GitHub App`, body });
}

export function installationPage(state: State, inst: Installation): string {
  const app = state.apps.get(inst.appId);
  const repos = [...state.repos.values()].filter(
    (r) =>
      r.owner.toLowerCase() === inst.account.toLowerCase() &&
      (inst.repositoryIds === "all" || inst.repositoryIds.has(r.id)),
  );
  const body = markup`<h2 class="title">${app?.name ?? `App ${inst.appId}`} on ${inst.account}</h2>
    <div class="sub">
      Installation ${inst.id} · ${inst.repositoryIds === "all" ? "all repositories" : "selected repositories"}
      · installed ${when(inst.created_at)}
      ${app ? markup`· ${link(`/apps/${encodeURIComponent(app.slug)}`, "the App")}` : ""}
    </div>
    <div class="box">
      <div class="head"><strong>Repository access</strong></div>
      <ul class="rows">
        ${repos.map((r) => markup`<li>${link(repoPath(r), `${r.owner}/${r.name}`)}</li>`)}
      </ul>
    </div>`;
  return layout({ title: `Installation ${inst.id}`, body });
}

export function teamPage(state: State, t: Team): string {
  const body = markup`<h2 class="title">${t.name} <span class="num">@${t.org}/${t.slug}</span></h2>
    <div class="sub">
      ${t.description ?? ""} ${t.privacy} team of ${link(`/${encodeURIComponent(t.org)}`, t.org)}
    </div>
    <div class="box">
      <div class="head"><strong>Members</strong></div>
      <ul class="rows">
        ${[...t.members].map(([login, role]) => markup`<li>${user(state.account(login)?.login ?? login)} <span class="muted">${role}</span></li>`)}
      </ul>
    </div>
    <div class="box">
      <div class="head"><strong>Repositories</strong></div>
      <ul class="rows">
        ${[...t.repos].map(([id, role]) => {
          const r = state.repoById(id);
          return r
            ? markup`<li>${link(repoPath(r), `${r.owner}/${r.name}`)} <span class="muted">${role}</span></li>`
            : "";
        })}
      </ul>
    </div>`;
  return layout({ title: `${t.org}/${t.slug}`, body });
}
