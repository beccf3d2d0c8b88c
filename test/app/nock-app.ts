/**
 * The handler tests' stand-in for GitHub: a real Probot instance receives REAL payloads from
 * @octokit/webhooks-examples (with an `installation` added, which the examples lack) and nock stands in
 * for https://api.github.com. Every request the App makes must match an interceptor exactly (method,
 * path, query, body, installation token), every interceptor must be used, and every request is logged,
 * so a missing or an extra request fails the test. Each test file calls `useNockApp()` once.
 */
import { afterAll, afterEach, beforeEach, expect } from "@jest/globals";
import { generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import { isDeepStrictEqual } from "node:util";
import nock from "nock";
import { Probot } from "probot";
import { tollgate } from "../../app/index.js";
import { COMMAND_QUERY } from "../../src/github/pull-facts.js";
import type { Settings } from "../../app/settings.js";
import { EVIDENCE_QUERY } from "../../src/github/evidence-query.js";
import { PLAIN_OCTOKIT } from "../../scripts/worlds/probot-octokit.js";

export type Json = Record<string, unknown>;
export type Account = Json & { login: string; type: string };
/** The fields of the example payloads these tests read or edit (the rest passes through untouched). */
export interface Payloads {
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
export interface Examples {
  name: string;
  examples: Json[];
}

const require = createRequire(import.meta.url);
const EXAMPLES = require("@octokit/webhooks-examples/api.github.com/index.json") as Examples[];

export const INSTALLATION = 42;
export const API = "https://api.github.com";
export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const REPO_PATH = `/repos/${OWNER}/${REPO}`;
export const BOT = "tollgate[bot]";
export const NOW = "2019-05-15T16:00:00Z";

/** The first example of `name` whose action is `action` (and that passes `where`), with an installation. */
export function example<Name extends keyof Payloads>(
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

export const fromRepo = (owner: string) => (payload: Json) =>
  (payload["repository"] as { owner: { login: string } }).owner.login === owner;

/** The policy the handlers read from the default branch; Codertocat and alice may approve production. */
export const POLICY = `version: 1
approvers:
  leads: [Codertocat, alice]
change_types:
  default: standard
  types:
    standard: {}
    hotfix: { labels: [hotfix] }
checklist:
  ci: { checks: [build] }
  rollback-plan: { pr_section: Rollback plan }
  reviewed: { reviews: 1 }
environments:
  staging:
    approval: automatic
    checklist: [ci]
  production:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci, rollback-plan, reviewed]
    rollback: { workflow: rollback.yml, redeploy_previous: true }
`;
export const BROKEN_POLICY = "version: 1\nenvironments:\n  production:\n    approval: maybe\n";
export const SETTINGS: Settings = {
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
export let requests: string[];
/** Requests no interceptor matched (nock answers them 501, which the App would surface as an error). */
let unmatched: string[];
const onNoMatch = (req: Request) => unmatched.push(`${req.method} ${req.url}`);

/** A new App process: nothing cached, so its first request exchanges the JWT for a token again. */
export async function startApp(): Promise<void> {
  probot = new Probot({ appId: 1, privateKey: PEM, Octokit: PLAIN_OCTOKIT, logLevel: "fatal" });
  await probot.load(tollgate(SETTINGS));
}

/**
 * Registers, in the calling test file, a fresh App and a clean nock before each test, and after it the
 * checks that every interceptor was used and no request went unanswered.
 */
export function useNockApp(): void {
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
}

export async function deliver(name: string, payload: Json): Promise<void> {
  await probot.receive({ id: `delivery-${requests.length}`, name, payload } as never);
}

/**
 * GitHub as the installation sees it: the token exchange (signed with the App's JWT) and a scope whose
 * every request must carry that token. Each answered request is appended to `requests`.
 */
export function github(): nock.Scope {
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
export function recorder<T = Json>(into: T[], reply: (body: T) => unknown = () => ({ id: into.length })) {
  // nock 15 passes the fetch Request to a one-argument reply function.
  return async (req: Request) => {
    const body = (await req.json()) as T;
    into.push(body);
    return reply(body);
  };
}

// --- GitHub's answers ----------------------------------------------------------------------------

export interface EvidenceOptions {
  sha: string;
  policy?: string | null;
  pull?: { number: number; head?: string; author?: string; body?: string } | null;
  checks?: { name: string; conclusion: "SUCCESS" | "FAILURE" }[];
  /** Check runs already on the commit with their external_id, written by `app` (default: Tollgate). */
  shown?: { name: string; externalId: string; app?: string }[];
}

/** The evidence query's answer in GitHub's GraphQL shape. */
export function evidence(o: EvidenceOptions) {
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
export const POLICY_READ_PATH = `${REPO_PATH}/contents/.github/tollgate.yml?ref=master`;
export const POLICY_READ = `GET ${POLICY_READ_PATH}`;
export const POLICY_ETAG = 'W/"policy-1"';

export function expectPolicyRead(scope: nock.Scope, policy = POLICY): nock.Scope {
  return scope
    .get(POLICY_READ_PATH)
    .matchHeader("accept", "application/vnd.github.v3.raw")
    .reply(200, policy, { etag: POLICY_ETAG, "content-type": "application/vnd.github.raw" });
}

/** Expects the one evidence query for `sha`, with exactly these variables, and answers it. */
export function expectEvidence(scope: nock.Scope, o: EvidenceOptions): nock.Scope {
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

export interface CheckRunBody {
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

export const PR_HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

// --- comments ------------------------------------------------------------------------------------

/** issue_comment.created on a PR (GitHub sends `issue.pull_request` for PR conversations; the example is an issue). */
export function commentOnPull(body: string, action = "created") {
  const payload = example("issue_comment", action);
  payload.comment.body = body;
  payload.issue.pull_request = {
    url: `${API}${REPO_PATH}/pulls/${payload.issue.number}`,
    html_url: `https://github.com/${OWNER}/${REPO}/pull/${payload.issue.number}`,
  };
  return payload;
}

/**
 * What a command reads first, in one query: whether the App's bot reacted to the comment already (a
 * redelivery; `answered`), and the PR: open, head PR_HEAD committed before the comment.
 */
export function expectCommand(
  scope: nock.Scope,
  comment: { readonly number: number; readonly nodeId: string },
  answered = false,
) {
  scope
    .post(
      "/graphql",
      (body: { query: string; variables: unknown }) =>
        body.query === COMMAND_QUERY &&
        isDeepStrictEqual(body.variables, {
          owner: OWNER,
          name: REPO,
          number: comment.number,
          comment: comment.nodeId,
        }),
    )
    .reply(200, {
      data: {
        comment: {
          reactionGroups: [{ viewerHasReacted: false }, { viewerHasReacted: answered }],
        },
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

/** The command a payload of `commentOnPull` carries, as `expectCommand` matches it. */
export const commandOf = (payload: { issue: { number: number }; comment: object }) => ({
  number: payload.issue.number,
  nodeId: String((payload.comment as { node_id?: string }).node_id),
});

// --- deployment_protection_rule ------------------------------------------------------------------

export const RUN_ID = 4_242_424_242;

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
export function protectionRule(environment: string): Json {
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
