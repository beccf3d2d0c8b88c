import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { validate } from "@octokit/graphql-schema";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { appJwt } from "../../sandbox/seed/index.js";

const READINESS = `
query Readiness($owner: String!, $name: String!, $pr: Int!, $sha: GitObjectID!) {
  rateLimit { cost remaining limit resetAt }
  viewer { login }
  repository(owner: $owner, name: $name) {
    policy: object(expression: "HEAD:.github/tollgate.yml") { ... on Blob { text oid } }
    defaultBranchRef { name target { oid } }
    pullRequest(number: $pr) {
      title body isDraft headRefOid baseRefName createdAt mergedAt reviewDecision
      author { login }
      labels(first: 20) { nodes { name } }
      files(first: 100) { totalCount nodes { path additions deletions changeType } }
      commits(first: 100) { nodes { commit { oid authors(first: 5) { nodes { user { login } } } } } }
      reviews(first: 50) { nodes { author { login } state commit { oid } submittedAt } }
    }
    head: object(oid: $sha) {
      ... on Commit {
        statusCheckRollup { state contexts(first: 100) { totalCount nodes {
          ... on CheckRun { name status conclusion isRequired(pullRequestNumber: $pr) }
          ... on StatusContext { context state isRequired(pullRequestNumber: $pr) } } } }
        associatedPullRequests(first: 5) { nodes { number } }
        deployments(first: 10, environments: ["staging"]) { nodes {
          environment createdAt commitOid payload creator { login }
          latestStatus { state createdAt description creator { login } }
          statuses(first: 10) { nodes { state description createdAt creator { login } logUrl } } } }
      }
    }
    deployments(first: 1, environments: ["staging"], orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount pageInfo { hasNextPage endCursor } nodes { databaseId state }
    }
    vulnerabilityAlerts(first: 10, states: [OPEN]) { nodes { securityVulnerability { severity } } }
  }
}`;

