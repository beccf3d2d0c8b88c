/**
 * Separation of duties against what commits claim about people, with the real App, the built Action and
 * the strict sandbox. Who may not approve is read from what GitHub vouches for: the PR's author, whoever
 * force-pushed its branch (the timeline names them), and the people on its commits, which GitHub knows
 * either from the emails whoever wrote the commit chose (`production`) or, with `identity:
 * verified_signatures`, only from valid signatures (`signed`). Each attack first shows that GitHub let
 * the attacker's requests through, then what Tollgate decided.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { runAction, workflowToken } from "../../scripts/worlds/action-run.js";
import {
  approvalStatuses,
  comment,
  latestChecks,
  settled,
  startAppWorld,
  type AppWorld,
} from "../../scripts/worlds/app-world.js";
import { WORKFLOW } from "../app/fixtures.js";
import {
  branchHead,
  createCommit,
  moveBranch,
  signatureOf,
  FULL,
  ORG,
  REPO,
  openPullRequest,
} from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
strategies:
  direct: { type: direct, run: "true" }
environments:
  production:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 1 }
    strategies: [direct]
    rollback: { redeploy_previous: true }
  signed:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 1 }
    separation_of_duties: { identity: verified_signatures }
    strategies: [direct]
    rollback: { redeploy_previous: true }
`;

let world: AppWorld;
let token: string;
const as = (login: string): Octokit => world.people[login]!.octokit;

beforeAll(async () => {
  world = await startAppWorld({
    policy: POLICY,
    people: ["dave", "alice", "bob", "mallory"],
    teams: { leads: ["alice", "bob"] },
    secondaryRateLimit: false,
  });
  token = await workflowToken(world);
  await world.sandbox.client.putFile(
    world.people["owner"]!.token,
    FULL,
    ".github/workflows/deploy.yml",
    WORKFLOW,
  );
  // Each person registered the key they sign with on their GitHub account.
  for (const login of ["dave", "alice", "mallory"])
    await world.sandbox.client.registerSigningKey(login, signatureOf(login));
}, PROCESS_TEST_MS);
afterAll(() => world.close());

const approvalsOn = async (sha: string, environment: string) =>
  (await approvalStatuses(world)).filter((s) => s.sha === sha && s.environment === environment);

/** A PR by dave whose one commit he signed with his registered key. */
async function signedPullRequest(branch: string): Promise<{ number: number; head: string }> {
  await world.sandbox.client.createBranch(world.people["owner"]!.token, FULL, branch, "main");
  const head = await createCommit(as("dave"), {
    parent: await branchHead(as("dave"), "main"),
    message: `Change ${branch}`,
    files: { [`src/${branch}.ts`]: "export {};\n" },
    signature: signatureOf("dave"),
  });
  await moveBranch(as("dave"), branch, head);
  const { data } = await as("dave").request("POST /repos/{owner}/{repo}/pulls", {
    owner: ORG,
    repo: REPO,
    title: branch,
    body: "Change.",
    head: branch,
    base: "main",
  });
  await settled(world);
  return { number: data.number, head };
}

/** Adds a commit on top of `branch` as `login` (a plain push); returns the new head. */
async function push(
  login: string,
  branch: string,
  commit: Omit<Parameters<typeof createCommit>[1], "parent">,
): Promise<string> {
  const head = await createCommit(as(login), { parent: await branchHead(as(login), branch), ...commit });
  expect(await moveBranch(as(login), branch, head)).toBe(200);
  await settled(world);
  return head;
}

async function restCommit(sha: string) {
  const { data } = await as("owner").request("GET /repos/{owner}/{repo}/commits/{ref}", {
    owner: ORG,
    repo: REPO,
    ref: sha,
  });
  return data;
}

async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(world.sandbox.graphqlUrl, {
    method: "POST",
    headers: { authorization: `bearer ${world.people["owner"]!.token}` },
    body: JSON.stringify({ query, variables }),
  });
  return ((await res.json()) as { data: T }).data;
}

const checkOf = async (sha: string, environment: string) =>
  (await latestChecks(world, sha)).get(`Tollgate · ${environment}`)!;

