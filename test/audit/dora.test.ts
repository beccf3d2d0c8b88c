/** DORA arithmetic: bands, trends and the edge cases (no deployments, no failures, no recovery yet). */
import { describe, expect, test } from "@jest/globals";
import {
  changeFailNote,
  DAY,
  environmentMetrics,
  frequencyBand,
  leadTimeBand,
  median,
  periodFigures,
  trendOf,
} from "../../src/audit/dora.js";
import { linkRecords } from "../../src/audit/links.js";
import type { AuditRecord, Outcome, PullFact } from "../../src/audit/types.js";

const HOUR = 3_600_000;
const T0 = Date.parse("2025-03-03T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

let next = 1;
function rec(hoursAfterT0: number, outcome: Outcome, extra: Partial<AuditRecord> = {}): AuditRecord {
  const created = T0 + hoursAfterT0 * HOUR;
  return {
    id: next++,
    environment: "production",
    originalEnvironment: "production",
    production: true,
    tollgate: true,
    initiatedBy: "carol",
    creator: "github-actions[bot]",
    sha: "a".repeat(40),
    ref: "main",
    version: null,
    pullRequest: null,
    createdAt: iso(created),
    deployedAt: iso(created),
    finishedAt: outcome === "in_progress" ? null : iso(created + 10 * 60_000),
    strategy: null,
    checklist: {},
    steps: [],
    changeType: "minor",
    emergency: false,
    override: null,
    rollbackOf: null,
    approvals: [],
    outcome,
    outcomeDetail: outcome,
    leadTimeMs: null,
    failedChange: false,
    unplanned: false,
    statusCount: 1,
    digest: "0".repeat(64),
    ...extra,
  };
}
const link = (records: AuditRecord[], pulls = new Map<number, PullFact>()) =>
  linkRecords(records, pulls, { unplannedChangeTypes: ["hotfix"], followWindowMs: 24 * HOUR });
const period = { previousSince: T0 - 7 * DAY, since: T0, until: T0 + 7 * DAY };

describe("bands (DORA 2024)", () => {
  test("deployment frequency", () => {
    expect(frequencyBand(3, 21).band).toBe("elite"); // several a day
    expect(frequencyBand(1, 7).band).toBe("high"); // daily is the top of "daily to weekly"
    expect(frequencyBand(1 / 7, 1).band).toBe("high"); // weekly
    expect(frequencyBand(1 / 8, 1).band).toBe("medium");
    expect(frequencyBand(1 / 30, 1).band).toBe("medium"); // monthly
    expect(frequencyBand(1 / 31, 1).band).toBe("low");
    expect(frequencyBand(1 / 200, 1)).toEqual({
      band: null,
      note: expect.stringContaining("below DORA 2024"),
    });
    expect(frequencyBand(0, 0)).toEqual({ band: null, note: "no deployments: no band" });
  });
  test("lead time", () => {
    expect(leadTimeBand(23 * HOUR).band).toBe("elite");
    expect(leadTimeBand(DAY).band).toBe("high"); // "less than a day" excludes a whole day
    expect(leadTimeBand(7 * DAY).band).toBe("medium");
    expect(leadTimeBand(30 * DAY).band).toBe("low");
    expect(leadTimeBand(200 * DAY).band).toBeNull();
    expect(leadTimeBand(null).band).toBeNull();
  });
  test("change fail rate has cluster centres only, never a band", () => {
    expect(changeFailNote(0.05)).toContain("at or below the elite centre");
    expect(changeFailNote(0.1)).toContain("between the elite and high centres");
    expect(changeFailNote(0.5)).toContain("above the high centre");
    expect(changeFailNote(null)).toMatch(/^no deployments/);
  });
});

describe("trends and medians", () => {
  test.each([
    [2, 1, true, "better"],
    [2, 1, false, "worse"],
    [1, 1, false, "same"],
    [null, 1, true, "n/a"],
    [1, null, true, "n/a"],
  ] as const)("trend of %p vs %p (higher is better: %p) → %p", (cur, prev, higher, want) => {
    expect(trendOf(cur, prev, higher)).toBe(want);
  });
  test("median of odd, even and empty lists", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe("edge cases", () => {
  test("no deployments at all", () => {
    const m = environmentMetrics("production", [], period);
    expect(m.deployments).toBe(0);
    expect(m.deploymentFrequency).toMatchObject({ value: 0, samples: 0, band: null, trend: "same" });
    expect(m.leadTime).toMatchObject({ value: null, trend: "n/a", band: null });
    expect(m.changeFailRate).toMatchObject({ value: null, trend: "n/a" });
    expect(m.recoveryTime).toMatchObject({ value: null, samples: 0 });
    expect(m.reworkRate.value).toBeNull();
    expect(m.unrecovered).toBe(0);
  });

  test("no failures: 0 % fail rate, no recovery time", () => {
    const records = link([rec(1, "success"), rec(30, "success"), rec(60, "success")]);
    const m = environmentMetrics("production", records, period);
    expect(m.changeFailRate.value).toBe(0);
    expect(m.recoveryTime).toMatchObject({ value: null, samples: 0 });
    expect(m.unrecovered).toBe(0);
    // 3 successes in 7 days: 3/7 per day → high (daily to weekly).
    expect(m.deploymentFrequency).toMatchObject({ value: 3 / 7, band: "high", previous: 0, trend: "better" });
  });

  test("a failure with no later success is unrecovered, not a zero", () => {
    const records = link([rec(1, "success"), rec(2, "failure")]);
    const f = periodFigures(records, period.since, period.until);
    expect(f).toMatchObject({ recovery: null, recoverySamples: 0, unrecovered: 1, changeFailRate: 0.5 });
  });

  test("recovery runs to the first success after the failure, even past the period's end", () => {
    // Failure finishes at 167 h + 10 min; the next success finishes at 170 h + 10 min (after `until`, 168 h).
    const records = link([rec(167, "failure"), rec(170, "success")]);
    const f = periodFigures(records, period.since, period.until);
    expect(f.recovery).toBe(3 * HOUR);
    expect(f.wentOut).toBe(1); // only the failure was created inside the period
  });

  test("rejected and unfinished deployments are not deployments that went out", () => {
    const records = link([rec(1, "rejected"), rec(2, "in_progress"), rec(3, "success")]);
    const f = periodFigures(records, period.since, period.until);
    expect(f).toMatchObject({ wentOut: 1, successes: 1, changeFailRate: 0 });
  });

  test("a hotfix within the window marks the change before it failed; later, it does not", () => {
    const records = link([
      rec(1, "success"),
      rec(5, "success", { changeType: "hotfix" }), // 4 h after: the first change failed
      rec(40, "success"),
      rec(70, "success", { changeType: "hotfix" }), // 30 h after: not within 24 h
    ]);
    expect(records.map((r) => r.failedChange)).toEqual([true, false, false, false]);
    expect(records.map((r) => r.unplanned)).toEqual([false, true, false, true]);
    const f = periodFigures(records, period.since, period.until);
    // 1 failed of 4; recovered by the hotfix's success: (5 h + 10 min) − (1 h + 10 min) = 4 h.
    expect(f).toMatchObject({ changeFailRate: 0.25, recovery: 4 * HOUR, reworkRate: 0.5 });
  });

  test("a rollback naming a deployment id or a commit marks it rolled back", () => {
    const byId = rec(1, "success", { sha: "b".repeat(40) });
    const bySha = rec(10, "success", { sha: "c".repeat(40) });
    const records = link([
      byId,
      rec(2, "success", { rollbackOf: String(byId.id) }),
      bySha,
      rec(11, "success", { rollbackOf: "c".repeat(40) }),
    ]);
    expect(records.map((r) => r.outcome)).toEqual(["rolled_back", "success", "rolled_back", "success"]);
    expect(records[0]!.outcomeDetail).toBe(`rolled back by deployment ${records[1]!.id}`);
  });

  test("lead time from the PR's first commit; values ≤ 0 are dropped", () => {
    const pulls = new Map<number, PullFact>([
      [
        1,
        {
          number: 1,
          title: "",
          url: "u1",
          author: "carol",
          mergedAt: null,
          firstCommitAt: iso(T0 - 2 * HOUR),
        },
      ],
      [
        2,
        {
          number: 2,
          title: "",
          url: "u2",
          author: "carol",
          mergedAt: null,
          firstCommitAt: iso(T0 + 5 * HOUR),
        },
      ],
    ]);
    const pr = (n: number) => ({ number: n, title: "", author: "carol", url: null });
    const records = link(
      [rec(0, "success", { pullRequest: pr(1) }), rec(1, "success", { pullRequest: pr(2) })],
      pulls,
    );
    expect(records[0]!.leadTimeMs).toBe(2 * HOUR + 10 * 60_000);
    expect(records[0]!.pullRequest?.url).toBe("u1");
    expect(records[1]!.leadTimeMs).toBeNull(); // first commit after the deployment: clock skew or a rewrite
  });
});
