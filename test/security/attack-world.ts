/**
 * What every attack test starts from: the real App on the strict sandbox, a CI app, the workflow token,
 * and mallory, a plain writer. Each test file brings its own policy and builds its own PRs.
 */
import type { Octokit } from "@octokit/rest";
import type { ActionRun } from "../../scripts/worlds/action-run.js";
import { workflowToken } from "../../scripts/worlds/action-run.js";
import { settled, startAppWorld, type AppWorld } from "../../scripts/worlds/app-world.js";
import { WORKFLOW, ciApp, ciCheck } from "../app/fixtures.js";
import { FULL, openPullRequest } from "../../sandbox/seed/index.js";

export interface AttackWorld {
  readonly world: AppWorld;
  /** A CI app writing the `build` check run. */
  readonly ci: Octokit;
  /** The repository's workflow token (`github-actions[bot]`). */
  readonly token: string;
  readonly mallory: Octokit;
}

export async function startAttackWorld(options: {
  policy: string;
  /** Default: dave (an author), alice and bob (the leads), mallory. */
  people?: string[];
  teams?: Record<string, string[]>;
  /** Workflow files put on the default branch (each the fixture's deploy workflow). */
  workflows?: string[];
}): Promise<AttackWorld> {
  const world = await startAppWorld({
    policy: options.policy,
    people: options.people ?? ["dave", "alice", "bob", "mallory"],
    teams: options.teams ?? { leads: ["alice", "bob"] },
    // Many attacks in one minute would trip GitHub's limit on content creation, which is not what these
    // tests are about (test/sandbox/cost.test.ts covers it); the primary budgets still apply.
    secondaryRateLimit: false,
  });
  const ci = await ciApp(world);
  const token = await workflowToken(world);
  for (const name of options.workflows ?? [])
    await world.sandbox.client.putFile(
      world.people["owner"]!.token,
      FULL,
      `.github/workflows/${name}`,
      WORKFLOW,
    );
  return { world, ci, token, mallory: world.people["mallory"]!.octokit };
}

/** An open PR by `author` with green CI, and its head. */
export async function greenPullRequest(
  { world, ci }: Pick<AttackWorld, "world" | "ci">,
  branch: string,
  author = "dave",
  files?: Record<string, string>,
): Promise<{ number: number; head: string }> {
  const pr = await openPullRequest(world, author, {
    branch,
    title: branch,
    body: "Change.",
    ...(files ? { files } : {}),
  });
  await ciCheck(ci, pr.head, "success");
  await settled(world);
  return pr;
}

/** The gate's verdict as the Action's outputs state it. */
export const decisionOf = (run: ActionRun) => ({
  decision: run.outputs["decision"],
  code: run.outputs["reason-code"],
});
