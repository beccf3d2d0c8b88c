/**
 * Act 1 of the story, which sets the stage every later act plays on: the live service with its traffic,
 * the sandbox with the policy, the workflows and the App installed, and last week's release in staging
 * and production. `Stage` is what the acts share.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadPolicy } from "../../src/policy/load.js";
import { ROOT } from "./action.js";
import { short } from "./github-reads.js";
import type { Narrator } from "./narrator.js";
import { demoPolicy } from "./policy.js";
import { seedRelease } from "./release-history.js";
import { startDemoService, type DemoService } from "./service.js";
import { FULL, ORG, createDemoWorld, type DemoWorld } from "./world.js";

export const DEPLOY_WORKFLOW = "examples/workflows/deploy-canary.yml";
export const ROLLBACK_WORKFLOW = "examples/workflows/rollback-dispatch.yml";
const TRAFFIC_RPS = 50;

/** What every act works with. */
export interface Stage {
  readonly n: Narrator;
  readonly world: DemoWorld;
  /** the service the canary rolls out to, with live traffic */
  readonly live: DemoService;
  /** the sandbox's web root and the repository's page there */
  readonly web: string;
  readonly repoUrl: string;
  /** last week's release: in staging and production before the story starts, the rollback's target */
  readonly released: string;
}

/** Where the policy's environments start: what the narration quotes of it. */
function policyExcerpt(policy: string): string {
  const lines = policy.split("\n");
  const from = lines.findIndex((l) => l.startsWith("environments:"));
  return lines.slice(from).join("\n");
}

/** Act 1: "A repository with a policy". `onClose` is StoryOptions' (see story.ts). */
export async function setTheStage(
  n: Narrator,
  onClose: (close: () => Promise<void>, whenKept?: () => Promise<void>) => void,
): Promise<Stage> {
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
  const main = await world.as<{ commit: { sha: string } }>("owner", "GET", `/repos/${FULL}/branches/main`);
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
  return { n, world, live, web, repoUrl, released };
}
