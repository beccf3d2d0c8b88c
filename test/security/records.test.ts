/**
 * The App's records against a person with plain write access, with the real App, the built Action and
 * the strict sandbox. A rejection is also kept as the App's commit status on the decided commit, which
 * nobody can delete or edit, so deleting the App's deployment record erases no rejection; and a comment
 * the App already answered is never acted on again when GitHub redelivers it.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditCommand } from "../../src/cli/audit.js";
import type { AuditReport } from "../../src/audit/types.js";
import type { Octokit } from "@octokit/rest";
import { runAction } from "../../scripts/worlds/action-run.js";
import { approvalStatuses, comment, settled, type AppWorld } from "../../scripts/worlds/app-world.js";
import { ciCheck } from "../app/fixtures.js";
import { FULL, ORG, REPO } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { decisionOf, greenPullRequest as openGreen, startAttackWorld } from "./attack-world.js";
import { auditOf } from "./audit-of.js";

const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
checklist:
  ci: { checks: [build] }
strategies:
  direct: { type: direct, run: "true" }
environments:
  staging:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci]
    strategies: [direct]
    rollback: { redeploy_previous: true }
`;

let world: AppWorld;
let ci: Octokit;
let token: string;
let mallory: Octokit;

beforeAll(async () => {
  ({ world, ci, token, mallory } = await startAttackWorld({
    policy: POLICY,
    people: ["dave", "alice", "bob", "carol", "mallory"],
    teams: { leads: ["alice", "bob", "carol"] },
  }));
}, PROCESS_TEST_MS);
afterAll(() => world.close());

const greenPullRequest = (branch: string) => openGreen({ world, ci }, branch);

const gate = (sha: string) =>
  runAction(world, { sha, token, actor: "dave", inputs: { environment: "staging", mode: "gate" } });

async function deploymentsOf(sha: string) {
  const { data } = await mallory.request("GET /repos/{owner}/{repo}/deployments", {
    owner: ORG,
    repo: REPO,
    sha,
    environment: "staging",
  });
  return data;
}

/** The App's deployment record of (staging, sha), made inactive and deleted by mallory: both succeed. */
async function deleteAppRecord(sha: string): Promise<void> {
  const [record] = (await deploymentsOf(sha)).filter((d) => d.creator?.login === world.bot);
  expect(record).toBeDefined();
  const inactive = await mallory.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: Number(record!.id),
    state: "inactive",
  });
  expect(inactive.status).toBe(201);
  const deleted = await mallory.request("DELETE /repos/{owner}/{repo}/deployments/{deployment_id}", {
    owner: ORG,
    repo: REPO,
    deployment_id: Number(record!.id),
  });
  expect(deleted.status).toBe(204);
  expect((await deploymentsOf(sha)).map((d) => d.id)).not.toContain(record!.id);
  await settled(world);
}

/** The App's decision commit statuses on `sha`, newest first. */
async function decisionStatuses(sha: string) {
  const { data } = await mallory.request("GET /repos/{owner}/{repo}/commits/{ref}/statuses", {
    owner: ORG,
    repo: REPO,
    ref: sha,
    per_page: 100,
  });
  return data
    .filter((s) => s.context.startsWith("tollgate/decision: "))
    .map((s) => ({ context: s.context, state: s.state, creator: s.creator?.login, url: s.target_url }));
}

async function redeliver(commentId: number): Promise<void> {
  const deliveries = (await world.sandbox.client.deliveries("issue_comment.created")).filter(
    (d) => (d.request.payload as { comment: { id: number } }).comment.id === commentId,
  );
  expect(deliveries.length).toBeGreaterThan(0);
  await world.sandbox.client.redeliver(deliveries[0]!.id);
  await settled(world);
}

async function appReplies(issue: number): Promise<number> {
  const { data } = await mallory.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: ORG,
    repo: REPO,
    issue_number: issue,
    per_page: 100,
  });
  return data.filter((c) => c.user?.login === world.bot).length;
}

