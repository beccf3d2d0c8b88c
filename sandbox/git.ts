/**
 * Git's object model as GitHub's git data API exposes it ("REST API endpoints for Git blobs / trees /
 * commits"): blobs, trees and commits with real SHA-1 ids over git's object encoding, ancestry, merge
 * bases, a file-level three-way merge (undefined on conflict), signatures (`gpgsig`) and the
 * `Co-authored-by` trailers GitHub reads. No pack files or wire protocol: no clone or push.
 */
import { createHash } from "node:crypto";

/** Git objects with real SHA-1 ids, so SHAs look and behave like GitHub's. */
export interface GitPerson {
  name: string;
  email: string;
  date: string;
}
export interface Blob {
  type: "blob";
  sha: string;
  content: Buffer;
}
export interface TreeEntry {
  path: string;
  mode: string;
  type: "blob" | "tree";
  sha: string;
}
export interface Tree {
  type: "tree";
  sha: string;
  entries: TreeEntry[];
}
export interface Commit {
  type: "commit";
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: GitPerson;
  committer: GitPerson;
  /** The armored signature (git's `gpgsig` header), when the commit was created signed. */
  signature?: string;
}
export type GitObject = Blob | Tree | Commit;

/**
 * The `Co-authored-by: Name <email>` trailers of a commit message, as GitHub reads them for a commit's
 * authors: lines of the message's last paragraph (git's trailer block), the key in any case.
 */
export function coAuthors(message: string): { name: string; email: string }[] {
  const paragraphs = message.trimEnd().split(/\n\s*\n/);
  if (paragraphs.length < 2) return [];
  return paragraphs
    .at(-1)!
    .split("\n")
    .flatMap((line) => {
      const m = /^co-authored-by:\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/i.exec(line.trim());
      return m ? [{ name: m[1] ?? "", email: m[2]! }] : [];
    });
}

const hash = (kind: string, body: Buffer): string =>
  createHash("sha1")
    .update(Buffer.concat([Buffer.from(`${kind} ${body.length}\0`), body]))
    .digest("hex");

const gitDate = (iso: string): string => `${Math.floor(Date.parse(iso) / 1000)} +0000`;

