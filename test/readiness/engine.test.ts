/**
 * The readiness engine, table-driven: one row per rule of the policy table. Each row starts from
 * evidence that passes (see fixtures.ts), changes one fact, and states the verdict that must follow.
 */
import { describe, expect, test } from "@jest/globals";
import { evaluate } from "../../src/readiness/evaluate.js";
import type { EvidenceInput } from "../../src/readiness/evidence.js";
import type { ItemState, ReasonCode, Verdict } from "../../src/readiness/decision.js";
import { HEAD, NOW, OLD, SHA, evidenceWith, testPolicy } from "./fixtures.js";

const policy = testPolicy();

interface Row {
  name: string;
  change?: (e: EvidenceInput) => void;
  at?: string;
  environment?: string;
  verdict: Verdict;
  code: ReasonCode;
  /** An item that must be in a given state, and words its reason must contain. */
  item?: [id: string, state: ItemState, reasonContains?: string];
  /** An approval the tally must have set aside, and why. */
  ignored?: [login: string, whyContains: string];
}

const pr = (e: EvidenceInput) => e.pull_request!;
const approve = (approver: string, extra: Partial<NonNullable<EvidenceInput["approvals"]>[number]> = {}) => ({
  approver,
  decision: "approve" as const,
  environment: "production",
  sha: SHA,
  at: "2026-11-24T08:40:00Z",
  ...extra,
});

