/**
 * GET /repos/{owner}/{repo}/compare/{basehead} as GitHub's OpenAPI description has it (operation
 * repos/compare-commits-with-basehead): status, ahead_by / behind_by, the merge base, commits oldest
 * first, files with GitHub's limits, pagination and the diff / patch media types. Strict mode validates
 * each answer against GitHub's response schema.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

type J = Record<string, unknown>;
interface Comparison {
  status: string;
  ahead_by: number;
  behind_by: number;
  total_commits: number;
  merge_base_commit: { sha: string };
  base_commit: { sha: string };
  commits: { sha: string }[];
  files: { filename: string; status: string; additions: number; deletions: number }[];
  html_url: string;
  diff_url: string;
}

let sb: Sandbox;
let dev: { token: string };
let base = "";
const REPO = "dev/cmp";

async function call(
  path: string,
  opts: { token?: string; accept?: string } = {},
): Promise<{ status: number; body: J; text: string; headers: Headers }> {
  const res = await fetch(`${sb.apiUrl}${path}`, {
    headers: {
      authorization: `token ${opts.token ?? dev.token}`,
      accept: opts.accept ?? "application/vnd.github+json",
    },
  });
  const text = await res.text();
  let body: J = {};
  try {
    body = JSON.parse(text) as J;
  } catch {
    body = {};
  }
  return { status: res.status, body, text, headers: res.headers };
}

const compare = async (basehead: string, query = ""): Promise<Comparison> => {
  const res = await call(`/repos/${REPO}/compare/${basehead}${query}`);
  expect({ basehead, status: res.status, body: res.status === 200 ? "" : res.body }).toEqual({
    basehead,
    status: 200,
    body: "",
  });
  return res.body as unknown as Comparison;
};

/** A branch off main with commits adding the given files, one commit each; returns their SHAs. */
async function branchWith(branch: string, files: string[]): Promise<string[]> {
  await sb.client.createBranch(dev.token, REPO, branch, "main");
  const shas: string[] = [];
  for (const f of files)
    shas.push((await sb.client.putFile(dev.token, REPO, f, `${f}\n`, { branch })).commit.sha);
  return shas;
}

beforeAll(async () => {
  sb = await startSandbox({ strict: true });
  dev = await sb.client.createUser("dev");
  await sb.client.createRepo(dev.token, "cmp", { private: true });
  base = (await sb.client.rest<{ sha: string }>("GET", `/repos/${REPO}/commits/main`, undefined, dev.token))
    .sha;
}, PROCESS_TEST_MS);

afterAll(async () => {
  await sb.close();
});

