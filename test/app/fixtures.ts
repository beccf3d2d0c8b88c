/** The CI, checks and workflow runs the App's end-to-end tests share. */
import type { Octokit } from "@octokit/rest";
import { FULL, ORG, REPO, installCi, octokitFor, type World } from "../../sandbox/seed/index.js";

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
