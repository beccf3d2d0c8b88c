/**
 * Which commits' approvals cover a merge commit (src/readiness/coverage.ts), through the engine: the
 * PR head's approvals cover its merge only when the merge ships exactly what was approved on a base
 * already deployed to, or approved for, the environment.
 */
import { describe, expect, test } from "@jest/globals";
import { approvalCoverage } from "../../src/readiness/coverage.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import type { EvidenceInput } from "../../src/readiness/evidence.js";
import { HEAD, NOW, PARENT, SHA, evidenceWith, testPolicy } from "./fixtures.js";

const policy = testPolicy();
const BLOB = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const OTHER_BLOB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/** The approval on the PR head only, and a merge whose tree is not the head's (main moved meanwhile). */
function movedMain(
  change: (merge: NonNullable<EvidenceInput["merge"]>, e: EvidenceInput) => void = () => {},
) {
  return evidenceWith((e) => {
    e.approvals = [
      {
        approver: "alice",
        decision: "approve",
        environment: "production",
        sha: HEAD,
        at: "2026-11-24T08:30:00Z",
      },
    ];
    const merge: NonNullable<EvidenceInput["merge"]> = {
      first_parent: PARENT,
      same_tree_as_head: false,
      changes: [
        { path: "src/checkout.ts", blob: BLOB },
        { path: "CHANGELOG.md", blob: null },
      ],
      approved_changes: [
        { path: "CHANGELOG.md", blob: null },
        { path: "src/checkout.ts", blob: BLOB },
      ],
    };
    change(merge, e);
    e.merge = merge;
  });
}

const approvalOf = (evidence: ReturnType<typeof movedMain>) => {
  const decision = evaluate(policy, "production", evidence, NOW);
  return { verdict: decision.verdict, item: decision.checklist.find((i) => i.id === "approval")! };
};

const deployedParent = (merge: NonNullable<EvidenceInput["merge"]>) => {
  merge.first_parent_deployments = [
    { environment: "production", state: "success", succeeded_at: "2026-11-23T08:00:00Z" },
  ];
};

