/**
 * The Action's gate phase in process on the sandbox's clock, for the wait test and the cost bench: each
 * sleep moves the sandbox clock on, and the workflow token's usage is read from the sandbox.
 */
import { Octokit } from "@octokit/rest";
import { gatePhase, type ActionDeps } from "../../src/action/gate-phase.js";
import { readSettings, type InputName } from "../../src/action/inputs.js";
import type { GitHubClient } from "../../src/github/client.js";
import { ORG, REPO, type World } from "../../sandbox/seed/index.js";

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
  const settings = readSettings(
    (name) => inputs[name] ?? "",
    {
      owner: ORG,
      repo: REPO,
      sha: options.head,
      actor: "dave",
      runId: 77,
      serverUrl: "https://github.example.test",
    },
    (message) => {
      throw new Error(`unexpected input warning: ${message}`);
    },
  );
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
