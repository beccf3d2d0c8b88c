import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { ProbotOctokit } from "probot";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { receiver } from "./helpers.js";

/** Probot's own Octokit: retry and throttling plugins on, waits shortened so the suite stays fast. */
function octokit(
  sb: Sandbox,
  token: string,
  throttle: {
    onRateLimit: (retryAfter: number) => boolean;
    onSecondaryRateLimit: (
      retryAfter: number,
      options: unknown,
      octokit: unknown,
      retryCount: number,
    ) => boolean;
  },
  retries = 3,
): InstanceType<typeof ProbotOctokit> {
  return new ProbotOctokit({
    auth: { token },
    baseUrl: sb.apiUrl,
    retry: { retryAfterBaseValue: 1, retries },
    throttle: { ...throttle, fallbackSecondaryRateRetryAfter: 1 },
  });
}

describe("fault injection, as seen by Octokit with Probot's retry and throttling plugins", () => {
  let sb: Sandbox;
  let token: string;
  const onRateLimit = jest.fn((_retryAfter: number) => false);
  const onSecondaryRateLimit = jest.fn(
    (_after: number, _opts: unknown, _o: unknown, retryCount: number) => retryCount < 1,
  );

  beforeAll(async () => {
    sb = await startSandbox();
    token = (await sb.client.createUser("dev")).token;
    await sb.client.createRepo(token, "web");
  });
  afterAll(() => sb.close());

  const repoGets = (): number => sb.requests().filter((r) => r.operationId === "repos/get").length;

  test("a 502 is retried and the retry succeeds", async () => {
    await sb.client.addFault({ kind: "status", status: 502, method: "GET", path: "/repos/*/*", count: 1 });
    const before = repoGets();
    const res = await octokit(sb, token, { onRateLimit, onSecondaryRateLimit }).rest.repos.get({
      owner: "dev",
      repo: "web",
    });
    expect(res.status).toBe(200);
    expect(repoGets() - before).toBe(2);
    expect(
      sb
        .requests()
        .filter((r) => r.fault === "status")
        .map((r) => r.status),
    ).toEqual([502]);
  });

  test("a 503 on every attempt surfaces as an error after the retries", async () => {
    await sb.client.addFault({ kind: "status", status: 503, path: "/repos/*/*", count: 10 });
    await expect(
      octokit(sb, token, { onRateLimit, onSecondaryRateLimit }, 2).rest.repos.get({
        owner: "dev",
        repo: "web",
      }),
    ).rejects.toMatchObject({ status: 503 });
    await sb.client.clearFaults();
  });

  test("a secondary rate limit calls onSecondaryRateLimit with Retry-After, then the retry succeeds", async () => {
    await sb.client.addFault({ kind: "secondary_rate_limit", path: "/repos/*/*", retry_after: 1, count: 1 });
    const res = await octokit(sb, token, { onRateLimit, onSecondaryRateLimit }).rest.repos.get({
      owner: "dev",
      repo: "web",
    });
    expect(res.status).toBe(200);
    expect(onSecondaryRateLimit).toHaveBeenCalledTimes(1);
    expect(onSecondaryRateLimit.mock.calls[0]?.[0]).toBe(1);
  });

  test("a 429 is retried by the retry plugin", async () => {
    await sb.client.addFault({ kind: "rate_limit", path: "/repos/*/*", retry_after: 30, count: 1 });
    const res = await octokit(sb, token, { onRateLimit, onSecondaryRateLimit }).rest.repos.get({
      owner: "dev",
      repo: "web",
    });
    expect(res.status).toBe(200);
    expect(
      sb
        .requests()
        .filter((r) => r.operationId === "repos/get")
        .slice(-2)
        .map((r) => r.status),
    ).toEqual([429, 200]);
    // throttling saw x-ratelimit-remaining: 0 and asked; our handler declined, so the retry plugin retried.
    expect(onRateLimit).toHaveBeenCalledTimes(1);
  });

  test("an exhausted primary rate limit (60/h unauthenticated) reaches onRateLimit; declining fails the request", async () => {
    for (let i = 0; i < 60; i++) await fetch(`${sb.apiUrl}/repos/dev/web`);
    const declined = jest.fn((_retryAfter: number) => false);
    const anonymous = new ProbotOctokit({
      baseUrl: sb.apiUrl,
      retry: { retryAfterBaseValue: 1 },
      throttle: { onRateLimit: declined, onSecondaryRateLimit },
    });
    await expect(
      anonymous.request("GET /repos/{owner}/{repo}", { owner: "dev", repo: "web" }),
    ).rejects.toMatchObject({ status: 403, response: { headers: { "x-ratelimit-remaining": "0" } } });
    expect(declined).toHaveBeenCalledTimes(1);
    expect(declined.mock.calls[0]?.[0]).toBeGreaterThan(3000);
  });

  test("added latency delays the answer", async () => {
    await sb.client.addFault({ kind: "latency", latency_ms: 250, path: "/repos/*/*", count: 1 });
    const t0 = performance.now();
    await octokit(sb, token, { onRateLimit, onSecondaryRateLimit }).rest.repos.get({
      owner: "dev",
      repo: "web",
    });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
  });

  test("a dropped connection is an error for the client", async () => {
    await sb.client.addFault({ kind: "drop", path: "/repos/*/*", count: 10 });
    await expect(
      octokit(sb, token, { onRateLimit, onSecondaryRateLimit }, 0).rest.repos.get({
        owner: "dev",
        repo: "web",
      }),
    ).rejects.toThrow();
    expect(sb.requests().some((r) => r.fault === "drop")).toBe(true);
    await sb.client.clearFaults();
  });

  test("GitHub's rate-limit headers come with every REST answer", async () => {
    const res = await fetch(`${sb.apiUrl}/repos/dev/web`, { headers: { authorization: `token ${token}` } });
    expect(Number(res.headers.get("x-ratelimit-limit"))).toBe(5000);
    expect(Number(res.headers.get("x-ratelimit-used"))).toBeGreaterThan(0);
    expect(Number(res.headers.get("x-ratelimit-remaining"))).toBe(
      5000 - Number(res.headers.get("x-ratelimit-used")),
    );
    expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    expect(res.headers.get("x-ratelimit-resource")).toBe("core");
  });
});

