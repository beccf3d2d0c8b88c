/**
 * Audit benchmark: 10,000 deployments (with their statuses and ~4,700 linked PRs) on the sandbox,
 * audited by `runAudit` in a child process (so its memory is measured alone), side by side with a
 * naive REST walk (list deployments, then one request per deployment for its statuses).
 * Run by `npm run bench -- audit`. The history is seeded straight into the sandbox's state in
 * process: that is setup, not what is measured, and 30,000 HTTP calls would take minutes.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startSandbox, type Sandbox } from "../sandbox/index.js";
import type { Deployment, DeploymentStatus, Issue } from "../sandbox/state.js";
import { httpClient } from "../src/github/audit-client.js";
import { renderHtml } from "../src/audit/html.js";
import { renderMarkdown } from "../src/audit/markdown.js";
import { runAudit } from "../src/audit/run.js";
import { machine, ms as formatMs } from "./stats.js";

const N = 10_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse("2025-01-01T00:00:00Z");
const SINCE = new Date(START + 60 * DAY);
const UNTIL = new Date(START + 120 * DAY);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const ms = (v: number) => formatMs(v, 0);

type Repo = NonNullable<ReturnType<Sandbox["state"]["repo"]>>;
type WriteStatus = (
  d: Deployment,
  state: DeploymentStatus["state"],
  at: number,
  creator: string,
  description?: string,
  logUrl?: string,
) => void;

/** Writes the history into the sandbox's state: PRs, then staging and production deployments per PR. */
function seed(sb: Sandbox, owner: string): { prs: number } {
  const repo = sb.state.repo(owner, "big")!;
  const base = repo.refs.get("refs/heads/main")!;
  const tree = repo.git.get(base, "commit")!.tree;
  const status: WriteStatus = (d, state, at, creator, description = "", logUrl = "") =>
    d.statuses.push({
      id: sb.state.nextId("deployment_status"),
      state,
      creator,
      description,
      environment: d.environment,
      target_url: logUrl,
      log_url: logUrl,
      environment_url: "",
      created_at: iso(at),
      updated_at: iso(at),
      appId: null,
    });
  let count = 0;
  let prs = 0;
  let last: Deployment | undefined;
  // 10,000 deployments over 120 days: a PR about every 36 minutes, staging then production 2 h later.
  for (let i = 0; count < N; i++) {
    const t = START + i * 36 * 60_000;
    const { issue, head } = mergedPull(sb, repo, { base, tree, owner, index: i, at: t });
    repo.issues.set(issue.number, issue);
    prs++;
    for (const environment of ["staging", "production"]) {
      if (count >= N) break;
      const at = t + (environment === "production" ? 2 * HOUR : 0);
      const rollback = environment === "production" && i % 20 === 19 && last !== undefined;
      const d = deploymentOf(sb, {
        issue,
        head,
        environment,
        at,
        index: i,
        rollbackOf: rollback ? last : undefined,
      });
      recordRollout(d, status, { at, number: issue.number, failed: i % 17 === 16 });
      repo.deployments.set(d.id, d);
      if (environment === "production") last = d;
      count++;
    }
  }
  return { prs };
}

/** The `index`-th PR, merged at `at`: one commit on the default branch's tree. */
function mergedPull(
  sb: Sandbox,
  repo: Repo,
  on: { base: string; tree: string; owner: string; index: number; at: number },
): { issue: Issue; head: string } {
  const number = on.index + 1;
  const person = { name: "dev", email: "dev@example.test", date: iso(on.at - (6 + (on.index % 40)) * HOUR) };
  const head = repo.git.commit({
    tree: on.tree,
    parents: [on.base],
    message: `change ${number}`,
    author: person,
    committer: person,
  }).sha;
  const issue: Issue = {
    id: sb.state.nextId("issue"),
    number,
    title: `Change ${number}`,
    body: "## Rollback plan\nRedeploy.",
    user: "dev",
    labels: [],
    state: "closed",
    locked: false,
    created_at: person.date,
    updated_at: iso(on.at),
    closed_at: iso(on.at),
    pull: {
      id: sb.state.nextId("pull"),
      headRef: `change-${number}`,
      headSha: head,
      baseRef: "main",
      draft: false,
      merged_at: iso(on.at),
      merged_by: on.owner,
      merge_commit_sha: null,
      mergedBaseSha: on.base,
      reviews: [],
    },
  };
  return { issue, head };
}