describe("linked emails (the default)", () => {
  test(
    "a Co-authored-by co-author's /approve is refused and does not count",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "paired", title: "Paired", body: "Change." });
      const head = await push("dave", "paired", {
        message: "Pair on checkout\n\nCo-authored-by: Alice <alice@example.com>",
      });
      // GitHub links the trailer to alice: she is one of the commit's authors.
      const answer = await graphql<{
        repository: { object: { authors: { nodes: { user: { login: string } | null }[] } } };
      }>(
        `query($oid: GitObjectID!) { repository(owner: "${ORG}", name: "${REPO}") {
          object(oid: $oid) { ... on Commit { authors(first: 5) { nodes { user { login } } } } } } }`,
        { oid: head },
      );
      expect(answer.repository.object.authors.nodes.map((a) => a.user?.login)).toEqual(["dave", "alice"]);

      const refused = await comment(world, "alice", pr.number, "/approve production");
      expect(refused.reactions).toEqual(["-1"]);
      expect(refused.replies[0]).toMatch(/separation of duties: you co-authored commits in this change/);
      expect(await approvalsOn(head, "production")).toEqual([]);
      expect((await checkOf(head, "production")).conclusion).toBe("action_required");

      // The control: another lead, on nothing in the change, approves it.
      await comment(world, "bob", pr.number, "/approve production");
      expect(await approvalsOn(head, "production")).toHaveLength(1);
      expect((await checkOf(head, "production")).conclusion).toBe("success");
    },
    PROCESS_TEST_MS,
  );

  test(
    "an approver who force-pushed the PR's branch, with commits in someone else's name, is refused",
    async () => {
      const pr = await openPullRequest(world, "dave", {
        branch: "rewritten",
        title: "Rewritten",
        body: "Change.",
      });
      // alice replaces the branch with a commit naming dave as its author and committer.
      const dave = { name: "dave", email: "dave@example.com" };
      const replaced = await createCommit(as("alice"), {
        parent: await branchHead(as("alice"), "main"),
        message: "Rewritten",
        author: dave,
        committer: dave,
      });
      expect(await moveBranch(as("alice"), "rewritten", replaced, true)).toBe(200);
      await settled(world);
      expect((await restCommit(replaced)).author?.login).toBe("dave");
      const timeline = await graphql<{
        repository: { pullRequest: { timelineItems: { nodes: { actor: { login: string } }[] } } };
      }>(
        `query($n: Int!) { repository(owner: "${ORG}", name: "${REPO}") { pullRequest(number: $n) {
          timelineItems(last: 5, itemTypes: [HEAD_REF_FORCE_PUSHED_EVENT]) {
            nodes { ... on HeadRefForcePushedEvent { actor { login } } } } } } }`,
        { n: pr.number },
      );
      expect(timeline.repository.pullRequest.timelineItems.nodes).toEqual([{ actor: { login: "alice" } }]);

      const refused = await comment(world, "alice", pr.number, "/approve production");
      expect(refused.replies[0]).toMatch(/separation of duties: you force-pushed this pull request's branch/);
      expect(await approvalsOn(replaced, "production")).toEqual([]);
      expect((await checkOf(replaced, "production")).conclusion).toBe("action_required");
    },
    PROCESS_TEST_MS,
  );
});

describe("identity: verified_signatures", () => {
  test(
    "a commit mallory signed with an approver's email as its author locks that approver out only where emails decide",
    async () => {
      const pr = await signedPullRequest("posing");
      const head = await push("mallory", "posing", {
        message: "Looks like alice's",
        author: { name: "Alice", email: "alice@example.com" },
        committer: { name: "Mallory", email: "mallory@example.com" },
        signature: signatureOf("mallory"),
      });
      // GitHub shows alice as the author, and the signature as valid (mallory's key, mallory's email).
      const commit = await restCommit(head);
      expect(commit.author?.login).toBe("alice");
      expect(commit.commit.verification).toMatchObject({ verified: true, reason: "valid" });

      // Where emails decide (as before), the forged authorship locks alice out.
      const lockedOut = await comment(world, "alice", pr.number, "/approve production");
      expect(lockedOut.replies[0]).toMatch(/separation of duties: you authored commits in this change/);
      expect(await approvalsOn(head, "production")).toEqual([]);

      // Where signatures decide, the signer (mallory) is on the change; alice is not, and her approval counts.
      await comment(world, "alice", pr.number, "/approve signed");
      expect(await approvalsOn(head, "signed")).toEqual([
        expect.objectContaining({ description: expect.stringContaining("approved by @alice") }),
      ]);
      expect((await checkOf(head, "signed")).conclusion).toBe("success");
      const signer = await comment(world, "mallory", pr.number, "/approve signed");
      expect(signer.replies[0]).toMatch(/separation of duties: you signed commits in this change/);
    },
    PROCESS_TEST_MS,
  );

  test(
    "an approver's unsigned commit under an email linked to no one blocks approval until it is signed",
    async () => {
      const pr = await signedPullRequest("unlinked");
      const elsewhere = { name: "A. Lice", email: "alice@elsewhere.test" };
      const head = await push("alice", "unlinked", {
        message: "A small fix",
        author: elsewhere,
        committer: elsewhere,
      });
      // GitHub links the commit to no one, and it is unsigned.
      const commit = await restCommit(head);
      expect(commit.author).toBeNull();
      expect(commit.committer).toBeNull();
      expect(commit.commit.verification).toMatchObject({ verified: false, reason: "unsigned" });

      // Where emails decide (as before), alice approves her own code: the gap the option closes.
      await comment(world, "alice", pr.number, "/approve production");
      expect(await approvalsOn(head, "production")).toHaveLength(1);

      // Where signatures decide, nobody's approval passes: who wrote the commit cannot be known.
      const short = head.slice(0, 7);
      for (const login of ["alice", "bob"]) {
        const refused = await comment(world, login, pr.number, "/approve signed");
        expect(refused.replies[0]).toMatch(
          new RegExp(
            `separation of duties: commit ${short} has no valid signature, so who wrote it cannot be known.*sign it`,
          ),
        );
      }
      expect(await approvalsOn(head, "signed")).toEqual([]);
      const check = await checkOf(head, "signed");
      expect(check.conclusion).not.toBe("success");
      expect(check.output.summary).toContain(`commit ${short} has no valid signature`);

      // The Action's gate fails closed too, saying what to fix.
      const run = await runAction(world, {
        sha: head,
        token,
        actor: "dave",
        inputs: { environment: "signed", mode: "gate" },
      });
      expect(run.code).toBe(1);
      expect(run.outputs["reason-code"]).toBe("identity_unknown");
      expect(run.summary).toContain(`commit ${short} has no valid signature`);
      expect(run.summary).toContain("sign it (git commit -S)");
    },
    PROCESS_TEST_MS,
  );
});