const rows: Row[] = [
  { name: "everything in place", verdict: "allowed", code: "ready" },
  // environments and prerequisites
  { name: "unknown environment", environment: "prod", verdict: "blocked", code: "environment_unknown" },
  {
    name: "dev needs nothing",
    environment: "dev",
    change: (e) => {
      e.checks = [];
    },
    verdict: "allowed",
    code: "ready",
  },
  {
    name: "staging is approved automatically when its checklist passes",
    environment: "staging",
    verdict: "allowed",
    code: "ready",
    item: ["approval", "passed", "automatically"],
  },
  {
    name: "staging waits while CI runs",
    environment: "staging",
    change: (e) => {
      e.checks = [
        { name: "build", state: "pending" },
        { name: "test", state: "success" },
      ];
    },
    verdict: "waiting",
    code: "checks_pending",
    item: ["approval", "pending", "once the checklist passes"],
  },
  {
    name: "never deployed to staging",
    change: (e) => {
      e.deployments = [];
    },
    verdict: "waiting",
    code: "prerequisite_missing",
    item: ["requires-staging", "pending", "has not been deployed to staging"],
  },
  {
    name: "staging deployment of another commit does not count",
    change: (e) => {
      e.deployments![0]!.sha = OLD;
    },
    verdict: "waiting",
    code: "prerequisite_missing",
  },
  {
    name: "staging deployment failed",
    change: (e) => {
      e.deployments = [
        { environment: "staging", sha: SHA, state: "failure", created_at: "2026-11-22T09:00:00Z" },
      ];
    },
    verdict: "blocked",
    code: "prerequisite_failed",
  },
  {
    name: "soak not yet elapsed",
    at: "2026-11-23T08:30:00Z",
    change: (e) => {
      e.approvals = [approve("alice", { at: "2026-11-23T08:00:00Z" })];
    },
    verdict: "waiting",
    code: "soak_pending",
    item: ["requires-staging", "pending", "35m left (ready at 2026-11-23T09:05:00.000Z)"],
  },
  // approvers, separation of duties, binding to a commit
  {
    name: "no approval yet: names who can approve and the comment to write",
    change: (e) => {
      e.approvals = [];
    },
    verdict: "waiting",
    code: "awaiting_approval",
    item: ["approval", "pending", "needs 1 of group:leads, group:admins"],
  },
  {
    name: "a non-approver's approval is ignored",
    change: (e) => {
      e.approvals = [approve("mallory")];
    },
    verdict: "waiting",
    code: "awaiting_approval",
    ignored: ["mallory", "not an approver for production (minor change)"],
  },
  {
    name: "a repository admin counts through role:admin",
    change: (e) => {
      e.approvals = [approve("root")];
    },
    verdict: "allowed",
    code: "ready",
  },
  {
    name: "the PR author cannot approve",
    change: (e) => {
      pr(e).author = "alice";
    },
    verdict: "waiting",
    code: "awaiting_approval",
    ignored: ["alice", "separation of duties: authored the pull request"],
  },
  {
    name: "a commit author cannot approve",
    change: (e) => {
      pr(e).commit_authors = ["alice"];
    },
    verdict: "waiting",
    code: "awaiting_approval",
    ignored: ["alice", "authored commits"],
  },
  {
    name: "whoever started the deployment cannot approve",
    change: (e) => {
      e.initiator = "johan";
      e.approvals = [approve("johan")];
    },
    verdict: "waiting",
    code: "awaiting_approval",
    ignored: ["johan", "started this deployment"],
  },
  {
    name: "an approval for another environment does not count",
    change: (e) => {
      e.approvals = [approve("alice", { environment: "staging" })];
    },
    verdict: "waiting",
    code: "awaiting_approval",
    ignored: ["alice", "for staging, not production"],
  },
  {
    name: "an approval of another commit is stale",
    change: (e) => {
      e.approvals = [approve("alice", { sha: OLD })];
    },
    verdict: "waiting",
    code: "awaiting_approval",
    ignored: ["alice", "stale: given on 3333333, the commit is now 1111111"],
  },
  {
    name: "an approval of the PR head carries to its merge commit",
    change: (e) => {
      e.approvals = [approve("alice", { sha: HEAD })];
    },
    verdict: "allowed",
    code: "ready",
  },
  {
    name: "a PR-head approval does not carry before the merge",
    change: (e) => {
      e.approvals = [approve("alice", { sha: HEAD })];
      delete pr(e).merged_at;
    },
    verdict: "waiting",
    code: "awaiting_approval",
    ignored: ["alice", "stale"],
  },
  {
    name: "a rejection by an approver blocks",
    change: (e) => {
      e.approvals = [approve("bob", { decision: "reject", note: "not during the sale" })];
    },
    verdict: "blocked",
    code: "rejected",
    item: ["approval", "failed", "not during the sale"],
  },
  {
    name: "a rejection by a non-approver is ignored",
    change: (e) => {
      e.approvals!.push(approve("mallory", { decision: "reject" }));
    },
    verdict: "allowed",
    code: "ready",
  },
  {
    name: "an approver's later approval supersedes their rejection",
    change: (e) => {
      e.approvals = [approve("bob", { decision: "reject", at: "2026-11-24T08:00:00Z" }), approve("bob")];
    },
    verdict: "allowed",
    code: "ready",
  },
  // change types and their approvals
  {
    name: "major needs a lead and an architect",
    change: (e) => {
      pr(e).labels = ["major"];
      pr(e).ready_at = "2026-11-20T08:00:00Z";
    },
    verdict: "waiting",
    code: "awaiting_approval",
  },
  {
    name: "major with a lead and an architect",
    change: (e) => {
      pr(e).labels = ["major"];
      e.approvals!.push(approve("carol"));
    },
    verdict: "allowed",
    code: "ready",
  },
  {
    name: "major: two leads do not make an architect",
    change: (e) => {
      pr(e).labels = ["major"];
      e.approvals!.push(approve("bob"));
    },
    verdict: "waiting",
    code: "awaiting_approval",
  },
  {
    name: "the change type follows the semver bump when no label says",
    change: (e) => {
      pr(e).labels = [];
      e.version = "v2.0.0";
      e.previous_version = "v1.9.3";
    },
    verdict: "waiting",
    code: "awaiting_approval",
    item: ["approval", "pending", "group:architects"],
  },
  {
    name: "two change-type labels are ambiguous",
    change: (e) => {
      pr(e).labels = ["minor", "major"];
    },
    verdict: "blocked",
    code: "change_type_ambiguous",
  },
  {
    name: "notice period not yet elapsed",
    change: (e) => {
      pr(e).ready_at = "2026-11-24T07:00:00Z";
    },
    verdict: "waiting",
    code: "notice_pending",
    item: ["approval", "pending", "2h left"],
  },
  {
    name: "every member of a group: one missing",
    change: (e) => {
      pr(e).labels = ["breaking"];
      e.approvals = [approve("alice"), approve("bob")];
    },
    verdict: "waiting",
    code: "awaiting_approval",
    item: ["approval", "pending", "still missing: @carol"],
  },
  {
    name: "every member of a group: all approved",
    change: (e) => {
      pr(e).labels = ["breaking"];
      e.approvals = [approve("alice"), approve("bob"), approve("carol")];
    },
    verdict: "allowed",
    code: "ready",
  },
  {
    name: "hotfix approved by the on-call team",
    change: (e) => {
      pr(e).labels = ["hotfix"];
      e.approvals = [approve("olga")];
    },
    verdict: "allowed",
    code: "ready",
    item: ["runbook", "waived"],
  },
  {
    name: "hotfix: an on-call member who wrote the fix cannot approve it",
    change: (e) => {
      pr(e).labels = ["hotfix"];
      pr(e).author = "dave";
      e.approvals = [approve("dave")];
    },
    verdict: "waiting",
    code: "awaiting_approval",
    ignored: ["dave", "separation of duties"],
  },
  {
    name: "emergency change deploys first, approvals due after",
    change: (e) => {
      pr(e).labels = ["emergency"];
      e.approvals = [];
    },
    verdict: "allowed",
    code: "emergency_post_approval",
    item: ["approval", "waived", "must approve by"],
  },
  {
    name: "emergency change past its approval deadline",
    change: (e) => {
      pr(e).labels = ["emergency"];
      e.approvals = [];
      e.deployments!.push({
        environment: "production",
        sha: SHA,
        state: "success",
        created_at: "2026-11-23T08:00:00Z",
      });
    },
    verdict: "blocked",
    code: "emergency_approval_overdue",
  },
  {
    name: "emergency change approved within its deadline",
    change: (e) => {
      pr(e).labels = ["emergency"];
      e.approvals = [approve("johan")];
      e.deployments!.push({
        environment: "production",
        sha: SHA,
        state: "success",
        created_at: "2026-11-23T08:00:00Z",
      });
    },
    verdict: "allowed",
    code: "ready",
  },
  // readiness checklist: automatic items
  {
    name: "a CI check failed",
    change: (e) => {
      e.checks![1]!.state = "failure";
    },
    verdict: "blocked",
    code: "checks_failed",
    item: ["ci", "failed", "test"],
  },
  {
    name: "a CI check has not reported",
    change: (e) => {
      e.checks = [{ name: "build", state: "success" }];
    },
    verdict: "waiting",
    code: "checks_missing",
  },
  {
    name: "neutral and skipped checks pass, as on GitHub",
    change: (e) => {
      e.checks = [
        { name: "build", state: "neutral" },
        { name: "test", state: "skipped" },
      ];
    },
    verdict: "allowed",
    code: "ready",
  },
  {
    name: "no approving review",
    change: (e) => {
      e.reviews = [];
    },
    verdict: "waiting",
    code: "reviews_missing",
  },
  {
    name: "a review of an older commit is stale",
    change: (e) => {
      e.reviews![0]!.commit_sha = OLD;
    },
    verdict: "waiting",
    code: "reviews_missing",
    item: ["review", "pending", "older commit"],
  },
  {
    name: "changes requested",
    change: (e) => {
      e.reviews!.push({
        author: "gus",
        state: "CHANGES_REQUESTED",
        commit_sha: HEAD,
        submitted_at: "2026-11-21T09:00:00Z",
      });
    },
    verdict: "blocked",
    code: "changes_requested",
  },
  {
    name: "open critical security alert",
    change: (e) => {
      e.security_alerts = [{ source: "dependabot", severity: "critical" }];
    },
    verdict: "blocked",
    code: "security_alerts_open",
    item: ["security", "failed", "1 critical"],
  },
  {
    name: "a high alert is below a critical threshold",
    change: (e) => {
      e.security_alerts = [{ source: "code_scanning", severity: "high" }];
    },
    verdict: "allowed",
    code: "ready",
  },
  {
    name: "no rollback plan section",
    change: (e) => {
      pr(e).body = "- [x] Runbook updated";
    },
    verdict: "blocked",
    code: "section_missing",
  },
  {
    name: "an empty rollback plan section",
    change: (e) => {
      pr(e).body = "## Rollback plan\n<!-- describe it -->\n## Other\n- [x] Runbook updated";
    },
    verdict: "blocked",
    code: "section_missing",
    item: ["rollback-plan", "failed", "empty"],
  },
  {
    name: "changelog not touched",
    change: (e) => {
      pr(e).files = [{ path: "src/a.ts", patch: "@@ -1 +1 @@\n+x" }];
    },
    verdict: "blocked",
    code: "file_not_changed",
  },
  {
    name: "a secret in the diff",
    change: (e) => {
      pr(e).files!.push({ path: "config.ts", patch: "@@ -0,0 +1 @@\n+const key = 'AKIAABCDEFGHIJKLMNOP';" });
    },
    verdict: "blocked",
    code: "secrets_found",
    item: ["secrets", "failed", "config.ts:1"],
  },
  {
    name: "an open secret-scanning alert",
    change: (e) => {
      e.security_alerts = [{ source: "secret_scanning", severity: "high" }];
    },
    verdict: "blocked",
    code: "secrets_found",
  },
  {
    name: "a truncated diff cannot be declared secret-free",
    change: (e) => {
      pr(e).files_complete = false;
    },
    verdict: "blocked",
    code: "diff_incomplete",
  },
  {
    name: "migrations with the direct strategy",
    change: (e) => {
      pr(e).files!.push({ path: "db/migrations/042_add.sql" });
    },
    verdict: "blocked",
    code: "high_risk_strategy",
  },
  {
    name: "migrations with canary",
    change: (e) => {
      pr(e).files!.push({ path: "db/migrations/042_add.sql" });
      pr(e).body += "- [x] Migration tested in staging\n";
      e.strategy = "canary";
    },
    verdict: "allowed",
    code: "ready",
    item: ["migrations", "passed", "high risk"],
  },
  {
    name: "a strategy the environment does not allow",
    change: (e) => {
      e.strategy = "blue-green";
    },
    verdict: "blocked",
    code: "strategy_not_allowed",
  },
  // manual items
  {
    name: "a manual item unticked",
    change: (e) => {
      pr(e).body = "## Rollback plan\nRedeploy.\n- [ ] Runbook updated";
    },
    verdict: "blocked",
    code: "checkbox_unchecked",
    item: ["runbook", "failed", "not ticked"],
  },
  {
    name: "no pull request behind the commit",
    change: (e) => {
      e.pull_request = null;
    },
    verdict: "blocked",
    code: "no_pull_request",
  },
  // language extensions the seeds asked for
  {
    name: "a pre-approved change type needs no one",
    change: (e) => {
      pr(e).labels = ["docs"];
      e.approvals = [];
    },
    verdict: "allowed",
    code: "ready",
    item: ["approval", "waived", "docs changes are pre-approved"],
  },
  {
    name: "a shorter soak for hotfixes (and a hotfix may deploy on a Sunday)",
    at: "2026-11-22T10:30:00Z",
    change: (e) => {
      pr(e).labels = ["hotfix"];
      e.approvals = [approve("olga", { at: "2026-11-22T10:00:00Z" })];
    },
    verdict: "allowed",
    code: "ready",
    item: ["requires-staging", "passed"],
  },
  {
    name: "…but not before its own soak",
    at: "2026-11-22T09:30:00Z",
    change: (e) => {
      pr(e).labels = ["hotfix"];
      e.approvals = [approve("olga", { at: "2026-11-22T09:20:00Z" })];
    },
    verdict: "waiting",
    code: "soak_pending",
    item: ["requires-staging", "pending", "35m left"],
  },
  {
    name: "someone not among the deployers starts the deployment",
    change: (e) => {
      e.initiator = "mallory";
    },
    verdict: "blocked",
    code: "deployer_not_allowed",
    item: ["deployer", "failed", "@mallory may not deploy to production"],
  },
  {
    name: "an admin may start the deployment",
    change: (e) => {
      e.initiator = "johan";
    },
    verdict: "allowed",
    code: "ready",
    item: ["deployer", "passed"],
  },
  {
    name: "an item applies only when its paths change",
    verdict: "allowed",
    code: "ready",
    item: ["migration-tested", "waived", "not applicable"],
  },
  {
    name: "…and is checked when they do",
    change: (e) => {
      pr(e).files!.push({ path: "db/migrations/001.sql" });
      e.strategy = "canary";
    },
    verdict: "blocked",
    code: "checkbox_unchecked",
    item: ["migration-tested", "failed"],
  },
  {
    name: "a staging success later marked inactive still counts",
    change: (e) => {
      e.deployments![0]!.state = "inactive";
    },
    verdict: "allowed",
    code: "ready",
    item: ["requires-staging", "passed"],
  },
  // windows, freezes, overrides
  {
    name: "Friday afternoon is denied",
    at: "2026-11-27T12:30:00Z",
    verdict: "blocked",
    code: "window_closed",
    item: ["window", "failed", "denied span"],
  },
  {
    name: "a weekend is outside the windows",
    at: "2026-11-22T10:00:00Z",
    verdict: "blocked",
    code: "window_closed",
  },
  { name: "a blackout date", at: "2026-11-26T10:00:00Z", verdict: "blocked", code: "blackout_date" },
  {
    name: "a freeze",
    at: "2026-12-21T10:00:00Z",
    verdict: "blocked",
    code: "freeze_active",
    item: ["window", "failed", "holidays"],
  },
  {
    name: "a freeze with a hotfix override",
    at: "2026-12-21T10:00:00Z",
    change: (e) => {
      pr(e).labels = ["hotfix"];
      e.approvals = [approve("olga")];
    },
    verdict: "allowed",
    code: "ready",
    item: ["window", "waived", "override recorded"],
  },
  {
    name: "window across the daylight-saving change: 07:30Z is 09:30 in Stockholm on Friday 23 Oct",
    at: "2026-10-23T07:30:00Z",
    change: (e) => {
      e.approvals = [approve("alice", { at: "2026-10-23T07:00:00Z" })];
      e.deployments![0]!.succeeded_at = "2026-10-20T07:00:00Z";
      pr(e).ready_at = "2026-10-19T07:00:00Z";
    },
    verdict: "allowed",
    code: "ready",
  },
  {
    name: "…and 08:30 on Monday 26 Oct, after clocks went back: closed",
    at: "2026-10-26T07:30:00Z",
    change: (e) => {
      e.approvals = [approve("alice", { at: "2026-10-26T07:00:00Z" })];
      e.deployments![0]!.succeeded_at = "2026-10-20T07:00:00Z";
      pr(e).ready_at = "2026-10-19T07:00:00Z";
    },
    verdict: "blocked",
    code: "window_closed",
  },
];

describe("readiness engine", () => {
  test.each(rows.map((row) => [row.name, row] as const))("%s", (_, row) => {
    const evidence = evidenceWith(row.change ?? (() => {}));
    const decision = evaluate(
      policy,
      row.environment ?? "production",
      evidence,
      row.at ? new Date(row.at) : NOW,
    );
    const deciding = decision.checklist
      .filter((i) => i.state === "failed" || i.state === "pending")
      .map((i) => `${i.id}: ${i.reason}`);
    expect({ verdict: decision.verdict, code: decision.reasonCode, deciding }).toEqual(
      expect.objectContaining({ verdict: row.verdict, code: row.code }),
    );
    if (row.item) {
      const [id, state, contains] = row.item;
      const item = decision.checklist.find((i) => i.id === id);
      expect(item?.state).toBe(state);
      if (contains) expect(item?.reason).toContain(contains);
    }
    if (row.ignored) {
      const [login, why] = row.ignored;
      expect(decision.approvals.ignored).toEqual(
        expect.arrayContaining([expect.objectContaining({ login, why: expect.stringContaining(why) })]),
      );
      expect(decision.approvals.counted.map((c) => c.login)).not.toContain(login);
    }
  });
});