/** The Action's deployment record of a PR's head in one environment, as it writes it. */
function deploymentOf(
  sb: Sandbox,
  on: {
    issue: Issue;
    head: string;
    environment: string;
    at: number;
    index: number;
    rollbackOf: Deployment | undefined;
  },
): Deployment {
  const { issue, head, environment, at } = on;
  return {
    id: sb.state.nextId("deployment"),
    sha: head,
    ref: `change-${issue.number}`,
    task: "deploy",
    payload: {
      tollgate: {
        version: 1,
        requested_by: "dev",
        change_type: on.index % 25 === 0 ? "hotfix" : "minor",
        emergency: false,
        strategy: "canary",
        pull_request: { number: issue.number, title: issue.title, author: "dev", head_sha: head },
        policy_digest: "0".repeat(64),
        checklist: { "rollback-plan": "passed" },
        ...(on.rollbackOf ? { rollback_of: String(on.rollbackOf.id) } : {}),
      },
    },
    environment,
    original_environment: environment,
    description: null,
    creator: "github-actions[bot]",
    created_at: iso(at),
    updated_at: iso(at),
    transient_environment: false,
    production_environment: environment === "production",
    appId: null,
    statuses: [],
  };
}

/** A rollout's statuses: production's approval, a step, the outcome, and the App's attestation of a success. */
function recordRollout(
  d: Deployment,
  status: WriteStatus,
  on: { at: number; number: number; failed: boolean },
): void {
  const { at, number, failed } = on;
  if (d.environment === "production")
    status(
      d,
      "queued",
      at + 60_000,
      "tollgate[bot]",
      "Tollgate: approved by @alice: 1 of group:leads",
      `https://example.test/c/${number}`,
    );
  status(d, "in_progress", at + 120_000, "github-actions[bot]", "Tollgate step: canary 25 %: ok");
  status(
    d,
    failed ? "failure" : "success",
    at + 600_000,
    "github-actions[bot]",
    failed ? "Tollgate outcome: failed: error rate 7 % > 5 %" : "Tollgate outcome: deployed",
  );
  // The App's attestation of the run behind the success, as it writes it: only that counts.
  if (!failed)
    status(
      d,
      "success",
      at + 601_000,
      "tollgate[bot]",
      `Tollgate verified: success in ${d.environment} by run ${number} (deploy.yml, push)`,
    );
}

interface ChildResult {
  ms: number;
  records: number;
  findings: number;
  requests: number;
  maxRssMb: number;
  heapPeakMb: number;
  markdownKb: number;
  htmlKb: number;
}

/** The audit alone in a fresh process: time, requests and peak memory are its own. */
async function child(): Promise<void> {
  const heap = { peak: 0 };
  const sample = setInterval(() => (heap.peak = Math.max(heap.peak, process.memoryUsage().heapUsed)), 5);
  const client = httpClient({
    apiUrl: process.env["API"]!,
    graphqlUrl: process.env["GRAPHQL"]!,
    token: process.env["TOKEN"]!,
  });
  const t0 = performance.now();
  const report = await runAudit(client, {
    owner: process.env["OWNER"]!,
    name: "big",
    since: SINCE,
    until: UNTIL,
  });
  const md = renderMarkdown(report);
  const html = renderHtml(report);
  const elapsed = performance.now() - t0;
  clearInterval(sample);
  heap.peak = Math.max(heap.peak, process.memoryUsage().heapUsed);
  const result: ChildResult = {
    ms: elapsed,
    records: report.records.length,
    findings: report.findings.length,
    requests: client.requests,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    heapPeakMb: heap.peak / 2 ** 20,
    markdownKb: md.length / 1024,
    htmlKb: html.length / 1024,
  };
  process.stdout.write(JSON.stringify(result));
}

function runChild(env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(import.meta.url), "--audit-child"],
      {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    proc.stdout.on("data", (c: Buffer) => (out += c.toString()));
    proc.on("error", reject);
    proc.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`audit child exited ${code}`)),
    );
  });
}

