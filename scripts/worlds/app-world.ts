/**
 * The real Tollgate App (createProbot + createNodeMiddleware + http.createServer) serving a sandbox
 * world: the sandbox delivers signed webhooks to it and it talks to the sandbox as GitHub Enterprise
 * Server, with exactly the settings a user would give Probot.
 */
import { createNodeMiddleware, createProbot, type ProbotOctokit } from "probot";
import { tollgate } from "../../app/index.js";
import type { Settings } from "../../app/settings.js";
import { createWorld, FULL, type World, type WorldOptions } from "../../sandbox/seed/index.js";
import { listen } from "./listen.js";
import { PLAIN_OCTOKIT } from "./probot-octokit.js";

export interface AppWorld extends World {
  readonly webhookUrl: string;
  /**
   * Resolves once every webhook the App has received is fully handled. GitHub (and the sandbox) stop
   * waiting for an answer after 10 s; the App's handler may still be at work, so a test that reads what
   * it wrote waits for this too.
   */
  appIdle(): Promise<void>;
}

export { PLAIN_OCTOKIT, RESILIENT_OCTOKIT } from "./probot-octokit.js";

export async function startAppWorld(
  options: WorldOptions & {
    octokit?: typeof ProbotOctokit;
    settings?: Partial<Settings>;
    strict?: boolean;
    /**
     * App processes behind the one webhook URL (default 1), taking deliveries in turn as a load balancer
     * would: each is its own Probot with its own in-process state, as separate replicas are.
     */
    replicas?: number;
  },
): Promise<AppWorld> {
  const server = await listen();
  const webhookUrl = `${server.url}/api/github/webhooks`;
  const world = await createWorld({ ...options, webhookUrl, strict: options.strict ?? true });
  const { host } = new URL(world.sandbox.url);
  const settings: Settings = {
    trustedWriters: ["github-actions[bot]"],
    policyPath: ".github/tollgate.yml",
    ...options.settings,
  };
  const middlewares: Awaited<ReturnType<typeof createNodeMiddleware>>[] = [];
  for (let i = 0; i < (options.replicas ?? 1); i++) {
    const probot = createProbot({
      env: {
        APP_ID: String(world.app.id),
        PRIVATE_KEY: world.app.pem,
        WEBHOOK_SECRET: world.app.webhook_secret,
        GHE_HOST: host,
        GHE_PROTOCOL: "http",
        LOG_LEVEL: (process.env["TOLLGATE_TEST_LOG"] ?? "fatal") as "fatal",
      },
      overrides: { Octokit: options.octokit ?? PLAIN_OCTOKIT },
    });
    middlewares.push(await createNodeMiddleware(tollgate(settings), { probot }));
  }
  const handling = new Set<Promise<unknown>>();
  let turn = 0;
  server.setHandler((req, res) => {
    const middleware = middlewares[turn++ % middlewares.length]!;
    const handled = Promise.resolve(middleware(req, res, () => res.writeHead(404).end())).catch(() => {});
    handling.add(handled);
    void handled.finally(() => handling.delete(handled));
  });
  return {
    ...world,
    webhookUrl,
    appIdle: async () => {
      while (handling.size > 0) await Promise.all(handling);
    },
    close: async () => {
      await server.close();
      await world.close();
    },
  };
}

export interface CheckRunView {
  id: number;
  name: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null };
  app: { slug: string } | null;
}

/** The latest check run of each name on a commit, as GitHub's UI shows them. */
export async function latestChecks(world: World, sha: string): Promise<Map<string, CheckRunView>> {
  await world.sandbox.idle();
  const owner = world.people["owner"]!.octokit;
  const { data } = await owner.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    owner: FULL.split("/")[0]!,
    repo: FULL.split("/")[1]!,
    ref: sha,
    per_page: 100,
  });
  const latest = new Map<string, CheckRunView>();
  for (const run of (data.check_runs as unknown as CheckRunView[]).sort((a, b) => a.id - b.id))
    latest.set(run.name, run);
  return latest;
}

export interface Answer {
  reactions: string[];
  replies: string[];
}

/** Posts a comment as `login` and returns the App's answer: its reactions and the replies after it. */
export async function comment(
  world: World,
  login: string,
  issue: number,
  body: string,
): Promise<Answer & { id: number; url: string }> {
  const [owner, repo] = FULL.split("/") as [string, string];
  const person = world.people[login]!.octokit;
  const { data } = await person.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner,
    repo,
    issue_number: issue,
    body,
  });
  await settled(world);
  return { id: Number(data.id), url: data.html_url, ...(await answerTo(world, issue, Number(data.id))) };
}

/**
 * Every webhook delivered and fully handled: the sandbox stops waiting for the App's answer after 10 s,
 * as GitHub does, so on a busy machine the App may still be writing when the delivery has ended.
 */
export async function settled(world: World | AppWorld): Promise<void> {
  await world.sandbox.idle();
  if ("appIdle" in world) await world.appIdle();
}

export async function answerTo(world: World, issue: number, commentId: number): Promise<Answer> {
  const [owner, repo] = FULL.split("/") as [string, string];
  const admin = world.people["owner"]!.octokit;
  const reactions = await admin.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
    owner,
    repo,
    comment_id: commentId,
  });
  const comments = await admin.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner,
    repo,
    issue_number: issue,
    per_page: 100,
  });
  return {
    reactions: reactions.data.filter((r) => r.user?.login === world.bot).map((r) => r.content),
    replies: comments.data
      .filter((c) => c.user?.login === world.bot && c.id > commentId)
      .map((c) => c.body ?? ""),
  };
}

/** Every approval or rejection status the App's bot wrote in the repository. */
export async function approvalStatuses(
  world: World,
): Promise<{ environment: string; sha: string; description: string; log_url: string; state: string }[]> {
  const [owner, repo] = FULL.split("/") as [string, string];
  const admin = world.people["owner"]!.octokit;
  const { data: deployments } = await admin.request("GET /repos/{owner}/{repo}/deployments", {
    owner,
    repo,
    per_page: 100,
  });
  const out = [];
  for (const d of deployments) {
    const { data } = await admin.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
      owner,
      repo,
      deployment_id: Number(d.id),
      per_page: 100,
    });
    for (const s of data)
      if (s.creator?.login === world.bot && /^Tollgate: (approved|rejected)/.test(s.description ?? ""))
        out.push({
          environment: d.environment,
          sha: d.sha,
          description: s.description ?? "",
          log_url: s.log_url ?? "",
          state: s.state,
        });
  }
  return out;
}
