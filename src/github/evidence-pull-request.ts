/**
 * The pull request a commit belongs to, as the engine reads it: its people (authors, co-authors,
 * pushers, signers), its reviews, files and dates; lists GitHub cut short are flagged incomplete.
 */
import type { CommitAuthors, FollowUp, PullRequestNode } from "./evidence-query.js";

/**
 * The PR the commit belongs to: the one named, else the one whose head or merge commit it is. Never
 * merely "a PR containing it": an intermediate commit of a merged PR, or a commit of the default branch
 * that several PRs contain, was approved by no one, and must not borrow a PR's approvals or its body.
 */
export function pickPullRequest(
  prs: readonly PullRequestNode[],
  request: { readonly sha: string; readonly pullNumber?: number },
): PullRequestNode | undefined {
  const isOf = (p: PullRequestNode) => p.headRefOid === request.sha || p.mergeCommit?.oid === request.sha;
  return (
    prs.find((p) => p.number === request.pullNumber && isOf(p)) ??
    prs.find((p) => p.headRefOid === request.sha) ??
    prs.find((p) => p.mergeCommit?.oid === request.sha)
  );
}

/**
 * The co-authors GitHub linked to users on the commits the follow-up read (the git author, listed
 * first, is already among the commit authors); a commit asked for but not answered, or with more
 * authors than read, leaves the co-authors incomplete.
 */
export function coAuthorsOf(
  plan: FollowUp | undefined,
  answered: readonly CommitAuthors[],
  incomplete: Set<string>,
): string[] {
  const found = new Set<string>();
  for (const oid of plan?.coAuthored ?? []) {
    const c = answered.find((a) => a.oid === oid);
    if (!c?.authors || c.authors.totalCount > c.authors.nodes.length) incomplete.add("co_authors");
    for (const person of c?.authors?.nodes.slice(1) ?? []) if (person.user) found.add(person.user.login);
  }
  return [...found];
}

/** The account a commit's valid signature proves; never GitHub's own signature on someone's behalf. */
function signerOf(commit: PullRequestNode["commits"]["nodes"][number]["commit"]): string | undefined {
  const s = commit.signature;
  return s?.isValid && !s.wasSignedByGitHub && s.signer ? s.signer.login : undefined;
}

export function mapPullRequest(
  pr: PullRequestNode,
  files: { path: string; patch?: string }[],
  filesComplete: boolean,
  coAuthors: readonly string[],
  incomplete: Set<string>,
) {
  if ((pr.reviews?.totalCount ?? 0) > (pr.reviews?.nodes.length ?? 0)) incomplete.add("reviews");
  if (pr.commits.totalCount > pr.commits.nodes.length) incomplete.add("commits");
  if (!pr.forcePushes || pr.forcePushes.totalCount > pr.forcePushes.nodes.length) incomplete.add("pushers");
  const authors = new Set<string>();
  for (const { commit } of pr.commits.nodes) {
    for (const person of [commit.author?.user, commit.committer?.user]) {
      // GitHub commits its web merges as "web-flow"; that is not a person on the change.
      if (person && person.login !== "web-flow") authors.add(person.login);
    }
  }
  const pushers = new Set<string>();
  for (const event of pr.forcePushes?.nodes ?? [])
    if (event?.actor)
      pushers.add(event.actor.__typename === "Bot" ? `${event.actor.login}[bot]` : event.actor.login);
  const readyAt = pr.timelineItems.nodes.find((n) => n?.createdAt)?.createdAt ?? pr.createdAt;
  return {
    number: pr.number,
    title: pr.title,
    author: pr.author?.login ?? "ghost",
    body: pr.body,
    labels: pr.labels?.nodes.map((l) => l.name) ?? [],
    draft: pr.isDraft,
    head_sha: pr.headRefOid,
    ready_at: readyAt,
    ...(pr.mergedAt ? { merged_at: pr.mergedAt } : {}),
    commit_authors: [...authors],
    co_authors: coAuthors.filter((login) => login !== "web-flow"),
    pushers: [...pushers],
    commits: pr.commits.nodes.map(({ commit }) => {
      const signer = signerOf(commit);
      return { sha: commit.oid, ...(signer ? { signed_by: signer } : {}) };
    }),
    files,
    files_complete: filesComplete,
  };
}

/** The PR's reviews that name their author, commit and time. */
export function reviewsOf(pr: PullRequestNode | undefined) {
  return (pr?.reviews?.nodes ?? []).flatMap((r) =>
    r.author && r.commit && r.submittedAt && isReviewState(r.state)
      ? [{ author: r.author.login, state: r.state, commit_sha: r.commit.oid, submitted_at: r.submittedAt }]
      : [],
  );
}

const isReviewState = (
  state: string,
): state is "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" =>
  ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"].includes(state);
