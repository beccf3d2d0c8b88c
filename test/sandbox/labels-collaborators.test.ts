import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { responseErrors } from "../../sandbox/contracts/validate.js";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { githubRoute } from "../../sandbox/unmodelled.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

type J = Record<string, unknown>;

describe("labels, reactions, collaborators and invitations, and the API root, as GitHub documents them", () => {
  let sb: Sandbox;
  let owner: { token: string };
  let writer: { token: string };
  let guest: { token: string };

  /** Calls the sandbox and checks the answer against the operation's contract in GitHub's description. */
  const call = async (
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; headers: Headers }> => {
    const res = await fetch(`${sb.apiUrl}${path}`, {
      method,
      headers: token ? { authorization: `token ${token}` } : {},
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    const route = githubRoute(method, path.split("?")[0] ?? path);
    if (res.status < 400 && route)
      expect({ route, errors: responseErrors(`${method} ${route}`, res.status, parsed) }).toEqual({
        route,
        errors: [],
      });
    return { status: res.status, body: parsed, headers: res.headers };
  };

  beforeAll(async () => {
    sb = await startSandbox({ strict: true });
    owner = await sb.client.createUser("maintainer");
    writer = await sb.client.createUser("writer");
    guest = await sb.client.createUser("guest");
    await sb.client.createRepo(owner.token, "svc");
    const invited = await call("PUT", "/repos/maintainer/svc/collaborators/writer", owner.token, {
      permission: "push",
    });
    await call("PATCH", `/user/repository_invitations/${String((invited.body as J)["id"])}`, writer.token);
  }, PROCESS_TEST_MS);
  afterAll(async () => {
    await sb.close();
  });

  test("a new repository has GitHub's nine default labels, with GitHub's colours and descriptions", async () => {
    await sb.client.createRepo(owner.token, "fresh");
    const res = await call("GET", "/repos/maintainer/fresh/labels", owner.token);
    const labels = (res.body as J[]).map((l) => [l["name"], l["color"], l["description"], l["default"]]);
    expect(labels).toEqual([
      ["bug", "d73a4a", "Something isn't working", true],
      ["documentation", "0075ca", "Improvements or additions to documentation", true],
      ["duplicate", "cfd3d7", "This issue or pull request already exists", true],
      ["enhancement", "a2eeef", "New feature or request", true],
      ["good first issue", "7057ff", "Good for newcomers", true],
      ["help wanted", "008672", "Extra attention is needed", true],
      ["invalid", "e4e669", "This doesn't seem right", true],
      ["question", "d876e3", "Further information is requested", true],
      ["wontfix", "ffffff", "This will not be worked on", true],
    ]);
  });

  test("label CRUD: get by any case, rename carries the label's issues, a taken name is refused, delete", async () => {
    const created = await call("POST", "/repos/maintainer/svc/labels", writer.token, {
      name: "Deploy-Me",
      color: "#b60205",
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`${sb.apiUrl}/repos/maintainer/svc/labels/Deploy-Me`);
    const got = await call("GET", "/repos/maintainer/svc/labels/deploy-me", writer.token);
    expect(got.status).toBe(200);
    expect((got.body as J)["color"]).toBe("b60205");

    const issue = await call("POST", "/repos/maintainer/svc/issues", writer.token, { title: "Ship it" });
    const n = (issue.body as J)["number"] as number;
    expect(issue.headers.get("location")).toBe(`${sb.apiUrl}/repos/maintainer/svc/issues/${n}`);
    await call("POST", `/repos/maintainer/svc/issues/${n}/labels`, writer.token, { labels: ["Deploy-Me"] });

    const taken = await call("PATCH", "/repos/maintainer/svc/labels/Deploy-Me", writer.token, {
      new_name: "BUG",
    });
    expect(taken.status).toBe(422);
    expect((taken.body as J)["errors"]).toEqual([
      { resource: "Label", code: "already_exists", field: "name" },
    ]);

    const renamed = await call("PATCH", "/repos/maintainer/svc/labels/Deploy-Me", writer.token, {
      new_name: "deploy",
      description: "Ready to deploy",
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "deploy", color: "b60205", description: "Ready to deploy" });
    expect((await call("GET", "/repos/maintainer/svc/labels/Deploy-Me", writer.token)).status).toBe(404);
    const onIssue = await call("GET", `/repos/maintainer/svc/issues/${n}/labels`, writer.token);
    expect((onIssue.body as J[]).map((l) => l["name"])).toEqual(["deploy"]);

    expect((await call("DELETE", "/repos/maintainer/svc/labels/deploy", writer.token)).status).toBe(204);
    expect((await call("GET", "/repos/maintainer/svc/labels/deploy", writer.token)).status).toBe(404);
    const after = await call("GET", `/repos/maintainer/svc/issues/${n}`, writer.token);
    expect((after.body as J)["labels"]).toEqual([]);
  });

  test("a reader cannot create, change or delete labels", async () => {
    expect((await call("POST", "/repos/maintainer/svc/labels", guest.token, { name: "x" })).status).toBe(403);
    expect(
      (await call("PATCH", "/repos/maintainer/svc/labels/bug", guest.token, { color: "000000" })).status,
    ).toBe(403);
    expect((await call("DELETE", "/repos/maintainer/svc/labels/bug", guest.token)).status).toBe(403);
    expect((await call("GET", "/repos/maintainer/svc/labels/bug", guest.token)).status).toBe(200);
  });

  test("set labels replaces an issue's labels (creating unknown ones); remove-all empties them", async () => {
    const issue = await call("POST", "/repos/maintainer/svc/issues", writer.token, { title: "Labels" });
    const n = (issue.body as J)["number"] as number;
    await call("POST", `/repos/maintainer/svc/issues/${n}/labels`, writer.token, { labels: ["bug"] });
    const set = await call("PUT", `/repos/maintainer/svc/issues/${n}/labels`, writer.token, {
      labels: ["question", "brand-new"],
    });
    expect(set.status).toBe(200);
    expect((set.body as J[]).map((l) => l["name"])).toEqual(["question", "brand-new"]);
    const fresh = await call("GET", "/repos/maintainer/svc/labels/brand-new", writer.token);
    expect(fresh.body).toMatchObject({ color: "ededed", description: null, default: false });
    expect((await call("DELETE", `/repos/maintainer/svc/issues/${n}/labels`, writer.token)).status).toBe(204);
    const none = await call("GET", `/repos/maintainer/svc/issues/${n}/labels`, writer.token);
    expect(none.body).toEqual([]);
  });

  test("a reaction is deleted only by its creator", async () => {
    const issue = await call("POST", "/repos/maintainer/svc/issues", writer.token, { title: "Reactions" });
    const n = (issue.body as J)["number"] as number;
    const comment = await call("POST", `/repos/maintainer/svc/issues/${n}/comments`, writer.token, {
      body: "/approve",
    });
    const cid = (comment.body as J)["id"] as number;
    const base = `/repos/maintainer/svc/issues/comments/${cid}/reactions`;
    const mine = await call("POST", base, writer.token, { content: "+1" });
    expect(mine.status).toBe(201);
    const rid = (mine.body as J)["id"] as number;
    // Another writer (the owner) cannot remove it: to them it is not there to delete.
    expect((await call("DELETE", `${base}/${rid}`, owner.token)).status).toBe(404);
    expect(((await call("GET", base, writer.token)).body as J[]).map((r) => r["id"])).toEqual([rid]);
    expect((await call("DELETE", `${base}/${rid}`, writer.token)).status).toBe(204);
    expect((await call("GET", base, writer.token)).body).toEqual([]);
    expect((await call("DELETE", `${base}/${rid}`, writer.token)).status).toBe(404);
  });

  test("collaborators: an outsider is invited, not added; the invitee accepts or declines; the admin lists, removes", async () => {
    await sb.client.createRepo(owner.token, "team");
    const invite = await call("PUT", "/repos/maintainer/team/collaborators/guest", owner.token, {
      permission: "push",
    });
    expect(invite.status).toBe(201);
    const id = (invite.body as J)["id"] as number;
    expect((invite.body as J)["permissions"]).toBe("write");
    // GitHub documents no Location on an invitation.
    expect(invite.headers.get("location")).toBeNull();
    // An invitation is not access.
    expect((await call("GET", "/repos/maintainer/team/collaborators/guest", owner.token)).status).toBe(404);
    const pending = await call("GET", "/repos/maintainer/team/invitations", owner.token);
    expect((pending.body as J[]).map((i) => i["id"])).toEqual([id]);
    // Only an admin sees or changes the repository's invitations.
    expect((await call("GET", "/repos/maintainer/team/invitations", guest.token)).status).toBe(403);
    const mine = await call("GET", "/user/repository_invitations", guest.token);
    expect((mine.body as J[]).map((i) => i["id"])).toEqual([id]);
    expect((await call("GET", "/user/repository_invitations", writer.token)).body).toEqual([]);
    // Someone else cannot accept or decline it.
    expect((await call("PATCH", `/user/repository_invitations/${id}`, writer.token)).status).toBe(404);
    expect((await call("DELETE", `/user/repository_invitations/${id}`, writer.token)).status).toBe(404);

    expect((await call("DELETE", `/user/repository_invitations/${id}`, guest.token)).status).toBe(204);
    expect((await call("GET", "/repos/maintainer/team/invitations", owner.token)).body).toEqual([]);
    expect((await call("GET", "/repos/maintainer/team/collaborators/guest", owner.token)).status).toBe(404);

    const again = await call("PUT", "/repos/maintainer/team/collaborators/guest", owner.token, {
      permission: "pull",
    });
    const id2 = (again.body as J)["id"] as number;
    const updated = await call("PATCH", `/repos/maintainer/team/invitations/${id2}`, owner.token, {
      permissions: "triage",
    });
    expect((updated.body as J)["permissions"]).toBe("triage");
    expect((await call("PATCH", `/user/repository_invitations/${id2}`, guest.token)).status).toBe(204);
    expect((await call("GET", "/repos/maintainer/team/collaborators/guest", owner.token)).status).toBe(204);
    const list = await call("GET", "/repos/maintainer/team/collaborators", owner.token);
    expect((list.body as J[]).map((c) => [c["login"], c["role_name"]])).toEqual([
      ["maintainer", "admin"],
      ["guest", "triage"],
    ]);
    // A triager cannot list collaborators (GitHub: write, maintain or admin).
    expect((await call("GET", "/repos/maintainer/team/collaborators", guest.token)).status).toBe(403);

    expect((await call("DELETE", "/repos/maintainer/team/collaborators/guest", owner.token)).status).toBe(
      204,
    );
    expect((await call("GET", "/repos/maintainer/team/collaborators/guest", owner.token)).status).toBe(404);
  });

  test("an admin deletes a pending invitation; the invitee can no longer accept it", async () => {
    await sb.client.createRepo(owner.token, "revoked");
    const invite = await call("PUT", "/repos/maintainer/revoked/collaborators/writer", owner.token, {
      permission: "admin",
    });
    const id = (invite.body as J)["id"] as number;
    expect((await call("DELETE", `/repos/maintainer/revoked/invitations/${id}`, owner.token)).status).toBe(
      204,
    );
    expect((await call("PATCH", `/user/repository_invitations/${id}`, writer.token)).status).toBe(404);
    expect((await call("GET", "/repos/maintainer/revoked/collaborators/writer", owner.token)).status).toBe(
      404,
    );
  });

  test("GET / is the API root, answered without authentication", async () => {
    const res = await call("GET", "/", null);
    expect(res.status).toBe(200);
    expect((res.body as J)["repository_url"]).toBe(`${sb.apiUrl}/repos/{owner}/{repo}`);
    expect((res.body as J)["rate_limit_url"]).toBe(`${sb.apiUrl}/rate_limit`);
  });
});
