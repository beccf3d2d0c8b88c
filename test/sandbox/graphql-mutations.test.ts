/**
 * The GraphQL mutations the sandbox models, as GitHub's schema has them: createRef, updateRef, deleteRef,
 * updateRefs, addComment (announcing issue_comment.created as REST does) and addReaction / removeReaction,
 * each with GitHub's permission checks and error shapes (`type` FORBIDDEN / NOT_FOUND / UNPROCESSABLE).
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { receiver } from "./helpers.js";
import { appJwt } from "../../sandbox/seed/index.js";

type J = Record<string, unknown>;
interface Answer {
  data?: Record<string, J | null> | null;
  errors?: { type?: string; message: string; path?: string[] }[];
}

let sb: Sandbox;
let hook: Awaited<ReturnType<typeof receiver>>;
let dev: { token: string };
let stranger: { login: string; token: string };
let inst = "";
let readOnly = "";
let repoId = "";
let mainSha = "";
const REPO = "dev/svc";

async function gql(query: string, variables: J, token: string): Promise<Answer> {
  const res = await fetch(sb.graphqlUrl, {
    method: "POST",
    headers: { authorization: `bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}

const rest = <T = J>(method: string, path: string, body?: unknown, token = dev.token): Promise<T> =>
  sb.client.rest<T>(method, path, body, token);

async function refSha(name: string): Promise<string | null> {
  const res = await fetch(`${sb.apiUrl}/repos/${REPO}/git/ref/${name}`, {
    headers: { authorization: `token ${dev.token}` },
  });
  return res.status === 200 ? ((await res.json()) as { object: { sha: string } }).object.sha : null;
}

async function tokenFor(
  installationId: number,
  app: Parameters<typeof appJwt>[0],
  body?: J,
): Promise<string> {
  const res = await fetch(`${sb.apiUrl}/app/installations/${installationId}/access_tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${appJwt(app)}` },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return ((await res.json()) as { token: string }).token;
}

const CREATE_REF = `mutation($repo: ID!, $name: String!, $oid: GitObjectID!) {
  createRef(input: { repositoryId: $repo, name: $name, oid: $oid, clientMutationId: "c1" }) {
    clientMutationId
    ref { id name prefix target { oid } }
  }
}`;

/** A new branch through createRef; its Ref id. */
async function createBranch(name: string, oid = mainSha): Promise<string> {
  const res = await gql(CREATE_REF, { repo: repoId, name: `refs/heads/${name}`, oid }, dev.token);
  expect(res.errors).toBeUndefined();
  return String((res.data?.["createRef"]?.["ref"] as J)["id"]);
}

/** A commit on a branch through the contents API. */
const commitOn = async (branch: string, file: string): Promise<string> =>
  (await sb.client.putFile(dev.token, REPO, file, `${file}\n`, { branch })).commit.sha;

beforeAll(async () => {
  sb = await startSandbox({ strict: true });
  hook = await receiver();
  dev = await sb.client.createUser("dev");
  stranger = await sb.client.createUser("stranger");
  await sb.client.createRepo(dev.token, "svc");
  const app = await sb.client.registerApp({
    name: "Commenter",
    webhook_url: hook.url,
    permissions: { contents: "write", issues: "write", pull_requests: "write" },
    events: ["issue_comment"],
  });
  const installation = await sb.client.installApp(app.id, "dev");
  inst = await tokenFor(installation.id, app);
  readOnly = await tokenFor(installation.id, app, {
    permissions: { contents: "read", issues: "read", pull_requests: "read" },
  });
  const repo = await gql(
    `query { repository(owner: "dev", name: "svc") { id defaultBranchRef { target { oid } } } }`,
    {},
    dev.token,
  );
  repoId = String(repo.data?.["repository"]?.["id"]);
  mainSha = String(((repo.data?.["repository"]?.["defaultBranchRef"] as J)["target"] as J)["oid"]);
}, PROCESS_TEST_MS);

afterAll(async () => {
  await sb.close();
  await hook.close();
});

