/**
 * Helpers the REST routes share: the route's repository and the acting login, the App behind an
 * installation token, GHES's site-admin check (404 to anyone else, as GitHub hides admin routes), a
 * commit-ish resolved as GitHub resolves `{ref}` (sha, branch, tag), the issues-or-pull_requests
 * permission rule for comments and labels, and a label created on first use with GitHub's defaults.
 */
import { HttpError, DOCS, notAccessible, notFound, unauthorized } from "../errors.js";
import { type Ctx } from "../http.js";
import type { Label, Repo } from "../state.js";

/** The repository of a /repos/{owner}/{repo} route (the server already checked it exists and is visible). */
export function repoOf(ctx: Ctx): Repo {
  const r = ctx.state.repo(ctx.params["owner"] ?? "", ctx.params["repo"] ?? "");
  if (!r) throw notFound();
  return r;
}

/** The login acting: a user, or an App's bot through an installation token. */
export function login(ctx: Ctx): string {
  if (!ctx.actor || ctx.actor.kind === "app") throw unauthorized();
  return ctx.actor.login;
}

export function appIdOf(ctx: Ctx): number | null {
  return ctx.actor?.kind === "installation" ? ctx.actor.app.id : null;
}

export function requireSiteAdmin(ctx: Ctx): void {
  const a = ctx.actor?.kind === "user" ? ctx.state.account(ctx.actor.login) : undefined;
  if (!a?.site_admin)
    throw new HttpError(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
}

export function commitish(repo: Repo, ref: string): string | undefined {
  if (/^[0-9a-f]{40}$/.test(ref) && repo.git.get(ref, "commit")) return ref;
  const candidates = [ref, `refs/heads/${ref}`, `refs/tags/${ref}`, ref.replace(/^heads\//, "refs/heads/")];
  for (const c of candidates) {
    const sha = repo.refs.get(c);
    if (sha) return sha;
  }
  if (/^[0-9a-f]{7,39}$/.test(ref)) {
    for (const sha of repo.git.objects.keys())
      if (sha.startsWith(ref) && repo.git.get(sha, "commit")) return sha;
  }
  return undefined;
}

/** Installation tokens need one of these permissions at `level` (GitHub accepts issues or pull_requests on PR comments). */
export function requireAnyPerm(ctx: Ctx, names: string[], level: "read" | "write"): void {
  if (ctx.actor?.kind !== "installation") return;
  const perms = ctx.actor.permissions;
  const ok = names.some(
    (n) => perms[n] === "write" || perms[n] === "admin" || (level === "read" && perms[n] === "read"),
  );
  if (!ok) throw notAccessible();
}

/** The label of a name, created (GitHub's grey, no description) when the repository has none by it. */
export function ensureLabel(ctx: Ctx, r: Repo, name: string): Label {
  const existing = r.labels.get(name.toLowerCase());
  if (existing) return existing;
  const l: Label = {
    id: ctx.state.nextId("label"),
    name,
    color: "ededed",
    description: null,
    default: false,
  };
  r.labels.set(name.toLowerCase(), l);
  return l;
}
