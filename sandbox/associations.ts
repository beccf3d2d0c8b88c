/**
 * GitHub's `author_association` on comments, reviews, issues and pull requests (the REST
 * `author-association` schema; GraphQL's CommentAuthorAssociation): OWNER, MEMBER of the owning
 * organization, COLLABORATOR, else NONE. CONTRIBUTOR and the first-timer values are not modelled: such
 * a login is NONE here, never more trusted than on GitHub.
 */
import type { Repo, State } from "./state.js";

/** GitHub's author_association for a login on a repository. */
export function authorAssociation(state: State, repo: Repo, login: string): string {
  const lower = login.toLowerCase();
  if (repo.owner.toLowerCase() === lower) return "OWNER";
  const org = state.account(repo.owner);
  if (org?.type === "Organization" && org.members.has(lower)) return "MEMBER";
  if (repo.collaborators.has(lower)) return "COLLABORATOR";
  return "NONE";
}
