/**
 * A GitHub world on the sandbox for Tollgate's end-to-end tests: an organization with teams, people
 * with their own tokens, a repository whose default branch holds a policy, and the Tollgate App
 * registered and installed with exactly the permissions app.yml asks for. Everything is set up
 * through GitHub's own REST endpoints (or the sandbox's control API where GitHub has none).
 */
import { Octokit } from "@octokit/rest";
import { startSandbox, unmodelledError, type Sandbox } from "../../sandbox/index.js";
import type { RegisteredApp } from "../../sandbox/client.js";
import { APP_EVENTS, APP_PERMISSIONS } from "../../app/manifest.js";
import { appJwt } from "../sandbox/scenario.js";

export const ORG = "acme";
export const REPO = "shop";
export const FULL = `${ORG}/${REPO}`;

export interface Person {
  login: string;
  token: string;
  octokit: Octokit;
}

export interface World {
  sandbox: Sandbox;
  app: RegisteredApp;
  installationId: number;
  /** The App's bot login as REST shows it. */
  bot: string;
  people: Record<string, Person>;
  /** An Octokit acting as the App's installation (a fresh installation token). */
  installation(): Promise<Octokit>;
  close(): Promise<void>;
}

export interface WorldOptions {
  policy: string;
  webhookUrl?: string;
  strict?: boolean;
  /** The sandbox's hourly limit per user or installation (default GitHub's 5,000). */
  rateLimit?: number;
  /** GitHub's secondary limits (default on); a throughput benchmark turns them off. */
  secondaryRateLimit?: boolean;
  /** Logins to create; "owner" (org admin, repo admin) always exists. */
  people?: string[];
  /** Teams: slug → members (all get write access to the repository). */
  teams?: Record<string, string[]>;
  /** Repository roles other than the default: everyone in `people` gets write. */
  collaborators?: Record<string, "read" | "triage" | "write" | "maintain" | "admin">;
}

export function octokitFor(sandbox: Sandbox, token: string): Octokit {
  return new Octokit({ auth: token, baseUrl: sandbox.apiUrl });
}

export async function createWorld(options: WorldOptions): Promise<World> {
  const sandbox = await startSandbox({
    strict: options.strict ?? true,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.secondaryRateLimit === undefined ? {} : { secondaryRateLimit: options.secondaryRateLimit }),
  });
  const client = sandbox.client;
  const people: Record<string, Person> = {};
  for (const login of ["owner", ...(options.people ?? [])]) {
    const user = await client.createUser(login, `${login}@example.com`);
    people[login] = { login, token: user.token, octokit: octokitFor(sandbox, user.token) };
  }
  const owner = people["owner"]!;
  await client.createOrg(ORG, "owner");
  await client.createRepo(owner.token, REPO, { org: ORG });
  const PERMISSION = {
    read: "pull",
    triage: "triage",
    write: "push",
    maintain: "maintain",
    admin: "admin",
  } as const;
  // Everyone gets write access (they push branches), unless the options give them another role.
  const roles = {
    ...Object.fromEntries((options.people ?? []).map((login) => [login, "write" as const])),
    ...options.collaborators,
  };
  for (const [login, role] of Object.entries(roles)) {
    const invited = await owner.octokit.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner: ORG,
      repo: REPO,
      username: login,
      permission: PERMISSION[role],
    });
    if (invited.status === 201) {
      await people[login]!.octokit.request("PATCH /user/repository_invitations/{invitation_id}", {
        invitation_id: Number((invited.data as { id: number }).id),
      });
    }
  }
  for (const [slug, members] of Object.entries(options.teams ?? {})) {
    await owner.octokit.request("POST /orgs/{org}/teams", { org: ORG, name: slug, privacy: "closed" });
    for (const member of members) {
      await owner.octokit.request("PUT /orgs/{org}/teams/{team_slug}/memberships/{username}", {
        org: ORG,
        team_slug: slug,
        username: member,
        role: "member",
      });
    }
    await owner.octokit.request("PUT /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", {
      org: ORG,
      team_slug: slug,
      owner: ORG,
      repo: REPO,
      permission: "push",
    });
  }
  await client.putFile(owner.token, FULL, ".github/tollgate.yml", options.policy, {
    message: "Add the Tollgate policy",
  });

  const app = await client.registerApp({
    name: "Tollgate",
    ...(options.webhookUrl ? { webhook_url: options.webhookUrl } : {}),
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
  });
  const installation = await client.installApp(app.id, ORG);
  return {
    sandbox,
    app,
    installationId: Number(installation.id),
    bot: `${app.slug}[bot]`,
    people,
    async installation() {
      const jwt = new Octokit({ auth: appJwt(app), baseUrl: sandbox.apiUrl });
      const { data } = await jwt.request("POST /app/installations/{installation_id}/access_tokens", {
        installation_id: installation.id,
      });
      return octokitFor(sandbox, data.token);
    },
    // Fails the test when anything reached a GitHub route or GraphQL field the sandbox does not model, or
    // when the sandbox answered outside GitHub's documented response shapes.
    close: async () => {
      const hits = [...sandbox.unmodelled()];
      const offShape = sandbox.offShape();
      await sandbox.close();
      if (hits.length > 0) throw unmodelledError(hits);
      if (offShape.length > 0)
        throw new Error(`the sandbox answered outside GitHub's documented shapes:\n${offShape.join("\n")}`);
    },
  };
}

/** The narrow client Tollgate's adapters take, over an Octokit. */
export { clientOf as asClient } from "../../src/github/client.js";

/**
 * Opens a PR from a new branch with one commit by `author`, returning its number and head SHA; in
 * acme/shop unless `repo` names another repository of the organization.
 */
export async function openPullRequest(
  world: World,
  author: string,
  options: {
    branch: string;
    title: string;
    body: string;
    files?: Record<string, string>;
    labels?: string[];
    repo?: string;
  },
): Promise<{ number: number; head: string }> {
  const person = world.people[author]!;
  const { client } = world.sandbox;
  const repo = options.repo ?? REPO;
  await client.createBranch(world.people["owner"]!.token, `${ORG}/${repo}`, options.branch, "main");
  let head = "";
  for (const [path, content] of Object.entries(
    options.files ?? { [`src/${options.branch}.ts`]: "export {};\n" },
  )) {
    head = (
      await client.putFile(person.token, `${ORG}/${repo}`, path, content, {
        branch: options.branch,
        message: `Change ${path}`,
      })
    ).commit.sha;
  }
  const { data } = await person.octokit.request("POST /repos/{owner}/{repo}/pulls", {
    owner: ORG,
    repo,
    title: options.title,
    body: options.body,
    head: options.branch,
    base: "main",
  });
  if (options.labels?.length) {
    await world.people["owner"]!.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      owner: ORG,
      repo,
      issue_number: data.number,
      labels: options.labels,
    });
  }
  return { number: data.number, head };
}
