/**
 * Widely used GitHub clients that nobody here wrote, run unmodified against the sandbox: where one fails,
 * the sandbox is what gets fixed. Each test builds its own strict sandbox, which fails on close if a client
 * reached a route or GraphQL field the sandbox does not model.
 *
 * - octokit-plugin-create-pull-request: a multi-file commit through the git data API, a branch, a pull
 *   request found again through GraphQL and updated, labels.
 * - @probot/octokit-plugin-config (what Probot's context.config uses): configuration read with the raw
 *   media type, `_extends` across repositories, a missing file as defaults.
 * - @octokit/plugin-throttling: GitHub's secondary and primary rate-limit answers drive its callbacks.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { Octokit } from "@octokit/rest";
import { throttling } from "@octokit/plugin-throttling";
import { config } from "@probot/octokit-plugin-config";
import { createPullRequest } from "octokit-plugin-create-pull-request";
import { authenticate } from "../../sandbox/auth.js";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

let sb: Sandbox;
let owner: { login: string; token: string };

beforeEach(async () => {
  sb = await startSandbox({ strict: true, failOnUnmodelled: true });
  owner = await sb.client.createUser("octo");
  await sb.client.createRepo(owner.token, "app");
}, PROCESS_TEST_MS);

afterEach(async () => {
  await sb.close();
});

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

describe("octokit-plugin-create-pull-request", () => {
  test(
    "creates a pull request with several files and labels, then updates it in place",
    async () => {
      const MyOctokit = Octokit.plugin(createPullRequest);
      const octokit = new MyOctokit({ auth: owner.token, baseUrl: sb.apiUrl, log: quiet });
      const created = await octokit.createPullRequest({
        owner: "octo",
        repo: "app",
        title: "Bump the config",
        body: "Two files, one commit",
        head: "bump",
        labels: ["deps"],
        changes: [
          {
            files: { "config/app.yml": "replicas: 2\n", "docs/notes.md": "# Notes\n" },
            commit: "Bump replicas and add notes",
          },
        ],
      });
      expect(created?.status).toBe(201);
      const number = created!.data.number;
      const pr = await octokit.rest.pulls.get({ owner: "octo", repo: "app", pull_number: number });
      expect(pr.data).toMatchObject({
        title: "Bump the config",
        head: { ref: "bump" },
        base: { ref: "main" },
      });
      expect(pr.data.labels.map((l) => l.name)).toEqual(["deps"]);
      const files = await octokit.rest.pulls.listFiles({ owner: "octo", repo: "app", pull_number: number });
      expect(files.data.map((f) => f.filename).sort()).toEqual(["config/app.yml", "docs/notes.md"]);

      // A second run finds the open pull request through GraphQL and force-updates its branch.
      const updated = await octokit.createPullRequest({
        owner: "octo",
        repo: "app",
        title: "Bump the config again",
        body: "Now three replicas",
        head: "bump",
        update: true,
        changes: [{ files: { "config/app.yml": "replicas: 3\n" }, commit: "Three replicas" }],
      });
      expect(updated?.status).toBe(200);
      expect(updated!.data.number).toBe(number);
      const raw = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
        owner: "octo",
        repo: "app",
        path: "config/app.yml",
        ref: "bump",
        mediaType: { format: "raw" },
      });
      expect(raw.data).toBe("replicas: 3\n");
    },
    PROCESS_TEST_MS,
  );
});

describe("@probot/octokit-plugin-config", () => {
  test(
    "reads YAML with the raw media type, follows _extends to another repository, and a missing file gives the defaults",
    async () => {
      await sb.client.createRepo(owner.token, "base");
      await sb.client.putFile(owner.token, "octo/base", ".github/tollgate.yml", "approvals: 2\nsoak: 10m\n");
      await sb.client.putFile(
        owner.token,
        "octo/app",
        ".github/tollgate.yml",
        "_extends: base\napprovals: 1\nenvironments:\n  - staging\n",
      );
      const MyOctokit = Octokit.plugin(config);
      const octokit = new MyOctokit({ auth: owner.token, baseUrl: sb.apiUrl, log: quiet });
      const got = await octokit.config.get({ owner: "octo", repo: "app", path: ".github/tollgate.yml" });
      expect(got.config).toEqual({ approvals: 1, soak: "10m", environments: ["staging"] });
      expect(got.files.map((f) => f.url)).toEqual([
        `${sb.apiUrl}/repos/octo/app/contents/.github%2Ftollgate.yml`,
        `${sb.apiUrl}/repos/octo/base/contents/.github%2Ftollgate.yml`,
      ]);
      const missing = await octokit.config.get({
        owner: "octo",
        repo: "base",
        path: ".github/other.yml",
        defaults: { enabled: false },
      });
      expect(missing.config).toEqual({ enabled: false });
      // A directory answers JSON even when raw is asked for, which the plugin reports rather than parses.
      await sb.client.putFile(owner.token, "octo/app", "settings.yml/README.md", "a directory\n");
      await expect(octokit.config.get({ owner: "octo", repo: "app", path: "settings.yml" })).rejects.toThrow(
        /exists, but is either a directory or a submodule/,
      );
    },
    PROCESS_TEST_MS,
  );
});

describe("@octokit/plugin-throttling", () => {
  test(
    "a secondary rate limit is retried after GitHub's Retry-After; a spent primary limit is reported with its reset",
    async () => {
      const MyOctokit = Octokit.plugin(throttling);
      const secondary: number[] = [];
      const primary: { retryAfter: number; url: string }[] = [];
      const octokit = new MyOctokit({
        auth: owner.token,
        baseUrl: sb.apiUrl,
        log: quiet,
        throttle: {
          onSecondaryRateLimit: (retryAfter, _options, _octokit, retryCount) => {
            secondary.push(retryAfter);
            return retryCount < 1;
          },
          onRateLimit: (retryAfter, options) => {
            primary.push({ retryAfter, url: String(options.url) });
            return false;
          },
        },
      });
      await sb.client.addFault({
        kind: "secondary_rate_limit",
        method: "POST",
        path: "/repos/octo/app/issues",
        retry_after: 1,
        count: 1,
      });
      const issue = await octokit.rest.issues.create({ owner: "octo", repo: "app", title: "Retried" });
      expect(issue.status).toBe(201);
      expect(secondary).toEqual([1]);

      // Spend the rest of the hour's budget, then the next call is refused and reported, not retried.
      const { data } = await octokit.rest.rateLimit.get();
      const actor = authenticate(sb.state, `token ${owner.token}`);
      sb.state.limits.charge(actor, "core", data.resources.core.remaining);
      await expect(
        octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 1 }),
      ).rejects.toMatchObject({
        status: 403,
      });
      expect(primary).toHaveLength(1);
      expect(primary[0]!.url).toBe("/repos/{owner}/{repo}/issues/{issue_number}");
      expect(primary[0]!.retryAfter).toBeGreaterThan(0);
      expect(primary[0]!.retryAfter).toBeLessThanOrEqual(3601);
    },
    PROCESS_TEST_MS,
  );
});