describe("compare: GitHub's comparison of two commits", () => {
  test(
    "a branch ahead of its base: ahead_by, the merge base, commits oldest first, the files it adds",
    async () => {
      const shas = await branchWith("ahead", ["a.txt", "b.txt"]);
      const c = await compare("main...ahead");
      expect(c).toMatchObject({ status: "ahead", ahead_by: 2, behind_by: 0, total_commits: 2 });
      expect(c.merge_base_commit.sha).toBe(base);
      expect(c.base_commit.sha).toBe(base);
      expect(c.commits.map((x) => x.sha)).toEqual(shas);
      expect(c.files.map((f) => [f.filename, f.status, f.additions])).toEqual([
        ["a.txt", "added", 1],
        ["b.txt", "added", 1],
      ]);
      expect(c.html_url).toMatch(/\/dev\/cmp\/compare\/main\.\.\.ahead$/);
      expect(c.diff_url).toBe(`${c.html_url}.diff`);
      // the other way round it is behind, and the same commit on both sides is identical
      expect(await compare("ahead...main")).toMatchObject({ status: "behind", ahead_by: 0, behind_by: 2 });
      const same = await compare(`${base}...main`);
      expect(same).toMatchObject({ status: "identical", ahead_by: 0, behind_by: 0, commits: [], files: [] });
    },
    PROCESS_TEST_MS,
  );

  test(
    "diverged branches: three dots compare with the merge base, two dots compare the tips directly",
    async () => {
      await branchWith("left", ["left.txt"]);
      const [right = ""] = await branchWith("right", ["right.txt"]);
      const three = await compare("left...right");
      expect(three).toMatchObject({ status: "diverged", ahead_by: 1, behind_by: 1 });
      expect(three.merge_base_commit.sha).toBe(base);
      expect(three.commits.map((x) => x.sha)).toEqual([right]);
      expect(three.files.map((f) => [f.filename, f.status])).toEqual([["right.txt", "added"]]);
      const two = await compare("left..right");
      expect(two).toMatchObject({ status: "diverged", ahead_by: 1, behind_by: 1 });
      expect(two.files.map((f) => [f.filename, f.status])).toEqual([
        ["left.txt", "removed"],
        ["right.txt", "added"],
      ]);
      // owner-qualified sides, as GitHub's permalink writes them, name the same comparison
      expect((await compare("dev:left...dev:right")).commits.map((x) => x.sha)).toEqual([right]);
    },
    PROCESS_TEST_MS,
  );

  test(
    "pagination: commits page by page, files only on the first page; unpaged, every commit (up to 250)",
    async () => {
      const shas = await branchWith("paged", ["p1.txt", "p2.txt", "p3.txt"]);
      const first = await call(`/repos/${REPO}/compare/main...paged?per_page=2`);
      const body = first.body as unknown as Comparison;
      expect(body.commits.map((x) => x.sha)).toEqual(shas.slice(0, 2));
      expect(body.total_commits).toBe(3);
      expect(body.files).toHaveLength(3);
      expect(first.headers.get("link")).toContain('rel="next"');
      const second = await compare("main...paged", "?per_page=2&page=2");
      expect(second.commits.map((x) => x.sha)).toEqual(shas.slice(2));
      expect(second.files).toEqual([]);
      expect((await compare("main...paged")).commits).toHaveLength(3);
    },
    PROCESS_TEST_MS,
  );

  test(
    "files: at most 300 for the whole comparison, though every commit is counted",
    async () => {
      const tip = await sb.client.rest<{ sha: string; commit: { tree: { sha: string } } }>(
        "GET",
        `/repos/${REPO}/commits/main`,
        undefined,
        dev.token,
      );
      const tree = await sb.client.rest<{ sha: string }>(
        "POST",
        `/repos/${REPO}/git/trees`,
        {
          base_tree: tip.commit.tree.sha,
          tree: Array.from({ length: 301 }, (_, n) => ({
            path: `many/f${String(n).padStart(3, "0")}.txt`,
            mode: "100644",
            type: "blob",
            content: `${n}\n`,
          })),
        },
        dev.token,
      );
      const commit = await sb.client.rest<{ sha: string }>(
        "POST",
        `/repos/${REPO}/git/commits`,
        { message: "Many files", tree: tree.sha, parents: [tip.sha] },
        dev.token,
      );
      await sb.client.rest(
        "POST",
        `/repos/${REPO}/git/refs`,
        { ref: "refs/heads/many", sha: commit.sha },
        dev.token,
      );
      const c = await compare("main...many");
      expect(c.total_commits).toBe(1);
      expect(c.files).toHaveLength(300);
      expect(c.files.at(-1)?.filename).toBe("many/f299.txt");
    },
    PROCESS_TEST_MS,
  );

  test(
    "the diff and patch media types",
    async () => {
      await branchWith("media", ["m.txt"]);
      const diff = await call(`/repos/${REPO}/compare/main...media`, {
        accept: "application/vnd.github.diff",
      });
      expect(diff.status).toBe(200);
      expect(diff.headers.get("content-type")).toContain("application/vnd.github.diff");
      expect(diff.text).toContain(
        "diff --git a/m.txt b/m.txt\nnew file mode 100644\n--- /dev/null\n+++ b/m.txt",
      );
      const patch = await call(`/repos/${REPO}/compare/main...media`, {
        accept: "application/vnd.github.patch",
      });
      expect(patch.status).toBe(200);
      expect(patch.text).toMatch(/^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001\n/);
      expect(patch.text).toContain("Subject: [PATCH] Update m.txt");
    },
    PROCESS_TEST_MS,
  );

  test(
    "refused as GitHub refuses: an unknown side, a malformed basehead, a stranger to a private repository",
    async () => {
      expect((await call(`/repos/${REPO}/compare/main...nope`)).status).toBe(404);
      expect((await call(`/repos/${REPO}/compare/main`)).status).toBe(404);
      const stranger = await sb.client.createUser("stranger");
      expect((await call(`/repos/${REPO}/compare/main...main`, { token: stranger.token })).status).toBe(404);
      // a fork in another owner's name is not modelled: loud, never a 404 that reads as "no such branch"
      expect((await call(`/repos/${REPO}/compare/main...someone:main`)).status).toBe(501);
      expect(sb.unmodelled().map((h) => h.route)).toEqual([
        "/repos/{owner}/{repo}/compare/{basehead} across forks",
      ]);
      await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
    },
    PROCESS_TEST_MS,
  );
});
