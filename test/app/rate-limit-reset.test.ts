/**
 * After a spent GraphQL budget resets: the "not evaluated" run the App wrote says when it will evaluate
 * again, the reset is recorded as a due time, and once GitHub's clock has passed it (the sandbox clock
 * moved, never waited for) the scheduled wake — the built Action in `mode: wake` — brings the App back to
 * the commit: the environments' runs show a fresh evaluation, and the notice no longer stands.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { ORG, openPullRequest, wakeWorkflowTokens } from "../../sandbox/seed/index.js";
import { runAction } from "../../scripts/worlds/action-run.js";
import { BODY, POLICY_WORLD } from "../../scripts/worlds/app-policy.js";
import { latestChecks, settled, startAppWorld, type AppWorld } from "../../scripts/worlds/app-world.js";
import { DUE_NAMESPACE } from "../../src/github/due.js";
import { dueRefs, sandboxNow } from "./fixtures.js";
import { exhaustGraphql } from "../support/exhaust.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

let world: AppWorld;
/** The scheduled wake workflow's token. */
let wakeToken: () => Promise<string>;

beforeAll(async () => {
  world = await startAppWorld({
    ...POLICY_WORLD,
    // Small budgets, so spending one takes a few calls; every authenticated caller gets this many.
    rateLimit: 400,
  });
  wakeToken = await wakeWorkflowTokens(world.sandbox, ORG);
}, PROCESS_TEST_MS);
afterAll(() => world.close());

async function advanceClockTo(ms: number): Promise<void> {
  await world.sandbox.client.advanceClock(Math.ceil((ms - (await sandboxNow(world))) / 1000));
}

test(
  "a PR judged while the budget is spent is judged again by the scheduled wake after the reset",
  async () => {
    const installation = await world.installation();
    const { token } = (await installation.auth()) as { token: string };
    const reset = await exhaustGraphql(world, token);
    // Two minutes on, within the same budget window: the App's own token, minted for the PR's events,
    // then outlives the reset (an installation token lasts an hour, by GitHub's clock).
    await world.sandbox.client.advanceClock(120);
    const pr = await openPullRequest(world, "dave", { branch: "after-reset", title: "Reset", body: BODY });
    await settled(world);
    const limited = await latestChecks(world, pr.head);
    expect([...limited.keys()]).toEqual(["Tollgate · readiness"]);
    const at = reset.toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(limited.get("Tollgate · readiness")!.output.summary).toContain(
      `Tollgate evaluates again after ${at}`,
    );
    expect(await dueRefs(world)).toContain(`${DUE_NAMESPACE}${reset.getTime() / 1000}-${pr.head}`);

    await advanceClockTo(reset.getTime() + 60_000);
    const woken = await runAction(world, {
      sha: pr.head,
      token: await wakeToken(),
      inputs: { mode: "wake" },
    });
    expect(woken.code).toBe(0);
    await settled(world);

    const judged = await latestChecks(world, pr.head);
    expect([...judged.keys()].sort()).toEqual([
      "Tollgate · production",
      "Tollgate · readiness",
      "Tollgate · staging",
    ]);
    // The environments' runs are a fresh evaluation: CI has not reported, so neither may deploy yet.
    for (const name of ["Tollgate · production", "Tollgate · staging"]) {
      expect(judged.get(name)!.output.title).not.toMatch(/^Not evaluated/);
      expect(judged.get(name)!.conclusion).toBe("action_required");
    }
    // The notice no longer stands as if nothing had been evaluated.
    expect(judged.get("Tollgate · readiness")).toMatchObject({ conclusion: "neutral" });
  },
  PROCESS_TEST_MS,
);
