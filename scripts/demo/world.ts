/**
 * The demo's GitHub: the embedded sandbox with an organization, the people of the story (each with
 * their own token), a repository whose default branch holds the policy and the example workflows, the
 * real Tollgate App (app/index.ts's default export in a Probot server, receiving the sandbox's signed
 * webhooks), a CI App writing check runs, and the App behind the workflow token (`github-actions[bot]`).
 * The world is seeded by sandbox/seed/ (through GitHub's own REST endpoints, or the sandbox's control API
 * where GitHub has none); this file adds the story's cast and serves the App.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, createProbot, ProbotOctokit } from "probot";
import tollgateApp from "../../app/index.js";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import type { RegisteredApp } from "../../sandbox/client.js";
import {
  FULL,
  ORG,
  REPO,
  createPeople,
  grantRoles,
  installCi,
  installTollgate,
  workflowTokens,
} from "../../sandbox/seed/index.js";

export { FULL, ORG, REPO };

/** Who plays the story: their repository roles. The owner administers the organization. */
export const CAST = {
  dave: "write", // the developer who opens the PR
  mallory: "write", // a colleague with write access, not an approver
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
  const people = await createPeople(sandbox, ["owner", ...Object.keys(CAST)]);
  const tokens = Object.fromEntries(Object.entries(people).map(([login, p]) => [login, p.token])) as Record<
    Login,
    string
  >;
  const as: DemoWorld["as"] = <T>(login: Login, method: string, path: string, body?: unknown) =>
    client.rest<T>(method, path, body, tokens[login]);

  await client.createOrg(ORG, "owner");
  await client.createRepo(tokens.owner, REPO, { org: ORG });
  await grantRoles(people["owner"]!, people, { owner: ORG, repo: REPO }, CAST);
  for (const [path, content] of Object.entries(files))
    await client.putFile(tokens.owner, FULL, path, content, { message: `Add ${path}` });
  return { tokens, as };
}

/** The Tollgate App registered with what app.yml asks for, installed on the organization, and served. */
async function serveTollgate(sandbox: Sandbox, closers: (() => Promise<void>)[]) {
  const server = await startApp(sandbox);
  closers.push(server.close);
  const tollgate = await installTollgate(sandbox, ORG, server.webhookUrl);
  await server.serve(tollgate.app);
  return { server, tollgate };
}

/** The CI App's token (it writes the `build` check run) and the workflow token of the Action's runs. */
async function workflowApps(sandbox: Sandbox): Promise<{ ciToken: string; workflowToken: string }> {
  const ci = await installCi(sandbox, ORG);
  const workflowToken = await (await workflowTokens(sandbox, ORG))();
  return { ciToken: await ci.token(), workflowToken };
}

export async function createDemoWorld(files: WorldFiles): Promise<DemoWorld> {
  const sandbox = await startSandbox({ port: 0, strict: true });
  const closers: (() => Promise<void>)[] = [() => sandbox.close()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const { tokens, as } = await createRepository(sandbox, files);
    const { server, tollgate } = await serveTollgate(sandbox, closers);
    const { ciToken, workflowToken } = await workflowApps(sandbox);
    return {
      sandbox,
      app: tollgate.app,
      bot: `${tollgate.app.slug}[bot]`,
      tokens,
      ciToken,
      workflowToken,
      appToken: () => tollgate.token(),
      as,
      closeApp: () => server.close().catch(() => undefined),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