describe("a rejection outlives the App's deployment record", () => {
  test(
    "deleting the record that holds a lead's rejection leaves the gate blocked",
    async () => {
      const pr = await greenPullRequest("reject-then-delete");
      await comment(world, "alice", pr.number, "/approve staging");
      await comment(world, "bob", pr.number, "/approve staging");
      const rejection = await comment(world, "carol", pr.number, "/reject staging not like this");
      expect(rejection.reactions).toEqual(["+1"]);
      expect(decisionOf(await gate(pr.head))).toEqual({ decision: "blocked", code: "rejected" });
      expect(await decisionStatuses(pr.head)).toContainEqual({
        context: "tollgate/decision: staging @carol",
        state: "failure",
        creator: world.bot,
        url: rejection.url,
      });

      await deleteAppRecord(pr.head);
      // The deployment record is gone with every approval and the rejection on it.
      expect((await approvalStatuses(world)).filter((s) => s.sha === pr.head)).toEqual([]);

      expect(decisionOf(await gate(pr.head))).toEqual({ decision: "blocked", code: "rejected" });
    },
    PROCESS_TEST_MS,
  );

  test(
    "a decision context overwritten by someone else stands as that person's rejection",
    async () => {
      const pr = await greenPullRequest("reject-then-mask");
      await comment(world, "carol", pr.number, "/reject staging not like this");
      const { data: masked } = await mallory.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
        owner: ORG,
        repo: REPO,
        sha: pr.head,
        state: "success",
        context: "tollgate/decision: staging @carol",
        description: "Tollgate: approved by @carol",
      });
      expect(masked.creator?.login).toBe("mallory");
      await deleteAppRecord(pr.head);
      await comment(world, "alice", pr.number, "/approve staging");
      await comment(world, "bob", pr.number, "/approve staging");

      expect(decisionOf(await gate(pr.head))).toEqual({ decision: "blocked", code: "rejected" });
      const masking = (await auditOf(world)).findings.filter(
        (f) => f.code === "forged_decision" && f.message.includes('"tollgate/decision: staging @carol"'),
      );
      expect(masking.map((f) => f.message)).toEqual([expect.stringContaining("last written by @mallory")]);
    },
    PROCESS_TEST_MS,
  );

  test(
    "the rejecting lead's later approval ends the rejection, also after the record was deleted",
    async () => {
      const pr = await greenPullRequest("reject-then-approve");
      await comment(world, "alice", pr.number, "/reject staging not yet");
      await deleteAppRecord(pr.head);
      expect(decisionOf(await gate(pr.head))).toEqual({ decision: "blocked", code: "rejected" });
      await world.sandbox.client.advanceClock(2); // a later second than the rejection's (tally.ts)

      expect((await comment(world, "alice", pr.number, "/approve staging")).reactions).toEqual(["+1"]);
      await comment(world, "bob", pr.number, "/approve staging");
      const alices = (await decisionStatuses(pr.head)).filter((s) => s.context.endsWith("@alice"));
      expect(alices.map((s) => s.state)).toEqual(["success", "failure"]);
      expect(alices[0]).toMatchObject({
        context: "tollgate/decision: staging @alice",
        state: "success",
        creator: world.bot,
      });
      expect(decisionOf(await gate(pr.head))).toEqual({ decision: "allowed", code: "ready" });
    },
    PROCESS_TEST_MS,
  );

  test(
    "deleting the approval that ended a rejection restores the rejection, also in the record nobody can delete",
    async () => {
      const pr = await greenPullRequest("reject-approve-withdraw");
      await comment(world, "alice", pr.number, "/reject staging not yet");
      // Of two decisions in the same second the rejection is the latest (tally.ts): she approves later.
      await world.sandbox.client.advanceClock(2);
      const approval = await comment(world, "alice", pr.number, "/approve staging");
      await comment(world, "bob", pr.number, "/approve staging");
      expect(decisionOf(await gate(pr.head))).toEqual({ decision: "allowed", code: "ready" });

      const deleted = await mallory.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", {
        owner: ORG,
        repo: REPO,
        comment_id: approval.id,
      });
      expect(deleted.status).toBe(204);
      await settled(world);
      const alices = (await decisionStatuses(pr.head)).filter((s) => s.context.endsWith("@alice"));
      expect(alices[0]).toMatchObject({ state: "failure", creator: world.bot });
      await deleteAppRecord(pr.head);

      expect(decisionOf(await gate(pr.head))).toEqual({ decision: "blocked", code: "rejected" });
    },
    PROCESS_TEST_MS,
  );
});

