/**
 * The Git database API ("REST API endpoints for Git blobs", "… trees", "… commits", "… references"):
 * `git/create-blob`, `get-blob`, `create-tree` (with `base_tree`), `get-tree`, `create-commit` (with a
 * signature), `get-commit`, `get-ref`, `create-ref`, `update-ref` (fast-forward unless `force`) and
 * `delete-ref`. A ref move announces what a push does; a protected branch refuses it with 422.
 */
import type { TreeEntry } from "../git.js";
import { conflict, invalid, invalidBecause, notFound, validationFailed } from "../errors.js";
import { bool, created, noContent, obj, ok, str, type Ctx, type Json } from "../http.js";
import { updateRef } from "../ops.js";
import { refuseProtectedPush } from "./protected-push.js";
import type { RouteDef } from "../router.js";
import { gitCommitJson, personFor } from "../serialize/git.js";
import { repoUrl } from "../serialize/repo.js";
import type { Repo } from "../state.js";
import { login, repoOf } from "./common.js";

const read = { perm: ["contents", "read"] as [string, "read"] };
const write = { perm: ["contents", "write"] as [string, "write"], role: "write" as const };

/** GitHub's 422 for a ref request naming a ref or an object it will not take, with its message. */
const invalidReference = (field: "ref" | "sha", message: string) =>
  invalidBecause("Reference", field, message);

function refJson(ctx: Ctx, r: Repo, ref: string, sha: string): Json {
  return {
    ref,
    node_id: Buffer.from(`03:Ref${r.id}:${ref}`).toString("base64"),
    url: `${repoUrl(ctx, r)}/git/${ref}`,
    object: { sha, type: "commit", url: `${repoUrl(ctx, r)}/git/commits/${sha}` },
  };
}

function treeJson(ctx: Ctx, r: Repo, sha: string, recursive: boolean): Json {
  const url = repoUrl(ctx, r);
  const entries: Json[] = [];
  const walk = (treeSha: string, prefix: string): void => {
    for (const e of r.git.get(treeSha, "tree")?.entries ?? []) {
      const size = e.type === "blob" ? r.git.get(e.sha, "blob")?.content.length : undefined;
      entries.push({
        path: prefix + e.path,
        mode: e.mode,
        type: e.type,
        sha: e.sha,
        ...(size === undefined ? {} : { size }),
        url: `${url}/git/${e.type}s/${e.sha}`,
      });
      if (recursive && e.type === "tree") walk(e.sha, `${prefix}${e.path}/`);
    }
  };
  walk(sha, "");
  return { sha, url: `${url}/git/trees/${sha}`, tree: entries, truncated: false };
}

function refParam(ctx: Ctx): string {
  const ref = ctx.params["ref"] ?? "";
  return ref.startsWith("refs/") ? ref : `refs/${ref}`;
}

/** The repository and the ref the route's {ref} names, which must exist (422 "Reference does not exist"). */
function existingRef(ctx: Ctx): { r: Repo; ref: string; sha: string } {
  const r = repoOf(ctx);
  const ref = refParam(ctx);
  const sha = r.refs.get(ref);
  if (!sha) throw invalidReference("ref", "Reference does not exist");
  return { r, ref, sha };
}

