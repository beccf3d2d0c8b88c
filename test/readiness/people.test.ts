/**
 * Separation of duties: who may not approve, worded for the checklist and for the App's refusal, and
 * when the people on a change cannot be known (then no approval may pass).
 */
import { describe, expect, test } from "@jest/globals";
import { evaluate } from "../../src/readiness/evaluate.js";
import { evidenceSchema, type EvidenceInput } from "../../src/readiness/evidence.js";
import { exclusionReasons, separationOfDuties } from "../../src/readiness/people.js";
import { testPolicy } from "./fixtures.js";

const SHA = "a".repeat(40);
const FIRST = "b".repeat(40);
const NOW = new Date("2026-11-24T09:00:00Z");

const policyWith = (separation: string) =>
  testPolicy(`version: 1
environments:
  production:
    approval: required
    approvals:
      "*": { from: [alice, bob, carol, mallory], count: 1 }
    separation_of_duties: ${separation}
    rollback: { redeploy_previous: true }
`);

function evidence(change: (e: EvidenceInput) => void = () => {}) {
  const input: EvidenceInput = {
    repository: "acme/shop",
    sha: SHA,
    initiator: "olga",
    pull_request: {
      number: 7,
      title: "Faster checkout",
      author: "dave",
      head_sha: SHA,
      ready_at: "2026-11-20T08:00:00Z",
      commit_authors: ["dave", "alice"],
      co_authors: ["bob"],
      pushers: ["carol"],
      commits: [
        { sha: FIRST, signed_by: "dave" },
        { sha: SHA, signed_by: "mallory" },
      ],
    },
    approvals: [],
  };
  change(input);
  return evidenceSchema.parse(input);
}

const environment = (separation: string) => policyWith(separation).environments["production"]!;

describe("who separation of duties keeps from approving", () => {
  test("by GitHub's links of the commits' emails (the default): starter, PR author, force-pusher, authors and co-authors", () => {
    for (const setting of ["true", "{}", "{ identity: linked_emails }"]) {
      const separation = separationOfDuties(environment(setting), evidence());
      expect(exclusionReasons(separation)).toEqual(
        new Map([
          ["olga", "started this deployment"],
          ["carol", "force-pushed the pull request's branch"],
          ["bob", "co-authored commits in this change"],
          ["dave", "authored the pull request"],
          ["alice", "authored commits in this change"],
        ]),
      );
      expect(exclusionReasons(separation, "refusal").get("bob")).toBe(
        "you co-authored commits in this change",
      );
      expect(exclusionReasons(separation, "refusal").get("carol")).toBe(
        "you force-pushed this pull request's branch",
      );
      expect(separation.unknown).toBeUndefined();
    }
  });

  test("by verified signatures: the signers, and no one merely named by an email or a trailer", () => {
    const separation = separationOfDuties(environment("{ identity: verified_signatures }"), evidence());
    expect(exclusionReasons(separation)).toEqual(
      new Map([
        ["olga", "started this deployment"],
        ["carol", "force-pushed the pull request's branch"],
        ["mallory", "signed commits in this change"],
        ["dave", "authored the pull request"],
      ]),
    );
    expect(exclusionReasons(separation, "refusal").get("mallory")).toBe("you signed commits in this change");
    expect(separation.unknown).toBeUndefined();
  });

  test("by verified signatures, a commit without a valid signature leaves its writer unknown: the approval fails, naming it", () => {
    const unsigned = evidence((e) => {
      e.pull_request!.commits = [{ sha: FIRST, signed_by: "dave" }, { sha: SHA }];
      e.approvals = [
        {
          approver: "alice",
          decision: "approve",
          environment: "production",
          sha: SHA,
          at: NOW.toISOString(),
        },
      ];
    });
    const policy = policyWith("{ identity: verified_signatures }");
    expect(separationOfDuties(policy.environments["production"]!, unsigned).unknown).toEqual({
      reason: `commit ${SHA.slice(0, 7)} has no valid signature, so who wrote it cannot be known (identity: verified_signatures)`,
      fix: "sign it (git commit -S) with a key registered on the committer's GitHub account, whose email is the committer email, and push again",
    });
    const decision = evaluate(policy, "production", unsigned, NOW);
    const item = decision.checklist.find((i) => i.id === "approval")!;
    expect(item).toMatchObject({ state: "failed", code: "identity_unknown" });
    expect(item.reason).toContain(`commit ${SHA.slice(0, 7)} has no valid signature`);
    expect(decision.approvals.satisfied).toBe(false);

    // The same approval passes once every commit is signed.
    const signed = evidence((e) => {
      e.approvals = [
        {
          approver: "alice",
          decision: "approve",
          environment: "production",
          sha: SHA,
          at: NOW.toISOString(),
        },
      ];
    });
    expect(
      evaluate(policy, "production", signed, NOW).checklist.find((i) => i.id === "approval"),
    ).toMatchObject({
      state: "passed",
    });
  });

  test("lists GitHub cut short leave the people unknown in either mode", () => {
    for (const list of ["commits", "co_authors", "pushers"]) {
      const cut = evidence((e) => {
        e.incomplete = [list];
      });
      const unknown = separationOfDuties(environment("true"), cut).unknown;
      expect(unknown?.reason).toMatch(
        /^GitHub's answer cut short the .* of PR #7, so who worked on it cannot all be known$/,
      );
    }
    expect(
      separationOfDuties(
        environment("true"),
        evidence((e) => void (e.incomplete = ["reviews"])),
      ).unknown,
    ).toBeUndefined();
  });

  test("turned off, no one is kept out and nothing is unknown", () => {
    const separation = separationOfDuties(
      environment("false"),
      evidence((e) => void (e.incomplete = ["commits"])),
    );
    expect(separation.excluded.size).toBe(0);
    expect(separation.unknown).toBeUndefined();
  });
});
