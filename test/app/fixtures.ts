/** The CI, checks and workflow runs the App's end-to-end tests share. */
import { expect } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { FULL, ORG, REPO, installCi, octokitFor, type World } from "../../sandbox/seed/index.js";
import { DUE_NAMESPACE } from "../../src/github/due.js";
import { statusesOf } from "../../scripts/worlds/action-run.js";
import type { AppWorld } from "../../scripts/worlds/app-world.js";

export const WORKFLOW =
  "name: Deploy\non: [push, workflow_dispatch]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps: [{ run: echo }]\n";

/** A CI App that writes check runs (and may comment), as GitHub Actions or any CI would. */
export async function ciApp(world: World): Promise<Octokit> {
  const ci = await installCi(world.sandbox, ORG);
  return octokitFor(world.sandbox, await ci.token());
}

export async function ciCheck(
  ci: Octokit,
  sha: string,
  conclusion: "success" | "failure" | null,
): Promise<void> {
  await ci.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: ORG,
    repo: REPO,
    name: "build",
    head_sha: sha,
    ...(conclusion ? { status: "completed", conclusion } : { status: "in_progress" }),
  });
}

export async function run(world: World, sha: string, branch: string): Promise<number> {
  const created = await world.sandbox.client.control<{ id: number }>("POST", `/repos/${FULL}/runs`, {
    workflow: "deploy.yml",
    sha,
    branch,
  });
  return created.id;
}

export async function runState(world: World, id: number) {
  return world.sandbox.client.control<{
    status: string;
    conclusion: string | null;
    run_attempt: number;
    gates: { environment: string; state: string; comments: { state: string | null; comment: string }[] }[];
  }>("GET", `/repos/${FULL}/runs/${id}`);
}

/** The due times recorded on the repository (refs under refs/tollgate/due/), as the owner reads them. */
export async function dueRefs(world: World): Promise<string[]> {
  const { data } = await world.people["owner"]!.octokit.request(
    "GET /repos/{owner}/{repo}/git/matching-refs/{ref}",
    { owner: ORG, repo: REPO, ref: DUE_NAMESPACE.slice("refs/".length) },
  );
  return data.map((r) => r.ref);
}

/** GitHub's (the sandbox's) clock, in milliseconds. */
export async function sandboxNow(world: World): Promise<number> {
  const clock = await world.sandbox.client.control<{ now: string }>("GET", "/clock");
  return Date.parse(clock.now);
}

/**
 * What an approver's `/tollgate resume|abort` of a paused rollout leaves: a +1 and no reply, the App's
 * status on the deployment naming who decided and linking the comment (`also`: more it must show), and
 * the paused run re-run once.
 */
export async function expectPauseDecided(
  world: AppWorld,
  asked: { reactions: string[]; replies: string[]; url: string },
  paused: { deploymentId: number; runId: number },
  decision: "resume" | "abort",
  also: Record<string, unknown> = {},
): Promise<void> {
  expect(asked).toMatchObject({ reactions: ["+1"], replies: [] });
  expect((await statusesOf(world, paused.deploymentId)).at(-1)).toMatchObject({
    ...also,
    description: `Tollgate ${decision}: by @alice`,
    log_url: asked.url,
    creator: { login: world.bot },
  });
  expect((await runState(world, paused.runId)).run_attempt).toBe(2);
}