describe("refs", () => {
  test(
    "createRef makes a branch that REST sees, and refuses what GitHub refuses",
    async () => {
      const made = await gql(CREATE_REF, { repo: repoId, name: "refs/heads/made", oid: mainSha }, dev.token);
      expect(made).toEqual({
        data: {
          createRef: {
            clientMutationId: "c1",
            ref: { id: expect.any(String), name: "made", prefix: "refs/heads/", target: { oid: mainSha } },
          },
        },
      });
      expect(await refSha("heads/made")).toBe(mainSha);
      const tag = await gql(CREATE_REF, { repo: repoId, name: "refs/tags/v1", oid: mainSha }, inst);
      expect(tag.data?.["createRef"]?.["ref"]).toMatchObject({ name: "v1", prefix: "refs/tags/" });

      const again = await gql(CREATE_REF, { repo: repoId, name: "refs/heads/made", oid: mainSha }, dev.token);
      expect(again.errors?.[0]).toMatchObject({ type: "UNPROCESSABLE", path: ["createRef"] });
      expect(again.data).toEqual({ createRef: null });
      const bad = await gql(CREATE_REF, { repo: repoId, name: "heads/x", oid: mainSha }, dev.token);
      expect(bad.errors?.[0]?.type).toBe("UNPROCESSABLE");
      const noObject = await gql(
        CREATE_REF,
        { repo: repoId, name: "refs/heads/y", oid: "1".repeat(40) },
        dev.token,
      );
      expect(noObject.errors?.[0]?.type).toBe("UNPROCESSABLE");
      expect(await refSha("heads/y")).toBeNull();
    },
    PROCESS_TEST_MS,
  );

  test(
    "who may not write refs gets GitHub's FORBIDDEN, an unknown id NOT_FOUND, and nothing changes",
    async () => {
      const asStranger = await gql(
        CREATE_REF,
        { repo: repoId, name: "refs/heads/s", oid: mainSha },
        stranger.token,
      );
      expect(asStranger.errors?.[0]).toMatchObject({
        type: "FORBIDDEN",
        message: "stranger does not have the correct permissions to execute `CreateRef`",
      });
      const asReader = await gql(CREATE_REF, { repo: repoId, name: "refs/heads/r", oid: mainSha }, readOnly);
      expect(asReader.errors?.[0]).toMatchObject({
        type: "FORBIDDEN",
        message: "Resource not accessible by integration",
      });
      const unknown = await gql(
        CREATE_REF,
        { repo: "R_nope", name: "refs/heads/u", oid: mainSha },
        dev.token,
      );
      expect(unknown.errors?.[0]).toMatchObject({
        type: "NOT_FOUND",
        message: "Could not resolve to a node with the global id of 'R_nope'",
      });
      for (const b of ["s", "r", "u"]) expect(await refSha(`heads/${b}`)).toBeNull();
    },
    PROCESS_TEST_MS,
  );

  test(
    "updateRef fast-forwards, needs force otherwise; deleteRef deletes but not the default branch",
    async () => {
      const id = await createBranch("moving");
      const ahead = await commitOn("moving", "one.txt");
      const UPDATE = `mutation($id: ID!, $oid: GitObjectID!, $force: Boolean) {
        updateRef(input: { refId: $id, oid: $oid, force: $force }) { ref { target { oid } } }
      }`;
      // back to main is not a fast forward
      const back = await gql(UPDATE, { id, oid: mainSha }, dev.token);
      expect(back.errors?.[0]?.type).toBe("UNPROCESSABLE");
      expect(await refSha("heads/moving")).toBe(ahead);
      const forced = await gql(UPDATE, { id, oid: mainSha, force: true }, dev.token);
      expect(forced.data?.["updateRef"]).toEqual({ ref: { target: { oid: mainSha } } });
      expect((await gql(UPDATE, { id, oid: ahead }, dev.token)).errors).toBeUndefined();
      expect(await refSha("heads/moving")).toBe(ahead);
      const asReader = await gql(UPDATE, { id, oid: mainSha, force: true }, readOnly);
      expect(asReader.errors?.[0]?.type).toBe("FORBIDDEN");

      const DELETE = `mutation($id: ID!) { deleteRef(input: { refId: $id }) { clientMutationId } }`;
      expect(await gql(DELETE, { id }, dev.token)).toEqual({
        data: { deleteRef: { clientMutationId: null } },
      });
      expect(await refSha("heads/moving")).toBeNull();
      const gone = await gql(DELETE, { id }, dev.token);
      expect(gone.errors?.[0]?.type).toBe("NOT_FOUND");
      const main = await gql(
        `query { repository(owner: "dev", name: "svc") { defaultBranchRef { id } } }`,
        {},
        dev.token,
      );
      const mainId = String((main.data?.["repository"]?.["defaultBranchRef"] as J)["id"]);
      expect((await gql(DELETE, { id: mainId }, dev.token)).errors?.[0]?.type).toBe("UNPROCESSABLE");
      expect(await refSha("heads/main")).not.toBeNull();
    },
    PROCESS_TEST_MS,
  );

  test(
    "updateRefs applies every update or none",
    async () => {
      await createBranch("batch-a");
      const tip = await commitOn("batch-a", "batch.txt");
      const UPDATE_REFS = `mutation($repo: ID!, $updates: [RefUpdate!]!) {
        updateRefs(input: { repositoryId: $repo, refUpdates: $updates }) { clientMutationId }
      }`;
      const refused = await gql(
        UPDATE_REFS,
        {
          repo: repoId,
          updates: [
            { name: "refs/heads/batch-b", afterOid: tip, beforeOid: "0".repeat(40) },
            // not a fast forward and not forced: the whole batch is refused
            { name: "refs/heads/batch-a", afterOid: mainSha },
          ],
        },
        dev.token,
      );
      expect(refused.errors?.[0]?.type).toBe("UNPROCESSABLE");
      expect(await refSha("heads/batch-b")).toBeNull();
      expect(await refSha("heads/batch-a")).toBe(tip);
      const applied = await gql(
        UPDATE_REFS,
        {
          repo: repoId,
          updates: [
            { name: "refs/heads/batch-b", afterOid: tip, beforeOid: "0".repeat(40) },
            { name: "refs/heads/batch-a", afterOid: "0".repeat(40) },
          ],
        },
        dev.token,
      );
      expect(applied).toEqual({ data: { updateRefs: { clientMutationId: null } } });
      expect(await refSha("heads/batch-b")).toBe(tip);
      expect(await refSha("heads/batch-a")).toBeNull();
    },
    PROCESS_TEST_MS,
  );
});

