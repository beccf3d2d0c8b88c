/**
 * The comment handler in isolation: /approve and /reject by approvers and others, edited, quoted and
 * bot comments, redeliveries. The App and the stand-in for GitHub are set up in ./nock-app.ts.
 */
import { describe, expect, test } from "@jest/globals";
import {
  BOT,
  type CheckRunBody,
  INSTALLATION,
  type Json,
  PR_HEAD,
  REPO_PATH,
  commentOnPull,
  deliver,
  example,
  expectEvidence,
  expectCommand,
  commandOf,
  github,
  recorder,
  requests,
  useNockApp,
} from "./nock-app.js";

useNockApp();

describe("issue_comment", () => {
  test("created: /approve by an approver → a deployment status by the bot, the check run updated, +1", async () => {
    const payload = commentOnPull("/approve production looks good");
    const { id: commentId, html_url: commentUrl } = payload.comment;
    const scope = github();
    expectCommand(scope, commandOf(payload));
    expectEvidence(scope, {
      sha: PR_HEAD,
      pull: { number: 1 },
      checks: [{ name: "build", conclusion: "SUCCESS" }],
    });
    const deploymentsQuery = { sha: PR_HEAD, environment: "production", per_page: "100" };
    // The evidence listed no record of the commit; findOrCreateDeployment looks once more before it creates.
    scope.get(`${REPO_PATH}/deployments`).query(deploymentsQuery).reply(200, []);
    const created: Json[] = [];
    scope.post(`${REPO_PATH}/deployments`).reply(
      201,
      recorder(created, () => ({ id: 7, sha: PR_HEAD })),
    );
    const statuses: Json[] = [];
    scope.post(`${REPO_PATH}/deployments/7/statuses`).reply(201, recorder(statuses));
    const decisions: Json[] = [];
    scope.post(`${REPO_PATH}/statuses/${PR_HEAD}`).reply(201, recorder(decisions));
    const checks: CheckRunBody[] = [];
    scope.post(`${REPO_PATH}/check-runs`).reply(201, recorder(checks));
    // The follow-up reads nothing: no note of a held run, and a record made just now awaits nothing.
    scope.post(`${REPO_PATH}/issues/comments/${commentId}/reactions`, { content: "+1" }).reply(201, {});

    await deliver("issue_comment", payload);

    expect(created).toEqual([
      expect.objectContaining({
        ref: PR_HEAD,
        environment: "production",
        auto_merge: false,
        required_contexts: [],
        payload: {
          // The record names the PR's author as who asked, never the approver (the audit would call that self-approval).
          tollgate: expect.objectContaining({ version: 1, requested_by: "octocat", change_type: "standard" }),
        },
      }),
    ]);
    expect(statuses).toEqual([
      {
        state: "queued",
        description: "Tollgate: approved by @Codertocat: 1/2 (2 of group:leads)",
        log_url: commentUrl,
        environment: "production",
      },
    ]);
    // The indelible record: the App's commit status for this environment and person.
    expect(decisions).toEqual([
      {
        state: "success",
        context: "tollgate/decision: production @Codertocat",
        description: "Tollgate: approved by @Codertocat: 1/2 (2 of group:leads)",
        target_url: commentUrl,
      },
    ]);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: "Tollgate · production", conclusion: "action_required" });
    expect(checks[0]!.output.summary).toContain(
      `- ✅ @Codertocat (2 of group:leads) [comment](${commentUrl})`,
    );
    // No reply: the +1 is the answer.
    expect(requests.filter((r) => r.endsWith("/issues/1/comments"))).toEqual([]);
  });

  test("created: /approve by someone who is no approver → -1 and why; nothing recorded", async () => {
    const payload = commentOnPull("/approve production");
    payload.comment.user.login = "mallory";
    const scope = github();
    expectCommand(scope, commandOf(payload));
    expectEvidence(scope, { sha: PR_HEAD, pull: { number: 1 } });
    scope
      .post(`${REPO_PATH}/issues/comments/${payload.comment.id}/reactions`, { content: "-1" })
      .reply(201, {});
    const replies: { body: string }[] = [];
    scope.post(`${REPO_PATH}/issues/1/comments`).reply(201, recorder(replies));

    await deliver("issue_comment", payload);

    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatch(/^Tollgate did not act on this approval: .*the approvers are/);
    expect(requests.filter((r) => r.startsWith("POST") && r.includes("/deployments"))).toEqual([]);
  });

  test.each([
    ["edited (no command)", "edited", "You are totally right! I'll get this fixed today."],
    ["deleted (no command)", "deleted", "You are totally right! I'll get this fixed today."],
    ["deleted, though it held /approve", "deleted", "/approve production"],
    ["created, no command", "created", "You are totally right! I'll get this fixed right away."],
  ])("%s → zero requests", async (_name, action, body) => {
    const payload = example("issue_comment", action);
    payload.comment.body = body;
    await deliver("issue_comment", payload);
    expect(requests).toEqual([]);
  });

  test("edited into /approve → never an approval: -1 and 'edited comments never count'", async () => {
    // An edit is never a command; the App says so rather than stay silent (see security.test.ts).
    const payload = commentOnPull("/approve production", "edited");
    const scope = github();
    scope
      .post(`${REPO_PATH}/issues/comments/${payload.comment.id}/reactions`, { content: "-1" })
      .reply(201, {});
    const replies: { body: string }[] = [];
    scope.post(`${REPO_PATH}/issues/1/comments`).reply(201, recorder(replies));

    await deliver("issue_comment", payload);

    expect(replies.map((r) => r.body)).toEqual([
      "Tollgate did not act on this approval: edited comments never count; post the command as a new comment.",
    ]);
    expect(requests).toEqual([
      `POST /app/installations/${INSTALLATION}/access_tokens`,
      `POST ${REPO_PATH}/issues/comments/${payload.comment.id}/reactions`,
      `POST ${REPO_PATH}/issues/1/comments`,
    ]);
  });

  test("a bot's /approve → -1 and one notice per bot and PR; never read as an approval", async () => {
    const payload = commentOnPull("/approve production");
    payload.comment.user = { ...payload.comment.user, login: "ci-bot[bot]", type: "Bot" };
    payload.sender = { ...payload.sender, login: "ci-bot[bot]", type: "Bot" };
    const marker = "<!-- tollgate:bot:ci-bot[bot] -->";
    const scope = github();
    scope
      .post(`${REPO_PATH}/issues/comments/${payload.comment.id}/reactions`, { content: "-1" })
      .times(2)
      .reply(201, {});
    scope.get(`${REPO_PATH}/issues/1/comments`).query({ per_page: "100", page: "1" }).reply(200, []);
    const replies: { body: string }[] = [];
    scope.post(`${REPO_PATH}/issues/1/comments`).reply(201, recorder(replies));
    // The second time, the notice is there already: only the reaction.
    scope
      .get(`${REPO_PATH}/issues/1/comments`)
      .query({ per_page: "100", page: "1" })
      .reply(200, [{ user: { login: BOT }, body: `Tollgate ignores commands from bots…\n${marker}` }]);

    await deliver("issue_comment", payload);
    await deliver("issue_comment", payload);

    expect(replies).toEqual([
      {
        body: `Tollgate ignores commands from bots: only people approve, reject or roll back.\n${marker}`,
      },
    ]);
    expect(requests.some((r) => r.includes("graphql") || r.includes("/deployments"))).toBe(false);
  });

  test("a comment the App's bot already reacted to (a redelivery) → only that read; nothing acts", async () => {
    const payload = commentOnPull("/reject production not this");
    const scope = github();
    expectCommand(scope, commandOf(payload), true);

    await deliver("issue_comment", payload);

    expect(requests).toEqual([`POST /app/installations/${INSTALLATION}/access_tokens`, "POST /graphql"]);
  });

  test("Tollgate's own comment → zero requests", async () => {
    const payload = commentOnPull("/approve production");
    payload.comment.user = { ...payload.comment.user, login: BOT, type: "Bot" };
    await deliver("issue_comment", payload);
    expect(requests).toEqual([]);
  });
});
