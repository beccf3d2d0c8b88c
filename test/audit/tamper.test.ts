/** The tampering findings over hand-built facts: the cases the seeded history cannot show. */
import { describe, expect, test } from "@jest/globals";
import { buildRecord } from "../../src/audit/record.js";
import { deletionFindings, movesOf, tamperFindings, withoutNoise } from "../../src/audit/tamper.js";
import type { DeploymentFact, Finding, StatusFact } from "../../src/audit/types.js";

const trust = { appLogin: "tollgate[bot]", trustedWriters: ["github-actions[bot]"] };
const context = { trust, isProduction: (env: string) => env === "production" };
const payload = JSON.stringify({
  tollgate: {
    version: 1,
    requested_by: "carol",
    change_type: "minor",
    emergency: false,
    policy_digest: "0".repeat(64),
    checklist: {},
  },
});
const status = (
  state: string,
  creator: string,
  at: string,
  environment: string | null,
  description: string | null = null,
): StatusFact => ({
  state,
  creator,
  createdAt: `2025-03-04T${at}:00Z`,
  environment,
  description,
  logUrl: null,
});
const fact = (statuses: StatusFact[], extra: Partial<DeploymentFact> = {}): DeploymentFact => ({
  id: 7,
  environment: "production",
  originalEnvironment: "production",
  sha: "a".repeat(40),
  ref: "main",
  task: "deploy",
  description: null,
  creator: "github-actions[bot]",
  createdAt: "2025-03-04T10:00:00Z",
  payload,
  statuses,
  statusesComplete: true,
  ...extra,
});
const codes = (f: DeploymentFact) => tamperFindings(buildRecord(f, context), f, trust).map((x) => x.code);
const verified = (at: string, env: string) =>
  status(
    "success",
    "tollgate[bot]",
    at,
    env,
    `Tollgate verified: success in ${env} by run 1 (deploy.yml, push)`,
  );

describe("tamperFindings", () => {
  test("an honest, verified deployment has none", () => {
    const f = fact([
      status("success", "github-actions[bot]", "10:20", "production", "Tollgate outcome: deployed"),
      verified("10:20", "production"),
    ]);
    expect(codes(f)).toEqual([]);
    expect(buildRecord(f, context)).toMatchObject({ outcome: "success", outcomeDetail: "deployed" });
  });

  test("moved by a status the history no longer holds: the environments still tell", () => {
    const f = fact([status("in_progress", "github-actions[bot]", "10:10", null)], {
      environment: "production",
      originalEnvironment: "staging",
      statusesComplete: false,
    });
    const [finding] = tamperFindings(buildRecord(f, context), f, trust);
    expect(finding).toMatchObject({
      code: "retargeted",
      severity: "critical",
      message:
        "created for staging but now in production, moved by a status not in the history read (Tollgate never moves a deployment)",
    });
  });

  test("moves are listed in order, each with its writer and time; without originalEnvironment the first status says", () => {
    const f = fact(
      [
        status("in_progress", "github-actions[bot]", "10:10", "staging"),
        status("queued", "mallory", "10:20", "production"),
        status("queued", "github-actions[bot]", "10:30", "production"),
        status("queued", "mallory", "10:40", "qa"),
      ],
      { originalEnvironment: null, environment: "qa" },
    );
    expect(movesOf(f).map((m) => `${m.from}→${m.to} ${m.status.creator}`)).toEqual([
      "staging→production mallory",
      "production→qa mallory",
    ]);
  });

  test("the App's attestation counts only in the environment it recorded, and only as 'verified'", () => {
    const elsewhere = fact([
      status("success", "github-actions[bot]", "10:20", "production"),
      verified("10:21", "staging"),
    ]);
    expect(codes(elsewhere)).toContain("unverified_success");
    expect(buildRecord(elsewhere, context)).toMatchObject({
      outcome: "in_progress",
      outcomeDetail: "success not verified by the App",
    });
    // The App's bot writing a plain success is not an attestation either.
    const plain = fact([status("success", "tollgate[bot]", "10:20", "production", "deployed")]);
    expect(codes(plain)).toEqual(["unverified_success"]);
  });

  test("an approval the App recorded for one environment approves nothing in another", () => {
    const f = fact(
      [
        status(
          "queued",
          "tollgate[bot]",
          "10:05",
          "staging",
          "Tollgate: approved by @alice: 1 of group:leads",
        ),
        status("in_progress", "github-actions[bot]", "10:10", "production"),
      ],
      { originalEnvironment: "staging" },
    );
    expect(buildRecord(f, context).approvals).toMatchObject([{ login: "alice", trusted: false }]);
    expect(codes(f)).toEqual(["retargeted"]);
  });

  test("a trusted failure after a verified success: the latest outcome wins", () => {
    const f = fact([
      status("success", "github-actions[bot]", "10:20", "production"),
      verified("10:20", "production"),
      status("error", "github-actions[bot]", "10:30", "production"),
    ]);
    expect(buildRecord(f, context)).toMatchObject({ outcome: "failure", outcomeDetail: "error" });
    expect(codes(f)).toEqual(["success_overturned"]);
  });

  test("a deployment without Tollgate's payload keeps GitHub's state, yet a forged decision on it is named", () => {
    const f = fact(
      [
        status("queued", "carol", "10:05", "production", "Tollgate: rejected by @alice: no"),
        status("success", "carol", "10:20", "production"),
      ],
      { payload: "{}", creator: "carol" },
    );
    expect(buildRecord(f, context)).toMatchObject({ outcome: "success", tollgate: false });
    expect(codes(f)).toEqual(["forged_decision"]);
  });
});

describe("deletionFindings and withoutNoise", () => {
  const comparison = {
    previousGeneratedAt: "x",
    changed: [],
    grown: [],
    disappeared: [1, 2],
    added: [],
    unchanged: 0,
  };
  const base = {
    environment: "production",
    createdAt: "2025-03-04T10:00:00Z",
    statusCount: 1,
    digest: "0".repeat(64),
  };

  test("an older report without approvals still names the deletion; an untrusted approval is not the App's", () => {
    const previous = {
      version: 1 as const,
      generatedAt: "2025-03-05T00:00:00Z",
      since: "2025-03-01T00:00:00Z",
      until: "2025-03-05T00:00:00Z",
      environment: null,
      records: [
        { ...base, id: 1 },
        {
          ...base,
          id: 2,
          approvals: [
            { decision: "approved" as const, login: "alice", at: "2025-03-04T10:05:00Z", trusted: false },
          ],
        },
        {
          ...base,
          id: 3,
          approvals: [{ decision: "approved" as const, login: "bob", at: "x", trusted: true }],
        },
      ],
    };
    expect(deletionFindings(previous, comparison).map((f) => [f.deploymentId, f.code, f.severity])).toEqual([
      [1, "deleted_deployment", "medium"],
      [2, "deleted_deployment", "medium"],
    ]);
  });

  test("stale_in_progress is dropped only where an unverified success explains it", () => {
    const f = (deploymentId: number, code: Finding["code"]): Finding => ({
      deploymentId,
      code,
      environment: "production",
      severity: "low",
      message: "",
    });
    expect(
      withoutNoise([f(1, "stale_in_progress"), f(1, "unverified_success"), f(2, "stale_in_progress")]),
    ).toEqual([f(1, "unverified_success"), f(2, "stale_in_progress")]);
  });
});
