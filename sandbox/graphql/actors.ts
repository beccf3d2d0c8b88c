/**
 * GraphQL actors (GitHub's schema: the Actor interface — User, Bot, Organization — and GitActor): an
 * account or App bot resolved from a login (bots by their slug, without REST's `[bot]` suffix), an
 * organization's `teams` with their `members`, an account's `repositories` (private ones only to the
 * account itself), and a commit's git author mapped to a user by email.
 */
import { nodeId, type View } from "../serialize/accounts.js";
import { connection, type PageArgs } from "./connection.js";
import { links } from "./links.js";
import { loginForEmail } from "../serialize/git.js";
import type { GitPerson } from "../git.js";

/** An Actor (User, Bot or Organization) for GraphQL, resolved from a login. */
export function actorNode(v: View, login: string | null): Record<string, unknown> | null {
  if (!login) return null;
  const app = login.endsWith("[bot]") ? v.state.appBySlug(login.slice(0, -5)) : undefined;
  if (app) {
    const id = app.id + 40_000_000;
    // GitHub's GraphQL shows bots by their slug, without the [bot] suffix REST uses.
    return {
      __typename: "Bot",
      id: nodeId("Bot", id),
      databaseId: id,
      login: app.slug,
      url: `${v.web}/apps/${app.slug}`,
      avatarUrl: `${v.web}/avatars/u/${id}`,
      resourcePath: `/apps/${app.slug}`,
    };
  }
  const a = v.state.account(login);
  const type = a?.type === "Organization" ? "Organization" : "User";
  const id = a?.id ?? 0;
  return {
    __typename: type,
    id: nodeId(type, id),
    databaseId: id,
    login: a?.login ?? login,
    name: a?.name ?? null,
    email: a?.email ?? "",
    url: `${v.web}/${a?.login ?? login}`,
    avatarUrl: `${v.web}/avatars/u/${id}`,
    resourcePath: `/${a?.login ?? login}`,
    isSiteAdmin: a?.site_admin ?? false,
    ...(type === "Organization" ? { teams: (args: PageArgs) => teamsConnection(v, a!.login, args) } : {}),
    // The account's own repositories (GitHub's default ownerAffiliations: OWNER); private ones only to
    // the account itself.
    repositories: (args: PageArgs) => {
      const owner = (a?.login ?? login).toLowerCase();
      const viewer = "actor" in v ? (v as { actor: { login: string } | null }).actor?.login : undefined;
      const own = viewer?.toLowerCase() === owner;
      const repos = [...v.state.repos.values()].filter(
        (r) => r.owner.toLowerCase() === owner && (own || !r.private),
      );
      return connection("repositories", repos, args, (r) => links.repo(v, r));
    },
  };
}

export function gitActorNode(v: View, p: GitPerson): Record<string, unknown> {
  const login = loginForEmail(v.state, p.email);
  return {
    __typename: "GitActor",
    name: p.name,
    email: p.email,
    date: p.date,
    avatarUrl: `${v.web}/avatars/u/0`,
    user: login ? actorNode(v, login) : null,
  };
}

/** `Organization.teams`, with each team's `members`, as GitHub's schema has them. */
export function teamsConnection(v: View, org: string, args: PageArgs): Record<string, unknown> {
  const teams = [...v.state.teams.values()].filter((t) => t.org.toLowerCase() === org.toLowerCase());
  return connection("teams", teams, args, (t) => ({
    __typename: "Team",
    slug: t.slug,
    name: t.name,
    combinedSlug: `${t.org}/${t.slug}`,
    members: (memberArgs: PageArgs) =>
      connection("members", [...t.members.keys()], memberArgs, (login) => actorNode(v, login)),
  }));
}
