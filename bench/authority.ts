/**
 * The App's comment authority check under the largest approver groups the policy limits allow: 100
 * groups of 100 entries, nested 4 levels deep, each group naming every group of the level below
 * (so a recursive walk without memory would follow millions of entries). Measured: `admitDecision`, the pure
 * function the App runs for every `/approve` comment (readiness evaluation, then the tally of the
 * would-be approval alone and with everyone's), in CPU time of this process.
 */
import { performance } from "node:perf_hooks";
import { admitDecision } from "../app/commands/admission.js";
import { coveringGroups } from "../src/approvals/authority.js";
import { LIMITS } from "../src/policy/limits.js";
import { loadPolicy } from "../src/policy/load.js";
import { evidenceSchema } from "../src/readiness/evidence.js";
import { machine, median, ms, percentile } from "./stats.js";

const RUNS = 500;
const SHA = "a".repeat(40);
const PER_LEVEL = LIMITS.groups / LIMITS.groupDepth;

/** The deepest, largest approver groups the limits allow, and a production rule over them. */
export function deepestAllowedPolicy(): string {
  const lines = ["version: 1", "approvers:"];
  for (let level = 0; level < LIMITS.groupDepth; level++) {
    for (let g = 0; g < PER_LEVEL; g++) {
      const below =
        level === 0 ? [] : Array.from({ length: PER_LEVEL }, (_, b) => `group:l${level - 1}g${b}`);
      const people = Array.from({ length: LIMITS.groupSize - below.length }, (_, p) => `u${level}x${g}x${p}`);
      lines.push(`  l${level}g${g}: [${[...below, ...people].join(", ")}]`);
    }
  }
  const top = Array.from({ length: PER_LEVEL }, (_, g) => `group:l${LIMITS.groupDepth - 1}g${g}`);
  lines.push(
    "environments:",
    "  production:",
    "    approval: required",
    "    approvals:",
    `      "*": { all_of: [{ from: [${top.join(", ")}], count: 3 }, { every_member_of: "group:l0g0" }] }`,
    "    rollback: { redeploy_previous: true }",
  );
  return lines.join("\n");
}

/** How many entries a recursive walk with no memory follows to expand every group (paths, counted). */
function unmemoizedVisits(groups: Readonly<Record<string, readonly { kind: string; group?: string }[]>>) {
  const memo = new Map<string, number>();
  const walk = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    let visits = 0;
    for (const ref of groups[name] ?? []) visits += 1 + (ref.kind === "group" ? walk(ref.group!) : 0);
    memo.set(name, visits);
    return visits;
  };
  return Object.keys(groups).reduce((sum, name) => sum + walk(name), 0);
}

function evidence() {
  return evidenceSchema.parse({
    repository: "acme/deep",
    sha: SHA,
    pull_request: {
      number: 1,
      title: "deep",
      author: "dave",
      head_sha: SHA,
      ready_at: "2026-11-01T00:00:00Z",
      commit_authors: ["dave"],
    },
    approvals: ["u0x0x1", "u1x2x3", "u3x4x5"].map((approver) => ({
      approver,
      decision: "approve",
      environment: "production",
      sha: SHA,
      at: "2026-11-23T00:00:00Z",
    })),
  });
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

export async function benchAuthority(): Promise<string> {
  const source = deepestAllowedPolicy();
  let cpu = process.cpuUsage();
  const loaded = loadPolicy(source, "bench.yml");
  const loadCpu = cpuMs(cpu);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const { policy } = loaded;
  const facts = evidence();
  const now = new Date("2026-11-24T10:00:00Z");
  const ask = (i: number) => ({
    policy,
    environment: "production",
    evidence: facts,
    // Members at every level, and a stranger every tenth comment (refused after the whole walk).
    login: i % 10 === 9 ? `stranger${i}` : `u${i % LIMITS.groupDepth}x${i % PER_LEVEL}x${i % 50}`,
    decision: "approve" as const,
    sha: SHA,
    url: "https://example.test/c",
    now,
  });

  cpu = process.cpuUsage();
  const first = admitDecision(ask(0));
  const firstCpu = cpuMs(cpu);
  const { visits } = coveringGroups("stranger", { teams: {}, permissions: {}, groups: policy.groups });

  const cpuTimes: number[] = [];
  const wallTimes: number[] = [];
  let accepted = 0;
  for (let i = 0; i < RUNS; i++) {
    cpu = process.cpuUsage();
    const start = performance.now();
    if (admitDecision(ask(i)).ok) accepted++;
    wallTimes.push(performance.now() - start);
    cpuTimes.push(cpuMs(cpu));
  }
  const warm = cpuTimes.slice(RUNS / 10);
  return [
    "## Comment authority under the largest approver groups allowed",
    "",
    `What the App does for each \`/approve\` comment (\`admitDecision\` in app/commands/admission.ts: readiness evaluation, then the tally of the comment's approval alone and with everyone's) on a policy at the limits: ${LIMITS.groups} groups of ${LIMITS.groupSize} entries, nested ${LIMITS.groupDepth} deep, each naming every group of the level below; the rule needs 3 of the top groups and every member of a bottom group. ${RUNS} comments by members at every level and by strangers (${accepted} accepted), first 10 % discarded. CPU time of the process (user + system). ${machine()}.`,
    "",
    "| measure | value | target |",
    "|---|---|---|",
    `| load + validate the policy (once, cold), CPU | ${ms(loadCpu, 1)} | |`,
    `| first check on the loaded policy, CPU | ${ms(firstCpu, 1)} | < 50 ms |`,
    `| check per comment, CPU median | ${ms(median(warm))} | < 50 ms |`,
    `| check per comment, CPU p99 / max | ${ms(percentile(warm, 99))} / ${ms(Math.max(...warm))} | < 50 ms |`,
    `| check per comment, wall median | ${ms(median(wallTimes.slice(RUNS / 10)))} | |`,
    `| group entries looked at to place one login in every group | ${visits.toLocaleString("en-US")} | ≤ entries in \`approvers\` |`,
    `| entries a walk without memory follows to expand every group | ${unmemoizedVisits(policy.groups).toLocaleString("en-US")} | |`,
    `| first verdict (sanity) | ${first.ok ? "accepted" : first.why} | |`,
  ].join("\n");
}
