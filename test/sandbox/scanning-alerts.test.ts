/**
 * The sandbox's code scanning and secret scanning alert lists, as GitHub answers them: a 404 while the
 * scanner is off (no analysis, secret scanning disabled), the App's permission enforced, secret scanning
 * alerts for repository admins only, and answers that validate against GitHub's published contract.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { RequestError } from "@octokit/request-error";
import { Octokit } from "@octokit/rest";
import { responseErrors } from "../../sandbox/contracts/validate.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { ORG, createWorld, type World, appJwt } from "../../sandbox/seed/index.js";

const SECRETS = "GET /repos/{owner}/{repo}/secret-scanning/alerts";
const CODE = "GET /repos/{owner}/{repo}/code-scanning/alerts";

let world: World;
let app: Octokit;
beforeAll(async () => {
  world = await createWorld({
    policy: "version: 1\nenvironments: {}\n",
    people: ["dave"],
    collaborators: { dave: "write" },
  });
  app = await world.installation();
}, PROCESS_TEST_MS);
afterAll(() => world.close());

async function newRepo(name: string): Promise<{ owner: string; repo: string }> {
  await world.people["owner"]!.octokit.request("POST /orgs/{org}/repos", { org: ORG, name, auto_init: true });
  return { owner: ORG, repo: name };
}

async function refused(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof RequestError)
      return { status: error.status, message: (error.response?.data as { message?: string })?.message ?? "" };
    throw error;
  }
  throw new Error("expected GitHub to refuse the request");
}

test("while the scanners are off, both lists answer 404 with GitHub's messages", async () => {
  const o = await newRepo("off");
  expect(await refused(app.request(SECRETS, { ...o, state: "open" }))).toEqual({
    status: 404,
    message: "Secret scanning is disabled on this repository.",
  });
  expect(await refused(app.request(CODE, { ...o, state: "open" }))).toEqual({
    status: 404,
    message: "no analysis found",
  });
});

test("a seeded secret scanning alert is listed by state, in GitHub's documented shape", async () => {
  const o = await newRepo("leaky");
  await world.sandbox.client.control("POST", `/repos/${ORG}/leaky/alerts/secret-scanning`, {});
  await world.sandbox.client.control("POST", `/repos/${ORG}/leaky/alerts/secret-scanning`, {
    state: "resolved",
    resolution: "revoked",
    secret_type: "aws_access_key_id",
    secret_type_display_name: "Amazon AWS Access Key ID",
  });
  const open = await app.request(SECRETS, { ...o, state: "open" });
  expect(open.data.map((a) => [a.number, a.state, a.secret_type])).toEqual([
    [1, "open", "github_personal_access_token"],
  ]);
  const all = await app.request(SECRETS, { ...o });
  expect(all.data.map((a) => a.number)).toEqual([2, 1]);
  expect(responseErrors(SECRETS, 200, all.data)).toEqual([]);
  expect(all.data[0]).toMatchObject({ state: "resolved", resolution: "revoked" });
});

test("the App needs secret_scanning_alerts and a person must be an admin", async () => {
  const o = await newRepo("guarded");
  await world.sandbox.client.control("PUT", `/repos/${ORG}/guarded/scanners/secret-scanning`, {
    enabled: true,
  });
  expect((await world.people["owner"]!.octokit.request(SECRETS, o)).data).toEqual([]);
  await world.people["owner"]!.octokit.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
    ...o,
    username: "dave",
    permission: "push",
  });
  expect(await refused(world.people["dave"]!.octokit.request(SECRETS, o))).toMatchObject({ status: 403 });
  const jwt = new Octokit({ auth: appJwt(world.app), baseUrl: world.sandbox.apiUrl });
  const { data } = await jwt.request("POST /app/installations/{installation_id}/access_tokens", {
    installation_id: world.installationId,
    permissions: { contents: "read" },
  });
  const narrowed = new Octokit({ auth: data.token, baseUrl: world.sandbox.apiUrl });
  expect(await refused(narrowed.request(SECRETS, o))).toEqual({
    status: 403,
    message: "Resource not accessible by integration",
  });
  expect(await refused(narrowed.request(CODE, o))).toMatchObject({ status: 403 });
});

test("the scanner control turns a scanner on and off, and refuses anything but a boolean", async () => {
  const o = await newRepo("toggled");
  const control = world.sandbox.client;
  await control.control("PUT", `/repos/${ORG}/toggled/scanners/code-scanning`, { enabled: true });
  expect((await app.request(CODE, { ...o, state: "open" })).data).toEqual([]);
  await control.control("PUT", `/repos/${ORG}/toggled/scanners/code-scanning`, { enabled: false });
  expect(await refused(app.request(CODE, o))).toMatchObject({ status: 404 });
  await expect(
    control.control("PUT", `/repos/${ORG}/toggled/scanners/code-scanning`, { enabled: "yes" }),
  ).rejects.toThrow(/422/);
  await expect(
    control.control("PUT", `/repos/${ORG}/toggled/scanners/dependabot`, { enabled: true }),
  ).rejects.toThrow(/404/);
});