describe("a redelivered comment acts once", () => {
  test(
    "an approval redelivered after its record was deleted is not recorded again",
    async () => {
      const pr = await greenPullRequest("redeliver-after-delete");
      const alice = await comment(world, "alice", pr.number, "/approve staging");
      await comment(world, "bob", pr.number, "/approve staging");
      await deleteAppRecord(pr.head);
      const replies = await appReplies(pr.number);

      await redeliver(alice.id);
      expect((await approvalStatuses(world)).filter((s) => s.log_url === alice.url)).toEqual([]);
      expect(await appReplies(pr.number)).toBe(replies);
      expect(decisionOf(await gate(pr.head))).toEqual({ decision: "waiting", code: "awaiting_approval" });
    },
    PROCESS_TEST_MS,
  );

  test(
    "an approval redelivered after a push, and after the merge, records nothing new",
    async () => {
      const pr = await greenPullRequest("redeliver-after-push");
      const alice = await comment(world, "alice", pr.number, "/approve staging");
      await comment(world, "bob", pr.number, "/approve staging");
      const owner = world.people["owner"]!;
      await world.sandbox.client.putFile(owner.token, FULL, "src/later.ts", "export {};\n", {
        branch: "redeliver-after-push",
      });
      const { data: pushed } = await mallory.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
        owner: ORG,
        repo: REPO,
        pull_number: pr.number,
      });
      expect(pushed.head.sha).not.toBe(pr.head);
      await ciCheck(ci, pushed.head.sha, "success");
      await settled(world);
      const recorded = await approvalStatuses(world);
      const replies = await appReplies(pr.number);

      await redeliver(alice.id);
      expect(await approvalStatuses(world)).toEqual(recorded);
      // Not even answered again: before, the App refused it as stale with a second reply.
      expect(await appReplies(pr.number)).toBe(replies);

      const { data: merged } = await owner.octokit.request(
        "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge",
        {
          owner: ORG,
          repo: REPO,
          pull_number: pr.number,
        },
      );
      await settled(world);
      const atMerge = await approvalStatuses(world);
      await redeliver(alice.id);
      expect(await approvalStatuses(world)).toEqual(atMerge);
      expect(atMerge.filter((s) => s.sha === merged.sha)).toEqual([]);
      expect(await decisionStatuses(merged.sha)).toEqual([]);
      expect(await appReplies(pr.number)).toBe(replies);
    },
    PROCESS_TEST_MS,
  );
});

/** The audit as a user runs it, over the whole history, as JSON. */
async function auditReport(): Promise<AuditReport> {
  const dir = await mkdtemp(join(tmpdir(), "tollgate-records-"));
  try {
    const file = join(dir, "report.json");
    const err: string[] = [];
    const code = await auditCommand(
      [
        "--repo",
        FULL,
        "--since",
        "2000-01-01T00:00:00Z",
        "--until",
        "2100-01-01T00:00:00Z",
        "--app-login",
        world.bot,
        "--format",
        "json",
        "--out",
        file,
      ],
      { out: () => undefined, err: (s) => err.push(s), readFile: (p) => readFile(p, "utf8") },
      { GITHUB_TOKEN: world.people["owner"]!.token, GITHUB_API_URL: world.sandbox.apiUrl },
    );
    // 1: the report has critical findings; anything else is a failure to audit.
    expect({ code, err: err.join("\n") }).toEqual({ code: 1, err: expect.stringContaining("record(s)") });
    return JSON.parse(await readFile(file, "utf8")) as AuditReport;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("the audit", () => {
  test(
    "reports a rejection whose deployment record was deleted, without an earlier report to compare",
    async () => {
      const kept = await greenPullRequest("audit-kept");
      const keptRejection = await comment(world, "bob", kept.number, "/reject staging keep this one");
      const erased = await greenPullRequest("audit-erased");
      const rejection = await comment(world, "carol", erased.number, "/reject staging not like this");
      await deleteAppRecord(erased.head);

      const deleted = (await auditReport()).findings.filter((f) => f.code === "deleted_decision");
      const found = deleted.filter((f) => f.message.includes(rejection.url));
      expect(found).toEqual([expect.objectContaining({ severity: "critical", environment: "staging" })]);
      expect(found[0]!.message).toContain("rejection by @carol");
      // The rejection whose record is still there is no finding.
      expect(deleted.filter((f) => f.message.includes(keptRejection.url))).toEqual([]);
    },
    PROCESS_TEST_MS,
  );
});
