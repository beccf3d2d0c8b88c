/**
 * The other ways a REST path may name a repository than its current `owner/name`: by its id
 * (`/repositories/{id}/…`), and by a name it had before a rename, which GitHub redirects.
 */
import { authorizeRepo, type Actor } from "./auth.js";
import { HttpError, notFound } from "./errors.js";
import { type Ctx } from "./http.js";
import type { State } from "./state.js";

/**
 * GitHub serves every repository route by the repository's id too (`/repositories/{id}/…`, the form its
 * redirects point to): the same operation as `/repos/{owner}/{repo}/…`.
 */
export function byRepositoryId(state: State, path: string): string {
  const m = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
  if (!m) return path;
  const r = state.repoById(Number(m[1]));
  if (!r) throw notFound();
  return `/repos/${r.owner}/${r.name}${m[2] ?? ""}`;
}

/**
 * A renamed repository's old name redirects to it by id, as GitHub does: 301 for a GET (and HEAD), 307
 * for any other method, which a client repeats with the same method and body. A repository the caller
 * cannot see stays a 404.
 */
export function formerName(
  state: State,
  ctx: Ctx,
  actor: Actor | null,
  method: string,
  path: string,
  owner: string,
  repo: string,
): HttpError {
  const id = state.formerNames.get(`${owner}/${repo}`.toLowerCase());
  const r = id === undefined ? undefined : state.repoById(id);
  if (!r) return notFound();
  authorizeRepo(state, actor, r, {});
  const rest = path.replace(/^\/repos\/[^/]+\/[^/]+/, "");
  const query = ctx.query.toString();
  const url = `${ctx.api}/repositories/${r.id}${rest}${query ? `?${query}` : ""}`;
  const permanent = method === "GET";
  return new HttpError(
    permanent ? 301 : 307,
    {
      message: permanent ? "Moved Permanently" : "Temporary Redirect",
      url,
      documentation_url: "https://docs.github.com/v3/#http-redirects",
    },
    { location: url },
  );
}
