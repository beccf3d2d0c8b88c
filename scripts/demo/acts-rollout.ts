/**
 * Acts 10–14 of the story: the canary rollout with real traffic, the fault the demo injects at 25 %
 * and the analysis rolling it back, the re-run reaching 100 % once the fault is cleared, and
 * /rollback production, which the App dispatches and the Action runs back to last week's release.
 */
import { runAction, workflowInputs } from "./action.js";
import { actionLine, describeInputs, expectCode, quietLine } from "./action-log.js";
import type { Deploy } from "./acts-deploy.js";
import type { PullRequest } from "./acts-review.js";
import { comment, emoji, lastDescription, runState, short, statusesOf } from "./github-reads.js";
import { ROLLBACK_WORKFLOW, type Stage } from "./stage.js";
import { FULL } from "./world.js";

const FAULT_RATE = 0.2;

/** Acts 10–12: the canary, the fault at 25 % of the traffic, and the automatic rollback it causes. */
async function canaryWithFault({ n, world, live }: Stage, deploy: Deploy): Promise<void> {
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
  const canary = await deploy.job("production", deploy.attempt);
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
  await world.sandbox.client.control("PATCH", `/repos/${FULL}/runs/${deploy.runId}`, {
    status: "completed",
    conclusion: "failure",
  });
}

/** Act 13: the fault cleared, alice re-runs the failed job and the canary reaches 100 %. */
async function canaryShips({ n, world, live }: Stage, deploy: Deploy): Promise<void> {
  await n.step("The fault cleared: the re-run canary reaches 100 %");
  live.setCanaryErrorRate(0);
  await world.as("alice", "POST", `/repos/${FULL}/actions/runs/${deploy.runId}/rerun-failed-jobs`, {});
  const third = await runState(world, deploy.runId);
  n.say(
    `The fault is cleared (error rate 0). alice clicks "Re-run failed jobs": attempt ${third.run_attempt}.`,
  );
  const shipped = await deploy.job("production", third.run_attempt, quietLine(n));
  expectCode(shipped, 0, "production (canary)");
  n.say(
    `→ ${shipped.outputs["status"]}: ${lastDescription(await statusesOf(world, Number(shipped.outputs["deployment-id"])))}`,
  );
  n.say(`The service: stable = ${short(live.state().stable)} (the merge commit ${short(deploy.sha)}).`);
  await world.sandbox.client.control("PATCH", `/repos/${FULL}/runs/${deploy.runId}`, {
    status: "completed",
    conclusion: "success",
  });
}

/** Act 14: /rollback production; the App dispatches the rollback workflow and its job runs. */
async function rollBack({ n, world, live, web, repoUrl, released }: Stage, pr: PullRequest): Promise<void> {
  await n.step("/rollback production");
  const rollback = await comment(world, "alice", pr.number, "/rollback production");
  n.say(`alice comments "/rollback production"; the App reacts ${rollback.reactions.map(emoji).join(" ")}.`);
  n.link("comment", rollback.url);
  const dispatched = await world.as<{
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
}

/** Acts 10–14, in order. */
export async function rollOut(stage: Stage, pr: PullRequest, deploy: Deploy): Promise<void> {
  await canaryWithFault(stage, deploy);
  await canaryShips(stage, deploy);
  await rollBack(stage, pr);
}
