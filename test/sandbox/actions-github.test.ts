import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { WAIT_MS } from "../support/timeouts.js";

const script = fileURLToPath(new URL("./fixtures/action-client.mjs", import.meta.url));

function run(env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script],
      { env: { ...process.env, ...env }, cwd: process.cwd(), timeout: WAIT_MS },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

describe("@actions/github in a child process, pointed at the sandbox by GITHUB_API_URL", () => {
  let sb: Sandbox;
  let bot: { login: string; token: string };

  beforeAll(async () => {
    sb = await startSandbox();
    const dev = await sb.client.createUser("dev");
    bot = await sb.client.createUser("deployer");
    await sb.client.createRepo(dev.token, "api");
    await sb.client.rest("PUT", "/repos/dev/api/collaborators/deployer", { permission: "push" }, dev.token);
    const inv = sb.state.repo("dev", "api")?.invitations.keys().next().value;
    await sb.client.rest("PATCH", `/user/repository_invitations/${String(inv)}`, undefined, bot.token);
    await sb.client.createBranch(dev.token, "dev/api", "fix", "main");
    await sb.client.putFile(dev.token, "dev/api", "api.txt", "v2\n", { branch: "fix" });
    await sb.client.rest(
      "POST",
      "/repos/dev/api/pulls",
      { title: "Fix the API", head: "fix", base: "main" },
      dev.token,
    );
  });

  afterAll(() => sb.close());

  test.each([
    ["the root (GITHUB_API_URL=<base>)", (s: Sandbox) => s.url],
    ["the GHES layout (GITHUB_API_URL=<base>/api/v3)", (s: Sandbox) => s.apiUrl],
  ])("reads a PR and writes a deployment status through %s", async (_label, apiUrl) => {
    const out = JSON.parse(
      await run({
        GITHUB_API_URL: apiUrl(sb),
        GITHUB_REPOSITORY: "dev/api",
        INPUT_TOKEN: bot.token,
        PR_NUMBER: "1",
      }),
    ) as {
      apiUrl: string;
      title: string;
      deployment: {
        creator: { login: string };
        environment: string;
        payload: unknown;
        production_environment: boolean;
      };
      status: { state: string; creator: { login: string }; log_url: string; target_url: string };
      gql: { viewer: { login: string }; repository: { pullRequest: { headRefOid: string } } };
    };
    expect(out.apiUrl).toBe(apiUrl(sb));
    expect(out.title).toBe("Fix the API");
    expect(out.deployment).toMatchObject({
      creator: { login: "deployer" },
      environment: "staging",
      payload: { pr: 1 },
      production_environment: false,
    });
    expect(out.status).toMatchObject({
      state: "success",
      creator: { login: "deployer" },
      log_url: "https://example.test/log",
      target_url: "https://example.test/log",
    });
    expect(out.gql.viewer.login).toBe("deployer");
    expect(out.gql.repository.pullRequest.headRefOid).toBe(
      sb.state.repo("dev", "api")?.refs.get("refs/heads/fix"),
    );
  });
});
