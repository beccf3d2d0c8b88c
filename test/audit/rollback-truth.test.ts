/**
 * The audit tells the truth about rollbacks: a rollback that failed is a critical finding and never
 * "rolled back"; a deployment lacks a rollback plan only when none of any kind was in place.
 */
import { describe, expect, test } from "@jest/globals";
import { findingsFor } from "../../src/audit/findings.js";
import { buildRecord, type TrustOptions } from "../../src/audit/record.js";
import type { DeploymentFact, StatusFact } from "../../src/audit/types.js";
import {
  eventDescription,
  type DeploymentPayload,
  type Decision,
  type RecordKind,
} from "../../src/records/format.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/model.js";

const trust: TrustOptions = { appLogin: "tollgate[bot]", trustedWriters: ["github-actions[bot]"] };
const NOW = Date.parse("2026-11-24T12:00:00Z");

function policyWith(rollback: string): Policy {
  const loaded = loadPolicy(
    `version: 1
checklist:
  rollback-plan: { pr_section: Rollback plan }
environments:
  production:
    approval: none
    checklist: [rollback-plan]
${rollback ? `    rollback: ${rollback}\n` : ""}`,
    "tollgate.yml",
  );
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  return loaded.policy;
}

let minute = 0;
const status = (state: string, kind: Exclude<RecordKind, Decision>, text: string): StatusFact => ({
  state,
  description: eventDescription(kind, text),
  creator: "github-actions[bot]",
  createdAt: new Date(Date.parse("2026-11-24T10:00:00Z") + ++minute * 60_000).toISOString(),
  logUrl: null,
  environment: "production",
});

function fact(statuses: StatusFact[], payload: Partial<DeploymentPayload> = {}): DeploymentFact {
  const tollgate: DeploymentPayload = {
    version: 1,
    requested_by: "dave",
    change_type: "standard",
    emergency: false,
    policy_digest: "0".repeat(64),
    checklist: { "rollback-plan": "failed" },
    ...payload,
  };
  return {
    id: 42,
    environment: "production",
    sha: "a".repeat(40),
    ref: null,
    task: "deploy",
    description: null,
    creator: "github-actions[bot]",
    createdAt: "2026-11-24T10:00:00Z",
    payload: JSON.stringify({ tollgate }),
    statuses,
    statusesComplete: true,
  };
}

function audit(deployment: DeploymentFact, policy: Policy | undefined) {
  const record = buildRecord(deployment, { trust, isProduction: (e) => e === "production" });
  const findings = findingsFor(record, deployment, {
    policy,
    trust,
    now: NOW,
    staleAfterMs: 6 * 3_600_000,
    emergencyDeadlineMs: 4 * 3_600_000,
  });
  return { record, findings };
}

const rollingBack = () => [
  status("in_progress", "step", "canary 25 %: applied, analysing through a 10m pause"),
  status("in_progress", "rollback", "rolling back at canary 25 %: error rate 7.2 % > 5 %"),
];

describe("outcome of a deployment that rolled back", () => {
  test.each([
    {
      name: "the rollback worked: rolled back",
      last: status("failure", "outcome", "rolled back at canary 25 %: error rate 7.2 % > 5 % — ran rollback"),
      outcome: "rolled_back",
      critical: false,
    },
    {
      name: "the rollback failed: a failure and a critical finding",
      last: status(
        "error",
        "outcome",
        "CRITICAL: rollback failed after canary 25 %: rollback command failed",
      ),
      outcome: "failure",
      critical: true,
    },
    {
      name: "abandoned while rolling back: a failure too",
      last: status("error", "outcome", "abandoned: no status for 2h (limit 31m); run x"),
      outcome: "failure",
      critical: true,
    },
    {
      name: "still rolling back: in progress, not yet rolled back",
      last: undefined,
      outcome: "in_progress",
      critical: false,
    },
  ])("$name", ({ last, outcome, critical }) => {
    const statuses = [...rollingBack(), ...(last ? [last] : [])];
    const { record, findings } = audit(
      fact(statuses, { rollback_plan: ["run"] }),
      policyWith("{ run: ./rb.sh }"),
    );
    expect(record.outcome).toBe(outcome);
    const found = findings.filter((f) => f.code === "rollback_failed");
    expect(found.map((f) => f.severity)).toEqual(critical ? ["critical"] : []);
    if (critical) expect(found[0]!.message).toContain(record.outcomeDetail);
  });

  test("a rollback deployment whose commands failed is a failure, not a rollback", () => {
    const { record, findings } = audit(
      fact(
        [
          status("in_progress", "rollback", "rolling back from aaaaaaa to bbbbbbb"),
          status("error", "outcome", "rollback failed: rollback command failed (exit code 3)"),
        ],
        { rollback_of: "b".repeat(40), rollback_plan: ["run"] },
      ),
      policyWith("{ run: ./rb.sh }"),
    );
    expect(record.outcome).toBe("failure");
    expect(findings.map((f) => f.code)).toEqual(["rollback_failed"]);
  });
});

describe("no_rollback_plan", () => {
  const succeeded = () => [
    status("in_progress", "step", "deploy: applied"),
    status("success", "outcome", "direct: 1 steps done, last deploy"),
  ];
  test.each<{
    name: string;
    recorded?: DeploymentPayload["rollback_plan"];
    policy: string;
    checklist: string;
    finding: string | undefined;
  }>([
    {
      name: "rollback commands recorded in the payload",
      recorded: ["run"],
      policy: "",
      checklist: "failed",
      finding: undefined,
    },
    {
      name: "a rollback workflow recorded in the payload",
      recorded: ["workflow"],
      policy: "",
      checklist: "failed",
      finding: undefined,
    },
    {
      name: "nothing recorded, and the checklist's rollback plan failed",
      recorded: [],
      policy: "{ run: ./rb.sh }",
      checklist: "failed",
      finding:
        "production deployment with no rollback configured (commands, redeploy_previous or a workflow), and its rollback plan (rollback-plan) was failed when it was recorded",
    },
    {
      name: "nothing configured, but a rollback plan in the PR passed the checklist",
      recorded: [],
      policy: "",
      checklist: "passed",
      finding: undefined,
    },
    {
      name: "an older record without rollback_plan: today's policy has rollback commands",
      policy: "{ run: ./rb.sh }",
      checklist: "failed",
      finding: undefined,
    },
    {
      name: "an older record without rollback_plan: today's policy has none",
      policy: "",
      checklist: "failed",
      finding:
        "production deployment with no rollback configured (commands, redeploy_previous or a workflow), and its rollback plan (rollback-plan) was failed when it was recorded (judged by today's policy; the deployment was judged by policy 000000000000)",
    },
  ])("$name", ({ recorded, policy, checklist, finding }) => {
    const { findings } = audit(
      fact(succeeded(), {
        checklist: { "rollback-plan": checklist },
        ...(recorded !== undefined ? { rollback_plan: recorded } : {}),
      }),
      policyWith(policy),
    );
    expect(findings.filter((f) => f.code === "no_rollback_plan").map((f) => f.message)).toEqual(
      finding === undefined ? [] : [finding],
    );
  });
});
