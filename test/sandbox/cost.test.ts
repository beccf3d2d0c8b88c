/**
 * The sandbox charges what GitHub charges: GraphQL points and nodes by GitHub's published formula, hourly
 * budgets per token kind, conditional requests, secondary limits, and budgets that reset on the sandbox's
 * clock. Every test starts its own sandbox.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { authenticate } from "../../sandbox/auth.js";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { gatherEvidence } from "../../src/github/evidence.js";
import { ORG, REPO, createWorld, openPullRequest, appJwt } from "../../sandbox/seed/index.js";
import { clientOf as asClient } from "../../src/github/client.js";

const T = 30_000;

/** GitHub's own example ("Rate limits and query limits for the GraphQL API"): 5,101 requests → 51 points. */
const DOCS_EXAMPLE = `
query {
  viewer {
    login
    repositories(first: 100) {
      edges {
        node {
          id
          issues(first: 50) {
            edges {
              node {
                id
                labels(first: 60) {
                  edges {
                    node {
                      id
                      name
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  rateLimit { cost nodeCount remaining used limit resetAt }
}`;

/** 50 + 50×99 + 50×99×100 = 500,000 nodes: exactly GitHub's ceiling. */
const AT_LIMIT = `repositories(first: 50) { nodes { issues(first: 99) { nodes { labels(first: 100) { nodes { name } } } } } }`;

interface GqlAnswer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { type?: string; message: string; path?: (string | number)[] }[];
  };
}

