/**
 * The GraphQL objects Tollgate reads (GitHub's schema) around a repository: Repository, Ref, Commit with
 * its signature, authors, check suites and status, Tree and Blob, with GitHub's legacy global node ids.
 * Issues, pull requests and comments are in issues.ts, the commit's checks in status-checks.ts; this
 * file sets the `links` back to its nodes that they (and deployments and actors) follow.
 */
import { prCommits } from "../diff.js";
import { coAuthors, type Commit } from "../git.js";
import { verificationOf } from "../serialize/git.js";
import { nodeId, type View } from "../serialize/accounts.js";
import { latestStatuses } from "../serialize/checks.js";
import type { Repo } from "../state.js";
import { collaboratorsConnection } from "./access.js";
import { actorNode, gitActorNode } from "./actors.js";
import { connection, type PageArgs } from "./connection.js";
import { deploymentsConnection, vulnerabilityAlerts } from "./deployments.js";
import { issueNode, pullNode } from "./issues.js";
import { links } from "./links.js";
import { combinedState, rollup, statusContext } from "./status-checks.js";

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
links.ref = refNode;
