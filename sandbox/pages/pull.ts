/**
 * GitHub's pull request page (`/{owner}/{repo}/pull/{number}`, a PR's `html_url`) and issue page
 * (`/issues/{number}`): title, state, branches, the description, then the conversation in time order —
 * comments with their reactions (anchored `#issuecomment-{id}`, as comments' `html_url`s are), reviews
 * (`#pullrequestreview-{id}`), commits, deployments of the PR's commits with their latest status, the
 * merge — and the checks box with each check run's output rendered from Markdown. The sidebar shows
 * reviewers, labels and environments, as GitHub's does.
 */
import { authorAssociation } from "../associations.js";
import { prCommits, prFiles } from "../diff.js";
import type { Deployment, Issue, IssueComment, Repo, Review, State } from "../state.js";
import { checksBox } from "./check-run.js";
import { deploymentPath } from "./deployments.js";
import {
  Html,
  badge,
  branchName,
  commitLink,
  markup,
  icon,
  labelChip,
  layout,
  link,
  user,
  when,
} from "./html.js";
import { renderMarkdown } from "./markdown.js";

const EMOJI: Record<string, string> = {
  "+1": "👍",
  "-1": "👎",
  laugh: "😄",
  hooray: "🎉",
  confused: "😕",
  heart: "❤️",
  rocket: "🚀",
  eyes: "👀",
};

const REVIEW_VERB: Record<Review["state"], string> = {
  APPROVED: "approved these changes",
  CHANGES_REQUESTED: "requested changes",
  COMMENTED: "reviewed",
  DISMISSED: "reviewed (dismissed)",
};

const ASSOCIATION: Record<string, string> = {
  OWNER: "Owner",
  MEMBER: "Member",
  COLLABORATOR: "Collaborator",
};

const markdown = (text: string | null): Html =>
  text?.trim()
    ? markup`<div class="markdown">${new Html(renderMarkdown(text))}</div>`
    : markup`<p class="muted"><em>No description provided.</em></p>`;

function reactions(c: IssueComment): Html {
  if (c.reactions.length === 0) return markup``;
  const by = new Map<string, string[]>();
  for (const x of c.reactions) by.set(x.content, [...(by.get(x.content) ?? []), x.user]);
  return markup`<div class="reactions">
    ${[...by].map(
      ([content, users]) =>
        markup`<span class="reaction" data-content="${content}" title="${users.join(", ")}"
          >${EMOJI[content] ?? content} ${users.length}</span
        >`,
    )}
  </div>`;
}

function commentBox(state: State, r: Repo, c: IssueComment): Html {
  const role = ASSOCIATION[authorAssociation(state, r, c.user)];
  const app = c.appId === null ? undefined : state.apps.get(c.appId);
  return markup`<div class="box comment${c.user.endsWith("[bot]") ? " bot" : ""}" id="issuecomment-${c.id}">
    <div class="head">
      ${user(c.user)}
      <a class="muted" href="#issuecomment-${c.id}">commented ${when(c.created_at)}</a>
      ${c.updated_at !== c.created_at ? markup`<span class="muted small">edited</span>` : ""}
      ${app ? markup`<span class="muted small">via ${app.name}</span>` : ""}
      ${role ? markup`<span class="tag">${role}</span>` : ""}
    </div>
    <div class="body">${markdown(c.body)}${reactions(c)}</div>
  </div>`;
}

function reviewEntry(r: Repo, rv: Review): Html {
  const state = rv.state.toLowerCase() === "changes_requested" ? "changes_requested" : rv.state.toLowerCase();
  return markup`<div class="review" id="pullrequestreview-${rv.id}">
    <div class="event">
      ${icon(state === "approved" ? "success" : state)} ${user(rv.user)}
      <strong>${REVIEW_VERB[rv.state]}</strong> on ${commitLink(r, rv.commit_id)} ${when(rv.submitted_at)}
    </div>
    ${rv.body.trim() ? markup`<div class="box"><div class="body">${markdown(rv.body)}</div></div>` : ""}
  </div>`;
}

function deploymentEntry(r: Repo, d: Deployment): Html {
  const last = d.statuses.at(-1);
  return markup`<div class="event" id="deployment-${d.id}">
    ${icon(last?.state ?? "pending")} ${user(d.creator)} <strong>deployed</strong> ${commitLink(r, d.sha)} to
    ${link(deploymentPath(r, d), d.environment)} ${badge(last?.state ?? "pending")}
    ${last ? markup`<span>${last.description}</span> <span class="small">by ${user(last.creator)} ${when(last.created_at)}</span>` : ""}
    ${last?.log_url ? markup` · ${link(last.log_url, "log")}` : ""}
  </div>`;
}