describe("comments and reactions", () => {
  const ADD_COMMENT = `mutation($subject: ID!, $body: String!) {
    addComment(input: { subjectId: $subject, body: $body }) {
      commentEdge { node { id databaseId body author { login } } }
      subject { id }
    }
  }`;

  async function openPull(branch: string): Promise<{ number: number; node_id: string }> {
    await createBranch(branch);
    await commitOn(branch, `${branch}.txt`);
    return rest("POST", `/repos/${REPO}/pulls`, { title: branch, head: branch, base: "main" });
  }

  test(
    "addComment on a pull request announces the same issue_comment.created as REST's create-comment",
    async () => {
      const pr = await openPull("commented");
      await rest("POST", `/repos/${REPO}/issues/${pr.number}/comments`, { body: "by REST" }, inst);
      const added = await gql(ADD_COMMENT, { subject: pr.node_id, body: "by GraphQL" }, inst);
      expect(added.errors).toBeUndefined();
      const edge = (added.data?.["addComment"]?.["commentEdge"] as J)["node"] as J;
      expect(edge).toMatchObject({ body: "by GraphQL", author: { login: "commenter" } });
      expect(added.data?.["addComment"]?.["subject"]).toEqual({ id: pr.node_id });

      const listed = await rest<{ id: number; body: string }[]>(
        "GET",
        `/repos/${REPO}/issues/${pr.number}/comments`,
      );
      expect(listed.map((c) => c.body)).toEqual(["by REST", "by GraphQL"]);
      expect(listed[1]?.id).toBe(edge["databaseId"]);

      await sb.idle();
      const deliveries = (await sb.client.deliveries("issue_comment.created")).filter(
        (d) => ((d.request.payload as J)["issue"] as J)["number"] === pr.number,
      );
      const bodies = deliveries.map((d) => ((d.request.payload as J)["comment"] as J)["body"]);
      expect(bodies.sort()).toEqual(["by GraphQL", "by REST"]);
      const [a, b] = deliveries.map((d) => Object.keys(d.request.payload as J).sort());
      expect(a).toEqual(b);
    },
    PROCESS_TEST_MS,
  );

  test(
    "addComment is refused to a token that may only read issues, and on an unknown subject",
    async () => {
      const pr = await openPull("read-only-comment");
      const refused = await gql(ADD_COMMENT, { subject: pr.node_id, body: "no" }, readOnly);
      expect(refused.errors?.[0]).toMatchObject({
        type: "FORBIDDEN",
        message: "Resource not accessible by integration",
      });
      const unknown = await gql(ADD_COMMENT, { subject: "PR_nope", body: "no" }, dev.token);
      expect(unknown.errors?.[0]?.type).toBe("NOT_FOUND");
      expect(await rest<unknown[]>("GET", `/repos/${REPO}/issues/${pr.number}/comments`)).toEqual([]);
    },
    PROCESS_TEST_MS,
  );

  test(
    "addReaction and removeReaction on a comment, seen through REST; reactions on other subjects are not modelled",
    async () => {
      const pr = await openPull("reacted");
      const comment = await rest<{ id: number; node_id: string }>(
        "POST",
        `/repos/${REPO}/issues/${pr.number}/comments`,
        { body: "react to me" },
      );
      const REACT = (m: string): string => `mutation($subject: ID!, $content: ReactionContent!) {
        ${m}(input: { subjectId: $subject, content: $content }) {
          reaction { content user { login } }
          subject { id }
          reactionGroups { content viewerHasReacted }
        }
      }`;
      const added = await gql(
        REACT("addReaction"),
        { subject: comment.node_id, content: "THUMBS_UP" },
        dev.token,
      );
      expect(added.errors).toBeUndefined();
      expect(added.data?.["addReaction"]).toMatchObject({
        reaction: { content: "THUMBS_UP", user: { login: "dev" } },
        subject: { id: comment.node_id },
      });
      const groups = added.data?.["addReaction"]?.["reactionGroups"] as {
        content: string;
        viewerHasReacted: boolean;
      }[];
      expect(groups.find((g) => g.content === "THUMBS_UP")?.viewerHasReacted).toBe(true);
      const listed = async (): Promise<string[]> =>
        (
          await rest<{ content: string }[]>("GET", `/repos/${REPO}/issues/comments/${comment.id}/reactions`)
        ).map((r) => r.content);
      expect(await listed()).toEqual(["+1"]);

      const asReader = await gql(
        REACT("addReaction"),
        { subject: comment.node_id, content: "HEART" },
        readOnly,
      );
      expect(asReader.errors?.[0]?.type).toBe("FORBIDDEN");
      expect(await listed()).toEqual(["+1"]);

      const removed = await gql(
        REACT("removeReaction"),
        { subject: comment.node_id, content: "THUMBS_UP" },
        dev.token,
      );
      expect(removed.data?.["removeReaction"]).toMatchObject({ reaction: { content: "THUMBS_UP" } });
      expect(await listed()).toEqual([]);

      const onPull = await gql(REACT("addReaction"), { subject: pr.node_id, content: "HEART" }, dev.token);
      expect(onPull.errors?.[0]).toMatchObject({
        type: "NOT_MODELLED",
        message: "AddReaction on a PullRequest is not modelled by the sandbox",
      });
      expect(sb.unmodelled().map((h) => h.route)).toEqual(["AddReaction on a PullRequest"]);
      await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
    },
    PROCESS_TEST_MS,
  );

  test(
    "a mutation the sandbox does not model still answers its not-modelled error and changes nothing",
    async () => {
      const res = await gql(
        `mutation($repo: ID!) { createIssue(input: { repositoryId: $repo, title: "x" }) { issue { number } } }`,
        { repo: repoId },
        dev.token,
      );
      expect(res.errors?.[0]).toMatchObject({
        type: "NOT_MODELLED",
        message: "Mutation.createIssue is not modelled by the sandbox",
      });
      const issues = await rest<{ pull_request?: unknown }[]>("GET", `/repos/${REPO}/issues?state=all`);
      expect(issues.filter((i) => !i.pull_request)).toHaveLength(0);
      expect(sb.unmodelled().map((h) => h.route)).toEqual(["Mutation.createIssue"]);
      await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
    },
    PROCESS_TEST_MS,
  );
});
