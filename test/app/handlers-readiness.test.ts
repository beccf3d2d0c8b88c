/**
 * Readiness handlers in isolation: the events after which a PR's check runs may change, the events that
 * must cost nothing, CI on a commit no PR heads, and an invalid policy. The App and the stand-in for
 * GitHub are set up in ./nock-app.ts.
 */
import { describe, expect, test } from "@jest/globals";
import { isDeepStrictEqual } from "node:util";
import {
  BROKEN_POLICY,
  type CheckRunBody,
  type EvidenceOptions,
  INSTALLATION,
  type Json,
  OWNER,
  POLICY_ETAG,
  POLICY_READ,
  POLICY_READ_PATH,
  POLICY,
  PR_HEAD,
  REPO_PATH,
  commentOnPull,
  deliver,
  evidence,
  example,
  expectEvidence,
  expectPolicyRead,
  expectCommand,
  commandOf,
  fromRepo,
  github,
  recorder,
  requests,
  startApp,
  useNockApp,
} from "./nock-app.js";
import { EVIDENCE_QUERY } from "../../src/github/evidence-query.js";

useNockApp();

// --- readiness -----------------------------------------------------------------------------------

describe("readiness events write one check run per gated environment", () => {
  const cases: [string, string, () => Json, number | undefined, string][] = [
    ["pull_request.opened", "pull_request", () => example("pull_request", "opened"), 2, PR_HEAD],
    ["pull_request.synchronize", "pull_request", () => example("pull_request", "synchronize"), 2, PR_HEAD],
    ["pull_request.labeled", "pull_request", () => example("pull_request", "labeled"), 2, PR_HEAD],
    [
      "pull_request_review.submitted",
      "pull_request_review",
      () => example("pull_request_review", "submitted"),
      2,
      PR_HEAD,
    ],
    [
      "check_run.completed (GitHub Actions' run of a check the checklist names)",
      "check_run",
      () => {
        const p = example("check_run", "completed", (x) => (x["check_run"] as Json)["app"] !== undefined);
        (p.check_run as Json)["name"] = "build";
        return p;
      },
      2,
      PR_HEAD,
    ],
    [
      // Statuses carry no PR: the evidence query finds the PR whose head the commit is.
      "status (of a context the checklist names)",
      "status",
      () => ({ ...example("status", undefined), context: "build" }),
      undefined,
      "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
    ],
  ];

  test.each(cases)("%s → one evidence query, then staging ✓ and production waiting", async (...args) => {
    const [name, event, payload, , sha] = args;
    const written: CheckRunBody[] = [];
    const scope = github();
    // A CI report, a label or a review is judged relevant first, from what the policy reads.
    const judged =
      ["check_run", "status", "pull_request_review"].includes(event) || name.endsWith(".labeled");
    if (judged) expectPolicyRead(scope);
    expectEvidence(scope, {
      sha,
      checks: [{ name: "build", conclusion: "SUCCESS" }],
    });
    scope.post(`${REPO_PATH}/check-runs`).times(2).reply(201, recorder(written));

    await deliver(event, payload());

    expect(requests).toEqual([
      `POST /app/installations/${INSTALLATION}/access_tokens`,
      ...(judged ? [POLICY_READ] : []),
      "POST /graphql",
      `POST ${REPO_PATH}/check-runs`,
      `POST ${REPO_PATH}/check-runs`,
    ]);
    const byName = new Map(written.map((w) => [w.name, w]));
    expect([...byName.keys()].sort()).toEqual(["Tollgate · production", "Tollgate · staging"]);
    const staging = byName.get("Tollgate · staging")!;
    expect(staging).toMatchObject({ head_sha: sha, status: "completed", conclusion: "success" });
    expect(staging.output.title).toBe("Ready for staging");
    expect(staging.output.summary).toContain("| ✅ | CI checks green: build |");
    const production = byName.get("Tollgate · production")!;
    expect(production).toMatchObject({ head_sha: sha, status: "completed", conclusion: "action_required" });
    expect(production.output.summary).toContain("| ✅ | CI checks green: build |");
    expect(production.output.summary).toContain('| ✅ | "Rollback plan" section in the PR description |');
    expect(production.output.summary).toContain("**Approvals** (2 of group:leads): incomplete");
  });

  test("CI still failing: staging blocked (failure), production waiting", async () => {
    const written: CheckRunBody[] = [];
    const scope = expectEvidence(github(), {
      sha: PR_HEAD,
      checks: [{ name: "build", conclusion: "FAILURE" }],
    });
    scope.post(`${REPO_PATH}/check-runs`).times(2).reply(201, recorder(written));
    await deliver("pull_request", example("pull_request", "opened"));
    const conclusions = Object.fromEntries(written.map((w) => [w.name, w.conclusion]));
    expect(conclusions["Tollgate · staging"]).toBe("failure");
    expect(written.find((w) => w.name === "Tollgate · staging")!.output.summary).toContain(
      "| ❌ | CI checks green: build |",
    );
  });

  test("check_run.rerequested on Tollgate's own run re-evaluates its PR", async () => {
    const payload = example("check_run", "rerequested");
    const run = payload.check_run;
    run.app.slug = "tollgate";
    // GitHub lists the PRs whose head the run is on; this example's list is empty (a fork), so add one.
    run.pull_requests = [{ number: 7, head: { sha: run.head_sha } }];
    const written: CheckRunBody[] = [];
    // The example is from github/hello-world: the evidence is asked of that repository.
    const scope = github();
    scope
      .post(
        "/graphql",
        (body: { query: string; variables: Json }) =>
          body.query === EVIDENCE_QUERY &&
          isDeepStrictEqual(body.variables, {
            owner: "github",
            name: "hello-world",
            sha: run.head_sha,
            policyPath: "HEAD:.github/tollgate.yml",
          }),
      )
      .reply(200, evidence({ sha: run.head_sha, pull: { number: 7 } }));
    scope.post(`/repos/github/hello-world/check-runs`).times(2).reply(201, recorder(written));

    await deliver("check_run", payload);

    expect(requests).toHaveLength(4);
    expect(written.map((w) => [w.name, w.conclusion]).sort()).toEqual([
      ["Tollgate · production", "action_required"],
      ["Tollgate · staging", "action_required"],
    ]);
    expect(written[0]!.output.summary).toContain("| ⏳ | CI checks green: build |");
  });

  /** A fresh App (no memory of its own, like another replica) hears `action` on PR_HEAD; returns what it wrote. */
  async function freshDelivery(
    action: "opened" | "synchronize",
    evidenceOf: Omit<EvidenceOptions, "sha">,
    writes: number,
  ): Promise<CheckRunBody[]> {
    await startApp();
    requests.length = 0;
    const written: CheckRunBody[] = [];
    const scope = expectEvidence(github(), { sha: PR_HEAD, ...evidenceOf });
    if (writes > 0) scope.post(`${REPO_PATH}/check-runs`).times(writes).reply(201, recorder(written));
    await deliver("pull_request", example("pull_request", action));
    return written;
  }
  const green = [{ name: "build", conclusion: "SUCCESS" as const }];

  test("an event after which every run would show the same again: read once, nothing written", async () => {
    const written = await freshDelivery("opened", { checks: green }, 2);
    expect(written).toHaveLength(2);
    const shown = written.map((w) => ({ name: w.name, externalId: w.external_id! }));
    expect(shown.map((r) => r.externalId)).toEqual(
      shown.map(() => expect.stringMatching(/^\w+@[0-9a-f]{40}#/)),
    );

    // Another replica (or this one after a restart): no memory of what it wrote, only GitHub's.
    await freshDelivery("synchronize", { checks: green, shown }, 0);
    expect(requests).toEqual([`POST /app/installations/${INSTALLATION}/access_tokens`, "POST /graphql"]);

    // CI now fails: both runs would show something new, so both are written.
    const rewritten = await freshDelivery(
      "synchronize",
      { checks: [{ name: "build", conclusion: "FAILURE" }], shown },
      2,
    );
    expect(requests).toHaveLength(4);
    expect(rewritten.map((w) => w.conclusion)).toEqual(["failure", "failure"]);
  });

  test("a run under Tollgate's name written by another app does not stop Tollgate writing its own", async () => {
    const written = await freshDelivery("opened", { checks: green }, 2);
    const impostor = written.map((w) => ({ name: w.name, externalId: w.external_id!, app: "impostor" }));
    await freshDelivery("synchronize", { checks: green, shown: impostor }, 2);
    expect(requests).toHaveLength(4);
  });

  test("a status on a commit that is no PR's head: read once, nothing written", async () => {
    const payload = { ...example("status", undefined), context: "build" };
    const scope = expectPolicyRead(github());
    expectEvidence(scope, { sha: payload.sha, pull: { number: 2, head: PR_HEAD } });
    await deliver("status", payload);
    expect(requests).toEqual([
      `POST /app/installations/${INSTALLATION}/access_tokens`,
      POLICY_READ,
      "POST /graphql",
    ]);
  });

  test("a check run and a status no checklist item names: the policy read (free while unchanged), no evaluation", async () => {
    const scope = expectPolicyRead(github());
    const run = example("check_run", "completed", (x) => (x["check_run"] as Json)["app"] !== undefined);
    await deliver("check_run", run);
    // The second read sends the ETag and GitHub answers 304 Not Modified, which costs no rate limit.
    scope
      .get(POLICY_READ_PATH)
      .matchHeader("if-none-match", POLICY_ETAG)
      .reply(304, "", { etag: POLICY_ETAG });
    await deliver("status", example("status", undefined));
    expect(requests).toEqual([
      `POST /app/installations/${INSTALLATION}/access_tokens`,
      POLICY_READ,
      POLICY_READ,
    ]);
  });

  test("a label and a review under a policy that reads neither: the policy read (free while unchanged), no evaluation", async () => {
    // No change type declares labels, and no checklist item counts reviews.
    const readsNeither = POLICY.replace(/change_types:[\s\S]*?checklist:/, "checklist:")
      .replace("  reviewed: { reviews: 1 }\n", "")
      .replace("checklist: [ci, rollback-plan, reviewed]", "checklist: [ci, rollback-plan]");
    expect(readsNeither).not.toMatch(/labels|reviews/);
    const scope = expectPolicyRead(github(), readsNeither);
    await deliver("pull_request", example("pull_request", "labeled"));
    scope
      .get(POLICY_READ_PATH)
      .matchHeader("if-none-match", POLICY_ETAG)
      .reply(304, "", { etag: POLICY_ETAG });
    await deliver("pull_request_review", example("pull_request_review", "submitted"));
    expect(requests).toEqual([
      `POST /app/installations/${INSTALLATION}/access_tokens`,
      POLICY_READ,
      POLICY_READ,
    ]);
  });

  test("no policy on the default branch: read once, nothing written", async () => {
    expectEvidence(github(), { sha: PR_HEAD, policy: null });
    await deliver("pull_request", example("pull_request", "opened"));
    expect(requests).toHaveLength(2);
  });
});

describe("events that must not re-evaluate anything (zero requests)", () => {
  test.each([
    [
      "check_run.completed of Tollgate's own run (it would loop)",
      "check_run",
      () => {
        const p = example("check_run", "completed", (x) => (x["check_run"] as Json)["app"] !== undefined);
        p.check_run.app.slug = "tollgate";
        return p;
      },
    ],
    [
      "check_suite.completed of Tollgate's own suite",
      "check_suite",
      () => {
        const p = example("check_suite", "completed", fromRepo(OWNER));
        p.check_suite.app = { ...(p.check_suite.app ?? {}), slug: "tollgate" };
        return p;
      },
    ],
    [
      // A suite is not evidence: each of its runs was judged on its own check_run.completed.
      "check_suite.completed of another app's suite",
      "check_suite",
      () => example("check_suite", "completed"),
    ],
    [
      "check_run.rerequested of another app's run",
      "check_run",
      () => {
        const p = example("check_run", "rerequested");
        p.check_run.app.slug = "super-duper";
        return p;
      },
    ],
    [
      "pull_request.opened on a closed PR (a late redelivery)",
      "pull_request",
      () => {
        const p = example("pull_request", "opened");
        p.pull_request.state = "closed";
        return p;
      },
    ],
  ])("%s", async (_name, event, payload) => {
    await deliver(event, payload());
    expect(requests).toEqual([]);
  });
});

describe("CI completing on a commit no PR heads (a merge commit)", () => {
  test("one read of the commit's statuses; no evaluation when the App holds no run there", async () => {
    const p = example("check_run", "completed");
    p.check_run.pull_requests = [];
    // A run held there would be noted by the App's bot; someone else's note is no reason to look.
    github()
      .get(`${REPO_PATH}/commits/${p.check_run.head_sha}/statuses`)
      .query(true)
      .reply(200, [
        {
          context: "tollgate/held: production",
          state: "success",
          description: "held: run 42 waits for Tollgate's gate",
          target_url: null,
          created_at: "2026-01-01T00:00:00Z",
          creator: { login: "mallory", type: "User" },
        },
      ]);
    await deliver("check_run", p);
    expect(requests).toEqual([
      `POST /app/installations/${INSTALLATION}/access_tokens`,
      `GET ${REPO_PATH}/commits/${p.check_run.head_sha}/statuses?per_page=100`,
    ]);
  });
});

// --- a broken policy -----------------------------------------------------------------------------

describe("an invalid policy on the default branch fails closed", () => {
  test('readiness → one failing "Tollgate · policy" check run annotated at the error\'s line', async () => {
    const written: CheckRunBody[] = [];
    const scope = expectEvidence(github(), { sha: PR_HEAD, policy: BROKEN_POLICY });
    scope.post(`${REPO_PATH}/check-runs`).reply(201, recorder(written));

    await deliver("pull_request", example("pull_request", "opened"));

    expect(requests).toEqual([
      `POST /app/installations/${INSTALLATION}/access_tokens`,
      "POST /graphql",
      `POST ${REPO_PATH}/check-runs`,
    ]);
    expect(written).toHaveLength(1);
    const [check] = written;
    expect(check).toMatchObject({
      name: "Tollgate · policy",
      head_sha: PR_HEAD,
      status: "completed",
      conclusion: "failure",
    });
    expect(check!.output.title).toBe("The policy has 1 error: no deployment can pass");
    expect(check!.output.annotations).toEqual([
      {
        path: ".github/tollgate.yml",
        start_line: 4,
        end_line: 4,
        annotation_level: "failure",
        title: "environments.production.approval",
        message: 'expected none, automatic or required, got "maybe"',
      },
    ]);
  });

  test("/approve → refused with -1 and a reply; no deployment, no status", async () => {
    const payload = commentOnPull("/approve production");
    const scope = github();
    expectCommand(scope, commandOf(payload));
    expectEvidence(scope, { sha: PR_HEAD, policy: BROKEN_POLICY, pull: { number: 1 } });
    scope
      .post(`${REPO_PATH}/issues/comments/${payload.comment.id}/reactions`, { content: "-1" })
      .reply(201, {});
    const replies: { body: string }[] = [];
    scope.post(`${REPO_PATH}/issues/1/comments`).reply(
      201,
      recorder(replies, () => ({ id: 1 })),
    );

    await deliver("issue_comment", payload);

    expect(replies.map((r) => r.body)).toEqual([
      'Tollgate did not act on this approval: the policy on the default branch is invalid (1 errors, see the "Tollgate · policy" check), so no approval can be recorded until it is fixed.',
    ]);
    expect(requests.some((r) => r.includes("/deployments"))).toBe(false);
  });
});
