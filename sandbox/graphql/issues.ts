/**
 * The GraphQL objects of a conversation (GitHub's schema): Issue and PullRequest with their labels, and
 * the pull request's files, commits, reviews, timeline force-pushes, `mergeable`, `reviewDecision` and
 * `mergeStateStatus`; IssueComment with its Reactions and ReactionGroups. Their commits, refs and
 * repository are reached through `links` (nodes.ts defines them), which keeps the files free of import
 * circles.
 */
import { mergeable, prCommits, prFiles } from "../diff.js";
import { nodeId, type View } from "../serialize/accounts.js";
import type { Issue, IssueComment, Reaction, Repo } from "../state.js";
import { mergeStateStatus, reviewDecision, rollupGreen } from "../protection.js";
import { actorNode } from "./actors.js";
import { connection, type PageArgs } from "./connection.js";
import { links } from "./links.js";

type Obj = Record<string, unknown>;
type Pull = NonNullable<Issue["pull"]>;
const up = (s: string): string => s.toUpperCase();

function labelsConnection(r: Repo, i: Issue, args: PageArgs): Obj {
  return connection(
    "labels",
    i.labels.map((n) => r.labels.get(n.toLowerCase())).filter((l) => l !== undefined),
    args,
    (l) => ({
      __typename: "Label",
      id: nodeId("Label", l.id),
      name: l.name,
      color: l.color,
      description: l.description,
      isDefault: l.default,
    }),
  );
}

/** GraphQL's ReactionContent for a REST reaction content, and back. */
export const REACTION_CONTENT: Record<string, string> = {
  "+1": "THUMBS_UP",
  "-1": "THUMBS_DOWN",
  laugh: "LAUGH",
  confused: "CONFUSED",
  heart: "HEART",
  hooray: "HOORAY",
  rocket: "ROCKET",
  eyes: "EYES",
};

export function reactionNode(v: View, r: Repo, i: Issue, c: IssueComment, x: Reaction): Obj {
  return {
    __typename: "Reaction",
    id: nodeId("Reaction", x.id),
    databaseId: x.id,
    content: REACTION_CONTENT[x.content] ?? up(x.content),
    createdAt: x.created_at,
    user: () => actorNode(v, x.user),
    reactable: () => commentNode(v, r, i, c),
  };
}

/** An issue or pull request comment, with its reactions grouped by content as GitHub shows them. */
export function commentNode(v: View, r: Repo, i: Issue, c: IssueComment): Obj {
  // Resolvers get the request's context as their view: the viewer is its actor.
  const viewer = "actor" in v ? (v as { actor: { login?: string } | null }).actor : null;
  const me = viewer?.login?.toLowerCase();
  return {
    __typename: "IssueComment",
    id: nodeId("IssueComment", c.id),
    databaseId: c.id,
    author: () => actorNode(v, c.user),
    body: c.body,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    lastEditedAt: c.updated_at === c.created_at ? null : c.updated_at,
    url: `${v.web}/${r.owner}/${r.name}/${i.pull ? "pull" : "issues"}/${i.number}#issuecomment-${c.id}`,
    // On a pull request's comment GitHub's `issue` is the pull request's issue side, not modelled here.
    ...(i.pull ? {} : { issue: () => issueNode(v, r, i) }),
    pullRequest: () => (i.pull ? pullNode(v, r, i) : null),
    repository: () => links.repo(v, r),
    reactions: (args: PageArgs & { content?: string | null }) =>
      connection(
        "reactions",
        c.reactions.filter((x) => !args.content || REACTION_CONTENT[x.content] === args.content),
        args,
        (x) => reactionNode(v, r, i, c, x),
      ),
    reactionGroups: () => reactionGroups(v, r, i, c, me),
    viewerCanReact: true,
  };
}

export function reactionGroups(v: View, r: Repo, i: Issue, c: IssueComment, me: string | undefined): Obj[] {
  return Object.entries(REACTION_CONTENT).map(([rest, content]) => {
    const of = c.reactions.filter((x) => x.content === rest);
    return {
      __typename: "ReactionGroup",
      content,
      createdAt: of[0]?.created_at ?? null,
      viewerHasReacted: me !== undefined && of.some((x) => x.user.toLowerCase() === me),
      reactors: (args: PageArgs) => connection("reactors", of, args, (x) => actorNode(v, x.user)),
      subject: () => commentNode(v, r, i, c),
    };
  });
}

/** An issue (not a pull request), with the fields GitHub's cost example reads. */
export function issueNode(v: View, r: Repo, i: Issue): Obj {
  return {
    __typename: "Issue",
    id: nodeId("Issue", i.id),
    databaseId: i.id,
    number: i.number,
    title: i.title,
    body: i.body ?? "",
    url: `${v.web}/${r.owner}/${r.name}/issues/${i.number}`,
    author: () => actorNode(v, i.user),
    state: up(i.state),
    closed: i.state === "closed",
    createdAt: i.created_at,
    updatedAt: i.updated_at,
    closedAt: i.closed_at,
    labels: (args: PageArgs) => labelsConnection(r, i, args),
  };
}

