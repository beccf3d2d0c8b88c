/**
 * Each handler in isolation: a real Probot instance receives REAL payloads from
 * @octokit/webhooks-examples (with an `installation` added, which the examples lack) and nock stands in
 * for https://api.github.com. Every request the App makes must match an interceptor exactly (method,
 * path, query, body, installation token), every interceptor must be used, and every request is logged,
 * so a missing or an extra request fails the test.
 */
import { afterAll, afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import { isDeepStrictEqual } from "node:util";
import nock from "nock";
import { Probot } from "probot";
import { tollgate } from "../../app/index.js";
import { PULL_QUERY } from "../../app/github.js";
import type { Settings } from "../../app/settings.js";
import { EVIDENCE_QUERY } from "../../src/github/evidence-query.js";
import { PLAIN_OCTOKIT } from "../support/octokit.js";

type Json = Record<string, unknown>;
type Account = Json & { login: string; type: string };
/** The fields of the example payloads these tests read or edit (the rest passes through untouched). */
interface Payloads {
  pull_request: {
    pull_request: Json & { state: string; number: number; head: { sha: string; ref: string } };
  };
  pull_request_review: Json;
  check_run: { check_run: { app: { slug: string }; head_sha: string; pull_requests: unknown[] } };
  check_suite: { check_suite: { app: { slug: string } | null } };
  status: { sha: string };
  issue_comment: {
    comment: { id: number; body: string; html_url: string; user: Account };
    issue: { number: number; pull_request?: Json };
    sender: Account;
  };
  deployment_status: {
    deployment: { id: number; sha: string; payload: unknown };
    deployment_status: { description: string; state: string; log_url?: string; creator: Account };
    repository: Json;
    sender: Json;
  };
}
interface Examples {
  name: string;
  examples: Json[];
}

const require = createRequire(import.meta.url);
const EXAMPLES = require("@octokit/webhooks-examples/api.github.com/index.json") as Examples[];

const INSTALLATION = 42;
const API = "https://api.github.com";
const OWNER = "Codertocat";
const REPO = "Hello-World";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const BOT = "tollgate[bot]";
const NOW = "2019-05-15T16:00:00Z";

/** The first example of `name` whose action is `action` (and that passes `where`), with an installation. */
function example<Name extends keyof Payloads>(
  name: Name,
  action: string | undefined,
  where: (payload: Json) => boolean = () => true,
): Json & Payloads[Name] {
  const found = EXAMPLES.find((e) => e.name === name)?.examples.find(
    (x) => x["action"] === action && where(x),
  );
  if (!found) throw new Error(`no ${name}.${action} example`);
  // The examples carry no (or an unrelated) installation: Probot needs one to authenticate.
  const payload: Json = { ...structuredClone(found), installation: { id: INSTALLATION } };
  return payload as Json & Payloads[Name];
}

const fromRepo = (owner: string) => (payload: Json) =>
  (payload["repository"] as { owner: { login: string } }).owner.login === owner;

/** The policy the handlers read from the default branch; Codertocat and alice may approve production. */
const POLICY = `version: 1
approvers:
  leads: [Codertocat, alice]
checklist:
  ci: { checks: [build] }
  rollback-plan: { pr_section: Rollback plan }
environments:
  staging:
    approval: automatic
    checklist: [ci]
  production:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci, rollback-plan]
    rollback: { workflow: rollback.yml, redeploy_previous: true }
`;
const BROKEN_POLICY = "version: 1\nenvironments:\n  production:\n    approval: maybe\n";
const SETTINGS: Settings = {
  appSlug: "tollgate",
  trustedWriters: ["github-actions[bot]"],
  policyPath: ".github/tollgate.yml",
  now: () => new Date(NOW),
};

// --- the App under test -------------------------------------------------------------------------

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PEM = privateKey.export({ type: "pkcs1", format: "pem" }).toString();

let probot: Probot;
/** Every request nock answered, in order, as "METHOD /path?query". */
let requests: string[];
/** Requests no interceptor matched (nock answers them 501, which the App would surface as an error). */
let unmatched: string[];
const onNoMatch = (req: Request) => unmatched.push(`${req.method} ${req.url}`);

/** A new App process: nothing cached, so its first request exchanges the JWT for a token again. */
async function startApp(): Promise<void> {
  probot = new Probot({ appId: 1, privateKey: PEM, Octokit: PLAIN_OCTOKIT, logLevel: "fatal" });
  await probot.load(tollgate(SETTINGS));
}

beforeEach(async () => {
  requests = [];
  unmatched = [];
  nock.disableNetConnect();
  nock.emitter.on("no match", onNoMatch);
  await startApp();
});
afterEach(() => {
  nock.emitter.removeListener("no match", onNoMatch);
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(unmatched).toEqual([]);
  expect(pending).toEqual([]);
});
afterAll(() => nock.restore());

async function deliver(name: string, payload: Json): Promise<void> {
  await probot.receive({ id: `delivery-${requests.length}`, name, payload } as never);
}

/**
 * GitHub as the installation sees it: the token exchange (signed with the App's JWT) and a scope whose
 * every request must carry that token. Each answered request is appended to `requests`.
 */
function github(): nock.Scope {
  const log = (req: Request) => {
    const url = new URL(req.url);
    requests.push(`${req.method} ${url.pathname}${url.search}`);
  };
  const auth = nock(API)
    .post(`/app/installations/${INSTALLATION}/access_tokens`)
    .matchHeader("authorization", /^bearer ey/i)
    .reply(201, { token: "ghs_installation", expires_at: "2099-01-01T00:00:00Z", permissions: {} });
  auth.on("request", log);
  const scope = nock(API, { reqheaders: { authorization: "token ghs_installation" } });
  scope.on("request", log);
  return scope;
}

/** The JSON body of a request, for replies that record what the App wrote. */
function recorder<T = Json>(into: T[], reply: (body: T) => unknown = () => ({ id: into.length })) {
  // nock 15 passes the fetch Request to a one-argument reply function.
  return async (req: Request) => {
    const body = (await req.json()) as T;
    into.push(body);
    return reply(body);
  };
}

// --- GitHub's answers ----------------------------------------------------------------------------

interface EvidenceOptions {
  sha: string;
  policy?: string | null;
  pull?: { number: number; head?: string; author?: string; body?: string } | null;
  checks?: { name: string; conclusion: "SUCCESS" | "FAILURE" }[];
  /** Check runs already on the commit with their external_id, written by `app` (default: Tollgate). */
  shown?: { name: string; externalId: string; app?: string }[];
}

/** The evidence query's answer in GitHub's GraphQL shape. */
function evidence(o: EvidenceOptions) {
  const pull = o.pull === undefined ? { number: 2 } : o.pull;
  return {
    data: {
      rateLimit: { cost: 1, remaining: 4999 },
      repository: {
        nameWithOwner: `${OWNER}/${REPO}`,
        defaultBranchRef: { name: "master" },
        policy: o.policy === null ? null : { text: o.policy ?? POLICY, oid: "0123abcd" },
        owner: { __typename: "User" },
        collaborators: { totalCount: 1, edges: [{ permission: "ADMIN", node: { login: OWNER } }] },
        vulnerabilityAlerts: { totalCount: 0, nodes: [] },
        commit: {
          oid: o.sha,
          statusCheckRollup: {
            contexts: {
              totalCount: (o.checks ?? []).length + (o.shown ?? []).length,
              nodes: [
                ...(o.checks ?? []).map((c) => ({
                  __typename: "CheckRun",
                  name: c.name,
                  status: "COMPLETED",
                  conclusion: c.conclusion,
                  detailsUrl: null,
                  externalId: null,
                  checkSuite: { app: { slug: "github-actions" } },
                })),
                ...(o.shown ?? []).map((c) => ({
                  __typename: "CheckRun",
                  name: c.name,
                  status: "COMPLETED",
                  conclusion: "ACTION_REQUIRED",
                  detailsUrl: null,
                  externalId: c.externalId,
                  checkSuite: { app: { slug: c.app ?? "tollgate" } },
                })),
              ],
            },
          },
          deployments: { totalCount: 0, nodes: [] },
          associatedPullRequests: {
            nodes: pull
              ? [
                  {
                    number: pull.number,
                    title: "Update the README with new information",
                    body: pull.body ?? "A simple change.\n\n## Rollback plan\nRevert the PR.\n",
                    isDraft: false,
                    createdAt: "2019-05-15T15:20:33Z",
                    mergedAt: null,
                    headRefOid: pull.head ?? o.sha,
                    mergeCommit: null,
                    author: { login: pull.author ?? "octocat" },
                    labels: { totalCount: 0, nodes: [] },
                    files: { totalCount: 1, nodes: [{ path: "README.md" }] },
                    commits: {
                      totalCount: 1,
                      nodes: [
                        {
                          commit: {
                            oid: pull.head ?? o.sha,
                            message: "Update README.md",
                            author: { user: { login: pull.author ?? "octocat" } },
                            committer: null,
                            signature: null,
                          },
                        },
                      ],
                    },
                    reviews: { totalCount: 0, nodes: [] },
                    timelineItems: { nodes: [] },
                    forcePushes: { totalCount: 0, nodes: [] },
                  },
                ]
              : [],
          },
        },
      },
    },
  };
}

/** The policy read that tells which CI reports matter: raw, from the default branch, conditional. */
const POLICY_READ_PATH = `${REPO_PATH}/contents/.github/tollgate.yml?ref=master`;
const POLICY_READ = `GET ${POLICY_READ_PATH}`;
const POLICY_ETAG = 'W/"policy-1"';

function expectPolicyRead(scope: nock.Scope): nock.Scope {
  return scope
    .get(POLICY_READ_PATH)
    .matchHeader("accept", "application/vnd.github.v3.raw")
    .reply(200, POLICY, { etag: POLICY_ETAG, "content-type": "application/vnd.github.raw" });
}

/** Expects the one evidence query for `sha`, with exactly these variables, and answers it. */
function expectEvidence(scope: nock.Scope, o: EvidenceOptions): nock.Scope {
  const variables = {
    owner: OWNER,
    name: REPO,
    sha: o.sha,
    policyPath: "HEAD:.github/tollgate.yml",
  };
  return scope
    .post(
      "/graphql",
      (body: { query: string; variables: unknown }) =>
        body.query === EVIDENCE_QUERY && isDeepStrictEqual(body.variables, variables),
    )
    .reply(200, evidence(o));
}

interface CheckRunBody {
  owner?: string;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string;
  external_id?: string;
  output: {
    title: string;
    summary: string;
    annotations?: {
      path: string;
      start_line: number;
      end_line: number;
      annotation_level: string;
      title: string;
      message: string;
    }[];
  };
}

// --- readiness -----------------------------------------------------------------------------------

const PR_HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

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
    const [, event, payload, , sha] = args;
    const written: CheckRunBody[] = [];
    const scope = github();
    // A CI report is judged relevant first, from the policy its checklist names checks in.
    const ci = event === "check_run" || event === "status";
    if (ci) expectPolicyRead(scope);
    expectEvidence(scope, {
      sha,
      checks: [{ name: "build", conclusion: "SUCCESS" }],
    });
    scope.post(`${REPO_PATH}/check-runs`).times(2).reply(201, recorder(written));

    await deliver(event, payload());

    expect(requests).toEqual([
      `POST /app/installations/${INSTALLATION}/access_tokens`,
      ...(ci ? [POLICY_READ] : []),
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
    action: "opened" | "labeled",
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
    await freshDelivery("labeled", { checks: green, shown }, 0);
    expect(requests).toEqual([`POST /app/installations/${INSTALLATION}/access_tokens`, "POST /graphql"]);

    // CI now fails: both runs would show something new, so both are written.
    const rewritten = await freshDelivery(
      "labeled",
      { checks: [{ name: "build", conclusion: "FAILURE" }], shown },
      2,
    );
    expect(requests).toHaveLength(4);
    expect(rewritten.map((w) => w.conclusion)).toEqual(["failure", "failure"]);
  });

  test("a run under Tollgate's name written by another app does not stop Tollgate writing its own", async () => {
    const written = await freshDelivery("opened", { checks: green }, 2);
    const impostor = written.map((w) => ({ name: w.name, externalId: w.external_id!, app: "impostor" }));
    await freshDelivery("labeled", { checks: green, shown: impostor }, 2);
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
    expectUnanswered(scope, payload.comment.id);
    expectPull(scope, 1);
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

// --- comments ------------------------------------------------------------------------------------

/** issue_comment.created on a PR (GitHub sends `issue.pull_request` for PR conversations; the example is an issue). */
function commentOnPull(body: string, action = "created") {
  const payload = example("issue_comment", action);
  payload.comment.body = body;
  payload.issue.pull_request = {
    url: `${API}${REPO_PATH}/pulls/${payload.issue.number}`,
    html_url: `https://github.com/${OWNER}/${REPO}/pull/${payload.issue.number}`,
  };
  return payload;
}

/** The PR facts a command asks for first: open, head PR_HEAD committed before the comment. */
function expectPull(scope: nock.Scope, number: number) {
  scope
    .post(
      "/graphql",
      (body: { query: string; variables: unknown }) =>
        body.query === PULL_QUERY && isDeepStrictEqual(body.variables, { owner: OWNER, name: REPO, number }),
    )
    .reply(200, {
      data: {
        repository: {
          pullRequest: {
            state: "OPEN",
            merged: false,
            headRefOid: PR_HEAD,
            mergeCommit: null,
            commits: { nodes: [{ commit: { oid: PR_HEAD, committedDate: "2019-05-15T15:00:00Z" } }] },
          },
        },
      },
    });
}

/** The comment's reactions, read before acting: the App's bot has not answered it yet. */
function expectUnanswered(scope: nock.Scope, commentId: number, reactions: Json[] = []) {
  scope
    .get(`${REPO_PATH}/issues/comments/${commentId}/reactions`)
    .query({ per_page: "100" })
    .reply(200, reactions);
}

describe("issue_comment", () => {
  test("created: /approve by an approver → a deployment status by the bot, the check run updated, +1", async () => {
    const payload = commentOnPull("/approve production looks good");
    const { id: commentId, html_url: commentUrl } = payload.comment;
    const scope = github();
    expectUnanswered(scope, commentId);
    expectPull(scope, 1);
    expectEvidence(scope, {
      sha: PR_HEAD,
      pull: { number: 1 },
      checks: [{ name: "build", conclusion: "SUCCESS" }],
    });
    const deploymentsQuery = { sha: PR_HEAD, environment: "production", per_page: "100" };
    // Once to find a record the Action made, once more inside findOrCreateDeployment: none exists.
    scope.get(`${REPO_PATH}/deployments`).query(deploymentsQuery).times(2).reply(200, []);
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
    // The follow-up: no run held at a protection rule, no "awaiting" status to re-run.
    scope
      .get(`${REPO_PATH}/actions/runs`)
      .query({ head_sha: PR_HEAD, status: "waiting", per_page: "100" })
      .reply(200, { total_count: 0, workflow_runs: [] });
    scope.get(`${REPO_PATH}/deployments/7/statuses`).query({ per_page: "100" }).reply(200, []);
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
    expectUnanswered(scope, payload.comment.id);
    expectPull(scope, 1);
    expectEvidence(scope, { sha: PR_HEAD, pull: { number: 1 } });
    scope
      .get(`${REPO_PATH}/deployments`)
      .query({ sha: PR_HEAD, environment: "production", per_page: "100" })
      .reply(200, []);
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
    expectUnanswered(scope, payload.comment.id, [
      { content: "+1", user: { login: "Codertocat" } },
      { content: "+1", user: { login: BOT } },
    ]);

    await deliver("issue_comment", payload);

    expect(requests).toEqual([
      `POST /app/installations/${INSTALLATION}/access_tokens`,
      `GET ${REPO_PATH}/issues/comments/${payload.comment.id}/reactions?per_page=100`,
    ]);
  });

  test("Tollgate's own comment → zero requests", async () => {
    const payload = commentOnPull("/approve production");
    payload.comment.user = { ...payload.comment.user, login: BOT, type: "Bot" };
    await deliver("issue_comment", payload);
    expect(requests).toEqual([]);
  });
});

// --- deployment_protection_rule ------------------------------------------------------------------

const RUN_ID = 4_242_424_242;

/**
 * @octokit/webhooks-examples has no deployment_protection_rule payload, so this one is built from
 * GitHub's webhook reference ("deployment_protection_rule", action "requested": `environment`,
 * `event`, `deployment_callback_url`, `deployment`, `pull_requests`, `repository`, `organization`,
 * `installation`, `sender`; the same fields as @octokit/openapi-webhooks-types'
 * "webhook-deployment-protection-rule-requested"), out of the real example objects: the deployment of
 * deployment_status.created (its environment and commit set to this run's), the PR of
 * pull_request.opened, and their repository and sender. The callback URL has the documented form
 * `…/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule`.
 */
function protectionRule(environment: string): Json {
  const status = example("deployment_status", "created", fromRepo(OWNER));
  const pull = example("pull_request", "opened").pull_request;
  return {
    action: "requested",
    environment,
    event: "pull_request",
    deployment_callback_url: `${API}${REPO_PATH}/actions/runs/${RUN_ID}/deployment_protection_rule`,
    deployment: {
      ...status.deployment,
      sha: pull.head.sha,
      ref: pull.head.ref,
      environment,
      original_environment: environment,
    },
    pull_requests: [pull],
    repository: status.repository,
    sender: status.sender,
    installation: { id: INSTALLATION },
  };
}

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
