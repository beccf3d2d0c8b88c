/**
 * `wait-for-approval` on a charging sandbox, on the sandbox's clock: an hour of waiting costs the
 * workflow token at most 100 points (the sandbox's per-token usage says so, not a timer), because the
 * Action polls its deployment's newest status with conditional requests (304s are free) and judges again
 * only when that changed or every few minutes; an approval recorded meanwhile ends the wait at the next poll.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { Octokit } from "@octokit/rest";
import { gatePhase, type ActionDeps } from "../../src/action/decide.js";
import { readSettings, type InputName } from "../../src/action/inputs.js";
import type { GitHubClient } from "../../src/github/client.js";
import { approvalDescription } from "../../src/github/records.js";
import { appJwt } from "../sandbox/scenario.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { ORG, REPO, createWorld, openPullRequest, type World } from "../support/world.js";

const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
environments:
  production:
    approval: required
    approvals:
      "*": { from: [group:leads] }
    rollback: { redeploy_previous: true }
`;

let world: World;
let mint: () => Promise<string>;

beforeAll(async () => {
  world = await createWorld({
    policy: POLICY,
    people: ["dave", "alice", "bob"],
    teams: { leads: ["alice", "bob"] },
  });
  mint = await workflowTokens(world);
}, PROCESS_TEST_MS);

afterAll(async () => {
  await world.close();
});

/** GitHub's workflow token: an installation of the `github-actions` App; a new token on each call. */
async function workflowTokens(w: World): Promise<() => Promise<string>> {
  const app = await w.sandbox.client.control<{ id: number; pem: string }>("POST", "/apps", {
    name: "GitHub Actions",
    slug: "github-actions",
    permissions: {
      contents: "read",
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
  return async () => {
    // The sandbox checks an App's JWT against the real time, and expires the token on its own clock.
    const jwt = new Octokit({ auth: appJwt(app), baseUrl: w.sandbox.apiUrl });
    const { data } = await jwt.request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: installation.id,
    });
    return data.token;
  };
}

/** The workflow's Octokit, without request-log's line for each 304 (expected here, hundreds of them). */
const quiet = (token: string) =>
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
async function waitOnSandbox(options: {
  head: string;
  waitMs: number;
  during?: (elapsedMs: number) => Promise<void>;
}) {
  const tokens = [await mint()];
  let octokit = quiet(tokens[0]!);
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
        octokit = quiet(tokens.at(-1)!);
      }
    },
    log: () => undefined,
    phase: (_name, fn) => fn(),
  };
  const inputs: Partial<Record<InputName, string>> = {
    environment: "production",
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

test(
  "an hour of waiting for approval costs the workflow token at most 100 points",
  async () => {
    const { head } = await openPullRequest(world, "dave", { branch: "idle", title: "idle", body: "b" });
    await world.sandbox.client.control("DELETE", "/usage");
    const waited = await waitOnSandbox({ head, waitMs: 3_600_000 });
    expect(waited.gate.judgement.decision.verdict).toBe("waiting");
    expect(waited.elapsed).toBe(3_600_000);
    // Most polls were answered 304 Not Modified, for nothing.
    expect(waited.notModified).toBeGreaterThanOrEqual(50);
    expect(waited.points).toBeLessThanOrEqual(100);
    // Still judged again now and then (a notice period may end): at least every 5 minutes.
    expect(waited.graphqlPoints).toBeGreaterThanOrEqual(12 * 2);
  },
  PROCESS_TEST_MS,
);

test(
  "an approval recorded while the Action waits ends the wait at the next poll",
  async () => {
    const { head } = await openPullRequest(world, "dave", {
      branch: "approved",
      title: "approved",
      body: "b",
    });
    await world.sandbox.client.control("DELETE", "/usage");
    const app = await world.installation();
    let approvedAt: number | undefined;
    const waited = await waitOnSandbox({
      head,
      waitMs: 3_600_000,
      during: async (elapsed) => {
        if (approvedAt !== undefined || elapsed < 20 * 60_000) return;
        approvedAt = elapsed;
        // The App records alice's approval on the deployment the Action is waiting on.
        const { data } = await app.request("GET /repos/{owner}/{repo}/deployments", {
          owner: ORG,
          repo: REPO,
          sha: head,
          environment: "production",
        });
        await app.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
          owner: ORG,
          repo: REPO,
          deployment_id: (data as { id: number }[])[0]!.id,
          state: "queued",
          description: approvalDescription("approved", "alice", "1 of group:leads"),
          log_url: "https://example.test/comment/9",
        });
      },
    });
    expect(waited.gate.judgement.decision.verdict).toBe("allowed");
    expect(approvedAt).toBeDefined();
    // Seen at the poll right after it (polls are at most a minute apart), not at the next full evaluation.
    expect(waited.elapsed - approvedAt!).toBeLessThanOrEqual(60_000);
    expect(waited.points).toBeLessThanOrEqual(100);
  },
  PROCESS_TEST_MS,
);
