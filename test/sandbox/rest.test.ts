import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { receiver } from "./helpers.js";
import { appJwt } from "../../sandbox/seed/index.js";

type J = Record<string, unknown>;

describe("REST behaviour GitHub documents", () => {
  let sb: Sandbox;
  let dev: { token: string };
  let inst: string;
  let head: string;
  let hook: Awaited<ReturnType<typeof receiver>>;

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    token = dev.token,
  ): Promise<{ status: number; body: J; headers: Headers }> => {
    const res = await fetch(`${sb.apiUrl}${path}`, {
      method,
      headers: { authorization: `token ${token}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as J, headers: res.headers };
  };

  beforeAll(async () => {
    sb = await startSandbox();
    hook = await receiver();
    dev = await sb.client.createUser("dev");
    await sb.client.createRepo(dev.token, "svc");
    await sb.client.createBranch(dev.token, "dev/svc", "topic", "main");
    head = (await sb.client.putFile(dev.token, "dev/svc", "a.txt", "a\n", { branch: "topic" })).commit.sha;
    const app = await sb.client.registerApp({
      name: "Deployer",
      webhook_url: hook.url,
      permissions: { deployments: "write", checks: "write", actions: "read", statuses: "write" },
      events: ["deployment_protection_rule"],
    });
    const installation = await sb.client.installApp(app.id, "dev");
    const res = await fetch(`${sb.apiUrl}/app/installations/${installation.id}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${appJwt(app)}` },
    });
    inst = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await sb.close();
    await hook.close();
  });

  test("deployment defaults: creator is the actor, production_environment only for 'production', payload kept", async () => {
    const d = await call(
      "POST",
      "/repos/dev/svc/deployments",
      { ref: "topic", environment: "production", auto_merge: false, required_contexts: [] },
      inst,
    );
    expect(d.status).toBe(201);
    expect(d.body).toMatchObject({
      creator: { login: "deployer[bot]", type: "Bot" },
      environment: "production",
      production_environment: true,
      transient_environment: false,
      task: "deploy",
      payload: {},
      sha: head,
    });
    const staging = await call("POST", "/repos/dev/svc/deployments", {
      ref: head,
      environment: "staging",
      required_contexts: [],
      payload: '{"version":"2"}',
    });
    expect(staging.body).toMatchObject({
      creator: { login: "dev" },
      production_environment: false,
      payload: { version: "2" },
    });
  });

  test("auto_merge defaults to true: an out-of-date branch gets the default branch merged in and a 202", async () => {
    await sb.client.putFile(dev.token, "dev/svc", "main.txt", "m\n");
    const res = await call("POST", "/repos/dev/svc/deployments", {
      ref: "topic",
      environment: "qa",
      required_contexts: [],
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ message: "Auto-merged main into topic on deployment." });
    head = sb.state.repo("dev", "svc")?.refs.get("refs/heads/topic") ?? "";
  });

  test("omitting required_contexts demands every commit status be success: 409 otherwise", async () => {
    await call("POST", `/repos/dev/svc/statuses/${head}`, { state: "failure", context: "ci/test" });
    const res = await call("POST", "/repos/dev/svc/deployments", { ref: head, environment: "qa" });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      message: `Conflict: Commit status checks failed for ${head}.`,
      errors: [{ contexts: [{ context: "ci/test", state: "failure" }], field: "required_contexts" }],
    });
    expect(
      (
        await call("POST", "/repos/dev/svc/deployments", {
          ref: head,
          environment: "qa",
          required_contexts: [],
        })
      ).status,
    ).toBe(201);
  });

  test("deployment list filters by sha, environment and ref; statuses cap descriptions at 140", async () => {
    const list = await call(
      "GET",
      `/repos/dev/svc/deployments?environment=staging&sha=${sb.state.repo("dev", "svc")?.deployments.values().next().value?.sha ?? ""}`,
    );
    expect((list.body as unknown as J[]).every((d) => d["environment"] === "staging")).toBe(true);
    expect((await call("GET", "/repos/dev/svc/deployments?ref=no-such-ref")).body).toEqual([]);
    const id = (list.body as unknown as J[])[0]?.["id"];
    const tooLong = await call("POST", `/repos/dev/svc/deployments/${String(id)}/statuses`, {
      state: "success",
      description: "x".repeat(141),
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body).toMatchObject({
      message: "Validation Failed",
      errors: [{ resource: "DeploymentStatus", field: "description" }],
      documentation_url: expect.any(String),
    });
    expect(
      (
        await call("POST", `/repos/dev/svc/deployments/${String(id)}/statuses`, {
          state: "success",
          description: "x".repeat(140),
        })
      ).status,
    ).toBe(201);
  });

  test("check runs: summary ≤ 65,535, ≤ 3 actions, ≤ 50 annotations; users may not create them", async () => {
    const base = { name: "gate", head_sha: head };
    expect(
      (
        await call(
          "POST",
          "/repos/dev/svc/check-runs",
          { ...base, output: { title: "t", summary: "s".repeat(65536) } },
          inst,
        )
      ).status,
    ).toBe(422);
    expect(
      (
        await call(
          "POST",
          "/repos/dev/svc/check-runs",
          {
            ...base,
            actions: [1, 2, 3, 4].map((i) => ({ label: `l${i}`, description: "d", identifier: `i${i}` })),
          },
          inst,
        )
      ).status,
    ).toBe(422);
    const annotations = Array.from({ length: 51 }, () => ({
      path: "a",
      start_line: 1,
      end_line: 1,
      annotation_level: "notice",
      message: "m",
    }));
    expect(
      (
        await call(
          "POST",
          "/repos/dev/svc/check-runs",
          { ...base, output: { title: "t", summary: "s", annotations } },
          inst,
        )
      ).status,
    ).toBe(422);
    expect(
      (
        await call(
          "POST",
          "/repos/dev/svc/check-runs",
          { ...base, output: { title: "t", summary: "s".repeat(65535) } },
          inst,
        )
      ).status,
    ).toBe(201);
    expect((await call("POST", "/repos/dev/svc/check-runs", base)).status).toBe(403);
  });

  test("errors and pagination have GitHub's shapes", async () => {
    const missing = await call("GET", "/repos/dev/nope");
    expect(missing).toMatchObject({
      status: 404,
      body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" },
    });
    for (let i = 0; i < 5; i++) await call("POST", "/repos/dev/svc/issues", { title: `issue ${i}` });
    await call("POST", "/repos/dev/svc/issues/1/comments", { body: "a" });
    for (let i = 0; i < 4; i++) await call("POST", "/repos/dev/svc/issues/1/comments", { body: `c${i}` });
    const page = await call("GET", "/repos/dev/svc/issues/1/comments?per_page=2&page=2");
    expect(page.body).toHaveLength(2);
    const link = page.headers.get("link") ?? "";
    expect(link).toContain('rel="next"');
    expect(link).toContain('rel="last"');
    expect(link).toContain("page=3");
    const capped = await call("GET", "/repos/dev/svc/issues/1/comments?per_page=500");
    expect(capped.body).toHaveLength(5);
  });

  test("the custom deployment protection rule callback: status report, approve, 1,024-character comments", async () => {
    await sb.client.putFile(
      dev.token,
      "dev/svc",
      ".github/workflows/deploy.yml",
      "name: Deploy\non: [push, workflow_dispatch]\n",
    );
    await call("PUT", "/repos/dev/svc/environments/production", {});
    const appId = sb.state.appBySlug("deployer")?.id;
    expect(
      (
        await call("POST", "/repos/dev/svc/environments/production/deployment_protection_rules", {
          integration_id: appId,
        })
      ).status,
    ).toBe(201);
    const run = await sb.client.control<{ id: number }>("POST", "/repos/dev/svc/runs", {
      workflow: "deploy.yml",
      actor: "dev",
    });
    await sb.client.control("POST", `/repos/dev/svc/runs/${run.id}/deployments`, {
      environment: "production",
    });
    const [delivery] = await sb.client.deliveries("deployment_protection_rule.requested");
    const payload = delivery?.request.payload as J;
    expect(payload["deployment_callback_url"]).toBe(
      `${sb.apiUrl}/repos/dev/svc/actions/runs/${run.id}/deployment_protection_rule`,
    );
    const url = `/repos/dev/svc/actions/runs/${run.id}/deployment_protection_rule`;
    expect(
      (await call("POST", url, { environment_name: "production", comment: "x".repeat(1025) }, inst)).status,
    ).toBe(422);
    expect((await call("POST", url, { environment_name: "production" }, inst)).status).toBe(422);
    expect(
      (await call("POST", url, { environment_name: "production", comment: "Waiting for approvals" }, inst))
        .status,
    ).toBe(204);
    expect(
      (
        await call(
          "POST",
          url,
          { environment_name: "production", state: "approved", comment: "Approved by @rev" },
          dev.token,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await call(
          "POST",
          url,
          { environment_name: "production", state: "approved", comment: "Approved by @rev" },
          inst,
        )
      ).status,
    ).toBe(204);
    const after = await sb.client.control<{
      status: string;
      gates: { state: string; comments: unknown[] }[];
    }>("GET", `/repos/dev/svc/runs/${run.id}`);
    expect(after).toMatchObject({
      status: "in_progress",
      gates: [{ state: "approved", comments: [{ state: null }, { state: "approved" }] }],
    });
  });

  test("time travel moves a timestamp into the past", async () => {
    const d = sb.state.repo("dev", "svc")?.deployments.values().next().value;
    if (!d) throw new Error("no deployment");
    await sb.client.setTimestamp({ repo: "dev/svc", kind: "deployment", id: d.id, ago_seconds: 48 * 3600 });
    const got = await call("GET", `/repos/dev/svc/deployments/${d.id}`);
    expect(Date.now() - Date.parse(String(got.body["created_at"]))).toBeGreaterThan(47 * 3600_000);
  });
});

describe("strict mode", () => {
  test("refuses with 422 what GitHub's contract refuses, before any effect", async () => {
    const sb = await startSandbox({ strict: true });
    try {
      const dev = await sb.client.createUser("dev");
      await sb.client.createRepo(dev.token, "svc");
      const post = (path: string, body: unknown): Promise<Response> =>
        fetch(`${sb.apiUrl}${path}`, {
          method: "POST",
          headers: { authorization: `token ${dev.token}` },
          body: JSON.stringify(body),
        });
      const noRef = await post("/repos/dev/svc/deployments", { environment: "x" });
      expect(noRef.status).toBe(422);
      expect(await noRef.json()).toMatchObject({
        message: expect.stringContaining(`"ref" wasn't supplied.`),
        documentation_url: expect.any(String),
      });
      const badState = await post("/repos/dev/svc/statuses/main", { state: "great" });
      expect(badState.status).toBe(422);
      const badQuery = await fetch(`${sb.apiUrl}/repos/dev/svc/pulls?state=merged`, {
        headers: { authorization: `token ${dev.token}` },
      });
      expect(badQuery.status).toBe(422);
      expect(sb.state.repo("dev", "svc")?.deployments.size).toBe(0);
    } finally {
      await sb.close();
    }
  });
});
