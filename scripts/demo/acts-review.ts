/**
 * Acts 2–5 of the story: the pull request and its readiness check runs, CI turning them, an /approve
 * the App refuses (mallory is no approver) and the first admin's approval, recorded on a deployment.
 */
import { comment, emoji, short, showApprovals, showChecks } from "./github-reads.js";
import type { Stage } from "./stage.js";
import { FULL } from "./world.js";

export interface PullRequest {
  number: number;
  html_url: string;
}

/** Act 2: dave opens "Faster checkout"; the App writes a check run per gated environment. */
async function openPullRequest({ n, world }: Stage): Promise<{ pr: PullRequest; head: string }> {
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
  const pr = await world.as<PullRequest>("dave", "POST", `/repos/${FULL}/pulls`, {
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
  return { pr, head };
}

/** Act 3: CI's "build" passes and the App re-evaluates. */
async function ciPasses({ n, world }: Stage, head: string): Promise<void> {
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
}

/** Act 4: mallory's /approve, which the App answers and does not count. */
async function outsiderApproves({ n, world }: Stage, pr: PullRequest): Promise<void> {
  await n.step("/approve from someone who is not an approver");
  const refused = await comment(world, "mallory", pr.number, "/approve production");
  n.say(`mallory comments "/approve production".`);
  n.link("comment", refused.url);
  n.say(`The App reacts ${refused.reactions.map(emoji).join(" ")} and answers:`);
  for (const reply of refused.replies) n.quote(reply);
}

/** Act 5: alice's /approve, recorded; production still waits for a second. */
async function adminApproves({ n, world }: Stage, pr: PullRequest, head: string): Promise<void> {
  await n.step("An admin approves: /approve production");
  const first = await comment(world, "alice", pr.number, "/approve production");
  n.say(
    `alice (admin) comments "/approve production"; the App reacts ${first.reactions.map(emoji).join(" ")}.`,
  );
  n.link("comment", first.url);
  await showApprovals(n, world, head, "production");
  await showChecks(n, world, head, undefined, "Tollgate · production");
}

/** Acts 2–5, in order; the pull request they are about. */
export async function reviewPullRequest(stage: Stage): Promise<PullRequest> {
  const { pr, head } = await openPullRequest(stage);
  await ciPasses(stage, head);
  await outsiderApproves(stage, pr);
  await adminApproves(stage, pr, head);
  return pr;
}
