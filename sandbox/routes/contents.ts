/**
 * Repository contents ("REST API endpoints for repository contents"): `repos/get-content` for files and
 * directories (base64 wrapped at 60 characters, or the raw, html and object media types),
 * `create-or-update-file-contents` (the blob `sha` required to replace a file) and `delete-file`, each one
 * commit on the branch, refused on a protected branch with 409 as GitHub does (protected-push.ts).
 */
import { conflict, notFound, validationFailed } from "../errors.js";
import { created, obj, ok, str, type Ctx, type Json } from "../http.js";
import type { Commit } from "../git.js";
import { updateRef, writeCommit } from "../ops.js";
import { refuseProtectedPush } from "./protected-push.js";
import type { RouteDef } from "../router.js";
import { gitCommitJson } from "../serialize/git.js";
import { repoHtml, repoUrl } from "../serialize/repo.js";
import type { Repo } from "../state.js";
import { commitish, login, repoOf } from "./common.js";
import { fileHtml, requestedFormat, textReply } from "../media.js";

/** GitHub wraps base64 content at 60 characters per line. */
const wrap = (b64: string): string => (b64.match(/.{1,60}/g) ?? [""]).join("\n") + "\n";

function entryJson(
  ctx: Ctx,
  r: Repo,
  path: string,
  type: "file" | "dir",
  sha: string,
  ref: string,
  size: number,
): Json {
  const self = `${repoUrl(ctx, r)}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${repoUrl(ctx, r)}/git/${type === "file" ? "blobs" : "trees"}/${sha}`;
  const html = `${repoHtml(ctx, r)}/${type === "file" ? "blob" : "tree"}/${ref}/${path}`;
  return {
    type,
    size,
    name: path.split("/").at(-1) ?? path,
    path,
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: type === "file" ? `${ctx.web}/raw/${r.owner}/${r.name}/${ref}/${path}` : null,
    _links: { self, git, html },
  };
}

function fileJson(ctx: Ctx, r: Repo, path: string, sha: string, ref: string): Json {
  const blob = r.git.get(sha, "blob");
  const content = blob?.content ?? Buffer.alloc(0);
  return {
    ...entryJson(ctx, r, path, "file", sha, ref, content.length),
    content: wrap(content.toString("base64")),
    encoding: "base64",
  };
}

/**
 * A contents write (create, update or delete of one file): its request body, with `message` and the field the
 * operation requires (the new `content`, or the `sha` of the file deleted) checked in that order; and where it
 * lands: the branch the body names (the default branch if none), the file's path, the branch's head commit,
 * and the file already at that path there.
 */
function contentsWrite(ctx: Ctx, r: Repo, requiredField: "content" | "sha") {
  const request = obj(ctx);
  const message = str(request, "message", "Content", true);
  const required = str(request, requiredField, "Content", true);
  const branch = str(request, "branch", "Content") ?? r.defaultBranch;
  const path = ctx.params["path"] ?? "";
  const ref = `refs/heads/${branch}`;
  const parent = r.refs.get(ref);
  const existing = parent ? r.git.lookup(r.git.get(parent, "commit")?.tree ?? "", path) : undefined;
  return { request, message, required, branch, path, ref, parent, existing };
}

/**
 * One commit of `change` on top of `parent`, moved onto the branch: refused with 409 (before the branch
 * moves) where the branch's protection forbids the push, as GitHub refuses contents writes.
 */
function commitOnBranch(
  ctx: Ctx,
  r: Repo,
  ref: string,
  parent: string | undefined,
  change: { path: string; content: Buffer | null },
  message: string,
): Commit {
  const c = writeCommit(ctx.state, r, parent, [change], message, login(ctx));
  refuseProtectedPush(ctx, r, ref, { sha: c.sha, force: false }, 409);
  updateRef(ctx, r, ref, c.sha, login(ctx));
  return c;
}

export const contentRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/contents/{path}",
    operationId: "repos/get-content",
    need: { perm: ["contents", "read"] },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const ref = ctx.query.get("ref") ?? r.defaultBranch;
      const sha = commitish(r, ref);
      const commit = sha ? r.git.get(sha, "commit") : undefined;
      if (!commit) throw notFound();
      const path = (ctx.params["path"] ?? "").replace(/^\/+|\/+$/g, "");
      const entry = r.git.lookup(commit.tree, path);
      if (!entry) throw notFound();
      const format = requestedFormat(ctx);
      if (entry.type === "blob") {
        const content = r.git.get(entry.sha, "blob")?.content ?? Buffer.alloc(0);
        if (format === "raw") return textReply("raw", content);
        if (format === "html") return textReply("html", fileHtml(path, content));
        return ok(fileJson(ctx, r, path, entry.sha, ref));
      }
      const tree = r.git.get(entry.sha, "tree");
      const items = (tree?.entries ?? []).map((e) =>
        entryJson(
          ctx,
          r,
          path ? `${path}/${e.path}` : e.path,
          e.type === "blob" ? "file" : "dir",
          e.sha,
          ref,
          e.type === "blob" ? (r.git.get(e.sha, "blob")?.content.length ?? 0) : 0,
        ),
      );
      // application/vnd.github.object: a directory as one object with its entries, not a bare list.
      if (format === "object")
        return ok({ ...entryJson(ctx, r, path, "dir", entry.sha, ref, 0), entries: items });
      return ok(items);
    },
  },
  {
    method: "PUT",
    path: "/repos/{owner}/{repo}/contents/{path}",
    operationId: "repos/create-or-update-file-contents",
    need: { perm: ["contents", "write"], role: "write" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const {
        request,
        message,
        required: content,
        branch,
        path,
        ref,
        parent,
        existing,
      } = contentsWrite(ctx, r, "content");
      if (!parent && r.refs.size > 0) throw notFound();
      const given = str(request, "sha", "Content");
      if (existing && given === undefined) {
        throw validationFailed(
          [{ resource: "Content", field: "sha", code: "missing_field" }],
          'Invalid request.\n\n"sha" wasn\'t supplied.',
        );
      }
      if (existing && given !== existing.sha) throw conflict(`${path} does not match ${given ?? ""}`);
      const c = commitOnBranch(
        ctx,
        r,
        ref,
        parent,
        { path, content: Buffer.from(content, "base64") },
        message,
      );
      const entry = r.git.lookup(c.tree, path);
      // file-commit's content is the entry without the file's content or encoding.
      const body = {
        content: entryJson(
          ctx,
          r,
          path,
          "file",
          entry?.sha ?? "",
          branch,
          r.git.get(entry?.sha ?? "", "blob")?.content.length ?? 0,
        ),
        commit: gitCommitJson(ctx, r, c),
      };
      return existing ? ok(body) : created(body);
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/contents/{path}",
    operationId: "repos/delete-file",
    need: { perm: ["contents", "write"], role: "write" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const { message, required: given, path, ref, parent, existing } = contentsWrite(ctx, r, "sha");
      if (!existing) throw notFound();
      if (existing.sha !== given) throw conflict(`${path} does not match ${given}`);
      const c = commitOnBranch(ctx, r, ref, parent, { path, content: null }, message);
      return ok({ content: null, commit: gitCommitJson(ctx, r, c) });
    },
  },
];
