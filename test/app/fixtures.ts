/** The policy and world the App's end-to-end tests share. */
import { appJwt } from "../sandbox/scenario.js";
import { Octokit } from "@octokit/rest";
import { FULL, ORG, REPO, octokitFor, type World } from "../support/world.js";

export const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
checklist:
  ci: { checks: [build] }
  rollback-plan: { pr_section: Rollback plan }
environments:
  staging:
    approval: automatic
    checklist: [ci]
  production:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci, rollback-plan]
    rollback: { workflow: rollback.yml, redeploy_previous: true }
`;

export const WORKFLOW =
  "name: Deploy\non: [push, workflow_dispatch]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps: [{ run: echo }]\n";

export const BODY = "Faster checkout.\n\n## Rollback plan\nRevert the PR.\n";

/** A CI app that writes check runs, as GitHub Actions or any CI would. */
export async function ciApp(world: World): Promise<Octokit> {
  const app = await world.sandbox.client.registerApp({
    name: "CI",
    permissions: { checks: "write", issues: "write", metadata: "read" },
  });
  const installation = await world.sandbox.client.installApp(app.id, ORG);
  const jwt = new Octokit({ auth: appJwt(app), baseUrl: world.sandbox.apiUrl });
  const { data } = await jwt.request("POST /app/installations/{installation_id}/access_tokens", {
    installation_id: installation.id,
  });
  return octokitFor(world.sandbox, data.token);
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
