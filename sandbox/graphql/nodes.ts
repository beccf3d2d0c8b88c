/**
 * The GraphQL objects Tollgate reads (GitHub's schema): Repository, Ref, Commit with its signature,
 * authors, check suites, status and StatusCheckRollup, CheckRun and StatusContext, Tree and Blob, Issue,
 * PullRequest with its files, commits, reviews, timeline force-pushes, `mergeable` and `mergeStateStatus`,
 * IssueComment, Label, Reaction and ReactionGroup, with GitHub's legacy global node ids.
 */
import { mergeable, prCommits, prFiles } from "../diff.js";
import { coAuthors, type Commit } from "../git.js";
import { verificationOf } from "../serialize/git.js";
import { nodeId, type View } from "../serialize/accounts.js";
import { latestStatuses } from "../serialize/checks.js";
import type { CheckRun, Issue, IssueComment, Reaction, Repo } from "../state.js";
import { mergeStateStatus, reviewDecision, rollupGreen, statusApp } from "../protection.js";
import { collaboratorsConnection } from "./access.js";
import { actorNode, gitActorNode } from "./actors.js";
import { connection, type PageArgs } from "./connection.js";
import { deploymentsConnection, vulnerabilityAlerts } from "./deployments.js";
import { links } from "./links.js";
import { isRequiredResolver } from "./protection.js";

export interface Access {
  /** the installation may read Dependabot alerts (vulnerability_alerts permission), or the user is a repo admin */
  alerts: boolean;
}

type Obj = Record<string, unknown>;
const up = (s: string): string => s.toUpperCase();

/** GraphQL's GitSignatureState for a REST verification reason. */
const SIGNATURE_STATES: Record<string, string> = { unknown_signature_type: "UNKNOWN_SIG_TYPE" };

/** A commit's signature (null when unsigned); `signer` is the committer email's account, valid or not. */
function signatureNode(v: View, c: Commit): Obj | null {
  const s = verificationOf(v.state, c);
  if (s.signature === null) return null;
  return {
    __typename: "GpgSignature",
    email: c.committer.email,
    isValid: s.verified,
    payload: s.payload,
    signature: s.signature,
    signer: () => (s.signer ? actorNode(v, s.signer) : null),
    state: SIGNATURE_STATES[s.reason] ?? up(s.reason),
    verifiedAt: s.verified_at,
    wasSignedByGitHub: false,
  };
}

export function commitNode(v: View, r: Repo, sha: string): Obj | null {
  const c = r.git.get(sha, "commit");
  if (!c) return null;
  const url = `${v.web}/${r.owner}/${r.name}/commit/${c.sha}`;
  return {
    __typename: "Commit",
    id: nodeId("Commit", `${r.id}:${c.sha}`),
    oid: c.sha,
    abbreviatedOid: c.sha.slice(0, 7),
    message: c.message,
    messageHeadline: c.message.split("\n")[0] ?? "",
    messageBody: c.message.split("\n").slice(2).join("\n"),
    committedDate: c.committer.date,
    authoredDate: c.author.date,
    url,
    commitUrl: url,
    resourcePath: `/${r.owner}/${r.name}/commit/${c.sha}`,
    author: () => gitActorNode(v, c.author),
    committer: () => gitActorNode(v, c.committer),
    // The git author first, then each Co-authored-by trailer, mapped to users by email as the author is.
    authors: (args: PageArgs) =>
      connection(
        "authors",
        [c.author, ...coAuthors(c.message).map((p) => ({ ...p, date: c.author.date }))],
        args,
        (p) => gitActorNode(v, p),
      ),
    signature: () => signatureNode(v, c),
    parents: (args: PageArgs) => connection("parents", c.parents, args, (p) => commitNode(v, r, p)),
    tree: () => treeNode(v, r, c.tree),
    repository: () => repoNode(v, r, { alerts: false }),
    statusCheckRollup: () => rollup(v, r, c.sha),
    // Check suites GitHub created for the commit (one per App with checks permission, when it was pushed):
    // their createdAt is GitHub's own time, unlike the commit's dates, which its author writes.
    checkSuites: (args: PageArgs) =>
      connection(
        "checkSuites",
        [...r.checkSuites.values()].filter((suite) => suite.headSha === c.sha),
        args,
        (suite) => {
          const app = v.state.apps.get(suite.appId);
          return {
            __typename: "CheckSuite",
            id: nodeId("CheckSuite", suite.id),
            databaseId: suite.id,
            createdAt: suite.created_at,
            updatedAt: suite.updated_at,
            app: app ? { __typename: "App", slug: app.slug, name: app.name, databaseId: app.id } : null,
          };
        },
      ),
    status: () => {
      const latest = latestStatuses(r, c.sha);
      return latest.length === 0
        ? null
        : {
            __typename: "Status",
            state: combinedState(latest.map((s) => s.state)),
            contexts: latest.map((s) => statusContext(v, r, s)),
          };
    },
    associatedPullRequests: (args: PageArgs) =>
      connection(
        "associatedPullRequests",
        [...r.issues.values()].filter(
          (i) =>
            i.pull &&
            (i.pull.headSha === c.sha ||
              i.pull.merge_commit_sha === c.sha ||
              prCommits(r, i.pull).some((x) => x.sha === c.sha)),
        ),
        args,
        (i) => pullNode(v, r, i),
      ),
    deployments: (args: PageArgs & { environments?: string[] | null }) =>
      deploymentsConnection(v, r, args, c.sha),
  };
}