/** What the page shows of one issue or PR, gathered once from the repository's state. */
interface PullView {
  state: State;
  r: Repo;
  i: Issue;
  p: Issue["pull"];
  comments: IssueComment[];
  commits: ReturnType<typeof prCommits>;
  deployments: Deployment[];
  status: string;
}

function pullView(state: State, r: Repo, i: Issue): PullView {
  const p = i.pull;
  const comments = [...r.comments.values()].filter((c) => c.issueNumber === i.number);
  const commits = p ? prCommits(r, p) : [];
  const shas = new Set([...commits.map((c) => c.sha), ...(p?.merge_commit_sha ? [p.merge_commit_sha] : [])]);
  const deployments = [...r.deployments.values()].filter((d) => shas.has(d.sha));
  const status = p?.merged_at ? "merged" : i.state;
  return { state, r, i, p, comments, commits, deployments, status };
}

/** The conversation in time order: comments, reviews, deployments, commits, then the merge or close. */
function timeline({ state, r, i, p, comments, commits, deployments }: PullView): Html[] {
  const entries: { at: string; order: number; entry: Html }[] = [
    ...comments.map((c) => ({ at: c.created_at, order: c.id, entry: commentBox(state, r, c) })),
    ...(p?.reviews ?? []).map((rv) => ({ at: rv.submitted_at, order: rv.id, entry: reviewEntry(r, rv) })),
    ...deployments.map((d) => ({ at: d.created_at, order: d.id, entry: deploymentEntry(r, d) })),
    ...commits.map((c, k) => ({
      at: c.committer.date,
      order: k,
      entry: markup`<div class="event">
        ${icon("commented")} <strong>${c.author.name}</strong> committed ${commitLink(r, c.sha)}
        <span>${c.message.split("\n")[0] ?? ""}</span>
      </div>`,
    })),
  ];
  if (p?.merged_at)
    entries.push({
      at: p.merged_at,
      order: 0,
      entry: markup`<div class="event">
        ${icon("merged")} ${user(p.merged_by ?? "someone")}
        <strong>merged</strong> ${p.merge_commit_sha ? commitLink(r, p.merge_commit_sha) : ""} into
        ${branchName(p.baseRef)} ${when(p.merged_at)}
      </div>`,
    });
  else if (i.state === "closed" && i.closed_at)
    entries.push({
      at: i.closed_at,
      order: 0,
      entry: markup`<div class="event">${icon("closed")} <strong>closed</strong> ${when(i.closed_at)}</div>`,
    });
  entries.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);
  return entries.map((t) => t.entry);
}

/** The line under the title: the state badge, then who merges what into where, or who opened the issue. */
function subtitle({ r, i, p, commits, status }: PullView): Html {
  const draft = status === "open" && p?.draft;
  const files = p ? prFiles(r, p) : [];
  return markup`<div class="sub">
      ${badge(draft ? "draft" : status, draft ? "Draft" : status[0]!.toUpperCase() + status.slice(1))}
      ${
        p
          ? markup`${p.merged_at ? markup`${user(p.merged_by ?? i.user)} merged` : markup`${user(i.user)} wants to merge`}
              ${commits.length}
              commit${commits.length === 1 ? "" : "s"} into ${branchName(p.baseRef)} from
              ${branchName(p.headRef)}
              <span class="muted"
                >· ${files.length} file${files.length === 1 ? "" : "s"} changed
                (+${files.reduce((n, f) => n + f.additions, 0)}
                −${files.reduce((n, f) => n + f.deletions, 0)})</span
              >`
          : markup`${user(i.user)} opened this issue ${when(i.created_at)}`
      }
    </div>`;
}

/** The box at the foot of a PR's conversation: merged (by whom, into what), closed, or open at its head. */
function mergeBox({ r, i, p, status }: PullView): Html {
  if (!p) return markup``;
  return markup`<div class="box">
                <div class="head">
                  ${icon(status)}
                  <strong>${p.merged_at ? "Merged" : i.state === "closed" ? "Closed" : "Open"}</strong>
                </div>
                <div class="body">
                  ${
                    p.merged_at
                      ? markup`${user(p.merged_by ?? "someone")} merged
                        ${p.merge_commit_sha ? commitLink(r, p.merge_commit_sha) : ""} into
                        ${branchName(p.baseRef)} ${when(p.merged_at)}.`
                      : markup`Head ${commitLink(r, p.headSha)} on ${branchName(p.headRef)}.`
                  }
                </div>
              </div>`;
}