describe("GraphQL against GitHub's schema", () => {
  let sb: Sandbox;
  let dev: { token: string };
  let rev: { token: string };
  let inst: string;
  let narrow: string;
  let head: string;

  const gql = async (
    query: string,
    variables: Record<string, unknown>,
    token: string,
  ): Promise<{ data?: Record<string, unknown>; errors?: { message: string; type?: string }[] }> => {
    const res = await fetch(sb.graphqlUrl, {
      method: "POST",
      headers: { authorization: `bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      data?: Record<string, unknown>;
      errors?: { message: string; type?: string }[];
    };
  };

  beforeAll(async () => {
    sb = await startSandbox();
    dev = await sb.client.createUser("dev");
    rev = await sb.client.createUser("rev");
    await sb.client.createRepo(dev.token, "shop");
    await sb.client.putFile(
      dev.token,
      "dev/shop",
      ".github/tollgate.yml",
      "environments:\n  production: {}\n",
    );
    await sb.client.createBranch(dev.token, "dev/shop", "feat", "main");
    await sb.client.putFile(dev.token, "dev/shop", "src/a.ts", "a\nb\n", { branch: "feat" });
    head = (
      await sb.client.putFile(dev.token, "dev/shop", ".github/tollgate.yml", "loosened: true\n", {
        branch: "feat",
      })
    ).commit.sha;
    await sb.client.rest(
      "POST",
      "/repos/dev/shop/pulls",
      { title: "Feature", head: "feat", base: "main", body: "## Rollback\nrevert" },
      dev.token,
    );
    await sb.client.rest("POST", "/repos/dev/shop/issues/1/labels", { labels: ["minor"] }, dev.token);
    await sb.client.rest("POST", "/repos/dev/shop/pulls/1/reviews", { event: "APPROVE" }, rev.token);
    const app = await sb.client.registerApp({
      name: "Gate",
      permissions: {
        checks: "write",
        deployments: "write",
        pull_requests: "read",
        contents: "read",
        statuses: "read",
        vulnerability_alerts: "read",
      },
      events: [],
    });
    const installation = await sb.client.installApp(app.id, "dev");
    const tokenRes = await fetch(`${sb.apiUrl}/app/installations/${installation.id}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${appJwt(app)}` },
    });
    inst = ((await tokenRes.json()) as { token: string }).token;
    const narrowRes = await fetch(`${sb.apiUrl}/app/installations/${installation.id}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${appJwt(app)}` },
      body: JSON.stringify({ permissions: { pull_requests: "read" } }),
    });
    narrow = ((await narrowRes.json()) as { token: string }).token;
    await sb.client.rest(
      "POST",
      "/repos/dev/shop/check-runs",
      { name: "build", head_sha: head, conclusion: "success" },
      inst,
    );
    await sb.client.rest(
      "POST",
      `/repos/dev/shop/statuses/${head}`,
      { state: "failure", context: "ci/lint" },
      dev.token,
    );
    for (let i = 0; i < 3; i++) {
      const d = await sb.client.rest<{ id: number }>(
        "POST",
        "/repos/dev/shop/deployments",
        { ref: head, environment: "staging", required_contexts: [], payload: { n: i } },
        inst,
      );
      await sb.client.rest(
        "POST",
        `/repos/dev/shop/deployments/${d.id}/statuses`,
        { state: "success", description: `ok ${i}`, log_url: `https://log/${i}` },
        inst,
      );
    }
    await sb.client.control("POST", "/repos/dev/shop/alerts/dependabot", { severity: "medium" });
  });
  afterAll(() => sb.close());

  test("the one-query readiness read validates against GitHub's schema and resolves", async () => {
    expect(validate(READINESS)).toEqual([]);
    const res = await gql(READINESS, { owner: "dev", name: "shop", pr: 1, sha: head }, inst);
    expect(res.errors).toBeUndefined();
    const repo = res.data?.["repository"] as unknown as Record<string, unknown>;
    expect(res.data?.["viewer"]).toEqual({ login: "gate" });
    // The policy is read from the default branch: the PR's edit does not count.
    expect(repo["policy"]).toMatchObject({ text: "environments:\n  production: {}\n" });
    const pr = repo["pullRequest"] as unknown as Record<string, unknown>;
    expect(pr).toMatchObject({
      title: "Feature",
      isDraft: false,
      headRefOid: head,
      baseRefName: "main",
      mergedAt: null,
      // main is not protected, so GitHub decides no review (reviews are not required there).
      reviewDecision: null,
      author: { login: "dev" },
      labels: { nodes: [{ name: "minor" }] },
    });
    expect(pr["files"]).toMatchObject({
      totalCount: 2,
      nodes: [
        { path: ".github/tollgate.yml", changeType: "MODIFIED" },
        { path: "src/a.ts", additions: 2, changeType: "ADDED" },
      ],
    });
    expect(pr["reviews"]).toMatchObject({
      nodes: [{ author: { login: "rev" }, state: "APPROVED", commit: { oid: head } }],
    });
    expect(pr["commits"]).toMatchObject({
      nodes: [{ commit: { authors: { nodes: [{ user: { login: "dev" } }] } } }, { commit: { oid: head } }],
    });
    const commit = repo["head"] as unknown as Record<string, unknown>;
    expect(commit["statusCheckRollup"]).toMatchObject({
      state: "FAILURE",
      contexts: {
        totalCount: 2,
        nodes: [
          { name: "build", status: "COMPLETED", conclusion: "SUCCESS", isRequired: false },
          { context: "ci/lint", state: "FAILURE", isRequired: false },
        ],
      },
    });
    expect(commit["associatedPullRequests"]).toEqual({ nodes: [{ number: 1 }] });
    const deployments = (commit["deployments"] as unknown as { nodes: Record<string, unknown>[] }).nodes;
    expect(deployments).toHaveLength(3);
    expect(deployments[0]).toMatchObject({
      environment: "staging",
      commitOid: head,
      payload: '{"n":0}',
      creator: { login: "gate" },
      latestStatus: { state: "INACTIVE" },
    });
    expect(deployments[2]).toMatchObject({
      latestStatus: { state: "SUCCESS", description: "ok 2", creator: { login: "gate" } },
      statuses: { nodes: [{ state: "SUCCESS", logUrl: "https://log/2" }] },
    });
    expect(repo["deployments"]).toMatchObject({
      totalCount: 3,
      pageInfo: { hasNextPage: true },
      nodes: [{ state: "ACTIVE" }],
    });
    expect(repo["vulnerabilityAlerts"]).toEqual({
      nodes: [{ securityVulnerability: { severity: "MODERATE" } }],
    });
    expect(res.data?.["rateLimit"]).toMatchObject({ cost: 1, limit: 5000 });
  });

  test("a token without vulnerability_alerts gets GitHub's FORBIDDEN error for alerts; a user sees them", async () => {
    const q = `{ repository(owner: "dev", name: "shop") { vulnerabilityAlerts(first: 5, states: [OPEN]) { nodes { securityVulnerability { severity } } } } }`;
    const asApp = await gql(q, {}, narrow);
    expect(asApp.errors?.[0]).toMatchObject({
      type: "FORBIDDEN",
      message: "Resource not accessible by integration",
    });
    const asUser = await gql(q, {}, dev.token);
    expect(asUser.data).toEqual({
      repository: { vulnerabilityAlerts: { nodes: [{ securityVulnerability: { severity: "MODERATE" } }] } },
    });
  });

  test("connections page with first/after and refuse unbounded or oversized pages", async () => {
    const page = `query($after: String) { repository(owner: "dev", name: "shop") { deployments(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { payload } } } }`;
    const one = await gql(page, {}, dev.token);
    const conn = (
      one.data?.["repository"] as { deployments: { pageInfo: { endCursor: string }; nodes: unknown[] } }
    ).deployments;
    expect(conn.nodes).toHaveLength(2);
    const two = await gql(page, { after: conn.pageInfo.endCursor }, dev.token);
    expect(two.data).toEqual({
      repository: {
        deployments: {
          totalCount: 3,
          pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
          nodes: [{ payload: '{"n":2}' }],
        },
      },
    });
    // GitHub refuses a connection that lists nodes without first/last; totalCount alone needs neither.
    const unbounded = await gql(
      `{ repository(owner: "dev", name: "shop") { deployments { totalCount nodes { payload } } } }`,
      {},
      dev.token,
    );
    expect(unbounded.errors?.[0]?.message).toMatch(/You must provide a `first` or `last` value/);
    const big = await gql(
      `{ repository(owner: "dev", name: "shop") { deployments(first: 101) { totalCount } } }`,
      {},
      dev.token,
    );
    expect(big.errors?.[0]?.message).toMatch(/exceeds the `first` limit of 100 records/);
  });

  test("a query GitHub would reject is rejected here too; a missing repository is NOT_FOUND", async () => {
    const bad = await gql(
      `{ repository(owner: "dev", name: "shop") { pullRequest(number: 1) { mergeable_state } } }`,
      {},
      dev.token,
    );
    expect(bad.data).toBeUndefined();
    expect(bad.errors?.[0]?.message).toMatch(/mergeable_state/);
    const typed = await gql(
      `{ repository(owner: "dev", name: "shop") { object(expression: "HEAD:x") { ... on Blob { payload } } } }`,
      {},
      dev.token,
    );
    expect(typed.errors?.length).toBeGreaterThan(0);
    const missing = await gql(`{ repository(owner: "dev", name: "nope") { name } }`, {}, dev.token);
    expect(missing).toMatchObject({
      data: { repository: null },
      errors: [
        {
          type: "NOT_FOUND",
          path: ["repository"],
          message: "Could not resolve to a Repository with the name 'dev/nope'.",
        },
      ],
    });
  });

  test("GraphQL needs authentication", async () => {
    const res = await fetch(sb.graphqlUrl, {
      method: "POST",
      body: JSON.stringify({ query: "{ viewer { login } }" }),
    });
    expect(res.status).toBe(401);
  });
});