function combinedState(states: string[]): string {
  if (states.some((s) => s === "error")) return "ERROR";
  if (states.some((s) => s === "failure")) return "FAILURE";
  if (states.some((s) => s === "pending")) return "PENDING";
  return states.length === 0 ? "EXPECTED" : "SUCCESS";
}

function statusContext(v: View, r: Repo, s: ReturnType<typeof latestStatuses>[number]): Obj {
  return {
    __typename: "StatusContext",
    id: nodeId("StatusContext", s.id),
    context: s.context,
    state: up(s.state),
    description: s.description,
    targetUrl: s.target_url,
    createdAt: s.created_at,
    creator: () => actorNode(v, s.creator),
    isRequired: isRequiredResolver(v, r, s.context, statusApp(v.state, s.creator)),
    avatarUrl: null,
    commit: null,
  };
}

function rollup(v: View, r: Repo, sha: string): Obj | null {
  const statuses = latestStatuses(r, sha);
  const latestRuns = new Map<string, CheckRun>();
  for (const c of r.checkRuns.values()) if (c.headSha === sha) latestRuns.set(`${c.appId}:${c.name}`, c);
  const runs = [...latestRuns.values()];
  if (statuses.length === 0 && runs.length === 0) return null;
  const runState = (c: (typeof runs)[number]): string =>
    c.status !== "completed"
      ? "pending"
      : ["success", "neutral", "skipped"].includes(c.conclusion ?? "")
        ? "success"
        : c.conclusion === "action_required" ||
            c.conclusion === "cancelled" ||
            c.conclusion === "timed_out" ||
            c.conclusion === "stale"
          ? "failure"
          : "failure";
  const contexts: Obj[] = [
    ...runs.map((c): Obj => {
      const app = v.state.apps.get(c.appId);
      return {
        __typename: "CheckRun",
        id: nodeId("CheckRun", c.id),
        databaseId: c.id,
        name: c.name,
        status: up(c.status),
        conclusion: c.conclusion ? up(c.conclusion) : null,
        startedAt: c.started_at,
        completedAt: c.completed_at,
        detailsUrl: c.details_url,
        url: `${v.web}/${r.owner}/${r.name}/runs/${c.id}`,
        title: c.output.title,
        summary: c.output.summary,
        text: c.output.text,
        externalId: c.external_id,
        isRequired: isRequiredResolver(v, r, c.name, c.appId),
        checkSuite: {
          __typename: "CheckSuite",
          app: app ? { __typename: "App", slug: app.slug, name: app.name, databaseId: app.id } : null,
        },
      };
    }),
    ...statuses.map((s) => statusContext(v, r, s)),
  ];
  return {
    __typename: "StatusCheckRollup",
    id: nodeId("StatusCheckRollup", sha),
    state: combinedState([...statuses.map((s) => s.state), ...runs.map(runState)]),
    contexts: (args: PageArgs) => connection("contexts", contexts, args, (x) => x),
  };
}

function treeNode(v: View, r: Repo, sha: string): Obj | null {
  const t = r.git.get(sha, "tree");
  if (!t) return null;
  return {
    __typename: "Tree",
    id: nodeId("Tree", `${r.id}:${sha}`),
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    entries: t.entries.map((e) => ({
      __typename: "TreeEntry",
      name: e.path,
      path: e.path,
      type: e.type,
      mode: parseInt(e.mode, 8),
      oid: e.sha,
      object: () => objectNode(v, r, e.sha),
    })),
  };
}

