import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createRequire } from "node:module";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { requestErrors, responseErrors, webhookErrors } from "../../sandbox/contracts/validate.js";
import { restRoutes } from "../../sandbox/routes/index.js";
import { undocumentedInResponse } from "../../sandbox/contracts/undocumented.js";
import { receiver } from "./helpers.js";
import { runScenario } from "./scenario-run.js";
import type { World } from "./scenario.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as Example[];

describe("contracts: every operation and webhook against GitHub's published descriptions", () => {
  let sb: Sandbox;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let world: World;

  beforeAll(async () => {
    sb = await startSandbox();
    hook = await receiver();
    world = await runScenario(sb, hook.url);
  }, PROCESS_TEST_MS);

  afterAll(async () => {
    await sb.close();
    await hook.close();
  });

  const keys = restRoutes.map((r) => `${r.method} ${r.path}`);

  test.each(keys)("%s: request and response validate", (key) => {
    const calls = world.rec.calls.filter((c) => c.key === key);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect({ key, request: requestErrors(key, call.requestBody, call.query) }).toEqual({
        key,
        request: [],
      });
      expect({
        key,
        status: call.status,
        response: responseErrors(key, call.status, call.responseBody),
      }).toEqual({ key, status: call.status, response: [] });
    }
  });

  test("answers carry no property GitHub's documented response shape lacks", () => {
    const extra = new Set<string>();
    for (const call of world.rec.calls)
      for (const p of undocumentedInResponse(call.key, call.status, call.responseBody))
        extra.add(`${call.key} ${p}`);
    expect([...extra]).toEqual([]);
  });

  test("webhooks validate against GitHub's webhook schemas and carry the example payload's keys", () => {
    const sent = sb.webhooks.deliveries.filter((d) => !d.redelivery);
    const kinds = new Set(sent.map((d) => `${d.event}.${d.action ?? ""}`));
    for (const want of [
      "pull_request.opened",
      "pull_request.synchronize",
      "pull_request.closed",
      "pull_request.labeled",
      "pull_request_review.submitted",
      "issue_comment.created",
      "issue_comment.edited",
      "issue_comment.deleted",
      "check_run.created",
      "check_run.completed",
      "check_suite.completed",
      "status.",
      "deployment.created",
      "deployment_status.created",
      "deployment_protection_rule.requested",
      "workflow_run.requested",
      "workflow_run.completed",
    ]) {
      expect(kinds).toContain(want);
    }
    for (const d of sent) {
      const payload = d.request.payload;
      expect({
        event: `${d.event}.${d.action ?? ""}`,
        errors: webhookErrors(d.event, d.action, payload),
      }).toEqual({ event: `${d.event}.${d.action ?? ""}`, errors: [] });
      expect(payload["installation"]).toEqual({ id: d.installationId, node_id: expect.any(String) });
      const example = examples
        .find((e) => e.name === d.event)
        ?.examples.find((x) => (x["action"] ?? null) === d.action);
      if (!example) continue;
      const optional = new Set(["organization", "enterprise", "installation"]);
      const missing = Object.keys(example).filter((k) => !optional.has(k) && !(k in payload));
      expect({ event: `${d.event}.${d.action ?? ""}`, missing }).toEqual({
        event: `${d.event}.${d.action ?? ""}`,
        missing: [],
      });
    }
  });

  test("webhooks arrive signed, in order per repository", () => {
    const received = hook.received.map((r) => r.headers["x-github-delivery"]);
    const recorded = sb.webhooks.deliveries.map((d) => d.guid);
    expect(received).toEqual(recorded);
  });
});
