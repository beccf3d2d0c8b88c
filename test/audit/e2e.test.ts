/**
 * End to end on the sandbox: the mixed history of history.ts, audited through the CLI as a user
 * would, checked against figures worked out by hand below.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { auditCommand } from "../../src/cli/audit.js";
import type { AuditReport, EnvironmentMetrics } from "../../src/audit/types.js";
import type { LogEntry } from "../../sandbox/server.js";
import { REPO, SINCE, UNTIL, seedHistory, type History } from "./history.js";

const HOUR = 3_600_000;
const MIN = 60_000;
let sb: Sandbox;
let history: History;
let dir: string;

async function audit(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await auditCommand(
    ["--repo", REPO, "--since", SINCE, "--until", UNTIL, ...args],
    { out: (s) => out.push(s), err: (s) => err.push(s), readFile: (p) => readFile(p, "utf8") },
    { GITHUB_TOKEN: history.tokens["alice"], GITHUB_API_URL: sb.apiUrl },
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function jsonReport(...args: string[]): Promise<AuditReport> {
  const file = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const { code, err } = await audit("--format", "json", "--out", file, ...args);
  expect([0, 1]).toContain(code);
  expect(err).toContain("record(s)");
  return JSON.parse(await readFile(file, "utf8")) as AuditReport;
}

beforeAll(async () => {
  sb = await startSandbox();
  history = await seedHistory(sb);
  dir = await mkdtemp(join(tmpdir(), "tollgate-audit-"));
});
afterAll(async () => {
  await sb.close();
  await rm(dir, { recursive: true, force: true });
});

describe("audit of a mixed history", () => {
  let report: AuditReport;
  let requestsLogged: number;
  let logged: LogEntry[];
  beforeAll(async () => {
    await sb.client.control("DELETE", "/requests");
    report = await jsonReport();
    // The log also holds the control call that cleared it; count GitHub API requests only.
    logged = sb.requests().filter((r) => !r.path.startsWith("/_sandbox"));
    requestsLogged = logged.length;
  });

  test("the history query stays within GitHub's GraphQL limits, by the sandbox's points", () => {
    // deployments(first: 100) with statuses(first: 100) each (environment, originalEnvironment and every
    // status's environment and creator are plain fields): 100 + 100 × 100 = 10,100 nodes of the
    // 500,000 allowed; 1 + 100 requests to fill → 1 point. The same for each of the ⌈N/100⌉ pages.
    // The first page also reads the 100 latest pull requests (their commits' statuses are plain lists):
    // 100 nodes and 1 request more, still 1 point.
    const history = logged[0]!;
    expect(history).toMatchObject({ path: "/api/graphql", status: 200, node_count: 10_200, points: 1 });
    expect(logged.every((r) => r.status === 200 && (r.node_count ?? 0) <= 500_000)).toBe(true);
  });

  test("reads everything in ⌈N/100⌉ + 10 requests, counted by the sandbox's own log", () => {
    // 23 deployments (3 before the period, 20 in it) → budget ⌈23/100⌉ + 10 = 11. Actual: one page of
    // deployments with statuses and the policy, one query for the linked PRs' first commits, one for the
    // measurement histories of the deployments that rolled out.
    expect(requestsLogged).toBe(3);
    expect(report.requests).toBe(requestsLogged);
  });

  test("one record per deployment in the period, with the eight answers", () => {
    const ids = history.ids;
    // 20 in the period: S1–S3 and A B C E F G D H I J M L, and the tampering cases R N O X W;
    // P1–P3 belong to the previous period.
    expect(report.records.map((r) => r.id).sort()).toEqual(
      ["S1", "S2", "S3", "A", "B", "C", "E", "F", "G", "D", "H", "I", "J", "M", "L", "R", "N", "O", "X", "W"]
        .map((k) => ids[k])
        .sort(),
    );
    const byKey = (key: string) => report.records.find((r) => r.id === ids[key])!;
    const a = byKey("A");
    expect(a).toMatchObject({
      environment: "production",
      production: true,
      tollgate: true,
      initiatedBy: "carol",
      creator: "github-actions[bot]",
      pullRequest: { number: history.pulls["A"], title: "Add search", author: "carol" },
      createdAt: "2025-03-03T10:00:00Z",
      deployedAt: "2025-03-03T10:10:00Z",
      finishedAt: "2025-03-03T10:20:00Z",
      strategy: "direct",
      changeType: "minor",
      outcome: "success",
      // success 03-03 10:20 − first commit 03-01 10:20 = 48 h
      leadTimeMs: 48 * HOUR,
    });
    expect(a.pullRequest?.url).toMatch(new RegExp(`/alice/shop/pull/${history.pulls["A"]}$`));
    expect(a.approvals).toEqual([
      {
        decision: "approved",
        login: "bob",
        at: "2025-03-03T10:05:00Z",
        note: "1 of group:leads",
        url: history.comments["A"]![0],
        writer: "tollgate[bot]",
        trusted: true,
      },
    ]);
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(byKey("B")).toMatchObject({
      outcome: "rejected",
      outcomeDetail: "rejected by @alice: rollback untested",
    });
    expect(byKey("C")).toMatchObject({
      outcome: "rolled_back",
      failedChange: true,
      finishedAt: "2025-03-05T11:30:00Z",
    });
    expect(byKey("E")).toMatchObject({
      outcome: "success",
      rollbackOf: String(ids["C"]),
      unplanned: true,
      leadTimeMs: null,
    });
    expect(byKey("F")).toMatchObject({ outcome: "success", failedChange: true });
    expect(byKey("D")).toMatchObject({
      outcome: "success",
      emergency: true,
      unplanned: true,
      leadTimeMs: 1 * HOUR,
    });
    expect(byKey("I")).toMatchObject({ outcome: "in_progress" });
    // J's success was written by mallory: no App attestation, so by the gate's rules it never succeeded
    // (it counted as a success before the record followed the gate's rules).
    expect(byKey("J")).toMatchObject({
      outcome: "in_progress",
      outcomeDetail: "success not verified by the App",
      steps: [],
    });
    expect(byKey("J").approvals[0]).toMatchObject({ login: "alice", writer: "mallory", trusted: false });
    expect(byKey("M")).toMatchObject({
      tollgate: false,
      initiatedBy: "carol",
      pullRequest: null,
      outcome: "success",
    });
  });

  test("findings: exactly the planted problems (eleven, then the tampering cases)", () => {
    const ids = history.ids;
    const got = report.findings
      .map((f) => `${Object.keys(ids).find((k) => ids[k] === f.deploymentId)}:${f.code}`)
      .sort();
    expect(got).toEqual(
      [
        "F:outside_window", // Fri 18:10 UTC, windows Mon–Thu 09–17, no override (G and D carry one)
        "G:outside_approver_set", // dave is not in group:leads (bob's approval satisfies the rule)
        "D:emergency_approval_late", // deployed 02:00, due 06:00 (4 h), approved 08:00
        "H:self_approval", // bob approved his own PR
        "H:missing_approvals", // …and separation of duties leaves no one else
        "I:stale_in_progress", // in_progress since 03-12 10:10, far over 6 h
        "J:untrusted_writer", // mallory wrote the "approval" and the outcome
        "J:missing_approvals", // mallory's approval is not trusted
        "M:foreign_payload", // created by hand, no payload.tollgate
        "M:missing_approvals", // production requires approval; none recorded
        "L:no_rollback_plan", // checklist snapshot: rollback-plan failed
        // Tampering: J's forged approval and unverified success, and the cases R N O X W.
        "J:forged_decision", // mallory wrote "Tollgate: approved by @alice"
        "J:unverified_success", // mallory's success, never attested by the App
        "R:retargeted", // the workflow token moved it from staging to production
        "R:unverified_success", // …with a success the App did not attest for production
        "R:missing_approvals", // …and claimed a production deployment nobody approved
        "N:retargeted", // mallory moved it from production to production-eu
        "N:untrusted_writer", // mallory's status
        "N:unverified_success", // mallory's success in production-eu
        "O:success_overturned", // verified success, then the workflow token's failure
        "O:unverified_success", // mallory's success painted over the failure
        "O:untrusted_writer", // …written by mallory
        "X:forged_deployment", // mallory created a deployment with Tollgate's payload
        "X:forged_decision", // …and an approval "by @alice"
        "X:untrusted_writer",
        "X:unverified_success",
        "W:forged_decision", // the workflow token wrote an approval and a "Tollgate verified" itself
        "W:untrusted_writer", // an approval by anyone but the App is untrusted
        "W:unverified_success",
      ].sort(),
    );
    expect(report.findings.find((f) => f.code === "emergency_approval_late")?.message).toContain(
      "2025-03-09T06:00:00.000Z",
    );
  });

  test("tampering: who did what and when, named in each finding", () => {
    const ids = history.ids;
    const byKey = (key: string) => report.records.find((r) => r.id === ids[key])!;
    const finding = (key: string, code: string) =>
      report.findings.find((f) => f.deploymentId === ids[key] && f.code === code)!;
    const never =
      "(Tollgate never moves a deployment; decisions count only in the environment their own status recorded)";
    expect(finding("R", "retargeted")).toEqual({
      code: "retargeted",
      deploymentId: ids["R"],
      environment: "production",
      severity: "critical",
      message: `moved from staging to production by @github-actions[bot] at 2025-03-10T11:30:00Z ${never}`,
    });
    expect(finding("R", "unverified_success")).toMatchObject({
      severity: "high",
      message:
        'success not verified by the App: success by @github-actions[bot] at 2025-03-10T11:30:00Z in production has no "Tollgate verified" attestation by @tollgate[bot] for that environment, so the record does not count it',
    });
    // R's success in staging was attested there; the attestation does not follow it to production.
    expect(byKey("R")).toMatchObject({
      environment: "production",
      originalEnvironment: "staging",
      outcome: "in_progress",
      outcomeDetail: "success not verified by the App",
    });
    expect(finding("N", "retargeted")).toMatchObject({
      severity: "critical",
      environment: "production-eu",
      message: `moved from production to production-eu by @mallory at 2025-03-11T13:30:00Z ${never}`,
    });
    // alice's approval was recorded by the App for production: it approves nothing in production-eu.
    expect(byKey("N")).toMatchObject({ originalEnvironment: "production", outcome: "in_progress" });
    expect(byKey("N").approvals).toMatchObject([{ login: "alice", writer: "tollgate[bot]", trusted: false }]);
    expect(finding("O", "success_overturned")).toMatchObject({
      severity: "high",
      message:
        "verified as a success at 2025-03-11T11:20:00Z, then failure by @github-actions[bot] at 2025-03-11T11:40:00Z: the latest outcome wins, so it is counted as a failure",
    });
    // mallory's later success does not count: the latest trusted outcome stands.
    expect(byKey("O")).toMatchObject({ outcome: "failure", outcomeDetail: "failed: health check" });
    expect(finding("O", "unverified_success").message).toContain(
      "success by @mallory at 2025-03-11T11:50:00Z in qa",
    );
    expect(finding("X", "forged_deployment")).toMatchObject({
      severity: "critical",
      message:
        "created with Tollgate's payload by @mallory, who is neither the Tollgate App (@tollgate[bot]) nor a trusted workflow token: Tollgate did not create it",
    });
    expect(finding("X", "forged_decision").message).toBe(
      '"Tollgate: approved by @alice: 1 of group:leads" written by @mallory at 2025-03-12T11:05:00Z: only the Tollgate App (@tollgate[bot]) records approvals, rejections and verified successes',
    );
    expect(finding("W", "forged_decision")).toMatchObject({
      severity: "critical",
      message:
        '"Tollgate: approved by @bob: 1 of group:leads" written by @github-actions[bot] at 2025-03-12T13:05:00Z; "Tollgate verified: success in qa by run 9 (.github/workflows/deploy.yml, push)" written by @github-actions[bot] at 2025-03-12T13:20:00Z: only the Tollgate App (@tollgate[bot]) records approvals, rejections and verified successes',
    });
    expect(byKey("W")).toMatchObject({ outcome: "in_progress", steps: [] });
    expect(byKey("X")).toMatchObject({ outcome: "in_progress", creator: "mallory" });
  });

  test("tampering findings in every format", async () => {
    const ids = history.ids;
    const md = await audit("--format", "md");
    expect(md.out).toContain(`| **critical** | ${ids["R"]} | production | retargeted | moved from staging`);
    expect(md.out).toContain(`| ${ids["R"]} | production (created for staging) |`);
    expect(md.out).toMatch(/\*\*20 deployment\(s\), 29 finding\(s\)\*\* \(6 critical, 19 high\)/);
    const csv = await audit("--format", "csv");
    const row = csv.out.split("\r\n").find((l) => l.startsWith(`${ids["R"]},`))!;
    expect(row).toContain(",missing_approvals retargeted unverified_success,");
    const html = await audit("--format", "html");
    expect(html.out).toContain(`<td data-sort="critical" class="critical">critical</td>`);
    expect(html.out).toContain(`<td data-sort="forged_deployment">forged_deployment</td>`);
  });

  test("without the App, every success says it is not verified by the App", async () => {
    // A repository where the App was never installed: its bot wrote nothing.
    const appless = await jsonReport("--app-login", "no-app[bot]");
    const ids = history.ids;
    const key = (id: number) => Object.keys(ids).find((k) => ids[k] === id);
    // Only M, which is not Tollgate's, keeps GitHub's own success.
    expect(appless.records.filter((r) => r.outcome === "success").map((r) => key(r.id))).toEqual(["M"]);
    expect(appless.records.find((r) => r.id === ids["A"])).toMatchObject({
      outcome: "in_progress",
      outcomeDetail: "success not verified by the App",
    });
    const unverified = appless.findings.filter((f) => f.code === "unverified_success");
    expect(unverified.map((f) => key(f.deploymentId)).sort()).toEqual(
      ["S1", "S2", "S3", "A", "E", "F", "G", "D", "H", "J", "L", "R", "N", "O", "X", "W"].sort(),
    );
    for (const f of unverified) expect(f.message).toMatch(/^success not verified by the App: /);
  });

  test("DORA metrics for production, worked out by hand", () => {
    const p = report.metrics.find((m) => m.environment === "production") as EnvironmentMetrics;
    // Went out (success, failure, rolled back): A C E F G D H M L = 9 (B rejected, I in progress, J and R
    // with successes the App never verified; N moved away). J counted before the record followed the gate.
    expect(p.deployments).toBe(9);
    // Frequency: successes A E F G D H M L = 8 in 14 days → 8/14 per day = 4/week → high (daily–weekly).
    // Previous: P1 P3 = 2 in 14 days → 1/week.
    expect(p.deploymentFrequency).toMatchObject({
      value: 8 / 14,
      previous: 2 / 14,
      trend: "better",
      band: "high",
    });
    // Lead time: A 48 h, F 24 h, G 2 h, D 1 h, H 72 h, L 6 h (E is a rollback, M has no PR, J no verified
    // success) → sorted 1 2 6 24 48 72 → median 15 h → elite (< 1 day). Previous: P1 96 h, P3 48 h → 72 h.
    expect(p.leadTime).toMatchObject({
      value: 15 * HOUR,
      samples: 6,
      previous: 72 * HOUR,
      trend: "better",
      band: "elite",
    });
    // Failed changes: C (rolled back) and F (followed 2 h later by hotfix G; G → D is 30 h > 24 h)
    // → 2/9. Previous: P2 failed → 1/3.
    expect(p.changeFailRate).toMatchObject({ value: 2 / 9, previous: 1 / 3, trend: "better", band: null });
    expect(p.changeFailRate.bandNote).toContain("DORA 2024");
    // Recovery: C failed 11:30 → E succeeded 11:40 = 10 min; F (18:20) → G succeeded 20:20 = 120 min
    // → median (10 + 120) / 2 = 65 min. Previous: P2 failed 10:20 → P3 succeeded 12:20 = 2 h.
    expect(p.recoveryTime).toMatchObject({
      value: 65 * MIN,
      samples: 2,
      previous: 2 * HOUR,
      trend: "better",
      band: null,
    });
    expect(p.unrecovered).toBe(0);
    // Rework: unplanned E (rollback) G (hotfix) D (emergency) = 3/9. Previous: 0/3.
    expect(p.reworkRate).toMatchObject({ value: 3 / 9, previous: 0, trend: "worse", band: null });
  });

  test("DORA metrics for staging", () => {
    const s = report.metrics.find((m) => m.environment === "staging") as EnvironmentMetrics;
    // S1 S2 S3 all succeeded: 3 in 14 days = 1.5/week → high. Nothing before the period.
    expect(s.deploymentFrequency).toMatchObject({ value: 3 / 14, previous: 0, band: "high" });
    // Lead: S1 03-03 09:20 − 03-01 10:20 = 47 h; S2 03-05 09:20 − 03-04 12:00 = 21 h 20 min;
    // S3 03-10 09:20 − 03-08 10:20 = 47 h → median 47 h → high (1 day – 1 week).
    expect(s.leadTime).toMatchObject({ value: 47 * HOUR, band: "high", previous: null, trend: "n/a" });
    expect(s.changeFailRate.value).toBe(0);
    expect(s.recoveryTime).toMatchObject({ value: null, samples: 0 });
  });

  test("Markdown, CSV and HTML carry the same report", async () => {
    const md = await audit("--format", "md");
    expect(md.code).toBe(1);
    expect(md.out).toContain("```mermaid\n%%{init");
    expect(md.out).toContain("xychart-beta");
    expect(md.out).toMatch(/\| Change lead time \(median\) \| 15 h \| 3 d \| ▲ better \| elite/);
    const csv = await audit("--format", "csv");
    expect(csv.out.split("\r\n").filter(Boolean)).toHaveLength(21); // header + 20 records
    const html = await audit("--format", "html");
    expect(html.out).toMatch(/^<!doctype html>/);
    expect(html.out).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // self-contained
  });
});

describe("tamper evidence with --compare", () => {
  test("grown, changed and disappeared records are told apart", async () => {
    const first = await jsonReport();
    const file = join(dir, "previous.json");
    await writeFile(file, JSON.stringify(first));
    const repo = sb.state.repo("alice", "shop")!;
    // Grown: a later status on I, through GitHub's API (allowed: statuses are only ever added).
    await sb.client.rest(
      "POST",
      `/repos/${REPO}/deployments/${history.ids["I"]}/statuses`,
      { state: "failure", description: "Tollgate outcome: failed: timeout" },
      history.tokens["actions"],
    );
    // Changed: a status of A rewritten behind the API's back (GitHub has no endpoint for this).
    const a = repo.deployments.get(history.ids["A"]!)!;
    a.statuses[0]!.description = "Tollgate: approved by @alice: 1 of group:leads";
    // Disappeared: S1, already inactive (S2 superseded it), deleted through the API.
    await sb.client.rest(
      "DELETE",
      `/repos/${REPO}/deployments/${history.ids["S1"]}`,
      undefined,
      history.tokens["alice"],
    );
    const second = await jsonReport("--compare", file);
    expect(second.comparison).toMatchObject({
      grown: [history.ids["I"]],
      changed: [{ id: history.ids["A"] }],
      disappeared: [history.ids["S1"]],
      added: [],
      unchanged: first.records.length - 3, // the 15 records of the first report, minus I, A and S1
    });
    const md = await audit("--compare", file);
    expect(md.out).toContain(`**disappeared**: ${history.ids["S1"]}`);
  });

  test("a deleted deployment that carried the App's approval or rejection is critical", async () => {
    const ids = history.ids;
    const first = await jsonReport();
    const file = join(dir, "before-deletion.json");
    await writeFile(file, JSON.stringify(first));
    // GitHub deletes only inactive deployments; anyone with deployments: write can make one inactive.
    // A write-access user removes H (approved by bob through the App), the workflow token removes B
    // (rejected by alice through the App).
    for (const [key, as] of [
      ["H", "mallory"],
      ["B", "actions"],
    ] as const) {
      await sb.client.rest(
        "POST",
        `/repos/${REPO}/deployments/${ids[key]}/statuses`,
        { state: "inactive" },
        history.tokens[as],
      );
      await sb.client.rest("DELETE", `/repos/${REPO}/deployments/${ids[key]}`, undefined, history.tokens[as]);
    }
    const second = await jsonReport("--compare", file);
    expect([...second.comparison!.disappeared].sort()).toEqual([ids["B"], ids["H"]].sort());
    const deleted = second.findings.filter((f) => f.code.startsWith("deleted_"));
    expect(deleted).toEqual(
      expect.arrayContaining([
        {
          code: "deleted_decision",
          deploymentId: ids["H"],
          environment: "production",
          severity: "critical",
          message: `deleted since the report of ${first.generatedAt} (its outcome was success), with the Tollgate App's approval by @bob at 2025-03-11T10:05:00Z: a deployment can only be deleted once inactive, by anyone with deployments: write, and its statuses go with it`,
        },
        expect.objectContaining({
          code: "deleted_decision",
          deploymentId: ids["B"],
          severity: "critical",
          message: expect.stringContaining(
            "with the Tollgate App's rejection by @alice at 2025-03-04T10:05:00Z",
          ),
        }),
      ]),
    );
    expect(deleted).toHaveLength(2);
    const md = await audit("--compare", file);
    expect(md.out).toContain(`| **critical** | ${ids["H"]} | production | deleted_decision |`);
    const csv = await audit("--compare", file, "--format", "csv");
    expect(csv.out).toContain(
      `\r\n${ids["H"]},production,,,,,,,,,deleted,deleted since the earlier report,,deleted_decision,\r\n`,
    );
    const html = await audit("--compare", file, "--format", "html");
    expect(html.out).toContain(`<td data-sort="deleted_decision">deleted_decision</td>`);
  });
});