/** Each reviewer's latest verdict; a later plain comment does not hide an approval or a change request. */
function reviewersSection(p: PullView["p"]): Html {
  if (!p) return markup``;
  const reviewers = new Map<string, Review>();
  for (const rv of p.reviews)
    if (rv.state !== "COMMENTED" || !reviewers.has(rv.user)) reviewers.set(rv.user, rv);
  return markup`<section id="reviewers">
                <h3>Reviewers</h3>
                ${
                  reviewers.size === 0
                    ? markup`<div class="muted">No reviews</div>`
                    : [...reviewers.values()].map(
                        (rv) =>
                          markup`<div>
                            ${user(rv.user)}
                            ${badge(rv.state.toLowerCase(), REVIEW_VERB[rv.state].split(" ")[0])}
                          </div>`,
                      )
                }
              </section>`;
}

function labelsSection(r: Repo, i: Issue): Html {
  const labels = i.labels.flatMap((n) => {
    const l = r.labels.get(n.toLowerCase());
    return l ? [l] : [];
  });
  return markup`<section id="labels">
          <h3>Labels</h3>
          ${
            labels.length === 0
              ? markup`<div class="muted">None yet</div>`
              : labels.map((l) => labelChip(l.name, l.color))
          }
        </section>`;
}

/** The latest deployment of the PR's commits to each environment, with its latest status. */
function environmentsSection({ r, p, deployments }: PullView): Html {
  if (!p) return markup``;
  const environments = new Map<string, Deployment>();
  for (const d of [...deployments].sort((a, b) => a.id - b.id)) environments.set(d.environment, d);
  return markup`<section id="environments">
                <h3>Deployments</h3>
                ${
                  environments.size === 0
                    ? markup`<div class="muted">Not deployed</div>`
                    : [...environments.values()].map(
                        (d) =>
                          markup`<div>
                            ${icon(d.statuses.at(-1)?.state ?? "pending")}
                            ${link(deploymentPath(r, d), d.environment)}
                            <span class="muted small">${d.statuses.at(-1)?.state ?? "pending"}</span>
                          </div>`,
                      )
                }
              </section>`;
}

function participantsSection({ i, p, comments }: PullView): Html {
  return markup`<section>
          <h3>Participants</h3>
          ${[
            ...new Set([i.user, ...comments.map((c) => c.user), ...(p?.reviews ?? []).map((rv) => rv.user)]),
          ].map((login) => markup`<div>${user(login)}</div>`)}
        </section>`;
}

export function pullPage(state: State, r: Repo, i: Issue): string {
  const view = pullView(state, r, i);
  const { p } = view;
  const body = markup` <h2 class="title">${i.title} <span class="num">#${i.number}</span></h2>
    ${subtitle(view)}
    <div class="layout">
      <div>
        <div class="box" id="issue-${i.id}">
          <div class="head">${user(i.user)} <span class="muted">opened ${when(i.created_at)}</span></div>
          <div class="body">${markdown(i.body)}</div>
        </div>
        ${timeline(view)} ${p ? checksBox(state, r, p.headSha) : ""}
        ${mergeBox(view)}
      </div>
      <aside>
        ${reviewersSection(p)}
        ${labelsSection(r, i)}
        ${environmentsSection(view)}
        ${participantsSection(view)}
      </aside>
    </div>`;
  return layout({
    title: `${i.title} · ${p ? "Pull Request" : "Issue"} #${i.number} · ${r.owner}/${r.name}`,
    repo: r,
    tab: "pulls",
    body,
  });
}

/** `/pull/{n}.diff` and `.patch` (a PR's `diff_url` and `patch_url`): the changed files as text. */
export function pullDiff(r: Repo, i: Issue): string {
  if (!i.pull) return "";
  return prFiles(r, i.pull)
    .map(
      (f) =>
        `diff --git a/${f.filename} b/${f.filename}\n--- a/${f.filename}\n+++ b/${f.filename}\n${f.patch}\n`,
    )
    .join("");
}
