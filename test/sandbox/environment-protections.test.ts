/**
 * An environment's protections (required reviewers, a wait timer, branch policies) are not modelled: the
 * sandbox refuses to set one, naming it, rather than accepting it and holding nothing, which would let a
 * test pass here that GitHub would hold. Setting none of them is an ordinary create or update.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";

let sb: Sandbox;
let token: string;

const put = async (environment: string, body: unknown) => {
  const res = await fetch(`${sb.apiUrl}/repos/dev/svc/environments/${environment}`, {
    method: "PUT",
    headers: { authorization: `token ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  sb = await startSandbox();
  token = (await sb.client.createUser("dev")).token;
  await sb.client.createRepo(token, "svc");
});
afterAll(() => sb.close());

test("required reviewers or a wait timer: 501 naming them, and no environment is created", async () => {
  const refused = await put("production", { wait_timer: 30, reviewers: [{ type: "User", id: 1 }] });
  expect(refused.status).toBe(501);
  expect(String(refused.body["message"])).toContain("wait_timer, reviewers");
  const listed = await fetch(`${sb.apiUrl}/repos/dev/svc/environments`, {
    headers: { authorization: `token ${token}` },
  });
  expect(((await listed.json()) as { total_count: number }).total_count).toBe(0);
  expect(sb.unmodelled().map((h) => h.route)).toEqual([
    "/repos/{owner}/{repo}/environments/{environment_name} with wait_timer, reviewers",
  ]);
  // Seen and asserted: cleared, so closing the sandbox does not report it again.
  await fetch(`${sb.url}/_sandbox/unmodelled`, { method: "DELETE" });
});

test("no protection, or each protection's none: created and updated as on GitHub", async () => {
  expect((await put("staging", {})).status).toBe(200);
  const updated = await put("staging", {
    wait_timer: 0,
    prevent_self_review: false,
    reviewers: [],
    deployment_branch_policy: null,
  });
  expect(updated.status).toBe(200);
  expect(updated.body["name"]).toBe("staging");
});
