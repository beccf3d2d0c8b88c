/**
 * The facts that decide whether a PR head's approvals cover its merge commit (evidence `merge`), gathered
 * from the strict sandbox within the evaluation's budget: 2 GraphQL points, and REST reads only for a merge
 * commit whose tree is not the head's.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { validate } from "@octokit/graphql-schema";
import { gatherEvidence } from "../../src/github/evidence.js";
import { ONE_POINT_REQUESTS, followUpQuery, followUpRequests } from "../../src/github/evidence-query.js";
import { ORG, REPO, createWorld, openPullRequest, type World } from "../../sandbox/seed/index.js";
import { clientOf as asClient } from "../../src/github/client.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const POLICY = `version: 1
environments:
  production:
    approval: required
    approvals: { "*": { from: ["@acme/leads"] } }
    rollback: { redeploy_previous: true }
`;

let world: World;
let app: Octokit;

beforeAll(async () => {
  world = await createWorld({
    policy: POLICY,
    people: ["dave", "alice", "bob", "mallory"],
    teams: { leads: ["alice", "bob"] },
  });
  app = await world.installation();
}, PROCESS_TEST_MS);

afterAll(async () => {
  await world.close();
});

async function merge(number: number): Promise<string> {
  const { data } = await world.people["owner"]!.octokit.request(
    "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge",
    { owner: ORG, repo: REPO, pull_number: number },
  );
  return data.sha;
}

async function blobOf(sha: string, path: string): Promise<string> {
  const { data } = await app.request("GET /repos/{owner}/{repo}/contents/{path}", {
    owner: ORG,
    repo: REPO,
    path,
    ref: sha,
  });
  return (data as { sha: string }).sha;
}

async function gathered(sha: string) {
  const before = world.sandbox.requests().length;
  const result = await gatherEvidence(asClient(app), {
    owner: ORG,
    repo: REPO,
    sha,
    policyPath: ".github/tollgate.yml",
    appBot: world.bot,
    trustedWriters: [world.bot],
  });
  const made = world.sandbox.requests().slice(before);
  return { result, made, points: made.reduce((sum, r) => sum + r.points, 0) };
}

describe("the facts about a merge commit", () => {
  test("the follow-up query with a merge's first parent is valid against GitHub's schema and within 1 point", () => {
    const plan = {
      teams: [{ slug: "leads", after: null }],
      head: "a".repeat(40),
      parent: "b".repeat(40),
      earlier: ["c".repeat(40)],
    };
    expect(validate(followUpQuery(plan).query).map((e) => e.message)).toEqual([]);
    expect(followUpRequests(plan)).toBeLessThanOrEqual(ONE_POINT_REQUESTS);
  });

  test(
    "a PR merged up to date: the merge commit has the head's tree, and nothing more is read",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "current", title: "Current", body: "b" });
      const sha = await merge(pr.number);
      const { result, made, points } = await gathered(sha);
      expect(made.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/graphql", "POST /api/graphql"]);
      expect(points).toBeLessThanOrEqual(2);
      expect(result.evidence.merge).toEqual(
        expect.objectContaining({ same_tree_as_head: true, changes_complete: true }),
      );
      expect(result.evidence.merge?.changes).toBeUndefined();
    },
    PROCESS_TEST_MS,
  );

  test(
    "another PR merged meanwhile: the first parent, both changes and the parent's record, within 2 points",
    async () => {
      const a = await openPullRequest(world, "dave", {
        branch: "late",
        title: "Late",
        body: "b",
        files: { "src/late.ts": "export const late = 1;\n" },
      });
      const b = await openPullRequest(world, "mallory", {
        branch: "meanwhile",
        title: "Meanwhile",
        body: "b",
      });
      const parent = await merge(b.number);
      const sha = await merge(a.number);

      const { result, made } = await gathered(sha);
      expect(made.map((r) => `${r.method} ${r.path}`)).toEqual([
        "POST /api/graphql",
        "POST /api/graphql",
        `GET /repos/${ORG}/${REPO}/commits/${sha}`,
        `GET /repos/${ORG}/${REPO}/pulls/${a.number}/files`,
      ]);
      expect(
        made.filter((r) => r.path.endsWith("graphql")).reduce((s, r) => s + r.points, 0),
      ).toBeLessThanOrEqual(2);
      expect(result.requests).toBe(4);
      const blob = await blobOf(a.head, "src/late.ts");
      expect(result.evidence.merge).toEqual({
        first_parent: parent,
        same_tree_as_head: false,
        changes: [{ path: "src/late.ts", blob }],
        approved_changes: [{ path: "src/late.ts", blob }],
        changes_complete: true,
        first_parent_deployments: [],
        first_parent_approvals: [],
        first_parent_complete: true,
      });
    },
    PROCESS_TEST_MS,
  );
});
