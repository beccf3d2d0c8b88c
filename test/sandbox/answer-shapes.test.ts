/**
 * Strict mode checks every answer against GitHub's documented response shape: a property GitHub's
 * description lacks (a serializer's invention) or a missing required one is recorded, and the test world
 * fails on close. Shown here with a deliberate extra property on a real answer. Webhook payloads are
 * checked against GitHub's webhook schemas the same way, as they are sent.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { answerChecker } from "../../sandbox/contracts/undocumented.js";
import { webhookErrors } from "../../sandbox/contracts/validate.js";
import type { Route } from "../../sandbox/router.js";
import { createWorld, ORG, REPO, type World } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const getRepo = { method: "GET", path: "/repos/{owner}/{repo}" } as Route;
let world: World;
let repository: Record<string, unknown>;

beforeAll(async () => {
  world = await createWorld({ people: ["dave"], policy: "version: 1\n" });
  const { data } = await world.people["owner"]!.octokit.request("GET /repos/{owner}/{repo}", {
    owner: ORG,
    repo: REPO,
  });
  repository = data as unknown as Record<string, unknown>;
}, PROCESS_TEST_MS);
afterAll(() => world.close());

describe("answers in strict mode", () => {
  const check = answerChecker();

  test("the sandbox's own answer has GitHub's documented shape", () => {
    expect(check(getRepo, { status: 200, body: repository })).toEqual([]);
  });

  test("a property GitHub's description lacks is found, and so is a missing required one", () => {
    expect(check(getRepo, { status: 200, body: { ...repository, invented_by_sandbox: true } })).toEqual([
      "GET /repos/{owner}/{repo} 200: .invented_by_sandbox is not in GitHub's description",
    ]);
    const { full_name: _dropped, ...withoutName } = repository;
    expect(check(getRepo, { status: 200, body: withoutName }).join("\n")).toContain("full_name");
  });

  test("a webhook payload is checked against GitHub's schema for its event and action", () => {
    expect(webhookErrors("issue_comment", "created", { action: "created" }).join("\n")).toContain("comment");
  });

  test(
    "a world whose sandbox answered off shape fails when it closes",
    async () => {
      const other = await createWorld({ people: [], policy: "version: 1\n" });
      other.sandbox.state.offShape.add(
        "GET /repos/{owner}/{repo} 200: .invented_by_sandbox is not in GitHub's description",
      );
      await expect(other.close()).rejects.toThrow(
        /outside GitHub's documented shapes:\n.*invented_by_sandbox/,
      );
    },
    PROCESS_TEST_MS,
  );
});