export const gitRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/git/blobs",
    operationId: "git/create-blob",
    need: write,
    handler: (ctx) => {
      const b = obj(ctx);
      const content = str(b, "content", "Blob", true);
      const encoding = str(b, "encoding", "Blob") ?? "utf-8";
      if (encoding !== "utf-8" && encoding !== "base64") throw invalid("Blob", "encoding");
      const r = repoOf(ctx);
      const blob = r.git.blob(Buffer.from(content, encoding === "base64" ? "base64" : "utf8"));
      return created({ url: `${repoUrl(ctx, r)}/git/blobs/${blob.sha}`, sha: blob.sha });
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/git/blobs/{file_sha}",
    operationId: "git/get-blob",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const blob = r.git.get(ctx.params["file_sha"] ?? "", "blob");
      if (!blob) throw notFound();
      return ok({
        content: blob.content.toString("base64"),
        encoding: "base64",
        url: `${repoUrl(ctx, r)}/git/blobs/${blob.sha}`,
        sha: blob.sha,
        size: blob.content.length,
        node_id: Buffer.from(`04:Blob${blob.sha}`).toString("base64"),
      });
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/git/trees",
    operationId: "git/create-tree",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const b = obj(ctx);
      const items = b["tree"];
      if (!Array.isArray(items)) throw invalid("Tree", "tree", "missing_field");
      const baseTree = str(b, "base_tree", "Tree");
      const files = baseTree ? r.git.flatten(baseTree) : new Map<string, { sha: string; mode: string }>();
      if (baseTree && !r.git.get(baseTree, "tree"))
        throw invalidBecause("Tree", "base_tree", "Invalid tree info");
      for (const raw of items as Json[]) {
        const path = str(raw, "path", "Tree", true);
        const mode = str(raw, "mode", "Tree") ?? "100644";
        const content = str(raw, "content", "Tree");
        if (!("sha" in raw) && content === undefined)
          throw invalidBecause("Tree", "tree", "Must supply either tree.sha or tree.content");
        if (raw["sha"] === null) {
          files.delete(path);
          continue;
        }
        const sha =
          content !== undefined ? r.git.blob(Buffer.from(content)).sha : str(raw, "sha", "Tree", true);
        if (!r.git.objects.has(sha))
          throw invalidBecause("Tree", "tree.sha", `tree.sha ${sha} is not a valid blob`);
        files.set(path, { sha, mode });
      }
      const tree = r.git.fromFlat(files);
      return created(treeJson(ctx, r, tree.sha, false));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/git/trees/{tree_sha}",
    operationId: "git/get-tree",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const ref = ctx.params["tree_sha"] ?? "";
      const tree =
        r.git.get(ref, "tree") ??
        r.git.get(r.git.get(r.refs.get(`refs/heads/${ref}`) ?? ref, "commit")?.tree ?? "", "tree");
      if (!tree) throw notFound();
      const rec = ctx.query.get("recursive");
      return ok(treeJson(ctx, r, tree.sha, rec !== null && rec !== "0" && rec !== "false"));
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/git/commits",
    operationId: "git/create-commit",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const b = obj(ctx);
      const message = str(b, "message", "Commit", true);
      const tree = str(b, "tree", "Commit", true);
      if (!r.git.get(tree, "tree")) throw invalidBecause("Commit", "tree", "Tree SHA does not exist");
      const parents = Array.isArray(b["parents"]) ? (b["parents"] as unknown[]).map(String) : [];
      for (const p of parents)
        if (!r.git.get(p, "commit"))
          throw invalidBecause("Commit", "parents", "Parent SHA does not exist or is not a commit object");
      const me = personFor(ctx.state, login(ctx), ctx.state.now());
      const person = (key: string): typeof me => {
        const p = b[key] as Json | undefined;
        return p && typeof p === "object"
          ? {
              name: String(p["name"] ?? me.name),
              email: String(p["email"] ?? me.email),
              date: String(p["date"] ?? me.date),
            }
          : me;
      };
      const author = person("author");
      const signature = str(b, "signature", "Commit");
      const c = r.git.commit({
        tree,
        parents,
        message,
        author,
        committer: b["committer"] ? person("committer") : author,
        ...(signature !== undefined ? { signature } : {}),
      });
      return created(gitCommitJson(ctx, r, c));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/git/commits/{commit_sha}",
    operationId: "git/get-commit",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const c = r.git.get(ctx.params["commit_sha"] ?? "", "commit");
      if (!c) throw notFound();
      return ok(gitCommitJson(ctx, r, c));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/git/ref/{ref}",
    operationId: "git/get-ref",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const ref = refParam(ctx);
      const sha = r.refs.get(ref);
      if (!sha) throw notFound();
      return ok(refJson(ctx, r, ref, sha));
    },
  },
  {
    // Every ref whose name starts with the given text, sorted, as one unpaginated array ([] when none).
    method: "GET",
    path: "/repos/{owner}/{repo}/git/matching-refs/{ref}",
    operationId: "git/list-matching-refs",
    need: read,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const prefix = refParam(ctx);
      const refs = [...r.refs.entries()]
        .filter(([name]) => name.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return ok(refs.map(([name, sha]) => refJson(ctx, r, name, sha)));
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/git/refs",
    operationId: "git/create-ref",
    need: write,
    handler: (ctx) => {
      const r = repoOf(ctx);
      const b = obj(ctx);
      const ref = str(b, "ref", "Reference", true);
      const sha = str(b, "sha", "Reference", true);
      if (!ref.startsWith("refs/") || ref.split("/").length < 3)
        throw invalidReference(
          "ref",
          "Reference name must start with 'refs/' and have at least two slashes.",
        );
      if (r.refs.has(ref))
        throw validationFailed(
          [{ resource: "Reference", field: "ref", code: "already_exists" }],
          "Reference already exists",
        );
      if (!r.git.get(sha, "commit")) throw invalidReference("sha", "Object does not exist");
      updateRef(ctx, r, ref, sha, login(ctx));
      return created(refJson(ctx, r, ref, sha));
    },
  },
  {
    method: "PATCH",
    path: "/repos/{owner}/{repo}/git/refs/{ref}",
    operationId: "git/update-ref",
    need: write,
    handler: (ctx) => {
      const { r, ref, sha: current } = existingRef(ctx);
      const b = obj(ctx);
      const sha = str(b, "sha", "Reference", true);
      if (!r.git.get(sha, "commit")) throw invalidReference("sha", "Object does not exist");
      const fastForward = r.git.ancestors(sha).has(current);
      if (!(bool(b, "force", "Reference") ?? false) && !fastForward) {
        throw invalidReference("sha", "Update is not a fast forward");
      }
      refuseProtectedPush(ctx, r, ref, { sha, force: !fastForward });
      updateRef(ctx, r, ref, sha, login(ctx));
      return ok(refJson(ctx, r, ref, sha));
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/git/refs/{ref}",
    operationId: "git/delete-ref",
    need: write,
    handler: (ctx) => {
      const { r, ref } = existingRef(ctx);
      if (ref === `refs/heads/${r.defaultBranch}`) throw conflict("Cannot delete the default branch");
      refuseProtectedPush(ctx, r, ref, { sha: null, force: false });
      r.refs.delete(ref);
      return noContent();
    },
  },
];

export type { TreeEntry };
