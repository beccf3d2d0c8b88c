/**
 * The people on a PR as the evidence gathers them from GitHub (the strict sandbox): co-authors (read
 * only for commits whose message may name them, within the evaluation's 2 points), force-pushers from
 * the timeline, and who validly signed each commit.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { validate } from "@octokit/graphql-schema";
import { gatherEvidence } from "../../src/github/evidence.js";
import { EVIDENCE_QUERY, followUpQuery } from "../../src/github/evidence-query.js";
import {
  branchHead,
  createCommit,
  moveBranch,
  signatureOf,
  ORG,
  REPO,
  createWorld,
  openPullRequest,
  type World,
} from "../../sandbox/seed/index.js";
import { clientOf as asClient } from "../../src/github/client.js";

const T = 60_000;
const POLICY = `version: 1
environments:
  production:
    approval: required
    approvals: { "*": { from: [alice, bob] } }
    rollback: { redeploy_previous: true }
`;

let world: World;
let app: Octokit;

beforeAll(async () => {
  world = await createWorld({ policy: POLICY, people: ["dave", "alice", "bob", "mallory"] });
  app = await world.installation();
  await world.sandbox.client.registerSigningKey("dave", signatureOf("dave"));
}, T);
afterAll(() => world.close());

const request = (sha: string) => ({
  owner: ORG,
  repo: REPO,
  sha,
  policyPath: ".github/tollgate.yml",
  appBot: world.bot,
  trustedWriters: [world.bot],
});

async function gather(sha: string) {
  const before = world.sandbox.requests().length;
  const gathered = await gatherEvidence(asClient(app), request(sha));
  const made = world.sandbox.requests().slice(before);
  return { gathered, made, points: made.reduce((sum, r) => sum + r.points, 0) };
}

describe("the people on a pull request", () => {
  test("the queries stay valid against GitHub's schema with the people's fields", () => {
    expect(validate(EVIDENCE_QUERY)).toEqual([]);
    expect(validate(followUpQuery({ teams: [], earlier: [], coAuthored: ["a".repeat(40)] }).query)).toEqual(
      [],
    );
  });

  test(
    "force-pushers from the timeline and each commit's valid signer, within the evaluation's 2 points",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "plain", title: "Plain", body: "b" });
      const dave = world.people["dave"]!.octokit;
      const signed = await createCommit(dave, {
        parent: pr.head,
        message: "Signed",
        signature: signatureOf("dave"),
      });
      await moveBranch(dave, "plain", signed);
      const mallory = world.people["mallory"]!.octokit;
      const replaced = await createCommit(mallory, {
        parent: signed,
        message: "Unverified",
        signature: signatureOf("mallory"),
      });
      await moveBranch(mallory, "plain", replaced);
      const rewritten = await createCommit(mallory, { parent: signed, message: "Rewritten" });
      expect(await moveBranch(mallory, "plain", rewritten, true)).toBe(200);

      const { gathered, points } = await gather(rewritten);
      expect(points).toBeLessThanOrEqual(2);
      expect(gathered.evidence.pull_request).toMatchObject({
        commit_authors: expect.arrayContaining(["dave", "mallory"]),
        co_authors: [],
        pushers: ["mallory"],
        commits: [{ sha: pr.head }, { sha: signed, signed_by: "dave" }, { sha: rewritten }],
      });
      expect(gathered.evidence.incomplete).toEqual([]);
    },
    T,
  );

  test(
    "co-authors come from a second query within 2 points, for the commits whose message may name them",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "paired", title: "Paired", body: "b" });
      const dave = world.people["dave"]!.octokit;
      const paired = await createCommit(dave, {
        parent: await branchHead(dave, "paired"),
        message: "Pair\n\nCo-authored-by: Bob <bob@example.com>\nCo-authored-by: X <x@nowhere.test>",
      });
      await moveBranch(dave, "paired", paired);
      const { gathered, made, points } = await gather(paired);
      expect(made).toHaveLength(2);
      expect(points).toBeLessThanOrEqual(2);
      expect(made.reduce((sum, r) => sum + (r.node_count ?? 0), 0)).toBeLessThanOrEqual(50_000);
      expect(gathered.evidence.pull_request).toMatchObject({
        number: pr.number,
        commit_authors: ["dave"],
        co_authors: ["bob"],
      });
      expect(gathered.evidence.incomplete).toEqual([]);
    },
    T,
  );

  test(
    "a commit naming more co-authors than are read leaves the co-authors incomplete, never guessed",
    async () => {
      await openPullRequest(world, "dave", { branch: "crowd", title: "Crowd", body: "b" });
      const dave = world.people["dave"]!.octokit;
      const trailers = Array.from({ length: 12 }, (_, i) => `Co-authored-by: P${i} <p${i}@nowhere.test>`);
      const crowd = await createCommit(dave, {
        parent: await branchHead(dave, "crowd"),
        message: `Many hands\n\n${trailers.join("\n")}`,
      });
      await moveBranch(dave, "crowd", crowd);
      const { gathered } = await gather(crowd);
      expect(gathered.evidence.incomplete).toContain("co_authors");
    },
    T,
  );
});