function objectNode(v: View, r: Repo, sha: string): Obj | null {
  const o = r.git.objects.get(sha);
  if (!o) return null;
  if (o.type === "commit") return commitNode(v, r, sha);
  if (o.type === "tree") return treeNode(v, r, sha);
  const binary = o.content.includes(0);
  return {
    __typename: "Blob",
    id: nodeId("Blob", `${r.id}:${sha}`),
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    byteSize: o.content.length,
    isBinary: binary,
    isTruncated: false,
    text: binary ? null : o.content.toString("utf8"),
  };
}

/** Git revision syntax GitHub accepts in `object(expression:)`: "<rev>:<path>" or "<rev>", rev = HEAD, branch, tag or sha. */
function resolveExpression(r: Repo, expression: string): string | undefined {
  const colon = expression.indexOf(":");
  const rev = colon < 0 ? expression : expression.slice(0, colon);
  const path = colon < 0 ? undefined : expression.slice(colon + 1);
  const sha =
    rev === "HEAD" || rev === ""
      ? r.refs.get(`refs/heads/${r.defaultBranch}`)
      : (r.refs.get(rev) ??
        r.refs.get(`refs/heads/${rev}`) ??
        r.refs.get(`refs/tags/${rev}`) ??
        (r.git.get(rev, "commit") ? rev : undefined));
  if (!sha || path === undefined) return sha;
  const tree = r.git.get(sha, "commit")?.tree;
  return tree ? (path === "" ? tree : r.git.lookup(tree, path)?.sha) : undefined;
}

/** A ref by its qualified name (refs/heads/…, refs/tags/…); branches keep the id their short name gives. */
export function qualifiedRefNode(v: View, r: Repo, qualified: string): Obj | null {
  if (qualified.startsWith("refs/heads/")) return refNode(v, r, qualified.slice("refs/heads/".length));
  const sha = r.refs.get(qualified);
  const m = /^(refs\/[^/]+\/)(.+)$/.exec(qualified);
  if (!sha || !m) return null;
  return {
    __typename: "Ref",
    id: nodeId("Ref", `${r.id}:${qualified}`),
    name: m[2],
    prefix: m[1],
    target: () => objectNode(v, r, sha),
    repository: () => repoNode(v, r, { alerts: false }),
    associatedPullRequests: (args: PageArgs) => connection("associatedPullRequests", [], args, (x) => x),
  };
}

/** The qualified name a Ref id stands for (its key is "<repo id>:<branch>" or "<repo id>:refs/…"). */
export function refIdKey(key: string): { repoId: number; qualified: string } | null {
  const m = /^(\d+):(.+)$/.exec(key);
  if (!m?.[1] || !m[2]) return null;
  return { repoId: Number(m[1]), qualified: m[2].startsWith("refs/") ? m[2] : `refs/heads/${m[2]}` };
}

function refNode(v: View, r: Repo, name: string): Obj | null {
  const sha = r.refs.get(`refs/heads/${name}`);
  if (!sha) return null;
  return {
    __typename: "Ref",
    id: nodeId("Ref", `${r.id}:${name}`),
    name,
    prefix: "refs/heads/",
    target: () => commitNode(v, r, sha),
    repository: () => repoNode(v, r, { alerts: false }),
    // Pull requests with this branch as their head, oldest first.
    associatedPullRequests: (args: PageArgs & { states?: string[] | null; baseRefName?: string | null }) =>
      connection(
        "associatedPullRequests",
        [...r.issues.values()].filter(
          (i) =>
            i.pull &&
            i.pull.headRef === name &&
            (!args.baseRefName || i.pull.baseRef === args.baseRefName) &&
            (!args.states || args.states.includes(i.pull.merged_at ? "MERGED" : up(i.state))),
        ),
        args,
        (i) => pullNode(v, r, i),
      ),
  };
}

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
    repository: () => repoNode(v, r, { alerts: false }),
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

