/**
 * Never more lenient than GitHub (issue 15): what the sandbox does not model is loud, media types are
 * honoured, nullable fields are accepted, and answers carry no fields GitHub does not send.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

let sb: Sandbox;
let token: string;
const OWNER = "octo";
const REPO = "fidelity";

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const res = await fetch(`${sb.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `token ${token}`,
      accept: "application/vnd.github+json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

beforeAll(async () => {
  sb = await startSandbox({ strict: true, failOnUnmodelled: false });
  token = (await sb.client.createUser(OWNER)).token;
  await sb.client.createRepo(token, REPO, { auto_init: true });
}, PROCESS_TEST_MS);

afterAll(async () => {
  await sb.close();
});

describe("what the sandbox does not model is loud", () => {
  test("a GitHub route the sandbox does not model answers 501, naming it, and is counted", async () => {
    await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
    const res = await call("GET", `/repos/${OWNER}/${REPO}/releases`);
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({
      message: "GET /repos/{owner}/{repo}/releases is not modelled by the sandbox",
    });
    const counted = (await (await fetch(`${sb.url}/_sandbox/unmodelled`)).json()) as {
      count: number;
      hits: { kind: string; method: string; route: string; path: string }[];
    };
    expect(counted.count).toBe(1);
    expect(counted.hits[0]).toMatchObject({
      kind: "rest",
      method: "GET",
      route: "/repos/{owner}/{repo}/releases",
      path: `/repos/${OWNER}/${REPO}/releases`,
    });
    // at the root too, and for a route with slashes in a parameter
    expect((await fetch(`${sb.url}/repos/${OWNER}/${REPO}/releases/latest`)).status).toBe(501);
    expect((await call("DELETE", `/repos/${OWNER}/${REPO}/git/refs/heads/a/b`)).status).not.toBe(404);
    await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
  });

  test("a path that is no GitHub route keeps GitHub's 404 and is not counted", async () => {
    const res = await call("GET", `/repos/${OWNER}/${REPO}/no-such-thing`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ message: "Not Found" });
    expect((await call("POST", "/bogus/path")).status).toBe(404);
    expect(sb.unmodelled()).toHaveLength(0);
  });

  test("a missing resource on a modelled route is still 404", async () => {
    expect((await call("GET", `/repos/${OWNER}/${REPO}/pulls/999`)).status).toBe(404);
    expect(sb.unmodelled()).toHaveLength(0);
  });

  test("a GraphQL mutation or field the sandbox does not resolve is an error naming it", async () => {
    const gql = async (query: string): Promise<{ data?: unknown; errors?: { message: string }[] }> => {
      const res = await fetch(sb.graphqlUrl, {
        method: "POST",
        headers: { authorization: `bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: unknown; errors?: { message: string }[] };
    };
    await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
    const mutation = await gql(
      `mutation { updateRefs(input: { repositoryId: "R_x", refUpdates: [] }) { clientMutationId } }`,
    );
    expect(mutation.errors?.map((e) => e.message)).toContain(
      "Mutation.updateRefs is not modelled by the sandbox",
    );
    const field = await gql(`query { repository(owner: "${OWNER}", name: "${REPO}") { name forkCount } }`);
    expect(field.errors?.map((e) => e.message)).toContain(
      "Repository.forkCount is not modelled by the sandbox",
    );
    expect(sb.unmodelled().map((h) => `${h.kind} ${h.method} ${h.route}`)).toEqual([
      "graphql mutation Mutation.updateRefs",
      "graphql query Repository.forkCount",
    ]);
    await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
  });

  test("closing a sandbox fails when something reached what it does not model", async () => {
    const other = await startSandbox({ failOnUnmodelled: true });
    const user = await other.client.createUser("someone");
    const res = await fetch(`${other.apiUrl}/gists`, { headers: { authorization: `token ${user.token}` } });
    expect(res.status).toBe(501);
    await expect(other.close()).rejects.toThrow(/GET \/gists/);
  });
});
