/**
 * REST representations of collaborators and invitations (GitHub's OpenAPI schemas `collaborator` and
 * `repository-invitation`): a role as GitHub's five `permissions` booleans (pull, triage, push, maintain,
 * admin) and its `role_name`.
 */
import type { Json } from "../http.js";
import type { Repo, RepoRole } from "../state.js";
import { simpleUser, type View } from "./accounts.js";
import { repoJson } from "./repo.js";

/** A role as the five booleans GitHub's `permissions` objects carry. */
export function rolePermissions(role: RepoRole | null): Record<string, boolean> {
  const rank = role === null ? 0 : { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 }[role];
  return { pull: rank >= 1, triage: rank >= 2, push: rank >= 3, maintain: rank >= 4, admin: rank >= 5 };
}

export interface Invitation {
  login: string;
  role: RepoRole;
  inviter: string;
  created_at: string;
}

/** GitHub's repository-invitation: `permissions` names the role (read, triage, write, maintain, admin). */
export function invitationJson(v: View, r: Repo, id: number, inv: Invitation): Json {
  return {
    id,
    node_id: Buffer.from(`010:RepositoryInvitation${id}`).toString("base64"),
    repository: repoJson(v, r),
    invitee: simpleUser(v, inv.login),
    inviter: simpleUser(v, inv.inviter),
    permissions: inv.role,
    created_at: inv.created_at,
    expired: false,
    url: `${v.api}/user/repository_invitations/${id}`,
    html_url: `${v.web}/${r.owner}/${r.name}/invitations`,
  };
}

/** A collaborator: a simple user with the caller's view of their permissions and role name. */
export function collaboratorJson(v: View, login: string, role: RepoRole): Json {
  return { ...simpleUser(v, login), permissions: rolePermissions(role), role_name: role };
}
