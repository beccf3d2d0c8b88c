/** A policy that uses every row of the policy table, and evidence that passes it, for table-driven tests. */
import { loadPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/model.js";
import { evidenceSchema, type Evidence, type EvidenceInput } from "../../src/readiness/evidence.js";

export const POLICY_YAML = `
version: 1
approvers:
  admins: [johan, role:admin]
  leads: [alice, bob]
  architects: [carol]
  oncall: ["@acme/on-call"]
change_types:
  default: minor
  types:
    hotfix: { labels: [hotfix] }
    minor: { labels: [minor], semver: minor }
    major: { labels: [major], semver: major }
    breaking: { labels: [breaking] }
    emergency: { labels: [emergency] }
    docs: { labels: [docs] }
checklist:
  ci: { checks: [build, test] }
  review: { reviews: 1 }
  security: { security_alerts: critical }
  rollback-plan: { pr_section: Rollback plan }
  changelog: { changed_files: [CHANGELOG.md] }
  secrets: { no_secrets: true }
  migrations:
    high_risk_paths: { paths: ["db/migrations/**"], strategies: [canary] }
  runbook: { checkbox: Runbook updated, skip_for: [hotfix, emergency] }
  migration-tested: { checkbox: Migration tested in staging, when_changed: ["db/migrations/**"] }
strategies:
  canary:
    type: canary
    run: ./deploy.sh
    steps: [{ weight: 5 }, { weight: 100 }]
  direct: { type: direct, run: ./deploy.sh }
environments:
  dev:
    approval: none
  staging:
    approval: automatic
    checklist: [ci]
  production:
    requires: [{ environment: staging, soak: 24h, soak_for: { hotfix: 1h } }]
    deployers: [deploy-bot, group:admins]
    approval: required
    approvals:
      hotfix: { from: [group:oncall] }
      minor: { from: [group:leads, group:admins], notice: 4h }
      major:
        all_of:
          - { from: [group:leads] }
          - { from: [group:architects] }
        notice: 24h
      breaking: { every_member_of: "@acme/core", notice: 48h }
      emergency: { from: [group:admins], after_deploy_within: 24h }
      docs: { pre_approved: true }
    checklist: [ci, review, security, rollback-plan, changelog, secrets, migrations, runbook, migration-tested]
    strategies: [direct, canary]
    windows:
      timezone: Europe/Stockholm
      allow: [{ days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }]
      deny: [{ days: [fri], from: "12:00", to: "24:00" }]
      freezes: [{ from: 2026-12-20, to: 2027-01-06, reason: holidays }]
      blackout_dates: [2026-11-26]
      override: { change_types: [hotfix, emergency] }
    rollback: { redeploy_previous: true }
`;

export const SHA = "1111111111111111111111111111111111111111";
export const HEAD = "2222222222222222222222222222222222222222";
export const OLD = "3333333333333333333333333333333333333333";
/** The merge commit's first parent: the default branch when the PR was merged. */
export const PARENT = "4444444444444444444444444444444444444444";

/** Tuesday 24 November 2026, 10:00 in Stockholm (UTC+1): inside the window, staging soaked. */
export const NOW = new Date("2026-11-24T09:00:00Z");

export function testPolicy(yaml = POLICY_YAML): Policy {
  const result = loadPolicy(yaml, "test.yml");
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return result.policy;
}

export function baseEvidence(): EvidenceInput {
  return {
    repository: "acme/shop",
    sha: SHA,
    initiator: "deploy-bot",
    pull_request: {
      number: 7,
      title: "Faster checkout",
      author: "dave",
      body: "## Rollback plan\nRedeploy the previous version.\n\n- [x] Runbook updated\n",
      labels: ["minor"],
      head_sha: HEAD,
      ready_at: "2026-11-20T08:00:00Z",
      merged_at: "2026-11-22T08:00:00Z",
      commit_authors: ["dave", "frank"],
      files: [
        { path: "src/checkout.ts", patch: "@@ -1 +1,2 @@\n a\n+b" },
        { path: "CHANGELOG.md", patch: "@@ -1 +1,2 @@\n # Changes\n+- faster" },
      ],
    },
    // The merge commit's tree is the head's: the head's approvals cover it (see coverage.ts).
    merge: { first_parent: PARENT, same_tree_as_head: true },
    checks: [
      { name: "build", state: "success" },
      { name: "test", state: "success" },
    ],
    reviews: [{ author: "erin", state: "APPROVED", commit_sha: HEAD, submitted_at: "2026-11-21T08:00:00Z" }],
    approvals: [
      {
        approver: "alice",
        decision: "approve",
        environment: "production",
        sha: SHA,
        at: "2026-11-24T08:30:00Z",
      },
    ],
    deployments: [
      {
        environment: "staging",
        sha: SHA,
        state: "success",
        created_at: "2026-11-22T09:00:00Z",
        succeeded_at: "2026-11-22T09:05:00Z",
      },
    ],
    security_alerts: [],
    teams: { "acme/on-call": ["olga", "dave"], "acme/core": ["alice", "bob", "carol"] },
    permissions: { johan: "admin", mallory: "write", root: "admin" },
  };
}

export function evidenceWith(change: (e: EvidenceInput) => void): Evidence {
  const input = baseEvidence();
  change(input);
  return evidenceSchema.parse(input);
}
