/**
 * Seeds the people of a world: users with their own tokens, their roles on a repository, and teams.
 * Contracts: users and their tokens have no GitHub REST endpoint (the sandbox's control API makes them);
 * roles go through "Add a repository collaborator" (`PUT /repos/{owner}/{repo}/collaborators/{username}`,
 * 201 with an invitation the invitee accepts through `PATCH /user/repository_invitations/{invitation_id}`,
 * 204 when the user already had access), teams through "Create a team", "Add or update team membership
 * for a user" and "Add or update team repository permissions".
 */
import { Octokit } from "@octokit/rest";
import type { Sandbox } from "../index.js";

export interface Person {
  login: string;
  token: string;
  octokit: Octokit;
}

/** A repository role as GitHub's UI names it. */
export type Role = "read" | "triage" | "write" | "maintain" | "admin";

/** The `permission` parameter of the collaborator and team endpoints for each role. */
const PERMISSION: Record<Role, string> = {
  read: "pull",
  triage: "triage",
  write: "push",
  maintain: "maintain",
  admin: "admin",
};

export function octokitFor(sandbox: Sandbox, token: string): Octokit {
  return new Octokit({ auth: token, baseUrl: sandbox.apiUrl });
}

/** Users with a token each; their e-mail is `login@example.com`. */
export async function createPeople(
  sandbox: Sandbox,
  logins: readonly string[],
): Promise<Record<string, Person>> {
  const people: Record<string, Person> = {};
  for (const login of logins) {
    const user = await sandbox.client.createUser(login, `${login}@example.com`);
    people[login] = { login, token: user.token, octokit: octokitFor(sandbox, user.token) };
  }
  return people;
}

/** Invites each person to `owner/repo` with a role, as the repository's admin does, and accepts for them. */
export async function grantRoles(
  admin: Person,
  people: Readonly<Record<string, Person>>,
  repository: { owner: string; repo: string },
  roles: Readonly<Record<string, Role>>,
): Promise<void> {
  for (const [login, role] of Object.entries(roles)) {
    const invitee = people[login];
    if (!invitee) throw new Error(`no person "${login}" to give the ${role} role: create them first`);
    const invited = await admin.octokit.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      ...repository,
      username: login,
      permission: PERMISSION[role],
    });
    if (invited.status === 201) {
      await invitee.octokit.request("PATCH /user/repository_invitations/{invitation_id}", {
        invitation_id: Number((invited.data as { id: number }).id),
      });
    }
  }
}

/** Closed teams of the organization (slug → members), each with write access to `owner/repo`. */
export async function createTeams(
  admin: Person,
  repository: { owner: string; repo: string },
  teams: Readonly<Record<string, readonly string[]>>,
): Promise<void> {
  const org = repository.owner;
  for (const [slug, members] of Object.entries(teams)) {
    await admin.octokit.request("POST /orgs/{org}/teams", { org, name: slug, privacy: "closed" });
    for (const member of members) {
      await admin.octokit.request("PUT /orgs/{org}/teams/{team_slug}/memberships/{username}", {
        org,
        team_slug: slug,
        username: member,
        role: "member",
      });
    }
    await admin.octokit.request("PUT /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", {
      org,
      team_slug: slug,
      ...repository,
      permission: PERMISSION.write,
    });
  }
}
