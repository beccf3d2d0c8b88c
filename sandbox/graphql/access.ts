/**
 * GraphQL `Repository.collaborators` (GitHub's schema: RepositoryCollaboratorConnection, each edge's
 * `permission`): everyone with a role on the repository — owner, organization owners, direct collaborators
 * and team members — with the role as the REST collaborator permission computes it (auth.ts `roleOf`).
 */
import { roleOf } from "../auth.js";
import type { View } from "../serialize/accounts.js";
import type { Repo } from "../state.js";
import { actorNode } from "./actors.js";
import { connection, type PageArgs } from "./connection.js";

type Obj = Record<string, unknown>;

/** `Repository.collaborators`: everyone with a role on the repository, each edge carrying its permission. */
export function collaboratorsConnection(v: View, r: Repo, args: PageArgs): Obj {
  const candidates = new Set<string>([r.owner.toLowerCase(), ...r.collaborators.keys()]);
  const owner = v.state.account(r.owner);
  if (owner?.type === "Organization")
    for (const [login, role] of owner.members) if (role === "admin") candidates.add(login);
  for (const t of v.state.teams.values())
    if (t.repos.has(r.id)) for (const login of t.members.keys()) candidates.add(login);
  const withRoles = [...candidates]
    .filter((login) => v.state.account(login)?.type !== "Organization")
    .flatMap((login) => {
      const role = roleOf(v.state, r, login);
      return role ? [{ login, role }] : [];
    });
  const page = connection("collaborators", withRoles, args, (c) => c);
  return {
    ...page,
    nodes: () => (page["nodes"] as () => { login: string }[])().map((c) => actorNode(v, c.login)),
    edges: () =>
      (page["edges"] as () => { cursor: string; node: { login: string; role: string } }[])().map((e) => ({
        cursor: e.cursor,
        permission: e.node.role.toUpperCase(),
        node: actorNode(v, e.node.login),
      })),
  };
}