test("past its hourly limit an actor gets GitHub's 403, and the limit is an option", async () => {
  const sb = await startSandbox({ rateLimit: 3 });
  try {
    const { token, id } = await sb.client.createUser("dev");
    const get = () => fetch(`${sb.apiUrl}/user`, { headers: { authorization: `token ${token}` } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get()).status);
    expect(statuses).toEqual([200, 200, 200, 403]);
    const refused = await get();
    expect(refused.headers.get("x-ratelimit-limit")).toBe("3");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(((await refused.json()) as { message: string }).message).toBe(
      `API rate limit exceeded for user ID ${id}.`,
    );
  } finally {
    await sb.close();
  }
});

describe("seeded probability and webhook faults", () => {
  test("the same seed fires the same faults", async () => {
    const pattern = async (): Promise<number[]> => {
      const sb = await startSandbox({ seed: 42 });
      await sb.client.addFault({ kind: "status", status: 500, path: "/meta", probability: 0.5 });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await fetch(`${sb.apiUrl}/meta`)).status);
      await sb.close();
      return out;
    };
    const a = await pattern();
    expect(a).toContain(500);
    expect(a).toContain(200);
    expect(await pattern()).toEqual(a);
  });

  test("duplicated and out-of-order deliveries", async () => {
    const sb = await startSandbox();
    const hook = await receiver();
    try {
      await duplicatedThenReordered(sb, hook);
    } finally {
      await hook.close();
      await sb.close();
    }
  });
});

/** One comment delivered twice under the same GUID, then two comments delivered the other way round. */
async function duplicatedThenReordered(
  sb: Sandbox,
  hook: Awaited<ReturnType<typeof receiver>>,
): Promise<void> {
  const dev = await sb.client.createUser("dev");
  await sb.client.createRepo(dev.token, "web");
  const app = await sb.client.registerApp({
    name: "Faulty",
    webhook_url: hook.url,
    permissions: { issues: "write" },
    events: ["issue_comment"],
  });
  await sb.client.installApp(app.id, "dev");
  await sb.client.rest("POST", "/repos/dev/web/issues", { title: "t" }, dev.token);
  await sb.client.addFault({ kind: "duplicate", event: "issue_comment.created", count: 1 });
  await sb.client.rest("POST", "/repos/dev/web/issues/1/comments", { body: "one" }, dev.token);
  await sb.idle();
  const guids = hook.received.map((r) => r.headers["x-github-delivery"]);
  expect(guids).toHaveLength(2);
  expect(guids[0]).toBe(guids[1]);

  await sb.client.addFault({ kind: "reorder", event: "issue_comment", count: 1 });
  await sb.client.rest("POST", "/repos/dev/web/issues/1/comments", { body: "two" }, dev.token);
  await sb.client.rest("POST", "/repos/dev/web/issues/1/comments", { body: "three" }, dev.token);
  await sb.idle();
  const bodies = hook.received
    .slice(2)
    .map((r) => (JSON.parse(r.body) as { comment: { body: string } }).comment.body);
  expect(bodies).toEqual(["three", "two"]);
}