export function pullNode(v: View, r: Repo, i: Issue): Obj {
  const p = i.pull;
  if (!p) throw new Error("not a pull request");
  const reviews = p.reviews;
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
    mergeCommit: () => (p.merge_commit_sha ? commitNode(v, r, p.merge_commit_sha) : null),
    mergeable:
      p.merged_at || i.state === "closed" ? "UNKNOWN" : mergeable(r, i) ? "MERGEABLE" : "CONFLICTING",
    createdAt: i.created_at,
    updatedAt: i.updated_at,
    closedAt: i.closed_at,
    headRefName: p.headRef,
    headRefOid: p.headSha,
    baseRefName: p.baseRef,
    baseRefOid: p.mergedBaseSha ?? base,
    headRef: () => refNode(v, r, p.headRef),
    baseRef: () => refNode(v, r, p.baseRef),
    // Both follow the base branch's protection and rulesets: null / CLEAN where nothing is required.
    reviewDecision: () => reviewDecision(v.state, r, p),
    mergeStateStatus: () => mergeStateStatus(v.state, r, i, rollupGreen(r, p.headSha)),
    repository: () => repoNode(v, r, { alerts: false }),
    labels: (args: PageArgs) => labelsConnection(r, i, args),
    files: (args: PageArgs) =>
      connection("files", prFiles(r, p), args, (f) => ({
        __typename: "PullRequestChangedFile",
        path: f.filename,
        additions: f.additions,
        deletions: f.deletions,
        changeType: f.status === "removed" ? "DELETED" : up(f.status),
      })),
    changedFiles: prFiles(r, p).length,
    commits: (args: PageArgs) =>
      connection("commits", prCommits(r, p), args, (c) => ({
        __typename: "PullRequestCommit",
        id: nodeId("PullRequestCommit", `${p.id}:${c.sha}`),
        commit: commitNode(v, r, c.sha),
      })),
    reviews: (args: PageArgs & { states?: string[] | null; author?: string | null }) =>
      connection(
        "reviews",
        reviews.filter(
          (rv) =>
            (!args.states || args.states.includes(rv.state)) && (!args.author || rv.user === args.author),
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
          commit: () => commitNode(v, r, rv.commit_id),
        }),
      ),
    // Of the timeline, the sandbox records force-pushes of the head branch (no ready-for-review events:
    // GitHub has no REST call to make one). Ordinary pushes have no timeline item naming the pusher.
    timelineItems: (args: PageArgs & { itemTypes?: string[] | null }) =>
      connection(
        "timelineItems",
        (p.forcePushes ?? []).filter(
          () => !args.itemTypes || args.itemTypes.includes("HEAD_REF_FORCE_PUSHED_EVENT"),
        ),
        args,
        (e) => ({
          __typename: "HeadRefForcePushedEvent",
          id: nodeId("HeadRefForcePushedEvent", `${p.id}:${e.after}`),
          actor: () => actorNode(v, e.actor),
          beforeCommit: () => commitNode(v, r, e.before),
          afterCommit: () => commitNode(v, r, e.after),
          createdAt: e.created_at,
          pullRequest: () => pullNode(v, r, i),
          ref: () => refNode(v, r, p.headRef),
        }),
      ),
    comments: (args: PageArgs) =>
      connection(
        "comments",
        [...r.comments.values()].filter((c) => c.issueNumber === i.number),
        args,
        (c) => commentNode(v, r, i, c),
      ),
  };
}

export function repoNode(v: View, r: Repo, access: Access): Obj {
  return {
    __typename: "Repository",
    id: nodeId("Repository", r.id),
    databaseId: r.id,
    name: r.name,
    nameWithOwner: `${r.owner}/${r.name}`,
    owner: () => actorNode(v, r.owner),
    url: `${v.web}/${r.owner}/${r.name}`,
    isPrivate: r.private,
    visibility: r.private ? "PRIVATE" : "PUBLIC",
    createdAt: r.created_at,
    defaultBranchRef: () => refNode(v, r, r.defaultBranch),
    ref: ({ qualifiedName }: { qualifiedName: string }) =>
      refNode(v, r, qualifiedName.replace(/^refs\/heads\//, "")),
    object: ({ expression, oid }: { expression?: string; oid?: string }) => {
      const sha = oid ?? (expression === undefined ? undefined : resolveExpression(r, expression));
      return sha ? objectNode(v, r, sha) : null;
    },
    pullRequest: ({ number }: { number: number }) => {
      const i = r.issues.get(number);
      return i?.pull ? pullNode(v, r, i) : null;
    },
    pullRequests: (args: PageArgs & { states?: string[] | null }) =>
      connection(
        "pullRequests",
        [...r.issues.values()].filter(
          (i) => i.pull && (!args.states || args.states.includes(i.pull.merged_at ? "MERGED" : up(i.state))),
        ),
        args,
        (i) => pullNode(v, r, i),
      ),
    issues: (args: PageArgs) =>
      connection(
        "issues",
        [...r.issues.values()].filter((i) => !i.pull),
        args,
        (i) => issueNode(v, r, i),
      ),
    deployments: (args: Parameters<typeof deploymentsConnection>[2]) => deploymentsConnection(v, r, args),
    vulnerabilityAlerts: (args: PageArgs & { states?: string[] | null }) =>
      vulnerabilityAlerts(v, r, args, access.alerts),
    collaborators: (args: PageArgs) => collaboratorsConnection(v, r, args),
  };
}

links.commit = commitNode;
links.repo = (v, r) => repoNode(v, r, { alerts: false });
