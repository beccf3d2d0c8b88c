/**
 * The demo's GitHub: the embedded sandbox with an organization, the people of the story (each with
 * their own token), a repository whose default branch holds the policy and the example workflows, the
 * real Tollgate App (app/index.ts's default export in a Probot server, receiving the sandbox's signed
 * webhooks), a CI App writing check runs, and the App behind the workflow token (`github-actions[bot]`).
 * Everything is set up through GitHub's own REST endpoints, or the sandbox's control API where GitHub
 * has none (registering and installing Apps).
 */
import { APP_EVENTS, APP_PERMISSIONS } from "../../app/manifest.js";
import { createSign } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, createProbot, ProbotOctokit } from "probot";
import tollgateApp from "../../app/index.js";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import type { RegisteredApp } from "../../sandbox/client.js";

export const ORG = "acme";
export const REPO = "shop";
export const FULL = `${ORG}/${REPO}`;

/** Who plays the story: their repository roles. The owner administers the organization. */
export const CAST = {
  dave: "push", // the developer who opens the PR
  mallory: "push", // a colleague with write access, not an approver
  alice: "admin", // admins: the approvers of production
  bob: "admin",
} as const;
export type Login = keyof typeof CAST | "owner";

export interface DemoWorld {
  readonly sandbox: Sandbox;
  readonly app: RegisteredApp;
  readonly bot: string;
  readonly tokens: Readonly<Record<Login, string>>;
  /** The CI App's installation token: writes the `build` check run. */
  readonly ciToken: string;
  /** The workflow token of the Action's runs (acts as `github-actions[bot]`). */
  readonly workflowToken: string;
  /** A fresh installation token of the Tollgate App (acts as its bot). */
  appToken(): Promise<string>;
  /** A REST call as one of the cast. */
  as<T = unknown>(login: Login, method: string, path: string, body?: unknown): Promise<T>;
  /** Stops the App's Probot server and leaves the sandbox running (`npm run demo -- --keep`). */
  closeApp(): Promise<void>;
  close(): Promise<void>;
}

function appJwt(app: { id: number; pem: string }): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ iat: now - 30, exp: now + 540, iss: app.id })}`;
  return `${head}.${createSign("RSA-SHA256").update(head).sign(app.pem, "base64url")}`;
}

async function installationToken(
  sandbox: Sandbox,
  app: { id: number; pem: string },
  installationId?: number,
) {
  const id = installationId ?? (await sandbox.client.installApp(app.id, ORG)).id;
  const jwt = appJwt(app);
  const res = await fetch(`${sandbox.apiUrl}/app/installations/${id}/access_tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${jwt}`, accept: "application/vnd.github+json" },
  });
  if (!res.ok) throw new Error(`installation token: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

const UNTHROTTLED = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { enabled: false },
}));

/** The real App, as `npm start` runs it: Probot's settings from the environment, here pointing at the sandbox. */
async function startApp(sandbox: Sandbox) {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  return {
    webhookUrl,
    async serve(app: RegisteredApp) {
      const probot = createProbot({
        env: {
          APP_ID: String(app.id),
          PRIVATE_KEY: app.pem,
          WEBHOOK_SECRET: app.webhook_secret,
          GHE_HOST: new URL(sandbox.url).host,
          GHE_PROTOCOL: "http",
          LOG_LEVEL: "fatal",
        },
        // Probot's throttling spaces writes a second apart, as github.com asks of Apps; the sandbox
        // has no such limit, and the demo would spend half its time waiting on it.
        overrides: { Octokit: UNTHROTTLED },
      });
      const middleware = await createNodeMiddleware(tollgateApp, { probot });
      handler = (req, res) => void middleware(req, res, () => res.writeHead(404).end());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface WorldFiles {
  /** Path → content committed to the default branch, in order (one commit each). */
  readonly [path: string]: string;
}

/** The people, the organization and its repository with the cast as collaborators and `files` committed. */
async function createRepository(sandbox: Sandbox, files: WorldFiles) {
  const client = sandbox.client;
  const tokens = {} as Record<Login, string>;
  for (const login of ["owner", ...Object.keys(CAST)] as Login[])
    tokens[login] = (await client.createUser(login, `${login}@example.com`)).token;
  const as: DemoWorld["as"] = <T>(login: Login, method: string, path: string, body?: unknown) =>
    client.rest<T>(method, path, body, tokens[login]);

  await client.createOrg(ORG, "owner");
  await client.createRepo(tokens.owner, REPO, { org: ORG });
  for (const [login, permission] of Object.entries(CAST) as [keyof typeof CAST, string][]) {
    const invitation = await as<{ id?: number } | undefined>(
      "owner",
      "PUT",
      `/repos/${FULL}/collaborators/${login}`,
      { permission },
    );
    if (invitation?.id !== undefined)
      await as(login, "PATCH", `/user/repository_invitations/${invitation.id}`, {});
  }
  for (const [path, content] of Object.entries(files))
    await client.putFile(tokens.owner, FULL, path, content, { message: `Add ${path}` });
  return { tokens, as };
}

/** The Tollgate App registered with what app.yml asks for, installed on the organization, and served. */
async function installTollgate(sandbox: Sandbox, closers: (() => Promise<void>)[]) {
  const server = await startApp(sandbox);
  closers.push(server.close);
  const app = await sandbox.client.registerApp({
    name: "Tollgate",
    webhook_url: server.webhookUrl,
    // Exactly what app.yml asks for.
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
  });
  const installation = await sandbox.client.installApp(app.id, ORG);
  await server.serve(app);
  return { server, app, installation };
}

/** The CI App's token (it writes the `build` check run) and the workflow token of the Action's runs. */
async function workflowApps(sandbox: Sandbox): Promise<{ ciToken: string; workflowToken: string }> {
  const ci = await sandbox.client.registerApp({
    name: "CI",
    permissions: { checks: "write", metadata: "read" },
  });
  const ciToken = await installationToken(sandbox, ci);
  const actions = await sandbox.client.control<{ id: number; pem: string }>("POST", "/apps", {
    name: "GitHub Actions",
    slug: "github-actions",
    permissions: {
      // The environment lock is a ref: deploy and rollback need contents: write.
      contents: "write",
      deployments: "write",
      pull_requests: "read",
      checks: "read",
      statuses: "read",
      members: "read",
      metadata: "read",
      vulnerability_alerts: "read",
      actions: "write",
    },
    events: [],
  });
  return { ciToken, workflowToken: await installationToken(sandbox, actions) };
}

export async function createDemoWorld(files: WorldFiles): Promise<DemoWorld> {
  const sandbox = await startSandbox({ port: 0, strict: true });
  const closers: (() => Promise<void>)[] = [() => sandbox.close()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const { tokens, as } = await createRepository(sandbox, files);
    const { server, app, installation } = await installTollgate(sandbox, closers);
    const { ciToken, workflowToken } = await workflowApps(sandbox);
    return {
      sandbox,
      app,
      bot: `${app.slug}[bot]`,
      tokens,
      ciToken,
      workflowToken,
      appToken: () => installationToken(sandbox, app, installation.id),
      as,
      closeApp: () => server.close().catch(() => undefined),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
