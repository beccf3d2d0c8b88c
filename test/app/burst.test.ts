/**
 * GitHub's budget under a burst: a push whose CI completes 30 check runs in 3 suites (three CI Apps, ten
 * runs each, three of the names in the checklist) costs at most 3 evaluations, counted from the
 * sandbox's request log (an evaluation is one GraphQL evidence query by the App's installation), and
 * the check runs Tollgate finally shows are those a fresh evaluation of the final state gives. The
 * deliveries go out as GitHub sends them: concurrently and in no order; the evidence query is slowed so
 * that events arrive while an evaluation is in flight, which is what coalescing is for. A redelivered
 * old event, an event overtaken by a newer one, and two App replicas on one webhook URL still end with
 * the right check runs.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { ORG, REPO } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { type AppWorld, settled, startAppWorld } from "../../scripts/worlds/app-world.js";
import {
  POLICY,
  asGitHubDelivers,
  ciApps,
  complete,
  delivered,
  fresh,
  pushWithCi,
  shown,
  spending,
} from "../../scripts/worlds/burst.js";

describe("one App process", () => {
  let world: AppWorld;
  let apps: Octokit[];

  beforeAll(async () => {
    world = await startAppWorld({ policy: POLICY, people: ["dave"] });
    apps = await ciApps(world);
  }, PROCESS_TEST_MS);
  afterAll(() => world.close());

  test(
    "a push whose CI completes 30 check runs in 3 suites: at most 3 evaluations, and the runs shown are a fresh evaluation's",
    async () => {
      const pr = await pushWithCi(world, apps, "burst");
      const spent = await spending(world);
      await asGitHubDelivers(world, () =>
        complete(pr.runs, (name) => (name === "unit" ? "failure" : "success")),
      );
      const cost = await spent();
      // What GitHub said happened: 30 runs completed, 3 suites with them.
      const completed = (await world.sandbox.client.deliveries("check_run.completed")).filter((d) => {
        const run = (d.request.payload as { check_run: { head_sha: string; app: { slug: string } } })
          .check_run;
        return run.head_sha === pr.head && run.app.slug !== world.app.slug;
      });
      expect(completed.filter((d) => d.appId === world.app.id)).toHaveLength(30);
      const suites = await world.people["owner"]!.octokit.request(
        "GET /repos/{owner}/{repo}/commits/{ref}/check-suites",
        {
          owner: ORG,
          repo: REPO,
          ref: pr.head,
        },
      );
      expect(
        suites.data.check_suites.filter((s) => s.app?.slug !== world.app.slug && s.status === "completed"),
      ).toHaveLength(3);

      expect(cost.evaluations).toBeGreaterThanOrEqual(1);
      expect(cost.evaluations).toBeLessThanOrEqual(3);
      // Knowing which names matter cost nothing: the policy was read conditionally and had not changed.
      expect(cost.paidReads).toBeLessThanOrEqual(1);
      const final = await shown(world, pr.head);
      expect(final).toEqual(await fresh(world, pr.head, pr.number));
      expect(final.get("Tollgate · staging")).toMatch(/^staging@/);
    },
    PROCESS_TEST_MS,
  );

  test(
    "delivered one at a time (nothing to coalesce): only the 3 named checks cost an evaluation, the 27 others and the suites none",
    async () => {
      const pr = await pushWithCi(world, apps, "ordered");
      const spent = await spending(world);
      await delivered(world, "ordered", 0, () => complete(pr.runs, () => "success"));
      const cost = await spent();
      expect(cost.evaluations).toBe(3);
      expect(cost.paidReads).toBe(0);
      expect(await shown(world, pr.head)).toEqual(await fresh(world, pr.head, pr.number));
    },
    PROCESS_TEST_MS,
  );

  test(
    "ten reports of a named check at once: one evaluation in flight, the rest wait for one trailing evaluation",
    async () => {
      const pr = await pushWithCi(world, apps, "statuses");
      await complete(pr.runs, () => "success");
      await settled(world);
      const dave = world.people["dave"]!.octokit;
      const spent = await spending(world);
      await asGitHubDelivers(world, () =>
        Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            dave.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
              owner: ORG,
              repo: REPO,
              sha: pr.head,
              context: "build",
              state: i === 9 ? "failure" : "pending",
            }),
          ),
        ),
      );
      const cost = await spent();
      expect(
        (await world.sandbox.client.deliveries("status")).filter((d) => d.appId === world.app.id).length,
      ).toBeGreaterThanOrEqual(10);
      expect(cost.evaluations).toBeGreaterThanOrEqual(1);
      expect(cost.evaluations).toBeLessThanOrEqual(3);
      expect(await shown(world, pr.head)).toEqual(await fresh(world, pr.head, pr.number));
    },
    PROCESS_TEST_MS,
  );

  test(
    "a redelivered old event re-reads the present: no second effect, the right runs stay",
    async () => {
      const pr = await pushWithCi(world, apps, "redelivery");
      await asGitHubDelivers(world, () => complete(pr.runs, () => "success"));
      const before = await shown(world, pr.head);
      expect(before).toEqual(await fresh(world, pr.head, pr.number));
      // The build run's completion, long handled, comes again.
      const old = (await world.sandbox.client.deliveries("check_run.completed")).find(
        (d) =>
          d.appId === world.app.id &&
          (d.request.payload as { check_run: { head_sha: string; name: string } }).check_run.head_sha ===
            pr.head &&
          (d.request.payload as { check_run: { name: string } }).check_run.name === "build",
      )!;
      const spent = await spending(world);
      await world.sandbox.client.redeliver(old.id);
      await settled(world);
      const cost = await spent();
      expect(cost.evaluations).toBeLessThanOrEqual(1);
      expect(cost.writes).toBe(0);
      expect(await shown(world, pr.head)).toEqual(before);
    },
    PROCESS_TEST_MS,
  );

  test(
    "an event overtaken by a newer one: the failure of build arrives after its re-run's success, and success is shown",
    async () => {
      const pr = await pushWithCi(world, apps, "overtaken");
      await asGitHubDelivers(world, () =>
        complete(pr.runs, (name) => (name === "build" ? "failure" : "success")),
      );
      expect((await shown(world, pr.head)).get("Tollgate · staging")).toEqual(
        (await fresh(world, pr.head, pr.number)).get("Tollgate · staging"),
      );
      // The build is re-run and passes; the old failure's delivery is held back until the success's went out.
      await world.sandbox.client.addFault({ kind: "reorder", event: "check_run.completed", count: 1 });
      const build = pr.runs.find((r) => r.name === "build")!;
      const { data: rerun } = await build.ci.request("POST /repos/{owner}/{repo}/check-runs", {
        owner: ORG,
        repo: REPO,
        name: "build",
        head_sha: pr.head,
        status: "in_progress",
      });
      await world.sandbox.client.redeliver(
        (await world.sandbox.client.deliveries("check_run.completed")).find(
          (d) =>
            d.appId === world.app.id &&
            (d.request.payload as { check_run: { id: number } }).check_run.id === build.id,
        )!.id,
      );
      await build.ci.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        owner: ORG,
        repo: REPO,
        check_run_id: rerun.id,
        status: "completed",
        conclusion: "success",
      });
      await settled(world);
      await world.sandbox.client.clearFaults();
      const final = await shown(world, pr.head);
      expect(final).toEqual(await fresh(world, pr.head, pr.number));
      const staging = (
        await world.people["owner"]!.octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
          owner: ORG,
          repo: REPO,
          ref: pr.head,
          check_name: "Tollgate · staging",
        })
      ).data.check_runs.sort((a, b) => Number(b.id) - Number(a.id))[0]!;
      expect(staging.conclusion).toBe("success");
    },
    PROCESS_TEST_MS,
  );
});

describe("two App replicas behind one webhook URL", () => {
  let world: AppWorld;
  let apps: Octokit[];

  beforeAll(async () => {
    world = await startAppWorld({ policy: POLICY, people: ["dave"], replicas: 2 });
    apps = await ciApps(world);
  }, PROCESS_TEST_MS);
  afterAll(() => world.close());

  test(
    "the same burst split between them ends with a fresh evaluation's runs, each replica coalescing its own share",
    async () => {
      const pr = await pushWithCi(world, apps, "replicas");
      const spent = await spending(world);
      await asGitHubDelivers(world, () =>
        complete(pr.runs, (name) => (name === "e2e" ? "failure" : "success")),
      );
      const cost = await spent();
      expect(cost.evaluations).toBeGreaterThanOrEqual(1);
      expect(cost.evaluations).toBeLessThanOrEqual(6);
      expect(await shown(world, pr.head)).toEqual(await fresh(world, pr.head, pr.number));
    },
    PROCESS_TEST_MS,
  );
});
