import { describe, expect, test } from "@jest/globals";
import type { Directory } from "../../src/approvals/authority.js";
import { describeRule, tallyApprovals, type ApprovalRecord } from "../../src/approvals/tally.js";
import { parseApprover } from "../../src/policy/model.js";
import { normalizeApprovalRule } from "../../src/policy/normalize/approvals.js";

const SHA = "a".repeat(40);
const directory: Directory = {
  teams: { "acme/core": ["alice", "bob"] },
  permissions: {},
  groups: {
    leads: [parseApprover("alice"), parseApprover("bob")],
    architects: [parseApprover("alice"), parseApprover("carol")],
  },
};
const record = (
  approver: string,
  at = "2026-01-01T10:00:00Z",
  extra: Partial<ApprovalRecord> = {},
): ApprovalRecord => ({
  approver,
  decision: "approve",
  environment: "production",
  sha: SHA,
  at,
  ...extra,
});
const tally = (
  rule: Parameters<typeof normalizeApprovalRule>[0],
  records: ApprovalRecord[],
  excluded: [string, string][] = [],
) =>
  tallyApprovals({
    environment: "production",
    changeType: "major",
    rule: normalizeApprovalRule(rule),
    records,
    acceptedShas: [SHA],
    excluded: new Map(excluded),
    directory,
  });

const leadAndArchitect = { all_of: [{ from: ["group:leads"] }, { from: ["group:architects"] }] };

describe("approval tally", () => {
  test("one person in both groups cannot fill two seats", () => {
    const result = tally(leadAndArchitect, [record("alice")]);
    expect(result.satisfied).toBe(false);
  });

  test("the matching finds the assignment that works, whatever the order", () => {
    // alice could be the lead or the architect; bob can only be the lead, so alice must be the architect.
    const result = tally(leadAndArchitect, [
      record("alice", "2026-01-01T09:00:00Z"),
      record("bob", "2026-01-01T10:00:00Z"),
    ]);
    expect(result.satisfied).toBe(true);
    expect(result.counted.map((c) => [c.login, c.fills])).toEqual([
      ["alice", "1 of group:architects"],
      ["bob", "1 of group:leads"],
    ]);
  });

  test("a person approving twice counts once", () => {
    const result = tally({ from: ["group:leads"], count: 2 }, [
      record("alice"),
      record("alice", "2026-01-01T11:00:00Z"),
    ]);
    expect(result.satisfied).toBe(false);
    expect(result.counted).toHaveLength(1);
  });

  test("an approval and a rejection by one person in the same second: the rejection stands, in either order", () => {
    const approve = record("alice");
    const reject = record("alice", approve.at, { decision: "reject", note: "not this" });
    for (const records of [
      [approve, reject],
      [reject, approve],
    ])
      expect(tally({ from: ["group:leads"] }, records).rejectedBy).toMatchObject({ login: "alice" });
  });

  test("two decisions by one person in the same second: the later comment is the latest, in either order", () => {
    const url = (id: number) => `https://github.com/acme/shop/pull/1#issuecomment-${id}`;
    // An approval of the PR head, then, in the same second, of its merge commit: the merge's counts.
    const onHead = record("alice", undefined, { sha: "b".repeat(40), url: url(41) });
    const onMerge = record("alice", onHead.at, { url: url(42) });
    for (const records of [
      [onHead, onMerge],
      [onMerge, onHead],
    ])
      expect(tally({ from: ["group:leads"] }, records).counted.map((c) => c.login)).toEqual(["alice"]);
    // A rejection on the later comment stands; an approval on the later comment ends the rejection.
    const rejection = record("alice", onHead.at, { decision: "reject", url: url(43) });
    expect(tally({ from: ["group:leads"] }, [rejection, onMerge]).rejectedBy).toMatchObject({
      login: "alice",
    });
    const approval = record("alice", onHead.at, { url: url(44) });
    expect(tally({ from: ["group:leads"] }, [approval, rejection]).rejectedBy).toBeUndefined();
  });

  test("two approvers at the same moment both count", () => {
    const result = tally({ from: ["group:leads"], count: 2 }, [record("alice"), record("bob")]);
    expect(result.satisfied).toBe(true);
  });

  test("approvals beyond the requirement are listed as more than needed", () => {
    const result = tally({ from: ["group:leads"] }, [record("alice"), record("bob", "2026-01-01T11:00:00Z")]);
    expect(result.counted.map((c) => c.fills)).toEqual(["1 of group:leads", "more than needed"]);
  });

  test("every member of a team, minus those separation of duties excludes", () => {
    const rule = { every_member_of: "@acme/core" };
    expect(tally(rule, [record("alice")]).satisfied).toBe(false);
    expect(tally(rule, [record("alice")], [["bob", "authored the pull request"]]).satisfied).toBe(true);
    expect(tally(rule, [record("alice"), record("bob")]).counted.map((c) => c.fills)).toEqual([
      "consensus",
      "consensus",
    ]);
  });

  test("every member of a team whose members are unknown is never satisfied", () => {
    expect(tally({ every_member_of: "@acme/ghosts" }, [record("alice")]).satisfied).toBe(false);
  });

  test("a rejection by an approver wins over approvals", () => {
    const result = tally({ from: ["group:leads"] }, [
      record("alice"),
      record("bob", undefined, { decision: "reject", url: "https://x/1" }),
    ]);
    expect(result.satisfied).toBe(false);
    expect(result.rejectedBy).toEqual({ login: "bob", reason: "no reason given", url: "https://x/1" });
  });

  test("describes the rule", () => {
    expect(describeRule(normalizeApprovalRule({ from: ["alice", "@acme/sre"], count: 2 }))).toBe(
      "2 of @alice, @acme/sre",
    );
    expect(describeRule(normalizeApprovalRule({ every_member_of: "group:leads" }))).toBe(
      "every member of group:leads",
    );
  });
});
