/**
 * How the sandbox sends a repository's webhooks: by default as GitHub does, which promises neither order
 * nor one-at-a-time; on request one at a time and in order.
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { SandboxError } from "../../sandbox/client.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { listen } from "../../scripts/worlds/listen.js";

const COMMENTS = 10;

let sb: Sandbox;
let hook: Awaited<ReturnType<typeof listen>>;
let token: string;
/** Comment bodies in the order they arrived, and the most deliveries in flight at once. */
let arrived: string[];
let peak: number;

beforeEach(async () => {
  arrived = [];
  peak = 0;
  let inFlight = 0;
  // A receiver that takes 30 ms to answer, so overlapping deliveries are seen overlapping.
  hook = await listen((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { comment: { body: string } };
      arrived.push(body.comment.body);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end("ok");
      }, 30);
    });
  });
  sb = await startSandbox();
  token = (await sb.client.createUser("dev")).token;
  await sb.client.createRepo(token, "web");
  const app = await sb.client.registerApp({
    name: "Listener",
    webhook_url: hook.url,
    permissions: { issues: "write" },
    events: ["issue_comment"],
  });
  await sb.client.installApp(app.id, "dev");
  await sb.client.rest("POST", "/repos/dev/web/issues", { title: "t" }, token);
}, PROCESS_TEST_MS);
afterEach(async () => {
  await sb.close();
  await hook.close();
});

async function comment(n: number): Promise<void> {
  await sb.client.rest("POST", "/repos/dev/web/issues/1/comments", { body: `c${n}` }, token);
}
const inOrder = Array.from({ length: COMMENTS }, (_, i) => `c${i}`);

describe("webhook delivery mode", () => {
  test(
    "by default deliveries overlap, as GitHub sends them, and idle() waits for all of them",
    async () => {
      // Ten events within one 50 ms spread, each held 30 ms by the receiver: one at a time would take 300 ms.
      await Promise.all(inOrder.map((_, i) => comment(i)));
      await sb.idle();
      expect([...arrived].sort()).toEqual([...inOrder].sort());
      expect(peak).toBeGreaterThan(1);
    },
    PROCESS_TEST_MS,
  );

  test(
    "ordered, on request: a repository's deliveries go one at a time, in the order of the events",
    async () => {
      await sb.client.setWebhookDelivery("ordered");
      for (let i = 0; i < COMMENTS; i++) await comment(i);
      await sb.idle();
      expect(arrived).toEqual(inOrder);
      expect(peak).toBe(1);
    },
    PROCESS_TEST_MS,
  );

  test(
    "concurrent: every delivery arrives, overlapping and out of order, and idle() still waits for all",
    async () => {
      await sb.client.setWebhookDelivery("concurrent", 200);
      for (let i = 0; i < COMMENTS; i++) await comment(i);
      await sb.idle();
      expect([...arrived].sort()).toEqual([...inOrder].sort());
      expect(arrived).not.toEqual(inOrder);
      expect(peak).toBeGreaterThan(1);
      expect(await sb.client.control("PUT", "/webhooks/delivery", { mode: "ordered" })).toEqual({
        mode: "ordered",
        max_delay_ms: 0,
      });
    },
    PROCESS_TEST_MS,
  );

  test(
    "an unknown mode or a delay outside 0–10,000 ms is refused with 422",
    async () => {
      for (const body of [
        { mode: "shuffled" },
        { mode: "concurrent", max_delay_ms: -1 },
        { mode: "concurrent", max_delay_ms: 60_000 },
      ]) {
        const refused = await sb.client.control("PUT", "/webhooks/delivery", body).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(SandboxError);
        expect((refused as SandboxError).status).toBe(422);
      }
    },
    PROCESS_TEST_MS,
  );
});
