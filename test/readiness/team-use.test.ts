/**
 * Whether judging a commit asks who is in a team: the App reads a policy's teams only then. Each answer
 * is checked against the decision itself: where the probe says "no", the decision without the teams is
 * the decision with them.
 */
import { describe, expect, test } from "@jest/globals";
import { evaluate } from "../../src/readiness/evaluate.js";
import { evidenceSchema, type EvidenceInput } from "../../src/readiness/evidence.js";
import { asksTeamMembers } from "../../src/readiness/team-use.js";
import { testPolicy } from "./fixtures.js";

const SHA = "a".repeat(40);
const NOW = new Date("2026-11-24T09:00:00Z");

const policy = testPolicy(`version: 1
approvers:
  leads: ["@acme/leads"]
environments:
  staging:
    approval: automatic
    deployers: ["@acme/deployers"]
  production:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 1 }
    rollback: { redeploy_previous: true }
`);

const TEAMS = { "acme/leads": ["alice"], "acme/deployers": ["olga"] };

function evidence(change: (e: EvidenceInput) => void = () => {}) {
  const input: EvidenceInput = {
    repository: "acme/shop",
    sha: SHA,
    pull_request: {
      number: 7,
      title: "Faster checkout",
      author: "dave",
      head_sha: SHA,
      ready_at: "2026-11-20T08:00:00Z",
      commit_authors: ["dave"],
      commits: [{ sha: SHA }],
    },
    approvals: [],
  };
  change(input);
  return evidenceSchema.parse(input);
}

const approved = (e: EvidenceInput) => {
  e.approvals = [
    {
      approver: "alice",
      decision: "approve",
      environment: "production",
      sha: SHA,
      at: "2026-11-24T08:00:00Z",
    },
  ];
};

describe("asksTeamMembers", () => {
  test("no approval yet and no deployer to judge: the teams are not asked for, and change nothing", () => {
    const none = evidence();
    expect(asksTeamMembers(policy, ["staging", "production"], none, NOW)).toBe(false);
    for (const environment of ["staging", "production"])
      expect(evaluate(policy, environment, none, NOW)).toEqual(
        evaluate(policy, environment, { ...none, teams: TEAMS }, NOW),
      );
  });

  test("an approval to count asks who is in the team it must come from", () => {
    const withApproval = evidence(approved);
    expect(asksTeamMembers(policy, ["production"], withApproval, NOW)).toBe(true);
    // The control: the teams decide this approval.
    expect(evaluate(policy, "production", withApproval, NOW).approvals.counted).toEqual([]);
    expect(evaluate(policy, "production", { ...withApproval, teams: TEAMS }, NOW).approvals.counted).toEqual([
      expect.objectContaining({ login: "alice" }),
    ]);
  });

  test("a deployer to judge against a team asks for it, only for the environment that names one", () => {
    const started = evidence((e) => {
      e.initiator = "olga";
    });
    expect(asksTeamMembers(policy, ["staging"], started, NOW)).toBe(true);
    expect(asksTeamMembers(policy, ["production"], started, NOW)).toBe(false);
  });
});
