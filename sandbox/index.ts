/**
 * The sandbox's entry point: `startSandbox()` builds the state, webhooks, faults and routes and serves
 * them on a local port, laid out like GitHub Enterprise Server (REST under `/api/v3`, GraphQL at
 * `/api/graphql`; REST at the root too, as api.github.com), with the read-only web pages and the
 * `/_sandbox` control API beside them. Options: strict contract checks, fault seed, rate limits.
 */
import type { AddressInfo } from "node:net";
import { Faults } from "./faults.js";
import { controlRoutes } from "./control.js";
import { executeGraphql } from "./graphql/index.js";
import { createAccount } from "./ops.js";
import { renderPage } from "./pages/index.js";
import { Router } from "./router.js";
import { restRoutes } from "./routes/index.js";
import { SandboxServer, type LogEntry } from "./server.js";
import { State } from "./state.js";
import { Webhooks } from "./webhooks.js";
import { newToken } from "./auth.js";
import { SandboxClient } from "./client.js";
import type { UnmodelledHit } from "./unmodelled.js";

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** validate every REST request against GitHub's extracted contract; 422 where GitHub would refuse */
  strict?: boolean;
  log?: (line: string) => void;
  /** seed for fault probabilities (default 1) */
  seed?: number;
  /**
   * Primary rate limit per user or installation, in requests per hour (default 5,000, GitHub's base; an
   * installation on a large organization gets up to 12,500, on Enterprise Cloud 15,000).
   */
  rateLimit?: number;
  /**
   * GitHub's secondary limits (100 requests in flight, 900 REST / 2,000 GraphQL points a minute, 80
   * content-creating requests a minute and 500 an hour, per caller); default on. A throughput benchmark
   * turns them off, as a GitHub Enterprise Server administrator can.
   */
  secondaryRateLimit?: boolean;
  /**
   * `close()` rejects, naming them, when a request reached a GitHub route or GraphQL field the sandbox does
   * not model (default: the environment variable TOLLGATE_SANDBOX_FAIL_ON_UNMODELLED=1, which the test
   * suite's setup sets), so a test cannot pass on an answer GitHub would never give.
   */
  failOnUnmodelled?: boolean;
}

export interface Sandbox {
  url: string;
  apiUrl: string;
  graphqlUrl: string;
  /** token of the site administrator `sandbox-admin` (GHES admin endpoints accept it) */
  adminToken: string;
  /** typed helpers over the REST admin endpoints and the /_sandbox control API */
  client: SandboxClient;
  state: State;
  faults: Faults;
  webhooks: Webhooks;
  /** the request log, in process */
  requests(): readonly LogEntry[];
  /** requests for GitHub routes and GraphQL fields the sandbox does not model, in process */
  unmodelled(): readonly UnmodelledHit[];
  /** strict mode: what the sandbox answered outside GitHub's documented response shapes, in process */
  offShape(): readonly string[];
  /** resolves once every queued webhook delivery has been attempted */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export type { LogEntry } from "./server.js";
export type { FaultSpec } from "./faults.js";
export type { UnmodelledHit } from "./unmodelled.js";
export { SandboxClient } from "./client.js";

/** The error a closing sandbox (or test world) raises when something reached what the sandbox does not model. */
export function unmodelledError(hits: readonly UnmodelledHit[]): Error {
  const seen = [...new Set(hits.map((h) => `${h.method} ${h.route}`))];
  return new Error(
    `${hits.length} request(s) reached what the sandbox does not model (GitHub would answer differently): ${seen.join(", ")}`,
  );
}

/** The site administrator `sandbox-admin` and its token, which GHES admin endpoints accept. */
function createSiteAdmin(state: State): { login: string; token: string } {
  const admin = createAccount(state, {
    login: "sandbox-admin",
    type: "User",
    site_admin: true,
    email: "admin@sandbox.local",
    name: "Sandbox Admin",
  });
  const token = newToken("ghp");
  state.tokens.set(token, {
    token,
    login: admin.login,
    kind: "user",
    scopes: ["site_admin", "repo", "admin:org"],
    expiresAt: null,
  });
  return { login: admin.login, token };
}

/** Strict mode's checks against GitHub's contracts; ajv is only needed for them, so it is loaded only then. */
async function strictChecks(strict: boolean | undefined) {
  if (!strict) return {};
  const contracts = await import("./contracts/validate.js");
  const undocumented = await import("./contracts/undocumented.js");
  return {
    webhookErrors: contracts.webhookErrors,
    validate: contracts.strictValidator(),
    checkAnswer: undocumented.answerChecker(),
  };
}

/** Serves on the requested port and host (default: any free port on 127.0.0.1); the base URL. */
async function listen(srv: SandboxServer, options: SandboxOptions): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    srv.server.once("error", reject);
    srv.server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const addr = srv.server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return `http://${host}:${addr.port}`;
}

