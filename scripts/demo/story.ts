/**
 * The story `npm run demo` plays, act by act (steps.ts), on the embedded sandbox: the real App serving
 * signed webhooks, the real Action (`node dist/index.js`) run as each workflow job would run it, and a
 * small service with live traffic for the canary. Returns the pull request's page, for `--keep`.
 */
import { writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { approvalDescription, eventDescription } from "../../src/records/format.js";
import { loadPolicy } from "../../src/policy/load.js";
import { httpClient, renderHtml, renderMarkdown, runAudit } from "../../src/audit/index.js";
import { ROOT, runAction, workflowInputs, type ActionResult } from "./action.js";
import type { Narrator } from "./narrator.js";
import { SOAK, SOAK_SECONDS, demoPolicy } from "./policy.js";
import { startDemoService } from "./service.js";
import { FULL, ORG, REPO, createDemoWorld, type DemoWorld, type Login } from "./world.js";

const DEPLOY_WORKFLOW = "examples/workflows/deploy-canary.yml";
const ROLLBACK_WORKFLOW = "examples/workflows/rollback-dispatch.yml";
const FAULT_RATE = 0.2;
const TRAFFIC_RPS = 50;
const DAY = 86_400;

interface CheckRun {
  id: number;
  name: string;
  conclusion: string | null;
  html_url: string;
  output: { title: string | null; summary: string | null };
}
interface Comment {
  id: number;
  html_url: string;
  body: string;
  user: { login: string } | null;
}
interface Status {
  id: number;
  state: string;
  description: string;
  log_url: string;
  creator: { login: string } | null;
}
interface RunState {
  status: string;
  conclusion: string | null;
  run_attempt: number;
}

export interface StoryOptions {
  readonly narrator: Narrator;
  /** Where the audit's HTML report goes. */
  readonly htmlPath: string;
  /**
   * Called with everything that must be closed, as soon as it exists; `whenKept` is what to close
   * instead when the sandbox is kept running after the story (`--keep`): everything but the sandbox.
   */
  readonly onClose: (close: () => Promise<void>, whenKept?: () => Promise<void>) => void;
}

const short = (sha: string) => sha.slice(0, 7);

export async function playStory({
  narrator: n,
  htmlPath,
  onClose,
}: StoryOptions): Promise<{ pullRequestUrl: string }> {
  // ── 1 ─────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("A repository with a policy");
  const live = await startDemoService();
  onClose(() => live.close());
  const policy = demoPolicy(live.url);
  const loaded = loadPolicy(policy, ".github/tollgate.yml");
  if (!loaded.ok) throw new Error(`the demo policy is invalid: ${JSON.stringify(loaded.errors)}`);
  const world = await createDemoWorld({
    ".github/tollgate.yml": policy,
    ".github/workflows/deploy.yml": readFileSync(join(ROOT, DEPLOY_WORKFLOW), "utf8"),
    ".github/workflows/rollback.yml": readFileSync(join(ROOT, ROLLBACK_WORKFLOW), "utf8"),
  });
  onClose(
    () => world.close(),
    () => world.closeApp(),
  );
  const web = world.sandbox.url;
  const repoUrl = `${web}/${FULL}`;
  const { as } = world;
  const main = await as<{ commit: { sha: string } }>("owner", "GET", `/repos/${FULL}/branches/main`);
  const released = main.commit.sha;
  live.setStable(released);
  live.startTraffic(TRAFFIC_RPS);

  n.say(`GitHub: a local sandbox at ${web} (REST, GraphQL, signed webhooks), strict contract checks on.`);
  n.link("repository", repoUrl);
  n.say(`People: dave (developer), mallory (write access), alice and bob (admins), owner (org admin).`);
  n.say(`The Tollgate App "${world.app.slug}" (id ${world.app.id}) is installed on ${ORG}: the real`);
  n.say(`Probot server (app/index.ts) receiving the sandbox's signed webhooks.`);
  n.link("policy on the default branch", `${repoUrl}/blob/main/.github/tollgate.yml`);
  n.quote(policyExcerpt(policy));
  n.say(`Workflows: .github/workflows/deploy.yml = ${DEPLOY_WORKFLOW}, rollback.yml = ${ROLLBACK_WORKFLOW}.`);
  await seedRelease(world, released, loaded.policy.digest);
  n.say(`History: last week's release ${short(released)} is in staging and production (seeded through the`);
  n.say(
    `REST API with the records the Action and the App write, dated a week back with /_sandbox/timestamps).`,
  );
  n.say(
    `The service: ${live.url}, ${TRAFFIC_RPS} requests/s of real HTTP traffic, stable = ${short(released)}.`,
  );

  // ── 2 ─────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("A pull request and its readiness check runs");
  await world.sandbox.client.createBranch(world.tokens.owner, FULL, "faster-checkout", "main");
  const head = (
    await world.sandbox.client.putFile(
      world.tokens.dave,
      FULL,
      "src/checkout.ts",
      "export const checkout = () => 'fast';\n",
      { branch: "faster-checkout", message: "Cache the cart between steps" },
    )
  ).commit.sha;
  const pr = await as<{ number: number; html_url: string }>("dave", "POST", `/repos/${FULL}/pulls`, {
    title: "Faster checkout",
    body: "Caches the cart between checkout steps.\n\n## Rollback plan\nRevert the PR; no data changes.\n",
    head: "faster-checkout",
    base: "main",
  });
  await world.sandbox.idle();
  n.say(
    `dave opens PR #${pr.number} "Faster checkout" (head ${short(head)}), with a "Rollback plan" section.`,
  );
  n.link(`PR #${pr.number}`, pr.html_url);
  await showChecks(n, world, head, "The App writes one check run per gated environment");

  // ── 3 ─────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("CI passes: the check runs turn");
  await world.sandbox.client.rest(
    "POST",
    `/repos/${FULL}/check-runs`,
    { name: "build", head_sha: head, status: "completed", conclusion: "success" },
    world.ciToken,
  );
  await world.sandbox.idle();
  n.say(`CI writes check run "build": success. The check_run webhook reaches the App, which re-evaluates:`);
  await showChecks(n, world, head);

  // ── 4 ─────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("/approve from someone who is not an approver");
  const refused = await comment(world, "mallory", pr.number, "/approve production");
  n.say(`mallory comments "/approve production".`);
  n.link("comment", refused.url);
  n.say(`The App reacts ${refused.reactions.map(emoji).join(" ")} and answers:`);
  for (const reply of refused.replies) n.quote(reply);

  // ── 5 ─────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("An admin approves: /approve production");
  const first = await comment(world, "alice", pr.number, "/approve production");
  n.say(
    `alice (admin) comments "/approve production"; the App reacts ${first.reactions.map(emoji).join(" ")}.`,
  );
  n.link("comment", first.url);
  await showApprovals(n, world, head, "production");
  await showChecks(n, world, head, undefined, "Tollgate · production");

  // ── 6 ─────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("The merge");
  const merged = await as<{ sha: string }>("owner", "PUT", `/repos/${FULL}/pulls/${pr.number}/merge`, {
    merge_method: "merge",
  });
  const sha = merged.sha;
  await world.sandbox.client.rest(
    "POST",
    `/repos/${FULL}/check-runs`,
    { name: "build", head_sha: sha, status: "completed", conclusion: "success" },
    world.ciToken,
  );
  n.say(`owner merges PR #${pr.number}: merge commit ${short(sha)} on main (CI "build" passes on it too).`);
  n.say(`alice's approval of the PR head carries over to its merge commit; any other new commit would`);
  n.say(`make it stale.`);
  const deployRun = await world.sandbox.client.control<{ id: number }>("POST", `/repos/${FULL}/runs`, {
    workflow: "deploy.yml",
    sha,
    event: "push",
    actor: "owner",
  });
  n.say(`The push to main starts workflow run ${deployRun.id} of deploy.yml (jobs: staging, production).`);
  n.link("workflow run", `${repoUrl}/actions/runs/${deployRun.id}`);

  const job = (name: "staging" | "production", attempt: number, onLine = actionLine(n)) =>
    runAction({
      apiUrl: web,
      repository: FULL,
      sha,
      token: world.workflowToken,
      inputs: workflowInputs(DEPLOY_WORKFLOW, name),
      actor: "owner",
      runId: deployRun.id,
      attempt,
      event: "push",
      workflow: "Deploy (canary)",
      env: { DEMO_SERVICE_URL: live.url },
      onLine,
    });

  // ── 7 ─────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("Staging, deployed automatically");
  n.say(
    `Job "staging": node dist/index.js with ${describeInputs(workflowInputs(DEPLOY_WORKFLOW, "staging"))}`,
  );
  const staging = await job("staging", 1);
  expectCode(staging, 0, "staging");
  n.say(
    `→ decision ${staging.outputs["decision"]}, status ${staging.outputs["status"]}, deployment ${staging.outputs["deployment-id"]}.`,
  );
  n.link("staging deployment", `${repoUrl}/deployments/staging`);
  // The success counts once the App has checked the run behind it (the default branch's workflow, this
  // commit) and attested it with a status of its own.
  await world.sandbox.idle();
  const attested = (await statusesOf(world, Number(staging.outputs["deployment-id"]))).find((s) =>
    s.description.startsWith("Tollgate verified:"),
  );
  if (!attested) throw new Error("the App did not attest staging's success");
  n.say(
    `The App checked run ${deployRun.id} behind that success and attested it: "${attested.description}".`,
  );

  // ── 8 ─────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("Production, gated: awaiting approval");
  // The whole staging record moves back, statuses in their order, so its history still reads right.
  const stagingId = Number(staging.outputs["deployment-id"]);
  const back = SOAK_SECONDS + 60;
  await world.sandbox.client.setTimestamp({
    repo: FULL,
    kind: "deployment",
    id: stagingId,
    ago_seconds: back + 5,
  });
  const stagingStatuses = await statusesOf(world, stagingId);
  for (const [i, status] of stagingStatuses.entries())
    await world.sandbox.client.setTimestamp({
      repo: FULL,
      kind: "deployment_status",
      id: status.id,
      ago_seconds: back - i,
    });
  n.say(`Production requires staging to have soaked ${SOAK}. Rather than wait, the demo moves the staging`);
  n.say(`deployment and its statuses ${SOAK} + 1m back with POST /_sandbox/timestamps.`);
  n.say(
    `Job "production": node dist/index.js with ${describeInputs(workflowInputs(DEPLOY_WORKFLOW, "production"))}`,
  );
  const gated = await job("production", 1);
  expectCode(gated, 1, "production (awaiting approval)");
  n.say(
    `→ the job fails fast: decision ${gated.outputs["decision"]}, reason ${gated.outputs["reason-code"]} (no runner sits waiting).`,
  );
  await world.sandbox.client.control("PATCH", `/repos/${FULL}/runs/${deployRun.id}`, {
    status: "completed",
    conclusion: "failure",
  });
  const productionId = Number(gated.outputs["deployment-id"]);
  const awaiting = (await statusesOf(world, productionId)).at(-1);
  n.say(`Deployment ${productionId} records: ${awaiting?.state} "${awaiting?.description}"`);
  await world.sandbox.idle();
  const asked = (await commentsOn(world, pr.number)).filter((c) => c.user?.login === world.bot).at(-1);
  if (asked) {
    n.say(`The App sees the "awaiting" status (deployment_status webhook) and asks the approvers on the PR:`);
    n.link("comment", asked.html_url);
    n.quote(asked.body.split("\n").slice(0, 6).join("\n"));
  }

  // ── 9 ─────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("The second approval: the App re-runs the failed job");
  const second = await comment(world, "bob", pr.number, "/approve production");
  n.say(
    `bob (admin) comments "/approve production" on the merged PR; the App reacts ${second.reactions.map(emoji).join(" ")}.`,
  );
  n.link("comment", second.url);
  await showApprovals(n, world, sha, "production");
  const rerun = world.sandbox
    .requests()
    .filter((r) => r.operationId === "actions/re-run-workflow-failed-jobs");
  for (const r of rerun) n.say(`The App: ${r.method} ${r.path} → ${r.status} (as ${r.actor})`);
  const afterRerun = await runState(world, deployRun.id);
  if (afterRerun.run_attempt < 2) throw new Error("the App did not re-run the failed job");
  n.say(
    `Run ${deployRun.id} is on attempt ${afterRerun.run_attempt}: the "production" job runs again, as below.`,
  );

  // ── 10–12 ─────────────────────────────────────────────────────────────────────────────────────────
  await n.step("A canary rollout with real traffic");
  n.say(
    `Each step runs the policy's command (node scripts/demo/shift-traffic.mjs), which calls the service's`,
  );
  n.say(`/control to shift weight; between steps the analysis reads ${live.url}/stats every 250 ms.`);
  let injected = false;
  live.onControl((state) => {
    if (injected || state.canary?.weight !== 25) return;
    injected = true;
    live.setCanaryErrorRate(FAULT_RATE);
    void n.step("A fault at 25 %").then(() => {
      n.say(
        `The demo turns the canary's error rate up to ${FAULT_RATE * 100} % while it takes 25 % of the traffic.`,
      );
    });
  });
  const canary = await job("production", afterRerun.run_attempt);
  await n.step("Caught by the analysis: the automatic rollback");
  n.say(
    `→ exit ${canary.code}, rolled-back ${canary.outputs["rolled-back"]}, status ${canary.outputs["status"]}.`,
  );
  const rolledBack = (await statusesOf(world, Number(canary.outputs["deployment-id"]))).at(-1);
  n.say(
    `Deployment ${canary.outputs["deployment-id"]} records: ${rolledBack?.state} "${rolledBack?.description}"`,
  );
  n.say(
    `The service: stable = ${short(live.state().stable)}, canary = ${live.state().canary ? "still on" : "none"}.`,
  );
  if (canary.outputs["rolled-back"] !== "true") throw new Error("the canary was not rolled back");
  await world.sandbox.client.control("PATCH", `/repos/${FULL}/runs/${deployRun.id}`, {
    status: "completed",
    conclusion: "failure",
  });

  // ── 13 ────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("The fault cleared: the re-run canary reaches 100 %");
  live.setCanaryErrorRate(0);
  await as("alice", "POST", `/repos/${FULL}/actions/runs/${deployRun.id}/rerun-failed-jobs`, {});
  const third = await runState(world, deployRun.id);
  n.say(
    `The fault is cleared (error rate 0). alice clicks "Re-run failed jobs": attempt ${third.run_attempt}.`,
  );
  const shipped = await job("production", third.run_attempt, quietLine(n));
  expectCode(shipped, 0, "production (canary)");
  n.say(
    `→ ${shipped.outputs["status"]}: ${lastDescription(await statusesOf(world, Number(shipped.outputs["deployment-id"])))}`,
  );
  n.say(`The service: stable = ${short(live.state().stable)} (the merge commit ${short(sha)}).`);
  await world.sandbox.client.control("PATCH", `/repos/${FULL}/runs/${deployRun.id}`, {
    status: "completed",
    conclusion: "success",
  });

  // ── 14 ────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("/rollback production");
  const rollback = await comment(world, "alice", pr.number, "/rollback production");
  n.say(`alice comments "/rollback production"; the App reacts ${rollback.reactions.map(emoji).join(" ")}.`);
  n.link("comment", rollback.url);
  const dispatched = await as<{
    workflow_runs: { id: number; path: string; actor: { login: string } | null }[];
  }>("owner", "GET", `/repos/${FULL}/actions/runs?event=workflow_dispatch`);
  const dispatch = dispatched.workflow_runs[0];
  if (!dispatch) throw new Error("the App dispatched no rollback workflow");
  n.say(
    `The App dispatches ${dispatch.path} on main (workflow_dispatch, environment: production): run ${dispatch.id}.`,
  );
  n.link("workflow run", `${repoUrl}/actions/runs/${dispatch.id}`);
  const rollbackInputs = workflowInputs(ROLLBACK_WORKFLOW, "rollback", { environment: "production" });
  n.say(`Job "rollback": node dist/index.js with ${describeInputs(rollbackInputs)}`);
  const undone = await runAction({
    apiUrl: web,
    repository: FULL,
    sha: released,
    token: world.workflowToken,
    inputs: rollbackInputs,
    actor: dispatch.actor?.login ?? "alice",
    runId: dispatch.id,
    attempt: 1,
    event: "workflow_dispatch",
    workflow: "Rollback",
    env: { DEMO_SERVICE_URL: live.url },
    onLine: actionLine(n),
  });
  expectCode(undone, 0, "rollback");
  n.say(
    `→ rolled-back ${undone.outputs["rolled-back"]}, previous-sha ${short(undone.outputs["previous-sha"] ?? "")}, deployment ${undone.outputs["deployment-id"]}.`,
  );
  n.say(`The service: stable = ${short(live.state().stable)} again.`);
  live.stopTraffic();

  // ── 15 ────────────────────────────────────────────────────────────────────────────────────────────
  await n.step("The audit of the resulting history");
  const report = await runAudit(
    httpClient({
      apiUrl: world.sandbox.apiUrl,
      graphqlUrl: world.sandbox.graphqlUrl,
      token: world.tokens.owner,
    }),
    { owner: ORG, name: REPO, appLogin: world.bot },
  );
  n.say(
    `runAudit read ${report.records.length} deployments in ${report.requests} API request(s), from GitHub's history alone:`,
  );
  n.quote(terminalMarkdown(renderMarkdown(report)), "");
  await writeFile(htmlPath, renderHtml(report));
  n.say(`HTML report: ${htmlPath}`);
  return { pullRequestUrl: pr.html_url };
}

function expectCode(result: ActionResult, code: number, what: string): void {
  if (result.code !== code)
    throw new Error(
      `the Action (${what}) exited ${result.code}, expected ${code}:\n${result.log.replace(/^::add-mask::.*$/gm, "")}`,
    );
}

const EMOJI: Record<string, string> = { "+1": "👍", "-1": "👎", eyes: "👀", confused: "😕", rocket: "🚀" };
const emoji = (reaction: string) => EMOJI[reaction] ?? reaction;

function describeInputs(inputs: Record<string, string>): string {
  return Object.entries(inputs)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
}

function policyExcerpt(policy: string): string {
  const lines = policy.split("\n");
  const from = lines.findIndex((l) => l.startsWith("environments:"));
  return lines.slice(from).join("\n");
}

function lastDescription(statuses: Status[]): string {
  return statuses.at(-1)?.description ?? "";
}

/** The Action's log as a runner shows it: groups as headings, commands' output, errors; no debug noise. */
function actionLine(n: Narrator): (line: string) => void {
  return (line) => {
    if (line.startsWith("::debug::") || line === "::endgroup::" || line.startsWith("::add-mask::")) return;
    if (line.startsWith("::group::")) return n.quote(`▸ ${line.slice("::group::".length)}`, "");
    const annotation = /^::(error|warning|notice)[^:]*::(.*)$/.exec(line);
    if (annotation) return n.quote(`${annotation[1]}: ${unescapeCommand(annotation[2]!)}`, "");
    if (line.startsWith("[command]")) return;
    if (line.trim()) n.quote(line, "  ");
  };
}

/** Workflow commands escape %, CR and LF (@actions/core's toCommandValue). */
function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, "").replace(/%0A/g, " ").replace(/%25/g, "%");
}

