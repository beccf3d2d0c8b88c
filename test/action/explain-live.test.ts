/** `tollgate explain --repo …` against the sandbox: the live answer to "why can't I deploy?". */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { explainLiveCommand } from "../../src/cli/explain-live.js";
import { FULL, ORG, REPO, createWorld, openPullRequest, type World } from "../../sandbox/seed/index.js";
import { PEOPLE, POLICY, TEAMS } from "../../scripts/worlds/action-policy.js";

let world: World;
let head: string;
beforeAll(async () => {
  world = await createWorld({ policy: POLICY, people: PEOPLE, teams: TEAMS });
  head = (
    await openPullRequest(world, "dave", { branch: "x", title: "x", body: "no plan", labels: ["minor"] })
  ).head;
});
afterAll(() => world.close());

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), readFile: async () => "" },
  };
}
const env = () => ({
  GITHUB_API_URL: world.sandbox.url,
  GITHUB_TOKEN: world.people["owner"]!.token,
  GITHUB_SERVER_URL: "https://github.example.test",
});

test("explains a blocked deploy with live evidence: the checklist, and who can unblock it", async () => {
  const { io: streams, out } = io();
  const code = await explainLiveCommand(
    ["--repo", FULL, "--sha", head, "--environment", "production"],
    streams,
    env(),
  );
  expect(code).toBe(1);
  const text = out.join("\n");
  expect(text).toMatch(/^BLOCKED \(section_missing\)/);
  expect(text).toContain("has not been deployed to staging");
  expect(text).toContain("**Who can approve:** @alice, @bob");
  expect(text).toContain(`https://github.example.test/${ORG}/${REPO}/pull/1`);
});

test("json output, and usage errors exit 2", async () => {
  const json = io();
  expect(
    await explainLiveCommand(
      ["--repo", FULL, "--sha", head, "--environment", "staging", "--format", "json"],
      json.io,
      env(),
    ),
  ).toBe(0);
  expect(JSON.parse(json.out.join(""))).toMatchObject({ environment: "staging", verdict: "allowed" });
  const bad = io();
  expect(
    await explainLiveCommand(["--repo", "nope", "--sha", head, "--environment", "x"], bad.io, env()),
  ).toBe(2);
  expect(bad.err.join("")).toContain("--repo must be OWNER/REPO");
});