/**
 * Closes once every queued webhook delivery has been attempted; then rejects, naming them, when a
 * request reached what the sandbox does not model and `failOnUnmodelled` asks for that.
 */
async function closeSandbox(srv: SandboxServer, hooks: Webhooks, state: State, options: SandboxOptions) {
  await hooks.idle();
  await new Promise<void>((resolve) => {
    srv.server.close(() => resolve());
    srv.server.closeAllConnections();
  });
  const failOnUnmodelled =
    options.failOnUnmodelled ?? process.env["TOLLGATE_SANDBOX_FAIL_ON_UNMODELLED"] === "1";
  if (failOnUnmodelled && state.unmodelled.length > 0) throw unmodelledError(state.unmodelled);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => undefined);
  const state = new State({ rateLimit: options.rateLimit, secondaryRateLimit: options.secondaryRateLimit });
  const admin = createSiteAdmin(state);
  const faults = new Faults(options.seed ?? 1);
  let base = "";
  const { webhookErrors, validate, checkAnswer } = await strictChecks(options.strict);
  const hooks = new Webhooks(
    state,
    () => ({ state, api: `${base}/api/v3`, web: base }),
    faults,
    log,
    webhookErrors,
  );
  const rest = new Router();
  rest.add(...restRoutes);
  const control = new Router();
  let server: SandboxServer | undefined = undefined;
  control.add(
    ...controlRoutes({
      faults,
      requests: () => server?.requests ?? [],
      clearRequests: () => server?.requests.splice(0),
      info: () => ({
        url: base,
        api_url: `${base}/api/v3`,
        graphql_url: `${base}/api/graphql`,
        admin_login: admin.login,
        admin_token: admin.token,
        strict: options.strict ?? false,
        secondary_rate_limit: options.secondaryRateLimit ?? true,
        now: state.now(),
      }),
    }),
  );
  const srv = new SandboxServer({
    state,
    rest,
    control,
    hooks,
    faults,
    graphql: executeGraphql,
    pages: (path, query) => renderPage(state, path, query),
    ...(validate ? { validate } : {}),
    ...(checkAnswer ? { checkAnswer } : {}),
    log,
    base: () => base,
  });
  server = srv;
  base = await listen(srv, options);
  log(
    `sandbox listening on ${base} (REST ${base}/api/v3, GraphQL ${base}/api/graphql); site admin token ${admin.token}`,
  );
  return {
    url: base,
    apiUrl: `${base}/api/v3`,
    graphqlUrl: `${base}/api/graphql`,
    adminToken: admin.token,
    client: new SandboxClient(base, admin.token),
    state,
    faults,
    webhooks: hooks,
    requests: () => srv.requests,
    unmodelled: () => state.unmodelled,
    offShape: () => [...state.offShape],
    idle: () => hooks.idle(),
    close: () => closeSandbox(srv, hooks, state, options),
  };
}
