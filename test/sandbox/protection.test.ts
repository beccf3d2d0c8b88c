import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { validate } from "@octokit/graphql-schema";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import type { RegisteredApp } from "../../sandbox/client.js";
import { appJwt } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const REPO = "owner/svc";

const MERGE_BOX = `
query MergeBox($owner: String!, $name: String!, $pr: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $pr) {
      mergeStateStatus
      reviewDecision
      commits(last: 1) { nodes { commit { statusCheckRollup { contexts(first: 20) { nodes {
        __typename
        ... on CheckRun { name checkSuite { app { databaseId } } isRequired(pullRequestNumber: $pr) }
        ... on StatusContext { context isRequired(pullRequestNumber: $pr) }
      } } } } } }
    }
  }
}`;

interface MergeBox {
  mergeStateStatus: string;
  reviewDecision: string | null;
  required: Record<string, boolean>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Branch protection and rulesets in the strict sandbox: what they require decides `isRequired`,
 * `mergeStateStatus`, `reviewDecision` and whether GitHub refuses a merge. Each test protects a base branch
 * of its own, so no test sees another's rules.
 */
describe("branch protection and rulesets", () => {
  let sb: Sandbox;
  let owner: string;
  let writer: string;
  let reader: string;
  let ci: RegisteredApp;
  let other: RegisteredApp;
  let ciToken: string;
  let otherToken: string;
  let adminReader: string;

  const call = async (method: string, path: string, token: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${sb.apiUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `token ${token}` } : {}),
        accept: "application/vnd.github+json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  const tokenFor = async (app: RegisteredApp, permissions?: Record<string, string>): Promise<string> => {
    const installation = await sb.client.installApp(app.id, "owner");
    const res = await fetch(`${sb.apiUrl}/app/installations/${installation.id}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${appJwt(app)}`, "content-type": "application/json" },
      body: JSON.stringify(permissions ? { permissions } : {}),
    });
    return ((await res.json()) as { token: string }).token;
  };

  /** A base branch of the test's own and a pull request into it from `author`, one file changed. */
  const openPull = async (
    base: string,
    author = writer,
  ): Promise<{ number: number; head: string; baseSha: string }> => {
    const baseSha = await sb.client.createBranch(owner, REPO, base, "main");
    await sb.client.createBranch(owner, REPO, `${base}-work`, base);
    const head = (
      await sb.client.putFile(owner, REPO, `${base}.txt`, `${base}\n`, { branch: `${base}-work` })
    ).commit.sha;
    const pr = await call("POST", `/repos/${REPO}/pulls`, author, {
      title: base,
      head: `${base}-work`,
      base,
    });
    expect(pr.status).toBe(201);
    return { number: pr.body["number"] as number, head, baseSha };
  };

  const protect = (branch: string, body: Record<string, unknown>): Promise<Answer> =>
    call("PUT", `/repos/${REPO}/branches/${branch}/protection`, owner, {
      required_status_checks: null,
      enforce_admins: true,
      required_pull_request_reviews: null,
      restrictions: null,
      ...body,
    });

  const checkRun = (token: string, sha: string, name: string, conclusion = "success"): Promise<Answer> =>
    call("POST", `/repos/${REPO}/check-runs`, token, {
      name,
      head_sha: sha,
      status: "completed",
      conclusion,
    });

  const mergeBox = async (pr: number): Promise<MergeBox> => {
    expect(validate(MERGE_BOX)).toEqual([]);
    const res = await fetch(sb.graphqlUrl, {
      method: "POST",
      headers: { authorization: `bearer ${owner}` },
      body: JSON.stringify({ query: MERGE_BOX, variables: { owner: "owner", name: "svc", pr } }),
    });
    const json = (await res.json()) as {
      data?: { repository: { pullRequest: Record<string, unknown> } };
      errors?: unknown;
    };
    expect(json.errors).toBeUndefined();
    const p = json.data?.repository.pullRequest ?? {};
    const commit = (
      p["commits"] as {
        nodes: { commit: { statusCheckRollup: { contexts: { nodes: Record<string, unknown>[] } } | null } }[];
      }
    ).nodes[0]?.commit;
    const required: Record<string, boolean> = {};
    for (const n of commit?.statusCheckRollup?.contexts.nodes ?? []) {
      const app = (n["checkSuite"] as { app: { databaseId: number } } | undefined)?.app.databaseId;
      const key =
        n["__typename"] === "CheckRun"
          ? `run ${String(n["name"])} from ${String(app)}`
          : `status ${String(n["context"])}`;
      required[key] = n["isRequired"] as boolean;
    }
    return {
      mergeStateStatus: p["mergeStateStatus"] as string,
      reviewDecision: p["reviewDecision"] as string | null,
      required,
    };
  };

  const merge = (pr: number, token = owner): Promise<Answer> =>
    call("PUT", `/repos/${REPO}/pulls/${pr}/merge`, token, { merge_method: "merge" });

  beforeAll(async () => {
    sb = await startSandbox({ strict: true });
    owner = (await sb.client.createUser("owner")).token;
    writer = (await sb.client.createUser("writer")).token;
    reader = (await sb.client.createUser("reader")).token;
    await sb.client.createRepo(owner, "svc");
    const invitation = await call("PUT", `/repos/${REPO}/collaborators/writer`, owner, {
      permission: "push",
    });
    await call("PATCH", `/user/repository_invitations/${String(invitation.body["id"])}`, writer);
    const perms = { checks: "write", statuses: "write", pull_requests: "read", contents: "read" } as const;
    ci = await sb.client.registerApp({ name: "CI", permissions: perms, events: [] });
    ciToken = await tokenFor(ci);
    other = await sb.client.registerApp({ name: "Other", permissions: perms, events: [] });
    otherToken = await tokenFor(other);
    adminReader = await tokenFor(
      await sb.client.registerApp({ name: "Auditor", permissions: { administration: "read" }, events: [] }),
    );
  }, PROCESS_TEST_MS);
  afterAll(() => sb.close());

  test("a missing required check blocks the merge: BLOCKED, isRequired true, 405 naming the check", async () => {
    const { number, head } = await openPull("base-missing");
    expect(
      (
        await protect("base-missing", {
          required_status_checks: {
            strict: false,
            contexts: [],
            checks: [{ context: "build", app_id: ci.id }],
          },
        })
      ).status,
    ).toBe(200);
    await call("POST", `/repos/${REPO}/statuses/${head}`, writer, { state: "success", context: "lint" });

    const blocked = await mergeBox(number);
    expect(blocked).toMatchObject({ mergeStateStatus: "BLOCKED", reviewDecision: null });
    expect(blocked.required["status lint"]).toBe(false);
    expect(await merge(number)).toMatchObject({
      status: 405,
      body: { message: 'Required status check "build" is expected.' },
    });

    await checkRun(ciToken, head, "build", "failure");
    expect(await merge(number)).toMatchObject({
      status: 405,
      body: { message: 'Required status check "build" is failing.' },
    });
    await checkRun(ciToken, head, "build");
    const clean = await mergeBox(number);
    expect(clean.mergeStateStatus).toBe("CLEAN");
    expect(clean.required[`run build from ${ci.id}`]).toBe(true);
    expect((await call("GET", `/repos/${REPO}/pulls/${number}`, owner)).body["mergeable_state"]).toBe(
      "clean",
    );
    expect((await merge(number)).status).toBe(200);
  });

  test("a check bound to its App is met only by that App's run; GitHub's auto-binding picks the last reporter", async () => {
    const { number, head, baseSha } = await openPull("base-bound");
    // `app_id` omitted: GitHub binds the check to the App that last reported a check of that name.
    await checkRun(ciToken, baseSha, "build");
    const put = await protect("base-bound", {
      required_status_checks: { strict: false, contexts: [], checks: [{ context: "build" }] },
    });
    expect(put.body["required_status_checks"]).toMatchObject({
      checks: [{ context: "build", app_id: ci.id }],
    });

    await checkRun(otherToken, head, "build");
    await call("POST", `/repos/${REPO}/statuses/${head}`, writer, { state: "success", context: "build" });
    const box = await mergeBox(number);
    expect(box.mergeStateStatus).toBe("BLOCKED");
    expect(Object.entries(box.required).filter(([, v]) => v)).toEqual([]);
    expect((await merge(number)).body["message"]).toBe('Required status check "build" is expected.');

    await checkRun(ciToken, head, "build");
    expect((await mergeBox(number)).required[`run build from ${ci.id}`]).toBe(true);
    expect((await merge(number)).status).toBe(200);
  });

  test("required reviews: null without protection, REVIEW_REQUIRED until a writer approves, then APPROVED", async () => {
    const open = await openPull("base-unprotected");
    await call("POST", `/repos/${REPO}/pulls/${open.number}/reviews`, owner, { event: "APPROVE" });
    expect((await mergeBox(open.number)).reviewDecision).toBeNull();

    const { number } = await openPull("base-reviews");
    const put = await protect("base-reviews", {
      required_pull_request_reviews: { required_approving_review_count: 1 },
    });
    expect(put.status).toBe(200);
    expect(await mergeBox(number)).toMatchObject({
      reviewDecision: "REVIEW_REQUIRED",
      mergeStateStatus: "BLOCKED",
    });

    // Anyone can review a public repository's pull request, but only reviewers with write access count.
    expect(
      (await call("POST", `/repos/${REPO}/pulls/${number}/reviews`, reader, { event: "APPROVE" })).status,
    ).toBe(200);
    expect((await mergeBox(number)).reviewDecision).toBe("REVIEW_REQUIRED");
    expect(await merge(number, writer)).toMatchObject({
      status: 405,
      body: { message: "At least 1 approving review is required by reviewers with write access." },
    });

    await call("POST", `/repos/${REPO}/pulls/${number}/reviews`, owner, { event: "APPROVE" });
    expect(await mergeBox(number)).toMatchObject({ reviewDecision: "APPROVED", mergeStateStatus: "CLEAN" });
    expect((await merge(number, writer)).status).toBe(200);
  });

  test("strict: a head behind its base is BEHIND and its merge is refused", async () => {
    const { number, head } = await openPull("base-strict");
    // Not enforced for administrators, so the owner can still push to the base branch directly.
    await protect("base-strict", {
      enforce_admins: false,
      required_status_checks: { strict: true, contexts: [], checks: [{ context: "build", app_id: ci.id }] },
    });
    await checkRun(ciToken, head, "build");
    expect((await mergeBox(number)).mergeStateStatus).toBe("CLEAN");

    await sb.client.putFile(owner, REPO, "elsewhere.txt", "moved on\n", { branch: "base-strict" });
    expect((await mergeBox(number)).mergeStateStatus).toBe("BEHIND");
    expect((await call("GET", `/repos/${REPO}/pulls/${number}`, owner)).body["mergeable_state"]).toBe(
      "behind",
    );
    expect(await merge(number, writer)).toMatchObject({
      status: 405,
      body: { message: "Head branch is out of date. Review and try the merge again." },
    });
  });

  test("a protected branch refuses direct pushes, force-pushes and deletion", async () => {
    const base = await sb.client.createBranch(owner, REPO, "base-push", "main");
    await protect("base-push", {
      required_status_checks: { strict: false, contexts: [], checks: [{ context: "build", app_id: ci.id }] },
    });
    const content = Buffer.from("x\n").toString("base64");
    expect(
      await call("PUT", `/repos/${REPO}/contents/direct.txt`, writer, {
        message: "direct",
        content,
        branch: "base-push",
      }),
    ).toMatchObject({ status: 409, body: { message: 'Required status check "build" is expected.' } });
    expect(await call("DELETE", `/repos/${REPO}/git/refs/heads/base-push`, owner)).toMatchObject({
      status: 422,
      body: { message: "Cannot delete this protected branch" },
    });
    // A commit that does not descend from the branch's tip: moving the branch there is a force-push.
    const tree = (
      (await call("GET", `/repos/${REPO}/git/commits/${base}`, owner)).body["tree"] as { sha: string }
    ).sha;
    const orphan = (
      await call("POST", `/repos/${REPO}/git/commits`, owner, { message: "orphan", tree, parents: [] })
    ).body["sha"];
    expect(
      await call("PATCH", `/repos/${REPO}/git/refs/heads/base-push`, owner, { sha: orphan, force: true }),
    ).toMatchObject({ status: 422, body: { message: "Cannot force-push to this branch" } });
    expect((await call("GET", `/repos/${REPO}/git/ref/heads/base-push`, owner)).body).toMatchObject({
      object: { sha: base },
    });
  });

  test("admins pass branch protection unless it is enforced for administrators", async () => {
    const { number } = await openPull("base-admins");
    await protect("base-admins", {
      enforce_admins: false,
      required_status_checks: { strict: false, contexts: [], checks: [{ context: "build", app_id: ci.id }] },
    });
    expect((await mergeBox(number)).mergeStateStatus).toBe("BLOCKED");
    expect((await merge(number, writer)).status).toBe(405);
    expect((await merge(number, owner)).status).toBe(200);
  });

  test("an active ruleset requiring a check behaves as protection does, and holds for admins too", async () => {
    const { number, head } = await openPull("base-ruleset");
    const rule = {
      type: "required_status_checks",
      parameters: {
        strict_required_status_checks_policy: false,
        required_status_checks: [{ context: "build", integration_id: ci.id }],
      },
    };
    const created = await call("POST", `/repos/${REPO}/rulesets`, owner, {
      name: "ship gate",
      enforcement: "active",
      conditions: { ref_name: { include: ["refs/heads/base-ruleset*"], exclude: [] } },
      rules: [rule],
    });
    expect(created.status).toBe(201);
    const rules = await call("GET", `/repos/${REPO}/rules/branches/base-ruleset`, reader);
    expect(rules.body).toEqual([
      {
        type: "required_status_checks",
        // GitHub answers with the parameter's default filled in.
        parameters: { ...rule.parameters, do_not_enforce_on_create: false },
        ruleset_source_type: "Repository",
        ruleset_source: REPO,
        ruleset_id: created.body["id"],
      },
    ]);

    const box = await mergeBox(number);
    expect(box.mergeStateStatus).toBe("BLOCKED");
    expect(await merge(number)).toMatchObject({
      status: 405,
      body: { message: 'Repository rule violations found\n\nRequired status check "build" is expected.\n\n' },
    });
    await checkRun(otherToken, head, "build");
    expect((await mergeBox(number)).required[`run build from ${other.id}`]).toBe(false);
    await checkRun(ciToken, head, "build");
    expect((await mergeBox(number)).required[`run build from ${ci.id}`]).toBe(true);

    // Disabled, the ruleset no longer applies: GitHub lists no rules for the branch.
    await call("PUT", `/repos/${REPO}/rulesets/${String(created.body["id"])}`, owner, {
      enforcement: "disabled",
    });
    expect((await call("GET", `/repos/${REPO}/rules/branches/base-ruleset`, reader)).body).toEqual([]);
    expect((await merge(number)).status).toBe(200);
  });

  test("a ruleset's pull_request rule requires approvals as protection does", async () => {
    const { number } = await openPull("base-rule-reviews");
    await call("POST", `/repos/${REPO}/rulesets`, owner, {
      name: "reviews",
      enforcement: "active",
      conditions: { ref_name: { include: ["refs/heads/base-rule-reviews"], exclude: [] } },
      rules: [
        {
          type: "pull_request",
          parameters: {
            required_approving_review_count: 1,
            dismiss_stale_reviews_on_push: false,
            require_code_owner_review: false,
            require_last_push_approval: false,
            required_review_thread_resolution: false,
          },
        },
      ],
    });
    expect((await mergeBox(number)).reviewDecision).toBe("REVIEW_REQUIRED");
    expect((await merge(number)).body["message"]).toBe(
      "Repository rule violations found\n\nAt least 1 approving review is required by reviewers with write access.\n\n",
    );
  });

  test("only administrators change protection and rulesets, in GitHub's words", async () => {
    await sb.client.createBranch(owner, REPO, "base-access", "main");
    const body = {
      required_status_checks: null,
      enforce_admins: true,
      required_pull_request_reviews: null,
      restrictions: null,
    };
    expect(await call("PUT", `/repos/${REPO}/branches/base-access/protection`, writer, body)).toMatchObject({
      status: 403,
      body: { message: "Must have admin rights to Repository." },
    });
    expect(
      await call("PUT", `/repos/${REPO}/branches/base-access/protection`, adminReader, body),
    ).toMatchObject({
      status: 403,
      body: { message: "Resource not accessible by integration" },
    });
    expect(
      (await call("POST", `/repos/${REPO}/rulesets`, writer, { name: "x", enforcement: "active" })).status,
    ).toBe(404);
    expect(await call("GET", `/repos/${REPO}/branches/base-access/protection`, owner)).toMatchObject({
      status: 404,
      body: { message: "Branch not protected" },
    });
    expect((await call("PUT", `/repos/${REPO}/branches/base-access/protection`, owner, body)).status).toBe(
      200,
    );
    expect((await call("GET", `/repos/${REPO}/branches/base-access/protection`, writer)).status).toBe(404);
    // Anyone who can read the branch sees that it is protected, not how.
    expect((await call("GET", `/repos/${REPO}/branches/base-access`, writer)).body).toMatchObject({
      protected: true,
      protection: { enabled: true, required_status_checks: { enforcement_level: "off" } },
    });
    expect((await call("GET", `/repos/${REPO}/branches/base-access/protection`, adminReader)).status).toBe(
      200,
    );
    expect((await call("DELETE", `/repos/${REPO}/branches/base-access/protection`, writer)).status).toBe(403);
    // Anonymous callers of a public repository see no protection and change no ruleset.
    expect((await call("GET", `/repos/${REPO}/branches/base-access/protection`, "")).status).toBe(404);
    expect(
      (await call("POST", `/repos/${REPO}/rulesets`, "", { name: "x", enforcement: "active" })).status,
    ).toBe(401);
  });

  test("what the sandbox cannot enforce answers 501 naming it, and is counted; nothing is stored", async () => {
    await sb.client.createBranch(owner, REPO, "base-unmodelled", "main");
    await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
    const restricted = await call("PUT", `/repos/${REPO}/branches/base-unmodelled/protection`, owner, {
      required_status_checks: null,
      enforce_admins: true,
      required_pull_request_reviews: { required_approving_review_count: 1, require_code_owner_reviews: true },
      restrictions: null,
    });
    expect(restricted).toMatchObject({
      status: 501,
      body: { message: "require_code_owner_reviews (code owners) is not modelled by the sandbox" },
    });
    expect((await call("GET", `/repos/${REPO}/branches/base-unmodelled/protection`, owner)).status).toBe(404);
    const deletion = await call("POST", `/repos/${REPO}/rulesets`, owner, {
      name: "no deletions",
      enforcement: "active",
      rules: [{ type: "deletion" }],
    });
    expect(deletion).toMatchObject({
      status: 501,
      body: { message: 'ruleset rule type "deletion" is not modelled by the sandbox' },
    });
    expect(sb.unmodelled().map((h) => h.route)).toEqual([
      "require_code_owner_reviews (code owners)",
      'ruleset rule type "deletion"',
    ]);
    await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
  });

  test("isRequired needs the pull request it is asked about", async () => {
    const { head } = await openPull("base-args");
    await checkRun(ciToken, head, "build");
    const res = await fetch(sb.graphqlUrl, {
      method: "POST",
      headers: { authorization: `bearer ${owner}` },
      body: JSON.stringify({
        query: `{ repository(owner: "owner", name: "svc") { object(oid: "${head}") { ... on Commit {
          statusCheckRollup { contexts(first: 5) { nodes { ... on CheckRun { isRequired } } } } } } } }`,
      }),
    });
    const json = (await res.json()) as { errors?: { message: string }[] };
    expect(json.errors?.[0]?.message).toBe("One of pullRequestId or pullRequestNumber must be provided.");
  });
});