/** A pull request's changed files, as `PullRequest.files` lists them. */
function filesConnection(r: Repo, p: Pull, args: PageArgs): Obj {
  return connection("files", prFiles(r, p), args, (f) => ({
    __typename: "PullRequestChangedFile",
    path: f.filename,
    additions: f.additions,
    deletions: f.deletions,
    changeType: f.status === "removed" ? "DELETED" : up(f.status),
  }));
}

function commitsConnection(v: View, r: Repo, p: Pull, args: PageArgs): Obj {
  return connection("commits", prCommits(r, p), args, (c) => ({
    __typename: "PullRequestCommit",
    id: nodeId("PullRequestCommit", `${p.id}:${c.sha}`),
    commit: links.commit(v, r, c.sha),
  }));
}

/** Reviews, optionally only those in some states or by one author. */
function reviewsConnection(
  v: View,
  r: Repo,
  p: Pull,
  args: PageArgs & { states?: string[] | null; author?: string | null },
): Obj {
  return connection(
    "reviews",
    p.reviews.filter(
      (rv) => (!args.states || args.states.includes(rv.state)) && (!args.author || rv.user === args.author),
    ),
    args,
    (rv) => ({
      __typename: "PullRequestReview",
      id: nodeId("PullRequestReview", rv.id),
      databaseId: rv.id,
      author: () => actorNode(v, rv.user),
      state: rv.state,
      body: rv.body,
      submittedAt: rv.submitted_at,
      createdAt: rv.submitted_at,
      commit: () => links.commit(v, r, rv.commit_id),
    }),
  );
}

/**
 * Of the timeline, the sandbox records force-pushes of the head branch (no ready-for-review events:
 * GitHub has no REST call to make one). Ordinary pushes have no timeline item naming the pusher.
 */
function timelineConnection(
  v: View,
  r: Repo,
  i: Issue,
  p: Pull,
  args: PageArgs & { itemTypes?: string[] | null },
): Obj {
  return connection(
    "timelineItems",
    (p.forcePushes ?? []).filter(
      () => !args.itemTypes || args.itemTypes.includes("HEAD_REF_FORCE_PUSHED_EVENT"),
    ),
    args,
    (e) => ({
      __typename: "HeadRefForcePushedEvent",
      id: nodeId("HeadRefForcePushedEvent", `${p.id}:${e.after}`),
      actor: () => actorNode(v, e.actor),
      beforeCommit: () => links.commit(v, r, e.before),
      afterCommit: () => links.commit(v, r, e.after),
      createdAt: e.created_at,
      pullRequest: () => pullNode(v, r, i),
      ref: () => links.ref(v, r, p.headRef),
    }),
  );
}

export function pullNode(v: View, r: Repo, i: Issue): Obj {
  const p = i.pull;
  if (!p) throw new Error("not a pull request");
  const base = r.refs.get(`refs/heads/${p.baseRef}`) ?? "";
  return {
    __typename: "PullRequest",
    id: nodeId("PullRequest", p.id),
    databaseId: p.id,
    number: i.number,
    title: i.title,
    body: i.body ?? "",
    url: `${v.web}/${r.owner}/${r.name}/pull/${i.number}`,
    author: () => actorNode(v, i.user),
    isDraft: p.draft,
    state: p.merged_at ? "MERGED" : up(i.state),
    closed: i.state === "closed",
    merged: p.merged_at !== null,
    mergedAt: p.merged_at,
    mergedBy: () => actorNode(v, p.merged_by),
    mergeCommit: () => (p.merge_commit_sha ? links.commit(v, r, p.merge_commit_sha) : null),
    mergeable:
      p.merged_at || i.state === "closed" ? "UNKNOWN" : mergeable(r, i) ? "MERGEABLE" : "CONFLICTING",
    createdAt: i.created_at,
    updatedAt: i.updated_at,
    closedAt: i.closed_at,
    headRefName: p.headRef,
    headRefOid: p.headSha,
    baseRefName: p.baseRef,
    baseRefOid: p.mergedBaseSha ?? base,
    headRef: () => links.ref(v, r, p.headRef),
    baseRef: () => links.ref(v, r, p.baseRef),
    // Both follow the base branch's protection and rulesets: null / CLEAN where nothing is required.
    reviewDecision: () => reviewDecision(v.state, r, p),
    mergeStateStatus: () => mergeStateStatus(v.state, r, i, rollupGreen(r, p.headSha)),
    repository: () => links.repo(v, r),
    labels: (args: PageArgs) => labelsConnection(r, i, args),
    files: (args: PageArgs) => filesConnection(r, p, args),
    changedFiles: prFiles(r, p).length,
    commits: (args: PageArgs) => commitsConnection(v, r, p, args),
    reviews: (args: Parameters<typeof reviewsConnection>[3]) => reviewsConnection(v, r, p, args),
    timelineItems: (args: Parameters<typeof timelineConnection>[4]) => timelineConnection(v, r, i, p, args),
    comments: (args: PageArgs) =>
      connection(
        "comments",
        [...r.comments.values()].filter((c) => c.issueNumber === i.number),
        args,
        (c) => commentNode(v, r, i, c),
      ),
  };
}