/** The audit's Markdown for a terminal: the Mermaid charts are for GitHub to draw, not for a terminal. */
function terminalMarkdown(markdown: string): string {
  return markdown.replace(/## Charts\n[\s\S]*?(?=\n## )/, "").replace(/\n{3,}/g, "\n\n");
}

/** Only the rollout's lines: the second canary run is the same story without the fault. */
function quietLine(n: Narrator): (line: string) => void {
  const full = actionLine(n);
  return (line) => {
    if (/^traffic: |^rollout /.test(line)) full(line);
  };
}

async function seedRelease(world: DemoWorld, sha: string, digest: string): Promise<void> {
  const app = await world.appToken();
  const record = async (environment: string, approvers: string[]) => {
    const deployment = await world.sandbox.client.rest<{ id: number }>(
      "POST",
      `/repos/${FULL}/deployments`,
      {
        ref: sha,
        environment,
        auto_merge: false,
        required_contexts: [],
        payload: {
          tollgate: {
            version: 1,
            requested_by: "owner",
            change_type: "release",
            emergency: false,
            strategy: environment === "production" ? "canary" : "direct",
            policy_digest: digest,
            checklist: {
              ci: "passed",
              "rollback-plan": "passed",
              ...(approvers.length ? { approval: "passed" } : {}),
            },
          },
        },
      },
      world.workflowToken,
    );
    const statuses: [string, string, string][] = [
      ...approvers.map((login, i): [string, string, string] => [
        app,
        "queued",
        approvalDescription("approved", login, `${i + 1}/2 (2 of group:admins)`),
      ]),
      [world.workflowToken, "in_progress", eventDescription("step", "gate passed (release)")],
      [world.workflowToken, "success", eventDescription("outcome", "deployed")],
      // The App's attestation once it verified the run behind that success: only it counts.
      [app, "success", eventDescription("verified", `success in ${environment} by run 1 (deploy.yml, push)`)],
    ];
    let ago = 7 * DAY + 600;
    await world.sandbox.client.setTimestamp({
      repo: FULL,
      kind: "deployment",
      id: deployment.id,
      ago_seconds: ago,
    });
    for (const [token, state, description] of statuses) {
      const status = await world.sandbox.client.rest<{ id: number }>(
        "POST",
        `/repos/${FULL}/deployments/${deployment.id}/statuses`,
        { state, description, auto_inactive: false, environment },
        token,
      );
      ago -= 120;
      await world.sandbox.client.setTimestamp({
        repo: FULL,
        kind: "deployment_status",
        id: status.id,
        ago_seconds: ago,
      });
    }
  };
  await record("staging", []);
  await record("production", ["alice", "bob"]);
}

async function comment(world: DemoWorld, login: Login, issue: number, body: string) {
  const created = await world.as<{ id: number; html_url: string }>(
    login,
    "POST",
    `/repos/${FULL}/issues/${issue}/comments`,
    { body },
  );
  await world.sandbox.idle();
  const reactions = await world.as<{ content: string; user: { login: string } | null }[]>(
    "owner",
    "GET",
    `/repos/${FULL}/issues/comments/${created.id}/reactions`,
  );
  const replies = (await commentsOn(world, issue)).filter(
    (c) => c.user?.login === world.bot && c.id > created.id,
  );
  return {
    url: created.html_url,
    reactions: reactions.filter((r) => r.user?.login === world.bot).map((r) => r.content),
    replies: replies.map((c) => c.body),
  };
}

function commentsOn(world: DemoWorld, issue: number): Promise<Comment[]> {
  return world.as<Comment[]>("owner", "GET", `/repos/${FULL}/issues/${issue}/comments?per_page=100`);
}

async function statusesOf(world: DemoWorld, deploymentId: number): Promise<Status[]> {
  const statuses = await world.as<Status[]>(
    "owner",
    "GET",
    `/repos/${FULL}/deployments/${deploymentId}/statuses?per_page=100`,
  );
  return statuses.slice().reverse();
}

function runState(world: DemoWorld, id: number): Promise<RunState> {
  return world.sandbox.client.control<RunState>("GET", `/repos/${FULL}/runs/${id}`);
}

const MARK: Record<string, string> = { success: "✅", failure: "❌", action_required: "⏳" };

async function showChecks(
  n: Narrator,
  world: DemoWorld,
  sha: string,
  intro?: string,
  only?: string,
): Promise<void> {
  await world.sandbox.idle();
  const { check_runs } = await world.as<{ check_runs: CheckRun[] }>(
    "owner",
    "GET",
    `/repos/${FULL}/commits/${sha}/check-runs?per_page=100`,
  );
  const latest = new Map<string, CheckRun>();
  for (const run of check_runs.sort((a, b) => a.id - b.id))
    if (run.name.startsWith("Tollgate")) latest.set(run.name, run);
  if (intro) n.say(`${intro}:`);
  for (const run of [...latest.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (only && run.name !== only) continue;
    n.say(
      `${MARK[run.conclusion ?? ""] ?? "•"} "${run.name}": ${run.conclusion} — ${run.output.title ?? ""}`,
    );
    n.link(`check run ${run.id}`, run.html_url);
    const rows = (run.output.summary ?? "")
      .split("\n")
      .filter((l) => /^\| (✅|❌|⏳|➖) \|/.test(l) || l.startsWith("**Approvals**"))
      .map((l) =>
        l
          .split("|")
          .map((cell) => cell.trim())
          .filter(Boolean)
          .join(" — ")
          .replace(/^(\S+) — /, "$1 "),
      );
    n.quote(rows.join("\n"));
  }
}

async function showApprovals(n: Narrator, world: DemoWorld, sha: string, environment: string): Promise<void> {
  const deployments = await world.as<{ id: number; sha: string }[]>(
    "owner",
    "GET",
    `/repos/${FULL}/deployments?environment=${environment}&per_page=100`,
  );
  void sha;
  for (const deployment of deployments) {
    for (const status of await statusesOf(world, deployment.id)) {
      if (status.creator?.login !== world.bot || !/^Tollgate: approved/.test(status.description)) continue;
      if (!status.log_url.includes(`/pull/`)) continue;
      n.say(
        `Recorded on deployment ${deployment.id} (${short(deployment.sha)}) by ${world.bot}: ${status.state} "${status.description}"`,
      );
      n.link("log_url", status.log_url);
    }
  }
}
