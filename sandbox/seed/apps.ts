/**
 * Seeds the GitHub Apps of a world: the Tollgate App (with exactly what app.yml asks for), the CI Apps
 * that write check runs, and the "GitHub Actions" App whose installation tokens stand in for a workflow's
 * GITHUB_TOKEN (so what a workflow writes comes from `github-actions[bot]`). Contracts: registering and
 * installing an App has no GitHub REST endpoint (the sandbox's control API does it); tokens come from
 * "Create an installation access token for an app" (`POST /app/installations/{installation_id}/access_tokens`)
 * authenticated by the App's JWT ("Generating a JSON Web Token (JWT) for a GitHub App": RS256, `iss` the
 * App's id, `exp` at most 10 minutes ahead).
 */
import { createSign } from "node:crypto";
import { APP_EVENTS, APP_PERMISSIONS } from "../../app/manifest.js";
import type { RegisteredApp } from "../client.js";
import type { Sandbox } from "../index.js";

/** An App's JWT; `iat` 30 s in the past, as GitHub advises against clock drift. */
export function appJwt(app: { id: number; pem: string }, nowSec = Math.floor(Date.now() / 1000)): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ iat: nowSec - 30, exp: nowSec + 540, iss: app.id })}`;
  return `${head}.${createSign("RSA-SHA256").update(head).sign(app.pem, "base64url")}`;
}

/** A new installation token, narrowed to `repositories` of the installation when they are named. */
export async function installationToken(
  sandbox: Sandbox,
  app: { id: number; pem: string },
  installationId: number,
  repositories?: string[],
): Promise<string> {
  const res = await fetch(`${sandbox.apiUrl}/app/installations/${installationId}/access_tokens`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${appJwt(app)}`,
      accept: "application/vnd.github+json",
      ...(repositories ? { "content-type": "application/json" } : {}),
    },
    ...(repositories ? { body: JSON.stringify({ repositories }) } : {}),
  });
  if (!res.ok) throw new Error(`installation token of App ${app.id}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export interface InstalledApp {
  readonly app: RegisteredApp;
  readonly installationId: number;
  /** A fresh installation token (one repository's, when named). */
  token(repository?: string): Promise<string>;
}

async function installed(sandbox: Sandbox, app: RegisteredApp, org: string): Promise<InstalledApp> {
  const installation = await sandbox.client.installApp(app.id, org);
  return {
    app,
    installationId: Number(installation.id),
    token: (repository) =>
      installationToken(sandbox, app, installation.id, repository ? [repository] : undefined),
  };
}

/** The Tollgate App, registered from app.yml's permissions and events and installed on `org`. */
export async function installTollgate(
  sandbox: Sandbox,
  org: string,
  webhookUrl?: string,
): Promise<InstalledApp> {
  const app = await sandbox.client.registerApp({
    name: "Tollgate",
    ...(webhookUrl ? { webhook_url: webhookUrl } : {}),
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
  });
  return installed(sandbox, app, org);
}

/**
 * What a CI App may do: write check runs, and comment (a CI bot's comment must never count as an
 * approval, so tests need one that can write it).
 */
export const CI_PERMISSIONS = { checks: "write", issues: "write", metadata: "read" } as const;

/** A CI App (GitHub Actions' checks or any other CI), installed on `org`. */
export async function installCi(sandbox: Sandbox, org: string, name = "CI"): Promise<InstalledApp> {
  const app = await sandbox.client.registerApp({ name, permissions: { ...CI_PERMISSIONS } });
  return installed(sandbox, app, org);
}

/**
 * The GITHUB_TOKEN of a deploy workflow: GitHub's default grants narrowed by the workflow's
 * `permissions:` to what a deploy job needs. Contents is written because the environment lock is a ref;
 * actions is written because a rollback dispatches its workflow.
 */
export const GITHUB_ACTIONS_PERMISSIONS = {
  actions: "write",
  contents: "write",
  deployments: "write",
  pull_requests: "read",
  checks: "read",
  statuses: "read",
  members: "read",
  metadata: "read",
  vulnerability_alerts: "read",
} as const;

/**
 * The "GitHub Actions" App (slug `github-actions`), installed on `org`. Each call of the answer mints a
 * new workflow token; naming a repository narrows it to that one, as a workflow's token is (its own
 * rate-limit budget).
 */
export async function workflowTokens(
  sandbox: Sandbox,
  org: string,
): Promise<(repository?: string) => Promise<string>> {
  // Only the control API can give an App GitHub's own slug.
  const app = await sandbox.client.control<RegisteredApp>("POST", "/apps", {
    name: "GitHub Actions",
    slug: "github-actions",
    permissions: { ...GITHUB_ACTIONS_PERMISSIONS },
    events: [],
  });
  return (await installed(sandbox, app, org)).token;
}

/**
 * The GITHUB_TOKEN of the scheduled wake workflow (examples/workflows/scheduled-wake.yml): its
 * `permissions: { contents: write, statuses: write }` list the due refs, write the wake's status and
 * remove spent refs. An App of its own here, since its grants differ from a deploy workflow's.
 */
export async function wakeWorkflowTokens(
  sandbox: Sandbox,
  org: string,
): Promise<(repository?: string) => Promise<string>> {
  const app = await sandbox.client.registerApp({
    name: "wake-workflow",
    permissions: { contents: "write", statuses: "write", metadata: "read" },
  });
  return (await installed(sandbox, app, org)).token;
}
