/**
 * Never more lenient than GitHub (issue 15): what the sandbox does not model is loud, media types are
 * honoured, nullable fields are accepted, and answers carry no fields GitHub does not send.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

let sb: Sandbox;
let token: string;
const OWNER = "octo";
const REPO = "fidelity";

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const res = await fetch(`${sb.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `token ${token}`,
      accept: "application/vnd.github+json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

beforeAll(async () => {
  sb = await startSandbox({ strict: true, failOnUnmodelled: false });
  token = (await sb.client.createUser(OWNER)).token;
  await sb.client.createRepo(token, REPO, { auto_init: true });
}, PROCESS_TEST_MS);

afterAll(async () => {
  await sb.close();
});

describe("what the sandbox does not model is loud", () => {
  test("a GitHub route the sandbox does not model answers 501, naming it, and is counted", async () => {
    await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
    const res = await call("GET", `/repos/${OWNER}/${REPO}/releases`);
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({
      message: "GET /repos/{owner}/{repo}/releases is not modelled by the sandbox",
    });
    const counted = (await (await fetch(`${sb.url}/_sandbox/unmodelled`)).json()) as {
      count: number;
      hits: { kind: string; method: string; route: string; path: string }[];
    };
    expect(counted.count).toBe(1);
    expect(counted.hits[0]).toMatchObject({
      kind: "rest",
      method: "GET",
      route: "/repos/{owner}/{repo}/releases",
      path: `/repos/${OWNER}/${REPO}/releases`,
    });
    // at the root too, and for a route with slashes in a parameter
    expect((await fetch(`${sb.url}/repos/${OWNER}/${REPO}/releases/latest`)).status).toBe(501);
    expect((await call("DELETE", `/repos/${OWNER}/${REPO}/git/refs/heads/a/b`)).status).not.toBe(404);
    await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
  });

  test("a path that is no GitHub route keeps GitHub's 404 and is not counted", async () => {
    const res = await call("GET", `/repos/${OWNER}/${REPO}/no-such-thing`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ message: "Not Found" });
    expect((await call("POST", "/bogus/path")).status).toBe(404);
    expect(sb.unmodelled()).toHaveLength(0);
  });

  test("HEAD is answered wherever GET is, without a body", async () => {
    const found = await call("HEAD", `/repos/${OWNER}/${REPO}/contents/README.md`);
    expect(found.status).toBe(200);
    expect(found.text).toBe("");
    expect((await call("HEAD", `/repos/${OWNER}/${REPO}/contents/missing.md`)).status).toBe(404);
    expect(sb.unmodelled()).toHaveLength(0);
  });

  test("a missing resource on a modelled route is still 404", async () => {
    expect((await call("GET", `/repos/${OWNER}/${REPO}/pulls/999`)).status).toBe(404);
    expect(sb.unmodelled()).toHaveLength(0);
  });

  test("a GraphQL mutation or field the sandbox does not resolve is an error naming it", async () => {
    const gql = async (query: string): Promise<{ data?: unknown; errors?: { message: string }[] }> => {
      const res = await fetch(sb.graphqlUrl, {
        method: "POST",
        headers: { authorization: `bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: unknown; errors?: { message: string }[] };
    };
    await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
    const mutation = await gql(`mutation { deleteIssueComment(input: { id: "IC_x" }) { clientMutationId } }`);
    expect(mutation.errors?.map((e) => e.message)).toContain(
      "Mutation.deleteIssueComment is not modelled by the sandbox",
    );
    const field = await gql(`query { repository(owner: "${OWNER}", name: "${REPO}") { name forkCount } }`);
    expect(field.errors?.map((e) => e.message)).toContain(
      "Repository.forkCount is not modelled by the sandbox",
    );
    expect(sb.unmodelled().map((h) => `${h.kind} ${h.method} ${h.route}`)).toEqual([
      "graphql mutation Mutation.deleteIssueComment",
      "graphql query Repository.forkCount",
    ]);
    await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
  });

  test("closing a sandbox fails when something reached what it does not model", async () => {
    const other = await startSandbox({ failOnUnmodelled: true });
    const user = await other.client.createUser("someone");
    const res = await fetch(`${other.apiUrl}/gists`, { headers: { authorization: `token ${user.token}` } });
    expect(res.status).toBe(501);
    await expect(other.close()).rejects.toThrow(/GET \/gists/);
  });
});

describe("media types, as GitHub documents them for contents, pull requests and commits", () => {
  let head = "";
  let number = 0;
  beforeAll(async () => {
    await sb.client.createBranch(token, `${OWNER}/${REPO}`, "feature", "main");
    await sb.client.putFile(token, `${OWNER}/${REPO}`, "docs/guide.md", "# Guide\n\nSome **bold** text.\n", {
      branch: "feature",
      message: "Add a guide\n\nWith a body.",
    });
    head = (
      await sb.client.putFile(token, `${OWNER}/${REPO}`, "src/a.txt", "one\ntwo\n", {
        branch: "feature",
        message: "Add a.txt",
      })
    ).commit.sha;
    const pr = await call("POST", `/repos/${OWNER}/${REPO}/pulls`, {
      title: "Feature",
      body: "Adds **a guide** & a file",
      head: "feature",
      base: "main",
    });
    number = (pr.body as { number: number }).number;
  }, PROCESS_TEST_MS);

  const contents = (path: string, accept: string): ReturnType<typeof call> =>
    call("GET", `/repos/${OWNER}/${REPO}/contents/${path}?ref=feature`, undefined, { accept });

  test("contents: raw gives the file itself, html renders markup, object wraps a directory", async () => {
    for (const accept of [
      "application/vnd.github.raw",
      "application/vnd.github.raw+json",
      "application/vnd.github.v3.raw",
    ]) {
      const raw = await contents("src/a.txt", accept);
      expect(raw.status).toBe(200);
      expect(raw.text).toBe("one\ntwo\n");
      expect(raw.headers.get("content-type")).toMatch(/^application\/vnd\.github\.raw/);
    }
    const html = await contents("docs/guide.md", "application/vnd.github.html+json");
    expect(html.text).toContain("<strong>bold</strong>");
    expect(html.text).toContain("<h1");
    const json = await contents("src/a.txt", "application/vnd.github+json");
    expect(json.body).toMatchObject({ type: "file", encoding: "base64" });
    const dir = await contents("src", "application/vnd.github.object+json");
    expect(dir.body).toMatchObject({ type: "dir", path: "src", entries: [{ name: "a.txt", type: "file" }] });
    const list = await contents("src", "application/vnd.github.raw+json");
    expect(Array.isArray(list.body)).toBe(true);
  });

  test("pulls: diff and patch as text; text, html and full body formats", async () => {
    const path = `/repos/${OWNER}/${REPO}/pulls/${number}`;
    const diff = await call("GET", path, undefined, { accept: "application/vnd.github.diff" });
    expect(diff.status).toBe(200);
    expect(diff.headers.get("content-type")).toMatch(/^application\/vnd\.github\.diff/);
    expect(diff.text).toContain(
      "diff --git a/src/a.txt b/src/a.txt\nnew file mode 100644\n--- /dev/null\n+++ b/src/a.txt\n",
    );
    expect(diff.text).toContain("+two");
    const patch = await call("GET", path, undefined, { accept: "application/vnd.github.v3.patch" });
    expect(patch.text).toMatch(/^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001\nFrom: /);
    expect(patch.text).toContain("Subject: [PATCH 1/2] Add a guide\n\nWith a body.\n\n---\n");
    expect(patch.text).toContain("Subject: [PATCH 2/2] Add a.txt");
    const full = (await call("GET", path, undefined, { accept: "application/vnd.github.full+json" })).body;
    expect(full).toMatchObject({
      body: "Adds **a guide** & a file",
      body_text: "Adds a guide & a file",
      body_html: expect.stringContaining("<strong>a guide</strong> &amp; a file"),
    });
    const text = (await call("GET", path, undefined, { accept: "application/vnd.github.text+json" }))
      .body as Record<string, unknown>;
    expect(text["body_text"]).toBe("Adds a guide & a file");
    expect("body" in text).toBe(false);
    const listed = (
      await call("GET", `/repos/${OWNER}/${REPO}/pulls`, undefined, {
        accept: "application/vnd.github.html+json",
      })
    ).body as Record<string, unknown>[];
    expect(listed[0]).toHaveProperty("body_html");
    const plain = (await call("GET", path)).body as Record<string, unknown>;
    expect(plain["body"]).toBe("Adds **a guide** & a file");
    expect("body_html" in plain).toBe(false);
  });

  test("commits: diff, patch and sha; the JSON lists the changed files", async () => {
    const path = `/repos/${OWNER}/${REPO}/commits/${head}`;
    const sha = await call("GET", path, undefined, { accept: "application/vnd.github.sha" });
    expect(sha.text).toBe(head);
    const diff = await call("GET", path, undefined, { accept: "application/vnd.github.diff" });
    expect(diff.text).toBe(
      "diff --git a/src/a.txt b/src/a.txt\nnew file mode 100644\n--- /dev/null\n+++ b/src/a.txt\n@@ -1,0 +1,2 @@\n+one\n+two\n",
    );
    const patch = await call("GET", path, undefined, { accept: "application/vnd.github.patch" });
    expect(patch.text).toContain(`From ${head} Mon Sep 17 00:00:00 2001`);
    expect(patch.text).toContain("Subject: [PATCH] Add a.txt");
    const json = (await call("GET", path)).body;
    expect(json).toMatchObject({
      sha: head,
      stats: { total: 2, additions: 2, deletions: 0 },
      files: [{ filename: "src/a.txt", status: "added", additions: 2, deletions: 0, changes: 2 }],
    });
  });
});

describe("strict mode accepts the nulls GitHub accepts", () => {
  let sha = "";
  beforeAll(async () => {
    sha = (
      await call("GET", `/repos/${OWNER}/${REPO}/commits/main`, undefined, {
        accept: "application/vnd.github.sha",
      })
    ).text;
  });

  test("a deployment status with environment_url: null", async () => {
    const d = await call("POST", `/repos/${OWNER}/${REPO}/deployments`, {
      ref: "main",
      environment: "staging",
      required_contexts: [],
      description: null,
    });
    expect(d.status).toBe(201);
    const id = (d.body as { id: number }).id;
    const s = await call("POST", `/repos/${OWNER}/${REPO}/deployments/${id}/statuses`, {
      state: "success",
      environment_url: null,
    });
    expect({ status: s.status, body: s.body }).toMatchObject({
      status: 201,
      body: { state: "success", environment_url: "" },
    });
  });

  test("the request fields GitHub's description marks nullable", async () => {
    const issue = await call("POST", `/repos/${OWNER}/${REPO}/issues`, {
      title: "Nulls",
      assignee: null,
      milestone: null,
    });
    expect(issue.status).toBe(201);
    const status = await call("POST", `/repos/${OWNER}/${REPO}/statuses/${sha}`, {
      state: "success",
      context: "ci",
      target_url: null,
      description: null,
    });
    expect(status.status).toBe(201);
  });

  test("a null GitHub refuses is refused in GitHub's words, not with 'undefined'", async () => {
    const d = await call("POST", `/repos/${OWNER}/${REPO}/deployments`, { ref: "main", environment: null });
    expect(d.status).toBe(422);
    const message = (d.body as { message: string }).message;
    expect(message).toContain("For 'properties/environment', nil is not a string.");
    expect(message).not.toContain("undefined");
    const s = await call("POST", `/repos/${OWNER}/${REPO}/statuses/${sha}`, { state: "green" });
    expect((s.body as { message: string }).message).toContain(
      `For 'properties/state', "green" is not a member of ["error","failure","pending","success"].`,
    );
  });
});

describe("answers carry only the fields GitHub documents", () => {
  test("check run, combined status, create-file answer, pull request repos and lists", async () => {
    const file = await call("PUT", `/repos/${OWNER}/${REPO}/contents/shapes.txt`, {
      message: "Add shapes",
      content: Buffer.from("x\n").toString("base64"),
    });
    expect(file.status).toBe(201);
    const content = (file.body as { content: Record<string, unknown> }).content;
    expect(content).toMatchObject({ path: "shapes.txt", type: "file", size: 2 });
    expect(Object.keys(content)).not.toContain("content");
    expect(Object.keys(content)).not.toContain("encoding");
    const sha = (file.body as { commit: { sha: string } }).commit.sha;

    await call("POST", `/repos/${OWNER}/${REPO}/statuses/${sha}`, { state: "success", context: "ci" });
    const combined = (await call("GET", `/repos/${OWNER}/${REPO}/commits/${sha}/status`)).body as {
      statuses: Record<string, unknown>[];
    };
    expect(combined.statuses).toHaveLength(1);
    expect(Object.keys(combined.statuses[0]!)).not.toContain("creator");
    const single = (await call("GET", `/repos/${OWNER}/${REPO}/commits/${sha}/statuses`)).body as Record<
      string,
      unknown
    >[];
    expect(single[0]).toHaveProperty("creator");

    const listed = (await call("GET", `/repos/${OWNER}/${REPO}/pulls?state=all`)).body as Record<
      string,
      unknown
    >[];
    expect(listed.length).toBeGreaterThan(0);
    for (const key of ["merged", "mergeable", "comments", "commits", "additions", "changed_files"])
      expect(Object.keys(listed[0]!)).not.toContain(key);
    const pull = (await call("GET", `/repos/${OWNER}/${REPO}/pulls/${String(listed[0]!["number"])}`))
      .body as {
      merged: boolean;
      head: { repo: Record<string, unknown> };
    };
    expect(pull.merged).toBe(false);
    expect(pull.head.repo).toHaveProperty("forks_count");
    expect(Object.keys(pull.head.repo)).not.toContain("network_count");
    expect(Object.keys(pull.head.repo)).not.toContain("subscribers_count");
    expect((await call("GET", `/repos/${OWNER}/${REPO}`)).body).toHaveProperty("network_count");
  });

  test("a check run's check_suite is only its id", async () => {
    const other = await startSandbox({ strict: true, failOnUnmodelled: true });
    try {
      const owner = await other.client.createUser("own");
      await other.client.createRepo(owner.token, "r");
      const app = await other.client.registerApp({
        name: "Checker",
        permissions: { checks: "write" },
        events: [],
      });
      const installation = await other.client.installApp(app.id, "own");
      const { appJwt } = await import("../../sandbox/seed/index.js");
      const tokenRes = await fetch(`${other.apiUrl}/app/installations/${installation.id}/access_tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${appJwt(app)}` },
      });
      const { token: ghs } = (await tokenRes.json()) as { token: string };
      const main = await (
        await fetch(`${other.apiUrl}/repos/own/r/commits/main`, {
          headers: { authorization: `token ${owner.token}`, accept: "application/vnd.github.sha" },
        })
      ).text();
      const run = await fetch(`${other.apiUrl}/repos/own/r/check-runs`, {
        method: "POST",
        headers: { authorization: `token ${ghs}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "ci", head_sha: main }),
      });
      expect(run.status).toBe(201);
      const body = (await run.json()) as { check_suite: unknown };
      expect(body.check_suite).toEqual({ id: expect.any(Number) });
    } finally {
      await other.close();
    }
  });
});

describe("fault paths", () => {
  test("a plain path is a glob, not a regex with flags; a GraphQL fault fires at either GraphQL path", async () => {
    await sb.client.addFault({
      kind: "status",
      status: 502,
      method: "POST",
      path: `/repos/${OWNER}/${REPO}/issues`,
      count: 1,
    });
    expect((await call("POST", `/repos/${OWNER}/${REPO}/issues`, { title: "Faulted" })).status).toBe(502);
    expect((await call("POST", `/repos/${OWNER}/${REPO}/issues`, { title: "Not faulted" })).status).toBe(201);
    await sb.client.addFault({ kind: "status", status: 502, path: "/api/graphql", count: 1 });
    const res = await fetch(`${sb.url}/graphql`, {
      method: "POST",
      headers: { authorization: `bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ query: "{ viewer { login } }" }),
    });
    expect(res.status).toBe(502);
    await sb.client.clearFaults();
  });
});
