/**
 * A rollback redeploy as evidence (`rollback_of`): judged by the policy's `rollback.approval`, and only
 * when the commit redeployed has a verified success on the environment; otherwise it waives nothing.
 */
import { describe, expect, test } from "@jest/globals";
import { evaluate } from "../../src/readiness/evaluate.js";
import type { EvidenceInput } from "../../src/readiness/evidence.js";
import { evidenceWith, NOW, OLD, SHA, testPolicy } from "./fixtures.js";

const policyWith = (rollback: string) => `version: 1
change_types:
  default: minor
  types:
    minor: { labels: [minor] }
environments:
  production:
    approval: required
    approvals: { "*": { from: [alice] } }
    rollback: ${rollback}
`;

const SUCCEEDED_ON_PRODUCTION = {
  environment: "production",
  sha: SHA,
  state: "inactive" as const,
  created_at: "2026-11-10T09:00:00Z",
  succeeded_at: "2026-11-10T09:05:00Z",
};

function evidence(change: (e: EvidenceInput) => void) {
  return evidenceWith((e) => {
    e.approvals = []; // nobody approved: only a rollback rule can let it through
    e.pull_request!.labels = ["minor"];
    change(e);
  });
}

describe("rollback_of", () => {
  test.each([
    {
      name: "a verified rollback, approval none: allowed without approval",
      rollback: "{ redeploy_previous: true, approval: none }",
      change: (e: EvidenceInput) => {
        e.rollback_of = OLD;
        e.deployments!.push(SUCCEEDED_ON_PRODUCTION);
      },
      verdict: "allowed",
      rollbackItem: { state: "passed", reason: /succeeded on production at 2026-11-10T09:05:00Z/ },
      approval: { state: "waived", reason: /rollback .* needs no approval \(rollback\.approval: none\)/ },
    },
    {
      name: "approval none is the default",
      rollback: "{ redeploy_previous: true }",
      change: (e: EvidenceInput) => {
        e.rollback_of = OLD;
        e.deployments!.push(SUCCEEDED_ON_PRODUCTION);
      },
      verdict: "allowed",
      rollbackItem: { state: "passed", reason: /needs no approval for rollbacks/ },
      approval: { state: "waived", reason: /needs no approval/ },
    },
    {
      name: "a verified rollback, approval required: waits for approval like any deployment",
      rollback: "{ redeploy_previous: true, approval: required }",
      change: (e: EvidenceInput) => {
        e.rollback_of = OLD;
        e.deployments!.push(SUCCEEDED_ON_PRODUCTION);
      },
      verdict: "waiting",
      rollbackItem: { state: "passed", reason: /requires approval for rollbacks/ },
      approval: { state: "pending", reason: /./ },
    },
    {
      name: "never deployed to this environment (only to staging): not a rollback, blocked, nothing waived",
      rollback: "{ redeploy_previous: true, approval: none }",
      change: (e: EvidenceInput) => {
        e.rollback_of = OLD;
      },
      verdict: "blocked",
      rollbackItem: {
        state: "failed",
        reason: /has no verified successful deployment to production: redeploying it is not a rollback/,
      },
      approval: { state: "pending", reason: /./ },
    },
    {
      name: "a production deployment that never succeeded (no verified success status) waives nothing",
      rollback: "{ redeploy_previous: true, approval: none }",
      change: (e: EvidenceInput) => {
        e.rollback_of = OLD;
        const { succeeded_at: _, ...unverified } = SUCCEEDED_ON_PRODUCTION;
        e.deployments!.push({ ...unverified, state: "success" });
      },
      verdict: "blocked",
      rollbackItem: { state: "failed", reason: /no verified successful deployment/ },
      approval: { state: "pending", reason: /./ },
    },
    {
      name: "rolling back to the commit it replaces is no rollback",
      rollback: "{ redeploy_previous: true, approval: none }",
      change: (e: EvidenceInput) => {
        e.rollback_of = SHA.slice(0, 7);
        e.deployments!.push(SUCCEEDED_ON_PRODUCTION);
      },
      verdict: "blocked",
      rollbackItem: { state: "failed", reason: /names 1111111, the commit being deployed/ },
      approval: { state: "pending", reason: /./ },
    },
    {
      name: "no rollback_of: a redeploy of an earlier success is judged as any deployment (no label can waive)",
      rollback: "{ redeploy_previous: true, approval: none }",
      change: (e: EvidenceInput) => {
        e.pull_request!.labels = ["minor", "rollback"];
        e.deployments!.push(SUCCEEDED_ON_PRODUCTION);
      },
      verdict: "waiting",
      rollbackItem: undefined,
      approval: { state: "pending", reason: /./ },
    },
  ])("$name", ({ rollback, change, verdict, rollbackItem, approval }) => {
    const decision = evaluate(testPolicy(policyWith(rollback)), "production", evidence(change), NOW);
    expect(decision.verdict).toBe(verdict);
    const item = decision.checklist.find((i) => i.id === "rollback");
    if (rollbackItem === undefined) expect(item).toBeUndefined();
    else {
      expect(item?.state).toBe(rollbackItem.state);
      expect(item?.reason).toMatch(rollbackItem.reason);
      if (item?.state === "failed") {
        expect(item.code).toBe("rollback_unverified");
        expect(item.fix).toBeTruthy();
      }
    }
    const gate = decision.checklist.find((i) => i.id === "approval")!;
    expect(gate.state).toBe(approval.state);
    expect(gate.reason).toMatch(approval.reason);
  });

  test("the policy key is validated", () => {
    expect(() => testPolicy(policyWith("{ redeploy_previous: true, approval: sometimes }"))).toThrow(
      /expected none or required/,
    );
  });
});
