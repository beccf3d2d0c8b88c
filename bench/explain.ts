/**
 * The readiness engine on a large case: a policy of 20 environments and evidence with 500 checks and
 * 200 reviews. Loading is measured once; evaluation is repeated and its median reported.
 */
import { performance } from "node:perf_hooks";
import { loadPolicy } from "../src/policy/load.js";
import { evaluate } from "../src/readiness/evaluate.js";
import { evidenceSchema } from "../src/readiness/evidence.js";
import { machine, median, ms, percentile } from "./stats.js";

const ENVIRONMENTS = 20;
const CHECKS = 500;
const REVIEWS = 200;
const RUNS = 2_000;
const SHA = "a".repeat(40);
const HEAD = "b".repeat(40);

function policyYaml(): string {
  const checkNames = Array.from({ length: 50 }, (_, i) => `check-${i * 10}`);
  const lines = [
    "version: 1",
    "approvers:",
    "  leads: [alice, bob, carol]",
    "change_types:",
    "  default: minor",
    "  types:",
    "    minor: { labels: [minor] }",
    "    major: { labels: [major] }",
    "checklist:",
    `  ci: { checks: [${checkNames.join(", ")}] }`,
    "  review: { reviews: 2 }",
    "  security: { security_alerts: high }",
    "  rollback-plan: { pr_section: Rollback plan }",
    "  secrets: { no_secrets: true }",
    "  runbook: { checkbox: Runbook updated }",
    "environments:",
  ];
  for (let i = 0; i < ENVIRONMENTS; i++) {
    lines.push(
      `  env-${i}:`,
      ...(i > 0 ? [`    requires: [{ environment: env-${i - 1}, soak: 1h }]`] : []),
      "    approval: required",
      "    approvals:",
      "      minor: { from: [group:leads], count: 2, notice: 4h }",
      "      major: { from: [group:leads, role:admin], count: 3 }",
      "    checklist: [ci, review, security, rollback-plan, secrets, runbook]",
      "    windows:",
      "      timezone: Europe/Stockholm",
      "      allow: [{ days: [mon, tue, wed, thu, fri], from: '00:00', to: '24:00' }]",
      "    rollback: { redeploy_previous: true }",
    );
  }
  return lines.join("\n");
}

function evidence() {
  return evidenceSchema.parse({
    repository: "acme/big",
    sha: SHA,
    pull_request: {
      number: 1,
      title: "big",
      author: "dave",
      body: "## Rollback plan\nRevert.\n- [x] Runbook updated\n",
      labels: ["minor"],
      head_sha: HEAD,
      ready_at: "2026-11-01T00:00:00Z",
      merged_at: "2026-11-02T00:00:00Z",
      commit_authors: ["dave"],
      files: Array.from({ length: 50 }, (_, i) => ({
        path: `src/f${i}.ts`,
        patch: `@@ -1 +1,2 @@\n a\n+const v${i} = ${i};`,
      })),
    },
    checks: Array.from({ length: CHECKS }, (_, i) => ({ name: `check-${i}`, state: "success" })),
    reviews: Array.from({ length: REVIEWS }, (_, i) => ({
      author: `reviewer-${i}`,
      state: i % 3 === 0 ? "APPROVED" : "COMMENTED",
      commit_sha: HEAD,
      submitted_at: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
    })),
    approvals: ["alice", "bob", "mallory"].map((approver) => ({
      approver,
      decision: "approve",
      environment: "env-10",
      sha: SHA,
      at: "2026-11-23T00:00:00Z",
    })),
    deployments: Array.from({ length: ENVIRONMENTS }, (_, i) => ({
      environment: `env-${i}`,
      sha: SHA,
      state: "success",
      created_at: "2026-11-20T00:00:00Z",
    })),
  });
}

export async function benchExplain(): Promise<string> {
  const source = policyYaml();
  let start = performance.now();
  const loaded = loadPolicy(source, "bench.yml");
  const loadMs = performance.now() - start;
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const facts = evidence();
  const now = new Date("2026-11-24T10:00:00Z");

  const times: number[] = [];
  let verdict = "";
  for (let i = 0; i < RUNS; i++) {
    const env = `env-${i % ENVIRONMENTS}`;
    start = performance.now();
    verdict = evaluate(loaded.policy, env, facts, now).verdict;
    times.push(performance.now() - start);
  }
  const warm = times.slice(RUNS / 10);
  return [
    "## Readiness evaluation (`tollgate explain`)",
    "",
    `Policy of ${ENVIRONMENTS} environments (checklist of 6 items, 50 named checks), evidence with ${CHECKS} checks, ${REVIEWS} reviews, 50 files with patches. ${RUNS} evaluations across the environments, first 10 % discarded as warm-up. ${machine()}.`,
    "",
    "| measure | value | target |",
    "|---|---|---|",
    `| load + validate the policy (once, cold) | ${ms(loadMs, 1)} | |`,
    `| evaluation, median | ${ms(median(warm))} | ≤ 5 ms |`,
    `| evaluation, p99 | ${ms(percentile(warm, 99))} | |`,
    `| last verdict (sanity) | ${verdict} | |`,
  ].join("\n");
}
