/**
 * The Action's gate phase in process on the sandbox's clock, for the wait test and the cost bench: each
 * sleep moves the sandbox clock on, and the workflow token's usage is read from the sandbox.
 */
import { Octokit } from "@octokit/rest";
import { gatePhase, type ActionDeps } from "../../src/action/gate-phase.js";
import { readSettings, type InputName } from "../../src/action/inputs.js";
import type { GitHubClient } from "../../src/github/client.js";
import { appJwt } from "../sandbox/scenario.js";
import { ORG, REPO, type World } from "../support/world.js";

/**
 * GitHub's workflow token: an installation of the `github-actions` App; a new token on each call, narrowed
 * to one repository of the organization when one is named (as a workflow's token is: its own budget).
 */
export async function workflowTokens(w: World): Promise<(repository?: string) => Promise<string>> {
  const app = await w.sandbox.client.control<{ id: number; pem: string }>("POST", "/apps", {
    name: "GitHub Actions",
    slug: "github-actions",
    permissions: {
      // GitHub's workflow token may write contents (the environment lock is a ref) unless the workflow
      // narrows it with \`permissions:\`.
      contents: "write",
      deployments: "write",
      pull_requests: "read",
      checks: "read",
      statuses: "read",
      members: "read",
      metadata: "read",
      vulnerability_alerts: "read",
    },
    events: [],
  });
  const installation = await w.sandbox.client.installApp(app.id, ORG);
  return async (repository?: string) => {
    // The sandbox checks an App's JWT against the real time, and expires the token on its own clock.
    const jwt = new Octokit({ auth: appJwt(app), baseUrl: w.sandbox.apiUrl });
    const { data } = await jwt.request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: installation.id,
      ...(repository ? { repositories: [repository] } : {}),
    });
    return data.token;
  };
}

/** The workflow's Octokit, without request-log's line for each 304 (expected here, hundreds of them). */
const quiet = (world: World, token: string) =>
  new Octokit({
    auth: token,
    baseUrl: world.sandbox.apiUrl,
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });

/**
 * The Action's gate phase in process, its clock the sandbox's: each sleep moves the sandbox clock on.
 * The workflow token is renewed every 50 minutes (the sandbox expires installation tokens after an hour;
 * GitHub keeps a job's token for the job), and every token's usage is summed.
 */
export async function waitOnSandbox(
  world: World,
  mint: () => Promise<string>,
  options: {
    head: string;
    waitMs: number;
    environment?: string;
    during?: (elapsedMs: number) => Promise<void>;
  },
) {
  const tokens = [await mint()];
  let octokit = quiet(world, tokens[0]!);
  let minted = 0;
  const client: GitHubClient = {
    graphql: (query, variables) => octokit.graphql(query, variables),
    request: (route, parameters) => octokit.request(route, parameters),
  };
  const start = (await world.sandbox.client.control<{ epoch: number }>("GET", "/clock")).epoch * 1000;
  let elapsed = 0;
  const deps: ActionDeps = {
    client,
    now: () => new Date(start + elapsed),
    sleep: async (ms) => {
      elapsed += ms;
      await world.sandbox.client.advanceClock(ms / 1000);
      if (options.during) await options.during(elapsed);
      if (elapsed - minted >= 50 * 60_000) {
        minted = elapsed;
        tokens.push(await mint());
        octokit = quiet(world, tokens.at(-1)!);
      }
    },
    log: () => undefined,
    phase: (_name, fn) => fn(),
  };
  const inputs: Partial<Record<InputName, string>> = {
    environment: options.environment ?? "production",
    "github-token": tokens[0]!,
    "wait-for-approval": `${options.waitMs / 1000}s`,
  };
  const settings = readSettings((name) => inputs[name] ?? "", {
    owner: ORG,
    repo: REPO,
    sha: options.head,
    actor: "dave",
    runId: 77,
    serverUrl: "https://github.example.test",
  });
  const gate = await gatePhase(deps, settings);
  const usage = (await world.sandbox.client.usage()).tokens.filter((t) => t.actor === "github-actions[bot]");
  const sum = (key: "core_points" | "graphql_points" | "not_modified" | "requests") =>
    usage.reduce((total, t) => total + t[key], 0);
  return {
    gate,
    elapsed,
    points: sum("core_points") + sum("graphql_points"),
    graphqlPoints: sum("graphql_points"),
    corePoints: sum("core_points"),
    notModified: sum("not_modified"),
  };
}
