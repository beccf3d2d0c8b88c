/**
 * What a pull request's or a comparison's commits change, as the REST API reports it: the commits of head
 * not in base (`pulls/list-commits`), changed files with status, additions, deletions and `patch`
 * (`pulls/list-files`, `repos/compare-commits-with-basehead`), the `.diff` / `.patch` media types, and
 * whether the head merges cleanly (`mergeable`). Line counts are a multiset difference, not a minimal diff.
 */
import type { Commit } from "./git.js";
import type { Issue, Pull, Repo } from "./state.js";

export interface FileChange {
  filename: string;
  status: "added" | "modified" | "removed";
  sha: string;
  additions: number;
  deletions: number;
  patch: string;
}

const lines = (b: Buffer | undefined): string[] =>
  b
    ? b
        .toString("utf8")
        .split("\n")
        .filter((l, i, a) => l !== "" || i < a.length - 1)
    : [];

/** Line counts by multiset difference: not a minimal diff, but stable and right for adds/removes. */
function countChanges(
  before: string[],
  after: string[],
): { additions: number; deletions: number; patch: string } {
  const pool = new Map<string, number>();
  for (const l of before) pool.set(l, (pool.get(l) ?? 0) + 1);
  const added: string[] = [];
  for (const l of after) {
    const n = pool.get(l) ?? 0;
    if (n > 0) pool.set(l, n - 1);
    else added.push(l);
  }
  const removed = [...pool.entries()].flatMap(([l, n]) => Array<string>(n).fill(l));
  const patch = `@@ -1,${before.length} +1,${after.length} @@\n${[...removed.map((l) => `-${l}`), ...added.map((l) => `+${l}`)].join("\n")}`;
  return { additions: added.length, deletions: removed.length, patch };
}

export function baseTip(repo: Repo, pull: Pull): string {
  return pull.mergedBaseSha ?? repo.refs.get(`refs/heads/${pull.baseRef}`) ?? pull.headSha;
}

export function prCommits(repo: Repo, pull: Pull): Commit[] {
  return repo.git.between(baseTip(repo, pull), pull.headSha);
}

export function prFiles(repo: Repo, pull: Pull): FileChange[] {
  return filesBetween(repo, repo.git.mergeBase(baseTip(repo, pull), pull.headSha), pull.headSha);
}

/** What changed from one commit's tree to another's (no `from`: everything in `to` is added). */
export function filesBetween(repo: Repo, from: string | undefined, to: string): FileChange[] {
  const fromTree = from ? repo.git.get(from, "commit")?.tree : undefined;
  const toTree = repo.git.get(to, "commit")?.tree;
  const before = fromTree ? repo.git.flatten(fromTree) : new Map<string, { sha: string; mode: string }>();
  const after = toTree ? repo.git.flatten(toTree) : new Map<string, { sha: string; mode: string }>();
  return treeChanges(repo, before, after);
}

type Tree = Map<string, { sha: string; mode: string }>;

/** File by file, what changed from one flattened tree to another, with GitHub's counts and patch. */
function treeChanges(repo: Repo, before: Tree, after: Tree): FileChange[] {
  const out: FileChange[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(path);
    const a = after.get(path);
    if (b?.sha === a?.sha) continue;
    const { additions, deletions, patch } = countChanges(
      lines(b && repo.git.get(b.sha, "blob")?.content),
      lines(a && repo.git.get(a.sha, "blob")?.content),
    );
    out.push({
      filename: path,
      status: !b ? "added" : !a ? "removed" : "modified",
      sha: (a ?? b)?.sha ?? "",
      additions,
      deletions,
      patch,
    });
  }
  return out;
}

/** Open pull requests whose head is this branch: a push to it synchronizes them. */
export function pullsWithHead(repo: Repo, branch: string): Issue[] {
  return [...repo.issues.values()].filter((i) => i.pull && i.state === "open" && i.pull.headRef === branch);
}

/** The files a commit changed against its first parent (a root commit adds every file). */
export function commitFiles(repo: Repo, commit: Commit): FileChange[] {
  const parent = commit.parents[0];
  const parentTree = parent ? repo.git.get(parent, "commit")?.tree : undefined;
  const before = parentTree ? repo.git.flatten(parentTree) : new Map<string, { sha: string; mode: string }>();
  const after = repo.git.flatten(commit.tree);
  return treeChanges(repo, before, after);
}

/** Changed files as `git diff` text (GitHub's `application/vnd.github.diff`). */
export function unifiedDiff(files: FileChange[]): string {
  return files
    .map((f) => {
      const from = f.status === "added" ? "/dev/null" : `a/${f.filename}`;
      const to = f.status === "removed" ? "/dev/null" : `b/${f.filename}`;
      const mode =
        f.status === "added"
          ? "new file mode 100644\n"
          : f.status === "removed"
            ? "deleted file mode 100644\n"
            : "";
      return `diff --git a/${f.filename} b/${f.filename}\n${mode}--- ${from}\n+++ ${to}\n${f.patch}\n`;
    })
    .join("");
}

/** Commits as `git format-patch` output (GitHub's `application/vnd.github.patch`). */
export function formatPatch(repo: Repo, commits: Commit[]): string {
  return commits
    .map((c, i) => {
      const files = commitFiles(repo, c);
      const [subject = "", ...rest] = c.message.split("\n");
      const body = rest.join("\n").replace(/^\n+/, "");
      const n = commits.length > 1 ? `[PATCH ${i + 1}/${commits.length}]` : "[PATCH]";
      const stat = files.map(
        (f) =>
          ` ${f.filename} | ${f.additions + f.deletions} ${"+".repeat(f.additions)}${"-".repeat(f.deletions)}`,
      );
      const adds = files.reduce((s, f) => s + f.additions, 0);
      const dels = files.reduce((s, f) => s + f.deletions, 0);
      return [
        `From ${c.sha} Mon Sep 17 00:00:00 2001`,
        `From: ${c.author.name} <${c.author.email}>`,
        `Date: ${new Date(c.author.date).toUTCString().replace("GMT", "+0000")}`,
        `Subject: ${n} ${subject}`,
        "",
        ...(body ? [body.trimEnd(), ""] : []),
        "---",
        ...stat,
        ` ${files.length} file${files.length === 1 ? "" : "s"} changed, ${adds} insertion${adds === 1 ? "" : "s"}(+), ${dels} deletion${dels === 1 ? "" : "s"}(-)`,
        "",
        unifiedDiff(files) + "--",
        "2.43.0",
        "",
      ].join("\n");
    })
    .join("\n");
}

/** Whether the pull request's head merges into its base without conflicts (GitHub's `mergeable`). */
export function mergeable(r: Repo, i: Issue): boolean {
  const p = i.pull;
  const base = p && r.refs.get(`refs/heads/${p.baseRef}`);
  if (!p || !base) return false;
  const mb = r.git.mergeBase(base, p.headSha);
  const tree = (sha: string | undefined): string | undefined =>
    sha ? r.git.get(sha, "commit")?.tree : undefined;
  return r.git.mergeTrees(tree(mb), tree(base) ?? "", tree(p.headSha) ?? "") !== undefined;
}
