/**
 * The root `node(id:)` field: a comment by the global id its webhook payload carries, with whether the
 * caller reacted to it; an id naming nothing does not resolve, with GitHub's error. The App's command
 * query, which reads it, is valid against GitHub's published schema.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { validate } from "@octokit/graphql-schema";
import { COMMAND_QUERY } from "../../src/github/pull-facts.js";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const REACTED = `
query Reacted($id: ID!) {
  node(id: $id) { __typename ... on Reactable { reactionGroups { content viewerHasReacted } } }
}`;

let sb: Sandbox;
let dev: { token: string };
let rev: { token: string };
let commentNodeId: string;

async function gql(query: string, variables: Record<string, unknown>, token: string) {
  const res = await fetch(sb.graphqlUrl, {
    method: "POST",
    headers: { authorization: `bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    data?: {
      node: { __typename: string; reactionGroups: { content: string; viewerHasReacted: boolean }[] } | null;
    };
    errors?: { message: string; type?: string }[];
  };
}

beforeAll(async () => {
  sb = await startSandbox();
  dev = await sb.client.createUser("dev");
  rev = await sb.client.createUser("rev");
  await sb.client.createRepo(dev.token, "shop");
  await sb.client.rest("POST", "/repos/dev/shop/issues", { title: "An issue" }, dev.token);
  const comment = await sb.client.rest<{ id: number; node_id: string }>(
    "POST",
    "/repos/dev/shop/issues/1/comments",
    { body: "/approve production" },
    rev.token,
  );
  commentNodeId = comment.node_id;
  await sb.client.rest(
    "POST",
    `/repos/dev/shop/issues/comments/${comment.id}/reactions`,
    { content: "+1" },
    dev.token,
  );
}, PROCESS_TEST_MS);
afterAll(() => sb.close());

test("the App's command query is valid against GitHub's published schema", () => {
  expect(validate(COMMAND_QUERY)).toEqual([]);
  expect(validate(REACTED)).toEqual([]);
});

test("a comment by its payload's node id says whether the caller reacted to it", async () => {
  const byReactor = await gql(REACTED, { id: commentNodeId }, dev.token);
  expect(byReactor.errors).toBeUndefined();
  expect(byReactor.data!.node!.__typename).toBe("IssueComment");
  const reacted = (answer: typeof byReactor) =>
    answer.data!.node!.reactionGroups.filter((g) => g.viewerHasReacted).map((g) => g.content);
  expect(reacted(byReactor)).toEqual(["THUMBS_UP"]);
  // Its author did not react: the same comment, read by them, shows none of theirs.
  expect(reacted(await gql(REACTED, { id: commentNodeId }, rev.token))).toEqual([]);
});

test("an id that names nothing does not resolve, as on GitHub", async () => {
  const missing = Buffer.from("012:IssueComment999999").toString("base64");
  const answer = await gql(REACTED, { id: missing }, dev.token);
  expect(answer.data?.node ?? null).toBeNull();
  expect(answer.errors).toEqual([
    expect.objectContaining({
      type: "NOT_FOUND",
      message: `Could not resolve to a node with the global id of '${missing}'`,
    }),
  ]);
});
