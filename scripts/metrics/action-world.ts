/**
 * The smallest world the built Action (`node dist/index.js`) can deploy in, for the reaction benchmark:
 * a sandbox, the organization repository holding the policy (seeded by sandbox/seed/), and GitHub's
 * workflow token. Each run gets its own commit and runs through scripts/worlds/action-run.ts, as a
 * runner runs a job.
 */
import { startSandbox } from "../../sandbox/index.js";
import { FULL, ORG, REPO, createPeople, workflowTokens } from "../../sandbox/seed/index.js";
import { runAction } from "../worlds/action-run.js";

export interface DistRun {
  readonly code: number | null;
  /** The Action's log: stdout, then stderr. */
  readonly stdout: string;
  readonly outputs: Record<string, string>;
}

export interface ActionWorld {
  /** A new commit on main (the policy unchanged); its SHA. */
  commit(): Promise<string>;
  /** `node dist/index.js` deploying `sha` to `environment`. */
  deploy(environment: string, sha: string, runId: number): Promise<DistRun>;
  close(): Promise<void>;
}

export async function startActionWorld(policy: string): Promise<ActionWorld> {
  const sandbox = await startSandbox();
  const client = sandbox.client;
  const owner = (await createPeople(sandbox, ["owner"]))["owner"]!;
  await client.createOrg(ORG, "owner");
  await client.createRepo(owner.token, REPO, { org: ORG });
  await client.putFile(owner.token, FULL, ".github/tollgate.yml", policy, { message: "Add the policy" });
  const token = await (await workflowTokens(sandbox, ORG))();
  let commits = 0;

  const world: ActionWorld = {
    async commit() {
      const put = await client.putFile(owner.token, FULL, `src/change-${++commits}.ts`, "export {};\n", {
        message: `Change ${commits}`,
      });
      return put.commit.sha;
    },
    async deploy(environment, sha, runId) {
      const run = await runAction(
        { sandbox },
        { sha, token, runId, inputs: { environment, mode: "deploy" } },
      );
      return { code: run.code, stdout: run.stdout + run.stderr, outputs: run.outputs };
    },
    close: () => sandbox.close(),
  };
  return world;
}