/** What a client without GraphQL does: list deployments, then each one's statuses (10 in flight). */
async function naiveWalk(
  sb: Sandbox,
  owner: string,
  tokens: string[],
): Promise<{ ms: number; requests: number }> {
  let requests = 0;
  const get = async (path: string): Promise<unknown> => {
    const token = tokens[requests++ % tokens.length]!;
    const res = await fetch(`${sb.apiUrl}${path}`, { headers: { authorization: `token ${token}` } });
    if (!res.ok) throw new Error(`${path} → ${res.status}`);
    return res.json();
  };
  const t0 = performance.now();
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const list = (await get(`/repos/${owner}/big/deployments?per_page=100&page=${page}`)) as { id: number }[];
    ids.push(...list.map((d) => d.id));
    if (list.length < 100) break;
  }
  let nextIndex = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (nextIndex < ids.length)
        await get(`/repos/${owner}/big/deployments/${ids[nextIndex++]}/statuses?per_page=100`);
    }),
  );
  return { ms: performance.now() - t0, requests };
}

export async function benchAudit(): Promise<string> {
  // The naive walk's 10,000 reads would pass GitHub's secondary limit of 900 points a minute per token
  // (it would take GitHub 11 minutes); it is the comparison, so the limit is lifted for it.
  const sb = await startSandbox({ secondaryRateLimit: false });
  try {
    const users = await Promise.all(
      ["alice", "walker1", "walker2", "walker3"].map((u) => sb.client.createUser(u)),
    );
    const alice = users[0]!;
    await sb.client.createRepo(alice.token, "big");
    const t0 = performance.now();
    const { prs } = seed(sb, "alice");
    const seedMs = performance.now() - t0;
    await sb.client.control("DELETE", "/requests");
    const audit = await runChild({
      API: sb.apiUrl,
      GRAPHQL: sb.graphqlUrl,
      TOKEN: alice.token,
      OWNER: "alice",
    });
    const logged = sb.requests().filter((r) => !r.path.startsWith("/_sandbox")).length;
    // GitHub allows 5,000 REST requests per hour per token; the walk needs ~10,100, so it rotates tokens.
    const naive = await naiveWalk(
      sb,
      "alice",
      users.slice(1).map((u) => u.token),
    );
    const budget = Math.ceil(N / 100) + 10;
    return [
      "## Audit (`tollgate audit`)",
      "",
      `${N.toLocaleString("en")} deployments (staging and production, 2–3 statuses each, ${prs.toLocaleString("en")} linked PRs) over 120 days; the audit covers the last 60 days and compares them with the 60 before, so it reads all of them. The history is written straight into the sandbox's state in process (setup, not measured). The audit runs in a child process through the sandbox's HTTP API; time covers the GitHub reads, the records, findings, metrics and rendering Markdown and HTML. ${machine()}.`,
      "",
      "| measure | tollgate audit (GraphQL) | naive REST walk | target |",
      "|---|---|---|---|",
      `| requests (sandbox request log) | ${logged} | ${naive.requests.toLocaleString("en")} | ≤ ⌈N/100⌉ + 10 = ${budget} |`,
      `| wall time | ${ms(audit.ms)} | ${ms(naive.ms)} (10 in flight, statuses only, no PR lookups) | ≤ 5,000 ms |`,
      `| peak RSS of the process | ${audit.maxRssMb.toFixed(0)} MB (includes tsx and Node, about 60–80 MB) | | ≤ 256 MB |`,
      `| peak JS heap (sampled every 5 ms) | ${audit.heapPeakMb.toFixed(0)} MB | | |`,
      `| records in the period / findings | ${audit.records.toLocaleString("en")} / ${audit.findings.toLocaleString("en")} | | |`,
      `| report size: Markdown / HTML | ${audit.markdownKb.toFixed(0)} KB / ${audit.htmlKb.toFixed(0)} KB | | |`,
      "",
      `Seeding took ${ms(seedMs)}. The naive walk would use two hours of one token's 5,000 requests/hour on GitHub; here it rotates three tokens.`,
    ].join("\n");
  } finally {
    await sb.close();
  }
}

if (process.argv.includes("--audit-child")) await child();