function commitText(c: Omit<Commit, "type" | "sha">, withSignature: boolean): string {
  const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`)];
  lines.push(`author ${c.author.name} <${c.author.email}> ${gitDate(c.author.date)}`);
  lines.push(`committer ${c.committer.name} <${c.committer.email}> ${gitDate(c.committer.date)}`);
  // Git stores the signature as a header whose continuation lines start with a space.
  if (withSignature && c.signature !== undefined) lines.push(`gpgsig ${c.signature.split("\n").join("\n ")}`);
  return `${lines.join("\n")}\n\n${c.message}`;
}

/** What a commit's signature signs: the raw commit object without its signature header. */
export function commitPayload(c: Commit): string {
  return commitText(c, false);
}

export class GitStore {
  readonly objects = new Map<string, GitObject>();

  blob(content: Buffer): Blob {
    const b: Blob = { type: "blob", sha: hash("blob", content), content };
    this.objects.set(b.sha, b);
    return b;
  }

  tree(entries: TreeEntry[]): Tree {
    // Git sorts tree entries by name, with directories compared as if they ended in "/".
    const key = (e: TreeEntry): string => (e.type === "tree" ? `${e.path}/` : e.path);
    const sorted = [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const body = Buffer.concat(
      sorted.flatMap((e) => [
        Buffer.from(`${e.type === "tree" ? "40000" : e.mode} ${e.path}\0`),
        Buffer.from(e.sha, "hex"),
      ]),
    );
    const t: Tree = { type: "tree", sha: hash("tree", body), entries: sorted };
    this.objects.set(t.sha, t);
    return t;
  }

  commit(c: Omit<Commit, "type" | "sha">): Commit {
    const body = Buffer.from(commitText(c, true));
    const commit: Commit = { type: "commit", sha: hash("commit", body), ...c };
    this.objects.set(commit.sha, commit);
    return commit;
  }

  get<T extends GitObject["type"]>(sha: string, type: T): Extract<GitObject, { type: T }> | undefined {
    const o = this.objects.get(sha);
    return o && o.type === type ? (o as Extract<GitObject, { type: T }>) : undefined;
  }

  /** Every file of a tree as path → {sha, mode}. */
  flatten(
    treeSha: string,
    prefix = "",
    out = new Map<string, { sha: string; mode: string }>(),
  ): Map<string, { sha: string; mode: string }> {
    const t = this.get(treeSha, "tree");
    if (!t) return out;
    for (const e of t.entries) {
      const p = prefix + e.path;
      if (e.type === "tree") this.flatten(e.sha, `${p}/`, out);
      else out.set(p, { sha: e.sha, mode: e.mode });
    }
    return out;
  }

  /** Builds nested trees from a flat path map (the inverse of flatten). */
  fromFlat(files: Map<string, { sha: string; mode: string }>): Tree {
    const dirs = new Map<string, Map<string, { sha: string; mode: string }>>();
    const here: TreeEntry[] = [];
    for (const [path, f] of files) {
      const slash = path.indexOf("/");
      if (slash < 0) {
        here.push({ path, mode: f.mode, type: "blob", sha: f.sha });
        continue;
      }
      const dir = path.slice(0, slash);
      const sub = dirs.get(dir) ?? new Map();
      sub.set(path.slice(slash + 1), f);
      dirs.set(dir, sub);
    }
    for (const [dir, sub] of dirs)
      here.push({ path: dir, mode: "040000", type: "tree", sha: this.fromFlat(sub).sha });
    return this.tree(here);
  }

  /** Resolves "a/b/c" inside a tree to the entry, or the root tree for "". */
  lookup(treeSha: string, path: string): TreeEntry | undefined {
    const parts = path.split("/").filter((p) => p !== "");
    let entry: TreeEntry = { path: "", mode: "040000", type: "tree", sha: treeSha };
    for (const part of parts) {
      const t = entry.type === "tree" ? this.get(entry.sha, "tree") : undefined;
      const next = t?.entries.find((e) => e.path === part);
      if (!next) return undefined;
      entry = next;
    }
    return entry;
  }

  /** All commits reachable from `sha` (inclusive). */
  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const s = stack.pop() as string;
      if (seen.has(s)) continue;
      seen.add(s);
      const c = this.get(s, "commit");
      if (c) stack.push(...c.parents);
    }
    return seen;
  }

  /** Commits in head not in base, oldest first (what a PR or a compare shows). */
  between(base: string, head: string): Commit[] {
    const exclude = this.ancestors(base);
    const out: Commit[] = [];
    const seen = new Set<string>();
    const visit = (s: string): void => {
      if (seen.has(s) || exclude.has(s)) return;
      seen.add(s);
      const c = this.get(s, "commit");
      if (!c) return;
      for (const p of c.parents) visit(p);
      out.push(c);
    };
    visit(head);
    return out;
  }

  mergeBase(a: string, b: string): string | undefined {
    const inA = this.ancestors(a);
    const queue = [b];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const s = queue.shift() as string;
      if (inA.has(s)) return s;
      if (seen.has(s)) continue;
      seen.add(s);
      queue.push(...(this.get(s, "commit")?.parents ?? []));
    }
    return undefined;
  }

  /** File-level three-way merge; undefined on conflict (both sides changed one path differently). */
  mergeTrees(baseTree: string | undefined, ours: string, theirs: string): Tree | undefined {
    const b = baseTree ? this.flatten(baseTree) : new Map<string, { sha: string; mode: string }>();
    const o = this.flatten(ours);
    const t = this.flatten(theirs);
    const out = new Map<string, { sha: string; mode: string }>();
    for (const path of new Set([...b.keys(), ...o.keys(), ...t.keys()])) {
      const bs = b.get(path)?.sha;
      const os = o.get(path);
      const ts = t.get(path);
      let pick: { sha: string; mode: string } | undefined;
      if (os?.sha === ts?.sha) pick = os;
      else if (os?.sha === bs) pick = ts;
      else if (ts?.sha === bs) pick = os;
      else return undefined;
      if (pick) out.set(path, pick);
    }
    return this.fromFlat(out);
  }
}
