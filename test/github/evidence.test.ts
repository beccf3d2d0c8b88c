/**
 * Gathering evidence from GitHub (the sandbox, in strict mode): one GraphQL request, mapped faithfully,
 * with approvals trusted only from the Tollgate App's bot and deployments only from trusted writers.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { validate } from "@octokit/graphql-schema";
import { gatherEvidence, readDeferredTeams } from "../../src/github/evidence.js";
import { namedTeams } from "../../src/github/evidence-follow-up.js";
import {
  EVIDENCE_QUERY,
  ONE_POINT_REQUESTS,
  followUpQuery,
  followUpRequests,
} from "../../src/github/evidence-query.js";
import { approvalDescription, eventDescription } from "../../src/records/format.js";
import { writeDecisionStatus } from "../../src/github/decision-status.js";
import { ORG, REPO, createWorld, openPullRequest, type World } from "../../sandbox/seed/index.js";
import { clientOf as asClient } from "../../src/github/client.js";

const POLICY = `version: 1
environments:
  production:
    approval: required
    approvals: { "*": { from: ["@acme/leads"] } }
    rollback: { redeploy_previous: true }
`;

let world: World;
let app: Octokit;
let pr: { number: number; head: string };

beforeAll(async () => {
  world = await createWorld({
    policy: POLICY,
    people: ["dave", "alice", "bob", "johan", "mallory"],
    teams: { leads: ["alice", "bob"] },
    collaborators: { johan: "admin", mallory: "write" },
  });
  app = await world.installation();
  pr = await openPullRequest(world, "dave", {
    branch: "checkout",
    title: "Faster checkout $(touch /tmp/x)",
    body: "## Rollback plan\nRevert.",
    files: { "src/checkout.ts": "const key = 'AKIAABCDEFGHIJKLMNOP';\n", "CHANGELOG.md": "- faster\n" },
    labels: ["minor"],
  });
  await app.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: ORG,
    repo: REPO,
    name: "build",
    head_sha: pr.head,
    status: "completed",
    conclusion: "success",
  });
  await app.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: ORG,
    repo: REPO,
    name: "test",
    head_sha: pr.head,
    status: "in_progress",
  });
  await world.people["alice"]!.octokit.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
    owner: ORG,
    repo: REPO,
    pull_number: pr.number,
    event: "APPROVE",
    commit_id: pr.head,
  });

  // The App records alice's approval on a production deployment of the head commit…
  const { data: production } = await app.request("POST /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    ref: pr.head,
    environment: "production",
    auto_merge: false,
    required_contexts: [],
    payload: { tollgate: { version: 1 } },
  });
  const productionId = (production as { id: number }).id;
  await app.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: productionId,
    state: "queued",
    description: approvalDescription("approved", "alice", "1 of @acme/leads"),
    log_url: "https://example.test/comment/1",
  });
  // …and, as it records every decision, as its commit status on that commit, which nobody can delete.
  await writeDecisionStatus(
    asClient(app),
    { owner: ORG, repo: REPO, sha: pr.head },
    {
      kind: "approved",
      environment: "production",
      login: "alice",
      note: "1 of @acme/leads",
      url: "https://example.test/comment/1",
    },
  );
  // …and mallory writes a status that looks the same with her own token: it must not count.
  await world.people["mallory"]!.octokit.request(
    "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
    {
      owner: ORG,
      repo: REPO,
      deployment_id: productionId,
      state: "queued",
      description: approvalDescription("approved", "mallory", ""),
    },
  );
  // A staging deployment whose success the App verified, one only mallory claims succeeded, and one
  // with a bare success by the App (not its verified record).
  const verified = eventDescription("verified", "success in staging by run 7 (deploy.yml, push)");
  for (const [environment, writer, description] of [
    ["staging", app, verified],
    ["qa", world.people["mallory"]!.octokit, verified],
    ["canary", app, "deployed"],
  ] as const) {
    const { data } = await app.request("POST /repos/{owner}/{repo}/deployments", {
      owner: ORG,
      repo: REPO,
      ref: pr.head,
      environment,
      auto_merge: false,
      required_contexts: [],
    });
    await writer.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
      owner: ORG,
      repo: REPO,
      deployment_id: (data as { id: number }).id,
      state: "success",
      description,
    });
  }
});

afterAll(async () => {
  await world.close();
});

const request = () => ({
  owner: ORG,
  repo: REPO,
  sha: pr.head,
  policyPath: ".github/tollgate.yml",
  appBot: world.bot,
  trustedWriters: [world.bot],
  initiator: "dave",
});

describe("gathering evidence", () => {
  test("the query is valid against GitHub's published GraphQL schema", () => {
    expect(validate(EVIDENCE_QUERY).map((e) => e.message)).toEqual([]);
  });

  test("the follow-up query is valid against GitHub's published GraphQL schema, and costs 1 point at most", () => {
    const most = followUpQuery({
      teams: [
        { slug: "leads", after: null },
        { slug: "architects", after: "Y3Vyc29yOnYyOjA=" },
      ],
      head: "a".repeat(40),
      earlier: ["b".repeat(40), "c".repeat(40)],
    });
    expect(validate(most.query).map((e) => e.message)).toEqual([]);
    expect(validate(followUpQuery({ teams: [], earlier: ["b".repeat(40)] }).query)).toEqual([]);
    expect(followUpRequests({ teams: [], head: "a".repeat(40), earlier: [] })).toBeLessThanOrEqual(
      ONE_POINT_REQUESTS,
    );
    expect(
      namedTeams("approvals: { '*': { from: ['@acme/leads', '@other/x', 'alice', '@ACME/Ops'] } }", "acme"),
    ).toEqual(["leads", "ops"]);
  });

  test("at most two GraphQL requests, 2 points and 50,000 nodes give the policy and every fact the engine needs", async () => {
    const before = world.sandbox.requests().length;
    const gathered = await gatherEvidence(asClient(app), request());
    const made = world.sandbox.requests().slice(before);
    // The policy names a team: its members come from a second, 1-point query.
    expect(made.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/graphql", "POST /api/graphql"]);
    expect(made.reduce((sum, r) => sum + r.points, 0)).toBeLessThanOrEqual(2);
    expect(made.reduce((sum, r) => sum + (r.node_count ?? 0), 0)).toBeLessThanOrEqual(50_000);
    expect(gathered.requests).toBe(2);
    expect(gathered.warnings).toEqual([]);
    expect(gathered.policyText).toBe(POLICY);
    expect(gathered.pullNumber).toBe(pr.number);

    const { evidence } = gathered;
    expect(evidence.pull_request).toMatchObject({
      number: pr.number,
      title: "Faster checkout $(touch /tmp/x)",
      author: "dave",
      labels: ["minor"],
      head_sha: pr.head,
      commit_authors: ["dave"],
      files_complete: true,
    });
    expect(evidence.pull_request!.files.map((f) => f.path).sort()).toEqual([
      "CHANGELOG.md",
      "src/checkout.ts",
    ]);
    expect(evidence.checks).toEqual(
      expect.arrayContaining(
        [
          { name: "build", state: "success" },
          { name: "test", state: "pending" },
        ].map((c) => expect.objectContaining(c)),
      ),
    );
    expect(evidence.reviews).toEqual([
      expect.objectContaining({ author: "alice", state: "APPROVED", commit_sha: pr.head }),
    ]);
    expect(evidence.approvals).toEqual([
      {
        approver: "alice",
        decision: "approve",
        environment: "production",
        sha: pr.head,
        at: expect.any(String),
        url: "https://example.test/comment/1",
        note: "1 of @acme/leads",
      },
    ]);
    const staging = evidence.deployments.find((d) => d.environment === "staging");
    const qa = evidence.deployments.find((d) => d.environment === "qa");
    expect(staging).toMatchObject({ state: "success", succeeded_at: expect.any(String) });
    // A success written by someone no one trusts proves nothing: the deployment is listed, as pending.
    expect(qa).toMatchObject({ state: "pending" });
    expect(qa!.succeeded_at).toBeUndefined();
    expect(evidence.deployments.find((d) => d.environment === "canary")).toMatchObject({ state: "pending" });
    expect(evidence.teams["acme/leads"]!.sort()).toEqual(["alice", "bob"]);
    expect(evidence.permissions).toMatchObject({ johan: "admin", mallory: "write", owner: "admin" });
    expect(evidence.incomplete).toEqual([]);
  });

  test("patches for secret scanning cost one more request", async () => {
    const gathered = await gatherEvidence(asClient(app), { ...request(), withPatches: true });
    expect(gathered.requests).toBe(3);
    const file = gathered.evidence.pull_request!.files.find((f) => f.path === "src/checkout.ts");
    expect(file?.patch).toContain("+const key = 'AKIAABCDEFGHIJKLMNOP';");
  });

  test("an unknown commit or repository is an error that says which", async () => {
    await expect(gatherEvidence(asClient(app), { ...request(), sha: "0".repeat(40) })).rejects.toThrow(
      `commit ${"0".repeat(40)} was not found in acme/shop`,
    );
    await expect(gatherEvidence(asClient(app), { ...request(), repo: "nope" })).rejects.toThrow(/nope/);
  });
});

describe("after a new push", () => {
  test("approvals given on the PR's earlier commits are read, so the check run can call them stale", async () => {
    const { evaluate } = await import("../../src/readiness/evaluate.js");
    const { loadPolicy } = await import("../../src/policy/load.js");
    const pushed = await world.sandbox.client.putFile(
      world.people["dave"]!.token,
      `${ORG}/${REPO}`,
      "src/more.ts",
      "export {};\n",
      {
        branch: "checkout",
        message: "One more change",
      },
    );
    const before = world.sandbox.requests().length;
    const gathered = await gatherEvidence(asClient(app), { ...request(), sha: pushed.commit.sha });
    const made = world.sandbox.requests().slice(before);
    expect(gathered.requests).toBe(2);
    expect(made.reduce((sum, r) => sum + r.points, 0)).toBeLessThanOrEqual(2);
    expect(gathered.evidence.incomplete).toEqual([]);
    expect(gathered.evidence.approvals).toEqual([
      expect.objectContaining({ approver: "alice", sha: pr.head }),
    ]);

    const policy = loadPolicy(POLICY);
    if (!policy.ok) throw new Error("policy");
    const decision = evaluate(policy.policy, "production", gathered.evidence, new Date());
    expect(decision.approvals.counted).toEqual([]);
    expect(decision.approvals.ignored).toEqual([
      expect.objectContaining({
        login: "alice",
        why: `stale: given on ${pr.head.slice(0, 7)}, the commit is now ${pushed.commit.sha.slice(0, 7)}`,
      }),
    ]);
  });
});

describe("a PR of many commits", () => {
  test("earlier commits the App judged are read newest first within the 2 points; the rest is flagged, never guessed", async () => {
    const long = await openPullRequest(world, "dave", { branch: "long", title: "Long", body: "b" });
    const shas = [long.head];
    for (let i = 0; i < 29; i++) {
      const pushed = await world.sandbox.client.putFile(
        world.people["dave"]!.token,
        `${ORG}/${REPO}`,
        `src/long-${i}.ts`,
        `export const n = ${i};\n`,
        { branch: "long", message: `Step ${i}` },
      );
      shas.push(pushed.commit.sha);
    }
    const head = shas.at(-1)!;

    // No commit of it was judged yet: one query reads all there is, the teams left for when they matter.
    let before = world.sandbox.requests().length;
    const unjudged = await gatherEvidence(asClient(app), { ...request(), sha: head, deferTeams: true });
    expect(
      world.sandbox
        .requests()
        .slice(before)
        .filter((r) => r.operationId === "graphql"),
    ).toHaveLength(1);
    expect(unjudged.evidence.incomplete).toEqual([]);
    expect(unjudged.evidence.teams).toEqual({});
    expect(unjudged.deferredTeams).toEqual([expect.objectContaining({ slug: "leads" })]);
    const withTeams = await readDeferredTeams(asClient(app), request(), unjudged, unjudged.evidence);
    expect(withTeams.evidence.teams["acme/leads"]!.sort()).toEqual(["alice", "bob"]);

    // The App recorded an approval on every commit before the head (a minute apart every ten, as GitHub
    // allows only so many writes a minute).
    for (const [index, sha] of shas.slice(0, -1).entries()) {
      if (index % 10 === 0) await world.sandbox.client.advanceClock(61);
      const { data } = await app.request("POST /repos/{owner}/{repo}/deployments", {
        owner: ORG,
        repo: REPO,
        ref: sha,
        environment: "production",
        auto_merge: false,
        required_contexts: [],
        payload: { tollgate: { version: 1 } },
      });
      await app.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
        owner: ORG,
        repo: REPO,
        deployment_id: (data as { id: number }).id,
        state: "queued",
        description: approvalDescription("approved", "bob", "1 of @acme/leads"),
      });
      await writeDecisionStatus(
        asClient(app),
        { owner: ORG, repo: REPO, sha },
        { kind: "approved", environment: "production", login: "bob", note: "1 of @acme/leads", url: "" },
      );
    }
    before = world.sandbox.requests().length;
    const gathered = await gatherEvidence(asClient(app), { ...request(), sha: head, deferTeams: true });
    const made = world.sandbox.requests().slice(before);
    expect(made.reduce((sum, r) => sum + r.points, 0)).toBeLessThanOrEqual(2);
    expect(made.reduce((sum, r) => sum + (r.node_count ?? 0), 0)).toBeLessThanOrEqual(50_000);
    // The newest earlier commits are read; the first one is beyond the bound, and the evidence says so.
    const read = new Set(gathered.evidence.approvals.map((a) => a.sha));
    expect(read.has(shas.at(-2)!)).toBe(true);
    expect(read.has(shas[0]!)).toBe(false);
    expect(gathered.evidence.incomplete).toContain("earlier_approvals");
    // The second query runs anyway, so it reads the teams too.
    expect(gathered.deferredTeams).toBeUndefined();
    expect(gathered.evidence.teams["acme/leads"]!.sort()).toEqual(["alice", "bob"]);
  }, 60_000);
});
