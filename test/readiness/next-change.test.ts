/** When a decision changes by time alone, and the due refs that record it. */
import { describe, expect, test } from "@jest/globals";
import { dueRef, parseDueRef } from "../../src/github/due.js";
import type { ChecklistResult, Decision } from "../../src/readiness/decision.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import type { EvidenceInput } from "../../src/readiness/evidence.js";
import { nextChange } from "../../src/readiness/next-change.js";
import { NOW as FIXTURE_NOW, SHA as FIXTURE_SHA, evidenceWith, testPolicy } from "./fixtures.js";

const NOW = new Date("2026-11-30T10:00:00Z");
const SHA = "a".repeat(40);

function decision(items: Partial<ChecklistResult>[]): Decision {
  return {
    environment: "production",
    sha: SHA,
    verdict: "waiting",
    reasonCode: "soak_pending",
    summary: "",
    changeType: "minor",
    emergency: false,
    highRisk: false,
    checklist: items.map((i, n) => ({
      id: `i${n}`,
      title: "",
      state: "pending",
      reason: "",
      code: "ready",
      ...i,
    })),
    approvals: { mode: "none", required: "", satisfied: true, counted: [], ignored: [], approvers: [] },
    policyDigest: "",
    evaluatedAt: NOW.toISOString(),
  };
}

describe("nextChange", () => {
  test("the earliest future time any item of any decision names", () => {
    const soak = decision([{ until: "2026-11-30T11:00:00Z" }, { state: "passed" }]);
    const window = decision([{ state: "failed", until: "2026-11-30T10:30:00Z" }]);
    expect(nextChange([soak, window], NOW)).toEqual(new Date("2026-11-30T10:30:00Z"));
  });

  test("nothing when no item changes by time, or its time has passed", () => {
    expect(nextChange([decision([{ state: "pending" }])], NOW)).toBeUndefined();
    expect(nextChange([decision([{ until: "2026-11-30T09:59:59Z" }])], NOW)).toBeUndefined();
  });
});

describe("due refs", () => {
  test("round trip: the time in whole seconds (rounded up, never early) and the commit", () => {
    const ref = dueRef(new Date("2026-11-30T10:30:00.250Z"), SHA.toUpperCase());
    expect(ref).toBe(`refs/tollgate/due/${Date.parse("2026-11-30T10:30:01Z") / 1000}-${SHA}`);
    expect(parseDueRef(ref)).toEqual({ ref, sha: SHA, at: new Date("2026-11-30T10:30:01Z") });
  });

  test("a ref not in Tollgate's format is no due time", () => {
    for (const ref of [
      "refs/tollgate/due/soon-" + SHA,
      "refs/tollgate/due/1764498600-" + SHA.slice(1),
      "refs/tollgate/due/1764498600-" + SHA + "/x",
      "refs/tollgate/locks/production",
    ])
      expect(parseDueRef(ref)).toBeUndefined();
  });
});

describe("the engine names when its items change by time", () => {
  const policy = testPolicy();
  const at = (change: Parameters<typeof evidenceWith>[0]) =>
    nextChange(
      [evaluate(policy, "production", evidenceWith(change), FIXTURE_NOW)],
      FIXTURE_NOW,
    )?.toISOString();

  test("a notice period: when it ends", () => {
    // Minor changes need 4 h of notice; announced at 07:00, deployable from 11:00.
    expect(at((e) => (e.pull_request!.ready_at = "2026-11-24T07:00:00Z"))).toBe("2026-11-24T11:00:00.000Z");
  });

  test("an emergency: its approval deadline once deployed, none before (it would move with the clock)", () => {
    const emergency = (e: EvidenceInput) => {
      e.pull_request!.labels = ["emergency"];
      e.approvals = [];
    };
    expect(at(emergency)).toBeUndefined();
    expect(
      at((e) => {
        emergency(e);
        e.deployments!.push({
          environment: "production",
          sha: FIXTURE_SHA,
          state: "success",
          created_at: "2026-11-24T08:00:00Z",
        });
      }),
    ).toBe("2026-11-25T08:00:00.000Z");
  });
});
