/**
 * The per-event time budget on an Octokit's request hook: nothing starts once it is spent, a read in
 * flight is abandoned at the deadline, a write already sent is waited for, and only the notice passes.
 */
import { afterEach, expect, test } from "@jest/globals";
import {
  isOutOfTime,
  keepWithin,
  startBudget,
  type EventBudget,
  type RequestHooks,
} from "../../src/github/budget.js";

type Options = { method: string; url: string };
type Hook = (request: (options: Options) => Promise<unknown>, options: Options) => Promise<unknown>;

/** The hook collection of one Octokit, and a `request` that goes through it to a fake GitHub. */
function octokit(answer: (options: Options) => Promise<unknown>) {
  let hook: Hook | undefined;
  const sent: string[] = [];
  const hooks: RequestHooks = {
    wrap: (_name, fn) => {
      hook = fn as unknown as Hook;
    },
  };
  const request = (options: Options) =>
    hook!((o) => {
      sent.push(`${o.method} ${o.url}`);
      return answer(o);
    }, options);
  return { hooks, request, sent };
}

const after = (ms: number, value: unknown = "ok") =>
  new Promise((resolve) => setTimeout(() => resolve(value), ms));
const budgets: EventBudget[] = [];
afterEach(() => budgets.splice(0).forEach((b) => b.end()));

function budget(ms: number, now?: () => number): EventBudget {
  const b = startBudget(ms, now);
  budgets.push(b);
  return b;
}

test("no request starts once the budget is spent; the notice still goes out", async () => {
  let clock = 0;
  const b = budget(1_000, () => clock);
  const github = octokit(async () => "ok");
  keepWithin(github.hooks, b);
  await expect(github.request({ method: "GET", url: "/a" })).resolves.toBe("ok");
  clock = 1_000;
  const refused = github.request({ method: "POST", url: "/repos/o/r/deployments" });
  await expect(refused).rejects.toThrow(
    "ran out of its 1 s budget per event before POST /repos/o/r/deployments",
  );
  await refused.catch((error: unknown) => expect(isOutOfTime(error)).toBe(true));
  await expect(
    b.notice(() => github.request({ method: "POST", url: "/repos/o/r/issues/1/comments" })),
  ).resolves.toBe("ok");
  expect(github.sent).toEqual(["GET /a", "POST /repos/o/r/issues/1/comments"]);
});

test("a read in flight at the deadline is abandoned; a write in flight is waited for", async () => {
  const b = budget(50);
  const slow = octokit(() => after(300));
  keepWithin(slow.hooks, b);
  const read = slow.request({ method: "POST", url: "/graphql" });
  const write = slow.request({ method: "POST", url: "/repos/o/r/check-runs" });
  await expect(read).rejects.toThrow("before POST /graphql answered");
  await expect(write).resolves.toBe("ok");
});

test("GitHub Enterprise Server's GraphQL endpoint, named by its full URL, is a read too", async () => {
  const b = budget(50);
  const slow = octokit(() => after(300));
  keepWithin(slow.hooks, b);
  const url = "https://github.example.com/api/graphql";
  await expect(slow.request({ method: "POST", url })).rejects.toThrow(`before POST ${url} answered`);
});
