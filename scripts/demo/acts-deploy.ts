/**
 * Acts 6–9 of the story: the merge starts the deploy workflow; staging deploys and the App attests the
 * run behind it; production is gated (the job fails fast and the App asks the approvers); the second
 * approval makes the App re-run the failed job.
 */
import { runAction, workflowInputs, type ActionResult } from "./action.js";
import { actionLine, describeInputs, expectCode } from "./action-log.js";
import { comment, commentsOn, emoji, runState, short, showApprovals, statusesOf } from "./github-reads.js";
import { SOAK, SOAK_SECONDS } from "./policy.js";
import type { PullRequest } from "./acts-review.js";
import { DEPLOY_WORKFLOW, type Stage } from "./stage.js";
import { FULL } from "./world.js";

/** A job of the deploy workflow's run, as the runner would start it: `node dist/index.js`. */
export type DeployJob = (
  name: "staging" | "production",
  attempt: number,
  onLine?: (line: string) => void,
) => Promise<ActionResult>;

/** Where the deployment stands after act 9: the merge commit, its deploy run and the attempt now due. */
export interface Deploy {
  sha: string;
  runId: number;
  job: DeployJob;
  attempt: number;
}

function deployJob({ n, world, live, web }: Stage, sha: string, runId: number): DeployJob {
  return (name, attempt, onLine = actionLine(n)) =>
    runAction({
      apiUrl: web,
      repository: FULL,
      sha,
      token: world.workflowToken,
      inputs: workflowInputs(DEPLOY_WORKFLOW, name),
      actor: "owner",
      runId,
      attempt,
      event: "push",
      workflow: "Deploy (canary)",
      env: { DEMO_SERVICE_URL: live.url },
      onLine,
    });
}

/** Act 6: owner merges; the push to main starts the deploy workflow. */
async function merge(stage: Stage, pr: PullRequest): Promise<{ sha: string; runId: number }> {
  const { n, world, repoUrl } = stage;
  await n.step("The merge");
  const merged = await world.as<{ sha: string }>("owner", "PUT", `/repos/${FULL}/pulls/${pr.number}/merge`, {
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
  return { sha, runId: deployRun.id };
}

/** Act 7: staging deploys; the App checks the run behind the success and attests it. Its deployment id. */
async function deployStaging({ n, world, repoUrl }: Stage, job: DeployJob, runId: number): Promise<number> {
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
  n.say(`The App checked run ${runId} behind that success and attested it: "${attested.description}".`);
  return Number(staging.outputs["deployment-id"]);
}

/** The whole staging record moves back past the soak, statuses in their order, so its history still reads right. */
async function soakStaging({ world }: Stage, stagingId: number): Promise<void> {
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
}

/** Act 8: production's job fails fast awaiting a second approval; the App asks the approvers on the PR. */
async function gateProduction(
  stage: Stage,
  pr: PullRequest,
  job: DeployJob,
  runId: number,
  stagingId: number,
) {
  const { n, world } = stage;
  await n.step("Production, gated: awaiting approval");
  await soakStaging(stage, stagingId);
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
  await world.sandbox.client.control("PATCH", `/repos/${FULL}/runs/${runId}`, {
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
}

/** Act 9: bob's approval completes production's; the App re-runs the failed job. The attempt it starts. */
async function secondApproval(
  { n, world }: Stage,
  pr: PullRequest,
  sha: string,
  runId: number,
): Promise<number> {
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
  const afterRerun = await runState(world, runId);
  if (afterRerun.run_attempt < 2) throw new Error("the App did not re-run the failed job");
  n.say(`Run ${runId} is on attempt ${afterRerun.run_attempt}: the "production" job runs again, as below.`);
  return afterRerun.run_attempt;
}

/** Acts 6–9, in order. */
export async function deployThroughGate(stage: Stage, pr: PullRequest): Promise<Deploy> {
  const { sha, runId } = await merge(stage, pr);
  const job = deployJob(stage, sha, runId);
  const stagingId = await deployStaging(stage, job, runId);
  await gateProduction(stage, pr, job, runId, stagingId);
  const attempt = await secondApproval(stage, pr, sha, runId);
  return { sha, runId, job, attempt };
}
