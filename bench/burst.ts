/**
 * What a push costs the App: CI completes 30 check runs in 3 suites (three CI Apps, ten runs each, three
 * of the names in the checklist) on a PR, the real App serves the sandbox's webhooks, and the sandbox's
 * request log counts the App's evaluations (one GraphQL evidence query each) and their points. Played
 * twice: deliveries as GitHub sends them (concurrently, in no order, each after a seeded delay below
 * 300 ms) and one at a time, in order (the sandbox's default, where nothing can be coalesced). "Before"
 * is one evaluation per check_run.completed, as the App did until events were filtered and coalesced.
 */
import type { Octokit } from "@octokit/rest";
import {
  DELIVERY_SPREAD_MS,
  POLICY,
  ciApps,
  complete,
  delivered,
  fresh,
  pushWithCi,
  shown,
  spending,
} from "../scripts/worlds/burst.js";
import { type AppWorld, startAppWorld } from "../scripts/worlds/app-world.js";
import { isDeepStrictEqual } from "node:util";
import { machine } from "./stats.js";

async function play(world: AppWorld, apps: Octokit[], branch: string, concurrent: boolean) {
  const pr = await pushWithCi(world, apps, branch);
  const spent = await spending(world);
  await delivered(world, concurrent ? "concurrent" : "ordered", concurrent ? DELIVERY_SPREAD_MS : 0, () =>
    complete(pr.runs, (name) => (name === "unit" ? "failure" : "success")),
  );
  const cost = await spent();
  const right = isDeepStrictEqual(await shown(world, pr.head), await fresh(world, pr.head, pr.number));
  return { ...cost, right };
}

export async function benchBurst(): Promise<string> {
  const world = await startAppWorld({ policy: POLICY, people: ["dave"] });
  try {
    const apps = await ciApps(world);
    const concurrent = await play(world, apps, "bench-concurrent", true);
    const ordered = await play(world, apps, "bench-ordered", false);
    const row = (label: string, c: typeof concurrent) =>
      `| ${label} | 30 | ${c.evaluations} | ${c.points} | ${c.writes} | ${c.paidReads} | ${c.right ? "yes" : "**no**"} |`;
    return [
      "## A push's cost: 30 check runs in 3 suites",
      "",
      `The real App (Probot) on the sandbox; a PR whose CI completes 30 check runs in 3 suites, 3 of the names in the checklist (one of them failing). Counted from the sandbox's request log by the App's installation token. "Right" = the check runs shown equal a fresh evaluation of the final state. Before: one evaluation per \`check_run.completed\`, 30. ${machine()}.`,
      "",
      `30-check-run push: ${concurrent.evaluations} evaluations, ${concurrent.points} points (deliveries as GitHub sends them; goal ≤ 3 evaluations).`,
      "",
      "| delivery | check runs completed | evaluations | GraphQL points | check runs written | policy reads charged | right |",
      "|---|---|---|---|---|---|---|",
      row(`concurrent, out of order (spread ${DELIVERY_SPREAD_MS} ms)`, concurrent),
      row("one at a time, in order", ordered),
    ].join("\n");
  } finally {
    await world.close();
  }
}
