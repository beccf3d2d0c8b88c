/**
 * REST representations of issues, pull requests, comments, labels and reviews (GitHub's OpenAPI schemas
 * `issue`, `pull-request`, `pull-request-simple`, `issue-comment`, `label`, `pull-request-review`), with
 * `author_association`, `mergeable` (diff.ts) and `mergeable_state` (protection.ts), and the counts a
 * full pull request carries.
 */
import { authorAssociation } from "../associations.js";
import { mergeable, prCommits, prFiles } from "../diff.js";
import { mergeStateStatus, rollupGreen } from "../protection.js";
import type { Json } from "../http.js";
import type { Issue, IssueComment, Label, Repo, Review } from "../state.js";
import { appJson, nodeId, simpleUser, type View } from "./accounts.js";
import { repoHtml, repoJson, repoUrl } from "./repo.js";

export function labelJson(v: View, r: Repo, l: Label): Json {
  return {
    id: l.id,
    node_id: nodeId("Label", l.id),
    url: `${repoUrl(v, r)}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    default: l.default,
    description: l.description,
  };
}

const labelsOf = (v: View, r: Repo, i: Issue): Json[] =>
  i.labels.flatMap((n) => {
    const l = r.labels.get(n.toLowerCase());
    return l ? [labelJson(v, r, l)] : [];
  });

function reactionRollup(url: string, c?: IssueComment): Json {
  const count = (content: string): number => c?.reactions.filter((x) => x.content === content).length ?? 0;
  return {
    url: `${url}/reactions`,
    total_count: c?.reactions.length ?? 0,
    "+1": count("+1"),
    "-1": count("-1"),
    laugh: count("laugh"),
    hooray: count("hooray"),
    confused: count("confused"),
    heart: count("heart"),
    rocket: count("rocket"),
    eyes: count("eyes"),
  };
}

export function issueJson(v: View, r: Repo, i: Issue): Json {
  const url = `${repoUrl(v, r)}/issues/${i.number}`;
  const html = `${repoHtml(v, r)}/${i.pull ? "pull" : "issues"}/${i.number}`;
  return {
    url,
    repository_url: repoUrl(v, r),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    id: i.id,
    node_id: nodeId("Issue", i.id),
    number: i.number,
    title: i.title,
    user: simpleUser(v, i.user),
    labels: labelsOf(v, r, i),
    state: i.state,
    locked: i.locked,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: [...r.comments.values()].filter((c) => c.issueNumber === i.number).length,
    created_at: i.created_at,
    updated_at: i.updated_at,
    closed_at: i.closed_at,
    author_association: authorAssociation(v.state, r, i.user),
    active_lock_reason: null,
    body: i.body,
    reactions: reactionRollup(url),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: i.state === "closed" ? "completed" : null,
    ...(i.pull
      ? {
          draft: i.pull.draft,
          pull_request: {
            url: `${repoUrl(v, r)}/pulls/${i.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: i.pull.merged_at,
          },
        }
      : {}),
  };
}

export function commentJson(v: View, r: Repo, c: IssueComment): Json {
  const url = `${repoUrl(v, r)}/issues/comments/${c.id}`;
  const issue = r.issues.get(c.issueNumber);
  const app = c.appId === null ? undefined : v.state.apps.get(c.appId);
  return {
    url,
    html_url: `${repoHtml(v, r)}/${issue?.pull ? "pull" : "issues"}/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${repoUrl(v, r)}/issues/${c.issueNumber}`,
    id: c.id,
    node_id: nodeId("IssueComment", c.id),
    user: simpleUser(v, c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: authorAssociation(v.state, r, c.user),
    body: c.body,
    reactions: reactionRollup(url, c),
    performed_via_github_app: app ? appJson(v, app) : null,
  };
}

function branchJson(v: View, r: Repo, ref: string, sha: string): Json {
  return { label: `${r.owner}:${ref}`, ref, sha, user: simpleUser(v, r.owner), repo: repoJson(v, r) };
}

export function pullJson(v: View, r: Repo, i: Issue): Json {
  const p = i.pull;
  if (!p) throw new Error("not a pull request");
  const url = `${repoUrl(v, r)}/pulls/${i.number}`;
  const html = `${repoHtml(v, r)}/pull/${i.number}`;
  const issueUrl = `${repoUrl(v, r)}/issues/${i.number}`;
  const files = prFiles(r, p);
  const baseSha = r.refs.get(`refs/heads/${p.baseRef}`) ?? "";
  const merged = p.merged_at !== null;
  return {
    url,
    id: p.id,
    node_id: nodeId("PullRequest", p.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueUrl,
    number: i.number,
    state: i.state,
    locked: i.locked,
    title: i.title,
    user: simpleUser(v, i.user),
    body: i.body,
    created_at: i.created_at,
    updated_at: i.updated_at,
    closed_at: i.closed_at,
    merged_at: p.merged_at,
    merge_commit_sha: p.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: labelsOf(v, r, i),
    milestone: null,
    draft: p.draft,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoUrl(v, r)}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: `${repoUrl(v, r)}/statuses/${p.headSha}`,
    head: branchJson(v, r, p.headRef, p.headSha),
    base: branchJson(v, r, p.baseRef, p.mergedBaseSha ?? baseSha),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${repoUrl(v, r)}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${repoUrl(v, r)}/statuses/${p.headSha}` },
    },
    author_association: authorAssociation(v.state, r, i.user),
    auto_merge: null,
    active_lock_reason: null,
    merged,
    mergeable: merged || i.state === "closed" ? null : mergeable(r, i),
    rebaseable: null,
    mergeable_state: merged
      ? "unknown"
      : i.state === "open"
        ? mergeStateStatus(v.state, r, i, rollupGreen(r, p.headSha)).toLowerCase()
        : mergeable(r, i)
          ? "clean"
          : "dirty",
    merged_by: p.merged_by ? simpleUser(v, p.merged_by) : null,
    comments: [...r.comments.values()].filter((c) => c.issueNumber === i.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: prCommits(r, p).length,
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    changed_files: files.length,
  };
}

/** `pull-request-simple`, what lists of pull requests carry: no merge state, counts or review totals. */
export function simplePullJson(v: View, r: Repo, i: Issue): Json {
  const {
    merged: _merged,
    mergeable: _mergeable,
    rebaseable: _rebaseable,
    mergeable_state: _state,
    merged_by: _by,
    comments: _comments,
    review_comments: _reviewComments,
    maintainer_can_modify: _modify,
    commits: _commits,
    additions: _additions,
    deletions: _deletions,
    changed_files: _files,
    ...simple
  } = pullJson(v, r, i);
  return simple;
}

export function reviewJson(v: View, r: Repo, i: Issue, rv: Review): Json {
  const html = `${repoHtml(v, r)}/pull/${i.number}#pullrequestreview-${rv.id}`;
  const prUrl = `${repoUrl(v, r)}/pulls/${i.number}`;
  return {
    id: rv.id,
    node_id: nodeId("PullRequestReview", rv.id),
    user: simpleUser(v, rv.user),
    body: rv.body,
    state: rv.state,
    html_url: html,
    pull_request_url: prUrl,
    _links: { html: { href: html }, pull_request: { href: prUrl } },
    submitted_at: rv.submitted_at,
    commit_id: rv.commit_id,
    author_association: authorAssociation(v.state, r, rv.user),
  };
}