describe("a merge commit whose tree is not the approved head's", () => {
  test("its first parent neither deployed nor approved: the head's approvals do not cover it", () => {
    const { verdict, item } = approvalOf(movedMain());
    expect(verdict).not.toBe("allowed");
    expect(item.state).toBe("pending");
    expect(item.reason).toContain(
      "the merge commit also carries changes nobody approved for production: its first parent 4444444 is neither deployed to nor approved for production",
    );
    expect(item.fix).toContain("deploy 4444444 to production first");
    expect(item.fix).toContain("/approve production");
  });

  test("its first parent deployed (the App's verified success) and the same change: covered", () => {
    expect(approvalOf(movedMain(deployedParent))).toEqual({
      verdict: "allowed",
      item: expect.objectContaining({ state: "passed", reason: expect.stringContaining("@alice") }),
    });
  });

  test("a success of the first parent in another environment does not count", () => {
    const { verdict } = approvalOf(
      movedMain((m) => {
        m.first_parent_deployments = [
          { environment: "staging", state: "success", succeeded_at: "2026-11-23T08:00:00Z" },
        ];
      }),
    );
    expect(verdict).not.toBe("allowed");
  });

  test("its first parent approved for the environment on that very commit: covered", () => {
    const approved = movedMain((m) => {
      m.first_parent_approvals = [
        {
          approver: "bob",
          decision: "approve",
          environment: "production",
          sha: PARENT,
          at: "2026-11-23T08:00:00Z",
        },
      ];
    });
    expect(approvalOf(approved).verdict).toBe("allowed");
  });

  test("the first parent's approvals are not trusted when its record was cut short", () => {
    const cut = movedMain((m) => {
      m.first_parent_complete = false;
      m.first_parent_approvals = [
        {
          approver: "bob",
          decision: "approve",
          environment: "production",
          sha: PARENT,
          at: "2026-11-23T08:00:00Z",
        },
      ];
    });
    expect(approvalOf(cut).verdict).not.toBe("allowed");
  });

  test("a change beyond the approved one is not covered, even on a deployed first parent", () => {
    const extra = movedMain((m) => {
      deployedParent(m);
      m.changes = [...m.changes!, { path: "src/backdoor.ts", blob: OTHER_BLOB }];
    });
    const { verdict, item } = approvalOf(extra);
    expect(verdict).not.toBe("allowed");
    expect(item.reason).toContain("is not the approved change of 2222222 (differs in src/backdoor.ts)");
  });

  test("the same path with other content is not the approved change", () => {
    const other = movedMain((m) => {
      deployedParent(m);
      m.changes = [
        { path: "src/checkout.ts", blob: OTHER_BLOB },
        { path: "CHANGELOG.md", blob: null },
      ];
    });
    expect(approvalOf(other).item.reason).toContain("differs in src/checkout.ts");
  });

  test("changes that could not be read in full are not compared, so not covered", () => {
    const cut = movedMain((m) => {
      deployedParent(m);
      m.changes_complete = false;
    });
    expect(approvalOf(cut).item.reason).toContain("could not be read in full");
  });

  test("no facts about the merge at all: not covered", () => {
    const unknown = evidenceWith((e) => {
      e.approvals = [
        {
          approver: "alice",
          decision: "approve",
          environment: "production",
          sha: HEAD,
          at: "2026-11-24T08:30:00Z",
        },
      ];
      delete e.merge;
    });
    expect(approvalOf(unknown).item.reason).toContain("what the merge brought in is unknown");
  });

  test("approvals given on the merge commit itself still count", () => {
    const own = movedMain((_, e) => {
      e.approvals = [
        {
          approver: "alice",
          decision: "approve",
          environment: "production",
          sha: SHA,
          at: "2026-11-24T08:30:00Z",
        },
      ];
    });
    expect(approvalOf(own).verdict).toBe("allowed");
  });

  test("a rejection of the head holds against a merge commit its approvals do not cover", () => {
    const rejected = movedMain((_, e) => {
      e.approvals = [
        {
          approver: "alice",
          decision: "approve",
          environment: "production",
          sha: SHA,
          at: "2026-11-24T08:30:00Z",
        },
        {
          approver: "bob",
          decision: "reject",
          environment: "production",
          sha: HEAD,
          at: "2026-11-24T08:20:00Z",
          note: "not during the sale",
        },
      ];
    });
    expect(approvalOf(rejected).item).toEqual(
      expect.objectContaining({
        state: "failed",
        code: "rejected",
        reason: "rejected by @bob: not during the sale",
      }),
    );
  });
});

describe("the covering commits", () => {
  const judged = (evidence: ReturnType<typeof movedMain>) =>
    approvalCoverage(evidence, {
      environment: "production",
      changeType: "minor",
      rule: policy.environments["production"]!.approvals["minor"]!,
      excluded: new Map(),
      directory: { teams: evidence.teams, permissions: evidence.permissions, groups: policy.groups },
    });

  test("before the merge, only the head itself", () => {
    const open = evidenceWith((e) => {
      e.sha = HEAD;
      delete e.pull_request!.merged_at;
    });
    expect(judged(open)).toEqual({ approvals: [HEAD], rejections: [HEAD] });
  });

  test("a merge whose tree is the head's: the merge commit and the head", () => {
    expect(judged(evidenceWith(() => {}))).toEqual({ approvals: [SHA, HEAD], rejections: [SHA, HEAD] });
  });

  test("an uncovered merge: approvals of the merge commit only, rejections of both", () => {
    expect(judged(movedMain())).toEqual(
      expect.objectContaining({ approvals: [SHA], rejections: [SHA, HEAD], uncovered: expect.anything() }),
    );
  });
});