async function gql(
  sb: Sandbox,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlAnswer> {
  const res = await fetch(sb.graphqlUrl, {
    method: "POST",
    headers: { authorization: `bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GqlAnswer["body"] };
}

const get = (
  sb: Sandbox,
  token: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> =>
  fetch(`${sb.apiUrl}${path}`, { headers: { authorization: `token ${token}`, ...headers } });

describe("GraphQL cost and node limits", () => {
  let sb: Sandbox;
  let dev: { token: string; id: number };

  beforeAll(async () => {
    sb = await startSandbox();
    dev = await sb.client.createUser("dev");
    await sb.client.createRepo(dev.token, "shop");
  }, T);
  afterAll(() => sb.close(), T);

  test(
    "GitHub's documented example costs 51 points and 305,100 nodes, and spends them",
    async () => {
      const one = await gql(sb, dev.token, DOCS_EXAMPLE);
      expect(one.body.errors).toBeUndefined();
      const rl = one.body.data?.["rateLimit"] as Record<string, unknown>;
      expect(rl).toMatchObject({ cost: 51, nodeCount: 305_100, limit: 5000, used: 51, remaining: 4949 });
      expect(one.headers.get("x-ratelimit-resource")).toBe("graphql");
      expect(one.headers.get("x-ratelimit-limit")).toBe("5000");
      expect(one.headers.get("x-ratelimit-used")).toBe("51");
      expect(one.headers.get("x-ratelimit-remaining")).toBe("4949");
      expect(Number(one.headers.get("x-ratelimit-reset"))).toBe(Date.parse(String(rl["resetAt"])) / 1000);
      expect(
        (one.body.data?.["viewer"] as { repositories: { edges: unknown[] } }).repositories.edges,
      ).toHaveLength(1);

      const two = await gql(sb, dev.token, DOCS_EXAMPLE);
      expect(two.body.data?.["rateLimit"]).toMatchObject({ cost: 51, used: 102, remaining: 4898 });

      const log = (await sb.client.requests("graphql")).filter((e) => e.actor === "dev");
      expect(log.map((e) => [e.points, e.node_count, e.resource])).toEqual([
        [51, 305_100, "graphql"],
        [51, 305_100, "graphql"],
      ]);
      const usage = await sb.client.usage(dev.token);
      expect(usage.tokens).toEqual([
        expect.objectContaining({
          actor: "dev",
          kind: "user",
          graphql_points: 102,
          graphql_queries: 2,
          graphql_nodes: 610_200,
        }),
      ]);
      // The REST budget is a separate one: creating the repository, then this read.
      const rest = await get(sb, dev.token, "/user");
      expect(rest.headers.get("x-ratelimit-resource")).toBe("core");
      expect(rest.headers.get("x-ratelimit-used")).toBe("2");
    },
    T,
  );

  test(
    "a query of 500,000 nodes runs; 500,001 nodes is refused whole with MAX_NODE_LIMIT_EXCEEDED and costs nothing",
    async () => {
      const before = Number(
        (
          (await get(sb, dev.token, "/rate_limit").then((r) => r.json())) as {
            resources: { graphql: { used: number } };
          }
        ).resources.graphql.used,
      );
      const at = await gql(sb, dev.token, `{ viewer { ${AT_LIMIT} } rateLimit { cost nodeCount } }`);
      expect(at.body.errors).toBeUndefined();
      // 1 + 50 + 4,950 requests → 50 points
      expect(at.body.data?.["rateLimit"]).toEqual({ cost: 50, nodeCount: 500_000 });

      const over = await gql(
        sb,
        dev.token,
        `{ viewer { ${AT_LIMIT} other: repositories(first: 1) { nodes { name } } } rateLimit { cost nodeCount } }`,
      );
      expect(over.status).toBe(200);
      expect(over.body).toEqual({
        errors: [
          {
            type: "MAX_NODE_LIMIT_EXCEEDED",
            message:
              "This query requests up to 500,001 possible nodes which exceeds the maximum limit of 500,000.",
          },
        ],
      });
      const deep = await gql(
        sb,
        dev.token,
        `{ viewer { repositories(first: 100) { nodes { issues(first: 100) { nodes { labels(first: 51) { nodes { name } } } } } } } }`,
      );
      expect(deep.body.errors).toEqual([
        {
          type: "MAX_NODE_LIMIT_EXCEEDED",
          message:
            "By the time this query traverses to the labels connection, it is requesting up to 510,000 possible nodes which exceeds the maximum limit of 500,000.",
        },
      ]);
      expect(Number(over.headers.get("x-ratelimit-used"))).toBe(before + 50);
    },
    T,
  );

  test(
    "a connection that selects only totalCount needs no first or last",
    async () => {
      const res = await gql(
        sb,
        dev.token,
        `{ repository(owner: "dev", name: "shop") { deployments { totalCount } issues { totalCount } } viewer { repositories { totalCount } } rateLimit { cost nodeCount } }`,
      );
      expect(res.body).toEqual({
        data: {
          repository: { deployments: { totalCount: 0 }, issues: { totalCount: 0 } },
          viewer: { repositories: { totalCount: 1 } },
          rateLimit: { cost: 1, nodeCount: 0 },
        },
      });
    },
    T,
  );

  test(
    "nodes or edges without first/last, or with first/last over 100 or negative, are refused where they stand",
    async () => {
      const missing = await gql(
        sb,
        dev.token,
        `{ repository(owner: "dev", name: "shop") { name deployments { nodes { id } } } }`,
      );
      expect(missing.body.errors).toEqual([
        expect.objectContaining({
          type: "MISSING_PAGINATION_BOUNDARIES",
          path: ["repository", "deployments"],
          message:
            "You must provide a `first` or `last` value to properly paginate the `deployments` connection.",
        }),
      ]);
      const viaFragment = await gql(
        sb,
        dev.token,
        `{ viewer { repositories { ...R } } } fragment R on RepositoryConnection { edges { node { name } } }`,
      );
      expect(viaFragment.body.errors?.[0]).toMatchObject({
        type: "MISSING_PAGINATION_BOUNDARIES",
        path: ["viewer", "repositories"],
      });
      const big = await gql(
        sb,
        dev.token,
        `query($n: Int) { repository(owner: "dev", name: "shop") { deployments(first: $n) { totalCount } } }`,
        { n: 101 },
      );
      expect(big.body.errors).toEqual([
        expect.objectContaining({
          type: "EXCESSIVE_PAGINATION",
          message:
            "Requesting 101 records on the `deployments` connection exceeds the `first` limit of 100 records.",
        }),
      ]);
      // GitHub's docs say 1..100; its server refuses a negative size in these words. The sandbox answers 0 with nothing.
      const negative = await gql(
        sb,
        dev.token,
        `{ repository(owner: "dev", name: "shop") { deployments(last: -1) { nodes { id } } } }`,
      );
      expect(negative.body.errors).toEqual([
        expect.objectContaining({
          type: "INVALID_PAGINATION",
          path: ["repository", "deployments"],
          message: "`last` on the connection cannot be less than zero.",
        }),
      ]);
      const zero = await gql(
        sb,
        dev.token,
        `{ repository(owner: "dev", name: "shop") { deployments(first: 0) { nodes { id } } } }`,
      );
      expect(zero.body).toEqual({ data: { repository: { deployments: { nodes: [] } } } });
    },
    T,
  );
});

describe("REST: conditional requests and hourly budgets per token kind", () => {
  let sb: Sandbox;
  let dev: { token: string; id: number };

  beforeAll(async () => {
    sb = await startSandbox();
    dev = await sb.client.createUser("dev");
    await sb.client.createRepo(dev.token, "shop");
  }, T);
  afterAll(() => sb.close(), T);

  test(
    "ETag and Last-Modified on GET; a 304 does not count against the budget",
    async () => {
      const first = await get(sb, dev.token, "/repos/dev/shop");
      expect(first.status).toBe(200);
      const etag = first.headers.get("etag");
      const modified = first.headers.get("last-modified");
      expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
      expect(modified).toMatch(/GMT$/);
      const used = Number(first.headers.get("x-ratelimit-used"));

      const same = await get(sb, dev.token, "/repos/dev/shop", { "if-none-match": etag! });
      expect(same.status).toBe(304);
      expect(await same.text()).toBe("");
      expect(same.headers.get("etag")).toBe(etag);
      expect(Number(same.headers.get("x-ratelimit-used"))).toBe(used);

      const since = await get(sb, dev.token, "/repos/dev/shop", { "if-modified-since": modified! });
      expect(since.status).toBe(304);
      expect(Number(since.headers.get("x-ratelimit-used"))).toBe(used);

      const stale = await get(sb, dev.token, "/repos/dev/shop", { "if-none-match": 'W/"0000"' });
      expect(stale.status).toBe(200);
      expect(Number(stale.headers.get("x-ratelimit-used"))).toBe(used + 1);

      const log = (await sb.client.requests("repos/get")).map((e) => [e.status, e.points]);
      expect(log).toEqual([
        [200, 1],
        [304, 0],
        [304, 0],
        [200, 1],
      ]);
      expect((await sb.client.usage(dev.token)).tokens[0]).toMatchObject({ not_modified: 2 });
    },
    T,
  );

  test(
    "budgets as GitHub publishes them: user 5,000; installation 5,000 + 50 per repository beyond 20; workflow token 1,000",
    async () => {
      const user = await get(sb, dev.token, "/user");
      expect(user.headers.get("x-ratelimit-limit")).toBe("5000");

      const owner = await sb.client.createUser("owner");
      await sb.client.createOrg("acme", "owner");
      for (let i = 0; i < 25; i++) await sb.client.createRepo(owner.token, `r${i}`, { org: "acme" });
      const token = async (slug: string): Promise<string> => {
        const app = await sb.client.registerApp({ name: slug, permissions: { metadata: "read" } });
        const inst = await sb.client.installApp(app.id, "acme");
        const res = await fetch(`${sb.apiUrl}/app/installations/${inst.id}/access_tokens`, {
          method: "POST",
          headers: { authorization: `Bearer ${appJwt(app)}` },
        });
        return ((await res.json()) as { token: string }).token;
      };
      const app = await token("gate");
      const scaled = await get(sb, app, "/repos/acme/r0");
      expect(scaled.status).toBe(200);
      expect(scaled.headers.get("x-ratelimit-limit")).toBe(String(5000 + 50 * 5));
      const graphql = await gql(sb, app, `{ rateLimit { limit cost } }`);
      expect(graphql.body.data?.["rateLimit"]).toEqual({ limit: 5250, cost: 1 });

      const workflow = await token("github-actions");
      const wf = await get(sb, workflow, "/repos/acme/r0");
      expect(wf.headers.get("x-ratelimit-limit")).toBe("1000");
    },
    T,
  );
});

describe("exhausted budgets and the sandbox clock", () => {
  test(
    "a spent REST budget gets GitHub's 403 with x-ratelimit-remaining 0, until the clock passes the reset",
    async () => {
      const sb = await startSandbox({ rateLimit: 5 });
      try {
        const dev = await sb.client.createUser("dev");
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) statuses.push((await get(sb, dev.token, "/user")).status);
        expect(statuses).toEqual([200, 200, 200, 200, 200]);
        const refused = await get(sb, dev.token, "/user");
        expect(refused.status).toBe(403);
        expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
        expect(refused.headers.get("x-ratelimit-used")).toBe("5");
        const reset = Number(refused.headers.get("x-ratelimit-reset"));
        expect(await refused.json()).toMatchObject({
          message: `API rate limit exceeded for user ID ${dev.id}.`,
          documentation_url: expect.stringContaining("rate-limits-for-the-rest-api"),
        });

        const now = (await sb.client.control<{ epoch: number }>("GET", "/clock")).epoch;
        await sb.client.advanceClock(reset - now - 1);
        expect((await get(sb, dev.token, "/user")).status).toBe(403);
        await sb.client.advanceClock(1);
        const again = await get(sb, dev.token, "/user");
        expect(again.status).toBe(200);
        expect(again.headers.get("x-ratelimit-used")).toBe("1");
        expect(Number(again.headers.get("x-ratelimit-reset"))).toBe(reset + 3600);
      } finally {
        await sb.close();
      }
    },
    T,
  );

  test(
    "a spent GraphQL budget is answered 200 with RATE_LIMITED; a costly query may overrun it, as on GitHub",
    async () => {
      const sb = await startSandbox();
      try {
        const dev = await sb.client.createUser("dev");
        // 1 + 100 + 10,000 requests → 101 points, 410,100 nodes
        const heavy = `{ viewer { repositories(first: 100) { nodes { issues(first: 100) { nodes { labels(first: 40) { nodes { name } } } } } } } rateLimit { cost used remaining } }`;
        let last: GqlAnswer | undefined;
        for (let i = 0; i < 50; i++) last = await gql(sb, dev.token, heavy);
        expect(last?.body.data?.["rateLimit"]).toEqual({ cost: 101, used: 5050, remaining: 0 });
        const refused = await gql(sb, dev.token, `{ viewer { login } }`);
        expect(refused.status).toBe(200);
        expect(refused.body).toEqual({
          errors: [{ type: "RATE_LIMITED", message: `API rate limit exceeded for user ID ${dev.id}.` }],
        });
        expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
        expect(refused.headers.get("x-ratelimit-resource")).toBe("graphql");
        // REST has its own budget.
        expect((await get(sb, dev.token, "/user")).status).toBe(200);

        await sb.client.advanceClock(3600);
        const after = await gql(sb, dev.token, `{ viewer { login } rateLimit { used remaining } }`);
        expect(after.body.data?.["rateLimit"]).toEqual({ used: 1, remaining: 4999 });
        const dry = await gql(sb, dev.token, `{ rateLimit(dryRun: true) { cost used } }`);
        expect(dry.body.data?.["rateLimit"]).toEqual({ cost: 1, used: 1 });
      } finally {
        await sb.close();
      }
    },
    T,
  );
});

describe("secondary limits", () => {
  test(
    "more than 80 content-creating requests a minute get GitHub's secondary 403 with retry-after; a minute later they pass",
    async () => {
      const sb = await startSandbox();
      try {
        const dev = await sb.client.createUser("dev");
        await sb.client.createRepo(dev.token, "shop");
        const post = (i: number): Promise<Response> =>
          fetch(`${sb.apiUrl}/repos/dev/shop/issues`, {
            method: "POST",
            headers: { authorization: `token ${dev.token}` },
            body: JSON.stringify({ title: `issue ${i}` }),
          });
        // createRepo was the first content-creating request of this minute.
        const statuses: number[] = [];
        for (let i = 0; i < 80; i++) statuses.push((await post(i)).status);
        expect(statuses.filter((s) => s === 201)).toHaveLength(79);
        expect(statuses.at(-1)).toBe(403);
        const refused = await post(81);
        expect(refused.status).toBe(403);
        const retry = Number(refused.headers.get("retry-after"));
        expect(retry).toBeGreaterThan(0);
        expect(retry).toBeLessThanOrEqual(60);
        const body = (await refused.json()) as { message: string };
        expect(body.message).toMatch(/^You have exceeded a secondary rate limit\. Please wait a few minutes/);
        expect(body.message).toContain(refused.headers.get("x-github-request-id")!);
        // Reads are still allowed: they create nothing and stay under 900 points.
        expect((await get(sb, dev.token, "/repos/dev/shop")).status).toBe(200);
        await sb.client.advanceClock(retry);
        expect((await post(82)).status).toBe(201);
        expect((await sb.client.usage(dev.token)).tokens[0]).toMatchObject({ refused_secondary: 2 });
      } finally {
        await sb.close();
      }
    },
    T,
  );

  test("REST points: 900 a minute (GET 1); the option that lifts the limits for benchmarks still does", async () => {
    const strict = await startSandbox();
    const lifted = await startSandbox({ rateLimit: 10_000_000, secondaryRateLimit: false });
    try {
      for (const sb of [strict, lifted]) {
        const dev = await sb.client.createUser("dev");
        const statuses: number[] = [];
        for (let i = 0; i < 901; i++) statuses.push((await get(sb, dev.token, "/user")).status);
        const ok = statuses.filter((s) => s === 200).length;
        expect(ok).toBe(sb === strict ? 900 : 901);
      }
      const last = await get(lifted, (await lifted.client.createUser("other")).token, "/user");
      expect(last.headers.get("x-ratelimit-limit")).toBe("10000000");
    } finally {
      await strict.close();
      await lifted.close();
    }
  }, 60_000);

  test(
    "GraphQL: a query spends 1 secondary point and a mutation 5 (and 1 primary point); 2,000 a minute",
    async () => {
      const sb = await startSandbox();
      try {
        const dev = await sb.client.createUser("dev");
        await gql(sb, dev.token, `{ viewer { login } }`);
        await gql(sb, dev.token, `mutation { addStar(input: { starrableId: "x" }) { clientMutationId } }`);
        // The sandbox models no mutation: this one is answered with an error, yet costs what GitHub charges.
        expect(sb.unmodelled().map((h) => h.route)).toEqual(["Mutation.addStar"]);
        sb.state.unmodelled.splice(0);
        const log = (await sb.client.requests("graphql")).map((e) => [e.points, e.secondary_points]);
        expect(log).toEqual([
          [1, 1],
          [1, 5],
        ]);
        const actor = authenticate(sb.state, `token ${dev.token}`);
        // 6 points spent above; fill the minute to 2,000.
        for (let i = 0; i < 1994; i++) sb.state.limits.secondary(actor, "graphql", 1, false, "R");
        const refused = await gql(sb, dev.token, `{ viewer { login } }`);
        expect(refused.status).toBe(403);
        expect(refused.body).toMatchObject({ message: expect.stringMatching(/secondary rate limit/) });
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
        await sb.client.advanceClock(60);
        expect((await gql(sb, dev.token, `{ viewer { login } }`)).status).toBe(200);
      } finally {
        await sb.close();
      }
    },
    T,
  );

  test(
    "no more than 100 requests in flight per caller",
    async () => {
      const sb = await startSandbox();
      try {
        const dev = await sb.client.createUser("dev");
        const actor = authenticate(sb.state, `token ${dev.token}`);
        for (let i = 0; i < 100; i++) sb.state.limits.enter(actor, "R", "core");
        expect(() => sb.state.limits.enter(actor, "R", "core")).toThrow(/secondary rate limit/);
        sb.state.limits.leave(actor);
        expect(() => sb.state.limits.enter(actor, "R", "core")).not.toThrow();
      } finally {
        await sb.close();
      }
    },
    T,
  );
});

describe("Tollgate's evidence read on a charging sandbox", () => {
  test("costs what its rateLimit says, spends it from the installation's budget, and fails closed once it is spent", async () => {
    const world = await createWorld({ policy: "version: 1\nenvironments:\n  staging: { approval: none }\n" });
    try {
      const app = await world.installation();
      const pr = await openPullRequest(world, "owner", { branch: "f", title: "f", body: "b" });
      const request = {
        owner: ORG,
        repo: REPO,
        sha: pr.head,
        policyPath: ".github/tollgate.yml",
        appBot: world.bot,
        trustedWriters: [world.bot],
      };
      const { data: before } = await app.request("GET /rate_limit");
      const gathered = await gatherEvidence(asClient(app), request);
      expect(gathered.policyText).toContain("staging");
      const [read] = (await world.sandbox.client.requests("graphql")).slice(-1);
      const { data: after } = await app.request("GET /rate_limit");
      expect(read?.points).toBeGreaterThanOrEqual(1);
      expect(after.resources.graphql!.used - before.resources.graphql!.used).toBe(read?.points);
      expect(read?.node_count).toBeLessThanOrEqual(500_000);

      // Spend the rest of the installation's GraphQL budget: 1 + 100 + 10,000 requests = 101 points a call.
      const { token } = (await app.auth()) as { token: string };
      const actor = authenticate(world.sandbox.state, `token ${token}`);
      const heavy = `{ repository(owner: "${ORG}", name: "${REPO}") { pullRequests(first: 100) { nodes { commits(first: 100) { nodes { commit { deployments(first: 1) { totalCount } } } } } } } rateLimit { cost } }`;
      expect((await gql(world.sandbox, token, heavy)).body.data?.["rateLimit"]).toEqual({ cost: 101 });
      for (let i = 0; i < 60 && !world.sandbox.state.limits.exhausted(actor, "graphql"); i++)
        await gql(world.sandbox, token, heavy);
      expect(world.sandbox.state.limits.exhausted(actor, "graphql")).toBe(true);
      await expect(gatherEvidence(asClient(app), request)).rejects.toThrow(/rate limit exceeded/i);
    } finally {
      await world.close();
    }
  }, 60_000);
});
