/**
 * The one builder of `payload.tollgate`: the Action's rollout record names its strategy, override and
 * rollback plan; the App's approval record (made before any rollout) names none of them; a rollback
 * names what it replaces. Every payload it builds is one `readPayload` accepts whole.
 */
import { expect, test } from "@jest/globals";
import { readPayload } from "../../src/records/format.js";
import { deploymentPayload } from "../../src/records/payload.js";

const decision = {
  changeType: "hotfix",
  emergency: true,
  checklist: [
    { id: "ci", state: "passed" },
    { id: "approval", state: "waiting" },
  ],
};
const pullRequest = { number: 12, title: "Fix checkout", author: "dev", head_sha: "a".repeat(40) };

test("the Action's record names the rollout's strategy, override and the rollback plan", () => {
  const payload = deploymentPayload({
    requestedBy: "merger",
    decision,
    policyDigest: "d1",
    pullRequest,
    rollout: { strategy: "canary", override: { kind: "freeze", changeType: "hotfix", reason: "outage" } },
    rollbackPlan: ["run", "redeploy_previous"],
  });
  expect(payload).toEqual({
    version: 1,
    requested_by: "merger",
    change_type: "hotfix",
    emergency: true,
    strategy: "canary",
    pull_request: pullRequest,
    policy_digest: "d1",
    checklist: { ci: "passed", approval: "waiting" },
    rollback_plan: ["run", "redeploy_previous"],
    override: { kind: "freeze", change_type: "hotfix", reason: "outage" },
  });
  expect(readPayload({ tollgate: payload })).toEqual(payload);
});

test("the App's approval record names no strategy, override or rollback plan", () => {
  const payload = deploymentPayload({ requestedBy: "dev", decision, policyDigest: "d1", pullRequest });
  expect(Object.keys(payload).sort()).toEqual(
    [
      "change_type",
      "checklist",
      "emergency",
      "policy_digest",
      "pull_request",
      "requested_by",
      "version",
    ].sort(),
  );
  expect(readPayload({ tollgate: payload })).toEqual(payload);
});

test("a rollback's record names the commit it replaces and no pull request", () => {
  const payload = deploymentPayload({
    requestedBy: "oncall",
    decision: { changeType: "rollback", emergency: false, checklist: [] },
    policyDigest: "d2",
    rollout: { strategy: "direct" },
    rollbackOf: "b".repeat(40),
  });
  expect(payload).toEqual({
    version: 1,
    requested_by: "oncall",
    change_type: "rollback",
    emergency: false,
    strategy: "direct",
    policy_digest: "d2",
    checklist: {},
    rollback_of: "b".repeat(40),
  });
  expect(readPayload(JSON.stringify({ tollgate: payload }))).toEqual(payload);
});
