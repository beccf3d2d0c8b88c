/**
 * Seeds a whole world on a new sandbox: the organization `acme` with its repository `acme/shop`, whose
 * default branch holds a Tollgate policy, the people (the organization's admin "owner" and everyone
 * named), teams, and the Tollgate App installed on the organization. Contracts: the organization is made
 * through the sandbox's control API (GitHub has no endpoint to create one), the repository through
 * "Create an organization repository", the policy through "Create or update file contents"; people and
 * Apps as sandbox/seed/people.ts and sandbox/seed/apps.ts say.
 */
import type { Octokit } from "@octokit/rest";
import type { RegisteredApp } from "../client.js";
import { startSandbox, unmodelledError, type Sandbox } from "../index.js";
import { installTollgate } from "./apps.js";
import { createPeople, createTeams, grantRoles, octokitFor, type Person, type Role } from "./people.js";

export const ORG = "acme";
export const REPO = "shop";
export const FULL = `${ORG}/${REPO}`;

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
  collaborators?: Record<string, Role>;
}

export async function createWorld(options: WorldOptions): Promise<World> {
  const sandbox = await startSandbox({
    strict: options.strict ?? true,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.secondaryRateLimit === undefined ? {} : { secondaryRateLimit: options.secondaryRateLimit }),
  });
  const client = sandbox.client;
  const people = await createPeople(sandbox, ["owner", ...(options.people ?? [])]);
  const owner = people["owner"]!;
  await client.createOrg(ORG, "owner");
  await client.createRepo(owner.token, REPO, { org: ORG });
  const repository = { owner: ORG, repo: REPO };
  // Everyone gets write access (they push branches), unless the options give them another role.
  await grantRoles(owner, people, repository, {
    ...Object.fromEntries((options.people ?? []).map((login) => [login, "write" as const])),
    ...options.collaborators,
  });
  await createTeams(owner, repository, options.teams ?? {});
  await client.putFile(owner.token, FULL, ".github/tollgate.yml", options.policy, {
    message: "Add the Tollgate policy",
  });

  const tollgate = await installTollgate(sandbox, ORG, options.webhookUrl);
  return {
    sandbox,
    app: tollgate.app,
    installationId: tollgate.installationId,
    bot: `${tollgate.app.slug}[bot]`,
    people,
    installation: async () => octokitFor(sandbox, await tollgate.token()),
    // Fails when anything reached a GitHub route or GraphQL field the sandbox does not model, or when the
    // sandbox answered outside GitHub's documented response shapes.
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
