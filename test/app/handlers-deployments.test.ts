/**
 * Deployment handlers in isolation: protection rule requests and deployment statuses. The App and the
 * stand-in for GitHub are set up in ./nock-app.ts.
 */
import { describe, expect, test } from "@jest/globals";
import {
  BOT,
  BROKEN_POLICY,
  INSTALLATION,
  type Json,
  OWNER,
  PR_HEAD,
  REPO,
  REPO_PATH,
  RUN_ID,
  deliver,
  example,
  expectEvidence,
  fromRepo,
  github,
  protectionRule,
  recorder,
  requests,
  useNockApp,
} from "./nock-app.js";

useNockApp();

describe("deployment_protection_rule.requested", () => {
  const reviewPath = `${REPO_PATH}/actions/runs/${RUN_ID}/deployment_protection_rule`;

  test("gate complete → approved through the review endpoint", async () => {
    const reviews: Json[] = [];
    const scope = expectEvidence(github(), {
      sha: PR_HEAD,
      checks: [{ name: "build", conclusion: "SUCCESS" }],
    });
    scope.post(reviewPath).reply(
      204,
      recorder(reviews, () => ""),
    ); // GitHub answers 204 No Content

    await deliver("deployment_protection_rule", protectionRule("staging"));

    expect(reviews).toEqual([
      {
        environment_name: "staging",
        state: "approved",
        comment: expect.stringMatching(/^Tollgate: /),
      },
    ]);
    expect(requests).toEqual([
      `POST /app/installations/${INSTALLATION}/access_tokens`,
      "POST /graphql",
      `POST ${reviewPath}`,
    ]);
  });

  test("approvals missing → a status report (no state) naming what it waits for", async () => {
    const reviews: { environment_name: string; state?: string; comment: string }[] = [];
    const scope = expectEvidence(github(), {
      sha: PR_HEAD,
      checks: [{ name: "build", conclusion: "SUCCESS" }],
    });
    scope.post(reviewPath).reply(
      204,
      recorder(reviews, () => ""),
    );
    // The App notes that it holds the run, where any later evaluation of the commit sees it (held.ts).
    const notes: Json[] = [];
    scope.post(`${REPO_PATH}/statuses/${PR_HEAD}`).reply(201, recorder(notes));

    await deliver("deployment_protection_rule", protectionRule("production"));

    expect(reviews).toHaveLength(1);
    expect(reviews[0]).not.toHaveProperty("state");
    expect(reviews[0]!.environment_name).toBe("production");
    expect(reviews[0]!.comment).toMatch(/^Tollgate: /);
    expect(reviews[0]!.comment).toContain("- Approval: needs 2 of group:leads");
    expect(notes).toEqual([
      expect.objectContaining({
        state: "success",
        context: "tollgate/held: production",
        description: `held: run ${RUN_ID} waits for Tollgate's gate`,
      }),
    ]);
  });

  test("invalid policy → a status report, never approved", async () => {
    const reviews: Json[] = [];
    const scope = expectEvidence(github(), { sha: PR_HEAD, policy: BROKEN_POLICY });
    scope.post(reviewPath).reply(
      204,
      recorder(reviews, () => ""),
    );
    await deliver("deployment_protection_rule", protectionRule("staging"));
    expect(reviews).toEqual([
      {
        environment_name: "staging",
        comment:
          "Tollgate: the policy on the default branch has 1 errors; the deployment waits until it is fixed.",
      },
    ]);
  });

  test("no callback URL → zero requests", async () => {
    const payload = protectionRule("staging");
    delete payload["deployment_callback_url"];
    await deliver("deployment_protection_rule", payload);
    expect(requests).toEqual([]);
  });
});

// --- deployment_status ---------------------------------------------------------------------------

describe("deployment_status.created", () => {
  const RUN_URL = `https://github.com/${OWNER}/${REPO}/actions/runs/987654`;

  /** The Action's "awaiting" status on its deployment record of the PR's head. */
  function awaiting() {
    const payload = example("deployment_status", "created", fromRepo(OWNER));
    payload.deployment_status.description = "Tollgate awaiting: 2 of group:leads";
    payload.deployment_status.state = "pending";
    payload.deployment_status.log_url = RUN_URL;
    payload.deployment_status.creator = {
      ...payload.deployment_status.creator,
      login: "github-actions[bot]",
      type: "Bot",
    };
    payload.deployment.payload = {
      tollgate: {
        version: 1,
        requested_by: "octocat",
        change_type: "standard",
        emergency: false,
        policy_digest: "x",
        checklist: {},
        pull_request: { number: 2, title: "Update the README", author: "octocat", head_sha: PR_HEAD },
      },
    };
    return payload;
  }

  test('"Tollgate awaiting:" → the approvers are asked on the PR, once per deployment', async () => {
    const payload = awaiting();
    const deploymentId = payload.deployment.id;
    const marker = `<!-- tollgate:awaiting:${deploymentId} -->`;
    const sha = payload.deployment.sha;
    const scope = github();
    expectEvidence(scope, { sha, pull: { number: 2 }, checks: [{ name: "build", conclusion: "SUCCESS" }] });
    scope.get(`${REPO_PATH}/issues/2/comments`).query({ per_page: "100", page: "1" }).reply(200, []);
    const asked: { body: string }[] = [];
    scope.post(`${REPO_PATH}/issues/2/comments`).reply(201, recorder(asked));
    // A redelivery: the question is on the PR already.
    expectEvidence(scope, { sha, pull: { number: 2 }, checks: [{ name: "build", conclusion: "SUCCESS" }] });
    scope
      .get(`${REPO_PATH}/issues/2/comments`)
      .query({ per_page: "100", page: "1" })
      .reply(200, [{ user: { login: BOT }, body: `…\n${marker}` }]);

    await deliver("deployment_status", payload);
    await deliver("deployment_status", payload);

    expect(asked).toHaveLength(1);
    const body = asked[0]!.body;
    expect(body).toContain(
      `**Tollgate: production is waiting for approval** of \`${sha.slice(0, 7)}\` ([run](${RUN_URL})).`,
    );
    expect(body).toContain("- Approvals needed: 2 of group:leads; counted so far: none.");
    expect(body).toContain("- Rollback: the `rollback.yml` workflow");
    expect(body).toContain("> Revert the PR.");
    expect(body.endsWith(marker)).toBe(true);
    expect(requests.filter((r) => r === `POST ${REPO_PATH}/issues/2/comments`)).toHaveLength(1);
  });

  test.each([
    [
      "the example as GitHub sent it (no Tollgate description)",
      () => example("deployment_status", "created"),
    ],
    [
      "an awaiting status written by someone untrusted",
      () => {
        const p = awaiting();
        p.deployment_status.creator.login = "Codertocat";
        return p;
      },
    ],
  ])("%s → zero requests", async (_name, payload) => {
    await deliver("deployment_status", payload());
    expect(requests).toEqual([]);
  });
});
