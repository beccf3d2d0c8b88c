/**
 * What GitHub vouches for about the people on a commit, as the sandbox models it: the authors GitHub
 * reads from Co-authored-by trailers (linked by email, like the git author), commit signatures (verified
 * only with a key registered on the committer email's account), and the timeline's force-push events.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { validate } from "@octokit/graphql-schema";
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

const T = 30_000;
let world: World;

beforeAll(async () => {
  world = await createWorld({ policy: "version: 1\n", people: ["dave", "alice", "mallory"] });
}, T);
afterAll(() => world.close());

const COMMIT = `query($owner: String!, $name: String!, $oid: GitObjectID!) {
  repository(owner: $owner, name: $name) {
    object(oid: $oid) {
      ... on Commit {
        authors(first: 10) { totalCount nodes { name email user { login } } }
        signature { isValid state email wasSignedByGitHub signer { login } }
      }
    }
  }
}`;

interface CommitAnswer {
  authors: { totalCount: number; nodes: { name: string; email: string; user: { login: string } | null }[] };
  signature: {
    isValid: boolean;
    state: string;
    email: string;
    wasSignedByGitHub: boolean;
    signer: { login: string } | null;
  } | null;
}

async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  expect(validate(query)).toEqual([]);
  const res = await fetch(world.sandbox.graphqlUrl, {
    method: "POST",
    headers: { authorization: `bearer ${world.people["owner"]!.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

const commitOf = async (oid: string) =>
  (await graphql<{ repository: { object: CommitAnswer } }>(COMMIT, { owner: ORG, name: REPO, oid }))
    .repository.object;

const restVerification = async (sha: string) => {
  const owner = world.people["owner"]!.octokit;
  const git = await owner.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
    owner: ORG,
    repo: REPO,
    commit_sha: sha,
  });
  const commit = await owner.request("GET /repos/{owner}/{repo}/commits/{ref}", {
    owner: ORG,
    repo: REPO,
    ref: sha,
  });
  expect(commit.data.commit.verification).toEqual(git.data.verification);
  return git.data.verification;
};

const main = () => branchHead(world.people["owner"]!.octokit, "main");

describe("commit authors", () => {
  test(
    "Co-authored-by trailers of the message's last paragraph are authors after the git author, linked to users by email",
    async () => {
      const sha = await createCommit(world.people["dave"]!.octokit, {
        parent: await main(),
        message:
          "Pair on checkout\n\nCo-authored-by: not a trailer <mallory@example.com>\nmore text\n\n" +
          "Co-authored-by: Alice <alice@example.com>\nco-authored-by: Someone <someone@nowhere.test>",
      });
      const { authors } = await commitOf(sha);
      expect(authors.totalCount).toBe(3);
      expect(authors.nodes.map((a) => [a.email, a.user?.login ?? null])).toEqual([
        ["dave@example.com", "dave"],
        ["alice@example.com", "alice"],
        ["someone@nowhere.test", null],
      ]);
    },
    T,
  );
});

describe("commit signatures", () => {
  test(
    "unsigned: REST says unsigned and GraphQL has no signature",
    async () => {
      const sha = await createCommit(world.people["dave"]!.octokit, {
        parent: await main(),
        message: "Plain",
      });
      expect(await restVerification(sha)).toEqual({
        verified: false,
        reason: "unsigned",
        signature: null,
        payload: null,
        verified_at: null,
      });
      expect((await commitOf(sha)).signature).toBeNull();
    },
    T,
  );

  test(
    "signed with a key no account registered: unknown_key, not valid, whoever the email names",
    async () => {
      const signature = signatureOf("a stranger");
      const sha = await createCommit(world.people["mallory"]!.octokit, {
        parent: await main(),
        message: "Signed by someone",
        author: { name: "Alice", email: "alice@example.com" },
        committer: { name: "Alice", email: "alice@example.com" },
        signature,
      });
      const verification = await restVerification(sha);
      expect(verification).toMatchObject({
        verified: false,
        reason: "unknown_key",
        signature,
        verified_at: null,
      });
      expect(verification.payload).toContain("committer Alice <alice@example.com>");
      expect(verification.payload).not.toContain("PGP SIGNATURE");
      // GraphQL's signer is the account of the email, valid or not: only isValid says it proves anything.
      expect((await commitOf(sha)).signature).toEqual({
        isValid: false,
        state: "UNKNOWN_KEY",
        email: "alice@example.com",
        wasSignedByGitHub: false,
        signer: { login: "alice" },
      });
    },
    T,
  );

  test(
    "a registered key verifies only with its owner's committer email: valid, else bad_email",
    async () => {
      const signature = signatureOf("mallory");
      await world.sandbox.client.registerSigningKey("mallory", signature);
      const mallory = world.people["mallory"]!.octokit;
      const own = await createCommit(mallory, {
        parent: await main(),
        message: "Mine",
        author: { name: "Alice", email: "alice@example.com" },
        committer: { name: "Mallory", email: "mallory@example.com" },
        signature,
      });
      expect(await restVerification(own)).toMatchObject({ verified: true, reason: "valid", signature });
      expect((await commitOf(own)).signature).toMatchObject({
        isValid: true,
        state: "VALID",
        signer: { login: "mallory" },
      });

      const posing = await createCommit(mallory, {
        parent: await main(),
        message: "As alice",
        committer: { name: "Alice", email: "alice@example.com" },
        signature,
      });
      expect(await restVerification(posing)).toMatchObject({ verified: false, reason: "bad_email" });
      expect((await commitOf(posing)).signature).toMatchObject({ isValid: false, state: "BAD_EMAIL" });
    },
    T,
  );
});

describe("the pull request timeline", () => {
  const PUSHES = `query($owner: String!, $name: String!, $number: Int!) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: $number) {
        timelineItems(last: 10, itemTypes: [HEAD_REF_FORCE_PUSHED_EVENT]) {
          totalCount
          nodes { __typename ... on HeadRefForcePushedEvent { actor { login } beforeCommit { oid } afterCommit { oid } } }
        }
      }
    }
  }`;

  test(
    "a force-push of the head branch is an event naming the token's user; a fast-forward push is none",
    async () => {
      const pr = await openPullRequest(world, "dave", { branch: "timeline", title: "T", body: "b" });
      const alice = world.people["alice"]!.octokit;
      const forward = await createCommit(alice, { parent: pr.head, message: "On top" });
      expect(await moveBranch(alice, "timeline", forward)).toBe(200);
      const replaced = await createCommit(alice, {
        parent: await main(),
        message: "Instead",
        author: { name: "Dave", email: "dave@example.com" },
      });
      // Without force GitHub refuses to drop commits; with it, anyone with write access may.
      await expect(moveBranch(alice, "timeline", replaced)).rejects.toMatchObject({ status: 422 });
      expect(await moveBranch(alice, "timeline", replaced, true)).toBe(200);

      const data = await graphql<{
        repository: {
          pullRequest: {
            timelineItems: {
              totalCount: number;
              nodes: {
                __typename: string;
                actor: { login: string };
                beforeCommit: { oid: string };
                afterCommit: { oid: string };
              }[];
            };
          };
        };
      }>(PUSHES, { owner: ORG, name: REPO, number: pr.number });
      expect(data.repository.pullRequest.timelineItems).toEqual({
        totalCount: 1,
        nodes: [
          {
            __typename: "HeadRefForcePushedEvent",
            actor: { login: "alice" },
            beforeCommit: { oid: forward },
            afterCommit: { oid: replaced },
          },
        ],
      });
    },
    T,
  );
});
