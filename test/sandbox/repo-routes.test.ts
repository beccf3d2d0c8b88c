import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { responseErrors } from "../../sandbox/contracts/validate.js";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

type J = Record<string, unknown>;

describe("issues listing, update-branch, repository rename with redirects, /repositories/{id}", () => {
  let sb: Sandbox;
  let owner: { token: string };
  let guest: { token: string };

  const call = async (
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
    redirect: "follow" | "manual" = "follow",
  ): Promise<{ status: number; body: unknown; headers: Headers }> => {
    const res = await fetch(path.startsWith("http") ? path : `${sb.apiUrl}${path}`, {
      method,
      redirect,
      headers: token ? { authorization: `token ${token}` } : {},
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      headers: res.headers,
    };
  };
  const valid = (key: string, res: { status: number; body: unknown }): void =>
    expect({ key, errors: responseErrors(key, res.status, res.body) }).toEqual({ key, errors: [] });

  beforeAll(async () => {
    sb = await startSandbox({ strict: true });
    owner = await sb.client.createUser("lead");
    guest = await sb.client.createUser("visitor");
  }, PROCESS_TEST_MS);
  afterAll(async () => {
    await sb.close();
  });

  test("GET /repos/{o}/{r}/issues lists pull requests too, filters by state and labels, pages with Link", async () => {
    await sb.client.createRepo(owner.token, "tracker");
    for (const title of ["one", "two", "three"])
      await call("POST", "/repos/lead/tracker/issues", owner.token, { title });
    await sb.client.createBranch(owner.token, "lead/tracker", "topic", "main");
    await sb.client.putFile(owner.token, "lead/tracker", "x.txt", "x\n", { branch: "topic" });
    await call("POST", "/repos/lead/tracker/pulls", owner.token, {
      title: "pr",
      head: "topic",
      base: "main",
    });
    await call("PATCH", "/repos/lead/tracker/pulls/4", owner.token, { state: "closed" });
    await call("POST", "/repos/lead/tracker/pulls", owner.token, {
      title: "pr 2",
      head: "topic",
      base: "main",
    });
    await call("POST", "/repos/lead/tracker/issues/2/labels", owner.token, { labels: ["bug"] });

    const open = await call("GET", "/repos/lead/tracker/issues", owner.token);
    valid("GET /repos/{owner}/{repo}/issues", open);
    // Newest first; the pull request is among them, marked by its pull_request key.
    expect((open.body as J[]).map((i) => [i["number"], "pull_request" in i])).toEqual([
      [5, true],
      [3, false],
      [2, false],
      [1, false],
    ]);
    const all = await call("GET", "/repos/lead/tracker/issues?state=all&direction=asc", owner.token);
    expect((all.body as J[]).map((i) => i["number"])).toEqual([1, 2, 3, 4, 5]);
    const bugs = await call("GET", "/repos/lead/tracker/issues?labels=BUG", owner.token);
    expect((bugs.body as J[]).map((i) => i["number"])).toEqual([2]);

    const page1 = await call("GET", "/repos/lead/tracker/issues?state=all&per_page=3", owner.token);
    expect((page1.body as J[]).map((i) => i["number"])).toEqual([5, 4, 3]);
    const link = page1.headers.get("link") ?? "";
    expect(link).toContain(
      `<${sb.apiUrl}/repos/lead/tracker/issues?state=all&per_page=3&page=2>; rel="next"`,
    );
    expect(link).toContain('rel="last"');
    const page2 = await call("GET", "/repos/lead/tracker/issues?state=all&per_page=3&page=2", owner.token);
    expect((page2.body as J[]).map((i) => i["number"])).toEqual([2, 1]);
    // per_page is capped at 100, as on GitHub.
    const big = await call("GET", "/repos/lead/tracker/issues?state=all&per_page=500", owner.token);
    expect(big.headers.get("link")).toBeNull();
    expect((big.body as J[]).length).toBe(5);
    // Filters the sandbox does not model leave nothing rather than everything.
    const assigned = await call("GET", "/repos/lead/tracker/issues?assignee=lead", owner.token);
    expect(assigned.body).toEqual([]);
  });

  test("PUT /pulls/{n}/update-branch merges the base into the head; stale or needless updates are refused", async () => {
    await sb.client.createRepo(owner.token, "behind");
    await sb.client.createBranch(owner.token, "lead/behind", "topic", "main");
    const head = (await sb.client.putFile(owner.token, "lead/behind", "a.txt", "a\n", { branch: "topic" }))
      .commit.sha;
    const pr = await call("POST", "/repos/lead/behind/pulls", owner.token, {
      title: "topic",
      head: "topic",
      base: "main",
    });
    const n = (pr.body as J)["number"] as number;
    const upToDate = await call("PUT", `/repos/lead/behind/pulls/${n}/update-branch`, owner.token, {});
    expect(upToDate.status).toBe(422);
    expect((upToDate.body as J)["message"]).toBe("There are no new commits on the base branch.");

    const baseTip = (await sb.client.putFile(owner.token, "lead/behind", "b.txt", "b\n", { branch: "main" }))
      .commit.sha;
    const stale = await call("PUT", `/repos/lead/behind/pulls/${n}/update-branch`, owner.token, {
      expected_head_sha: baseTip,
    });
    expect(stale.status).toBe(422);
    // A reader may not update someone's branch.
    expect((await call("PUT", `/repos/lead/behind/pulls/${n}/update-branch`, guest.token, {})).status).toBe(
      403,
    );

    const updated = await call("PUT", `/repos/lead/behind/pulls/${n}/update-branch`, owner.token, {
      expected_head_sha: head,
    });
    expect(updated.status).toBe(202);
    valid("PUT /repos/{owner}/{repo}/pulls/{pull_number}/update-branch", updated);
    const after = await call("GET", `/repos/lead/behind/pulls/${n}`, owner.token);
    const newHead = ((after.body as J)["head"] as J)["sha"] as string;
    expect(newHead).not.toBe(head);
    const commit = await call("GET", `/repos/lead/behind/commits/${newHead}`, owner.token);
    expect(((commit.body as J)["parents"] as J[]).map((p) => p["sha"])).toEqual([head, baseTip]);
    const files = await call("GET", `/repos/lead/behind/contents/b.txt?ref=topic`, owner.token);
    expect(files.status).toBe(200);
  });

  test("a rename answers the old name with 301 (GET) or 307 (other methods) to the repository by id", async () => {
    await sb.client.createRepo(owner.token, "old-name");
    const renamed = await call("PATCH", "/repos/lead/old-name", owner.token, { name: "new-name" });
    expect(renamed.status).toBe(200);
    valid("PATCH /repos/{owner}/{repo}", renamed);
    const id = (renamed.body as J)["id"] as number;
    expect((renamed.body as J)["full_name"]).toBe("lead/new-name");

    const get = await call("GET", "/repos/lead/old-name/labels?per_page=2", owner.token, undefined, "manual");
    expect(get.status).toBe(301);
    expect(get.headers.get("location")).toBe(`${sb.apiUrl}/repositories/${id}/labels?per_page=2`);
    const post = await call("POST", "/repos/lead/old-name/issues", owner.token, { title: "t" }, "manual");
    expect(post.status).toBe(307);
    expect(post.headers.get("location")).toBe(`${sb.apiUrl}/repositories/${id}/issues`);
    // A client that follows the redirect gets the answer, the method and body kept on a 307.
    const followed = await call("POST", "/repos/lead/old-name/issues", owner.token, { title: "followed" });
    expect(followed.status).toBe(201);
    expect((followed.body as J)["repository_url"]).toBe(`${sb.apiUrl}/repos/lead/new-name`);

    // The old name taken by a new repository is that repository, no longer a redirect.
    await sb.client.createRepo(owner.token, "old-name");
    const fresh = await call("GET", "/repos/lead/old-name", owner.token, undefined, "manual");
    expect(fresh.status).toBe(200);
    expect((fresh.body as J)["id"]).not.toBe(id);
  });

  test("a private repository's old name stays 404 to someone who cannot see it", async () => {
    await sb.client.createRepo(owner.token, "secret-old", { private: true });
    await call("PATCH", "/repos/lead/secret-old", owner.token, { name: "secret-new" });
    const res = await call("GET", "/repos/lead/secret-old", guest.token, undefined, "manual");
    expect(res.status).toBe(404);
  });

  test("PATCH /repos refuses a taken name and answers 501 for a setting the sandbox does not keep", async () => {
    await sb.client.createRepo(owner.token, "alpha");
    await sb.client.createRepo(owner.token, "beta");
    const taken = await call("PATCH", "/repos/lead/alpha", owner.token, { name: "BETA" });
    expect(taken.status).toBe(422);
    const unmodelled = await call("PATCH", "/repos/lead/alpha", owner.token, { allow_auto_merge: true });
    expect(unmodelled.status).toBe(501);
    expect((unmodelled.body as J)["message"]).toContain("allow_auto_merge");
    expect((await call("PATCH", "/repos/lead/alpha", guest.token, { description: "x" })).status).toBe(403);
    sb.state.unmodelled.length = 0;
  });

  test("/repositories/{id} serves the same operations as /repos/{owner}/{repo}", async () => {
    await sb.client.createRepo(owner.token, "by-id");
    const byName = await call("GET", "/repos/lead/by-id", owner.token);
    const id = (byName.body as J)["id"] as number;
    const byId = await call("GET", `/repositories/${id}`, owner.token);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(byName.body);
    const labels = await call("GET", `/repositories/${id}/labels/bug`, owner.token);
    expect((labels.body as J)["name"]).toBe("bug");
    const created = await call("POST", `/repositories/${id}/issues`, owner.token, { title: "by id" });
    expect(created.status).toBe(201);
    expect((await call("GET", "/repositories/999999", owner.token)).status).toBe(404);
  });

  test("GET / and a modelled route by id never answer 501", async () => {
    expect((await call("GET", "/", null)).status).toBe(200);
    expect(sb.unmodelled()).toEqual([]);
  });
});
