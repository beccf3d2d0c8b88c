import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createHmac } from "node:crypto";
import { createNodeMiddleware, createProbot, type Probot } from "probot";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import type { RegisteredApp } from "../../sandbox/client.js";
import { listen } from "../../scripts/worlds/listen.js";

interface Seen {
  id: string;
  name: string;
  action: string | undefined;
  sender: string;
  installation: number | undefined;
}

describe("a real Probot server against the sandbox", () => {
  let sb: Sandbox;
  let app: RegisteredApp;
  let installationId: number;
  let probotServer: Awaited<ReturnType<typeof listen>>;
  const seen: Seen[] = [];
  let alice: { login: string; token: string };

  beforeAll(async () => {
    sb = await startSandbox();
    probotServer = await listen();
    app = await sb.client.registerApp({
      name: "Tollgate E2E",
      webhook_url: `${probotServer.url}/api/github/webhooks`,
      permissions: { checks: "write", pull_requests: "read", contents: "read", metadata: "read" },
      events: ["pull_request"],
    });
    const { host } = new URL(sb.url);
    // The same settings a GitHub Enterprise Server user would give Probot.
    const probot: Probot = createProbot({
      env: {
        APP_ID: String(app.id),
        PRIVATE_KEY: app.pem,
        WEBHOOK_SECRET: app.webhook_secret,
        GHE_HOST: host,
        GHE_PROTOCOL: "http",
        LOG_LEVEL: "fatal",
      },
    });
    const middleware = await createNodeMiddleware(
      (probotApp) => {
        probotApp.on("pull_request", async (context) => {
          seen.push({
            id: context.id,
            name: context.name,
            action: context.payload.action,
            sender: context.payload.sender?.login ?? "",
            installation: (context.payload as { installation?: { id: number } }).installation?.id,
          });
          if (context.payload.action !== "opened") return;
          await context.octokit.rest.checks.create(
            context.repo({
              name: "Tollgate · production",
              head_sha: context.payload.pull_request.head.sha,
              status: "completed",
              conclusion: "failure",
              output: { title: "1 of 3 items open", summary: "❌ rollback plan missing" },
            }),
          );
        });
      },
      { probot },
    );
    probotServer.setHandler((req, res) => {
      void middleware(req, res, () => res.writeHead(404).end());
    });
    alice = await sb.client.createUser("alice");
    await sb.client.createRepo(alice.token, "shop");
    installationId = (await sb.client.installApp(app.id, "alice", ["shop"])).id;
  });

  afterAll(async () => {
    await probotServer.close();
    await sb.close();
  });

  test("a PR opened by a user reaches the App signed, and the App's check run lands in the sandbox", async () => {
    await sb.client.createBranch(alice.token, "alice/shop", "feature", "main");
    await sb.client.putFile(alice.token, "alice/shop", "src/cart.ts", "export const total = 1;\n", {
      branch: "feature",
    });
    const pr = await sb.client.rest<{ number: number; head: { sha: string } }>(
      "POST",
      "/repos/alice/shop/pulls",
      { title: "Cart total", head: "feature", base: "main", body: "Adds totals" },
      alice.token,
    );
    await sb.idle();

    const [delivery] = await sb.client.deliveries("pull_request.opened");
    expect(delivery?.status_code).toBe(200);
    const headers = delivery?.request.headers ?? {};
    const raw = JSON.stringify(delivery?.request.payload);
    expect(headers["x-hub-signature-256"]).toBe(
      `sha256=${createHmac("sha256", app.webhook_secret).update(raw).digest("hex")}`,
    );
    expect(headers["user-agent"]).toMatch(/^GitHub-Hookshot\//);
    expect(headers["x-github-event"]).toBe("pull_request");
    expect(headers["x-github-delivery"]).toMatch(/^[0-9a-f-]{36}$/);

    expect(seen).toContainEqual({
      id: delivery?.guid,
      name: "pull_request",
      action: "opened",
      sender: "alice",
      installation: installationId,
    });

    const runs = await sb.client.rest<{
      total_count: number;
      check_runs: { name: string; conclusion: string; app: { slug: string }; head_sha: string }[];
    }>("GET", `/repos/alice/shop/commits/${pr.head.sha}/check-runs`, undefined, alice.token);
    expect(runs.total_count).toBe(1);
    expect(runs.check_runs[0]).toMatchObject({
      name: "Tollgate · production",
      conclusion: "failure",
      app: { slug: app.slug },
      head_sha: pr.head.sha,
    });
    const creates = sb.requests().filter((r) => r.operationId === "checks/create");
    expect(creates.map((r) => [r.actor, r.status])).toEqual([[`${app.slug}[bot]`, 201]]);
    expect(
      sb
        .requests()
        .some((r) => r.operationId === "apps/create-installation-access-token" && r.status === 201),
    ).toBe(true);
  });

  test("a forged signature is refused by Probot with 400 and changes nothing", async () => {
    const before = seen.length;
    const runsBefore = sb.state.repo("alice", "shop")?.checkRuns.size;
    await sb.client.addFault({ kind: "forge_signature", event: "pull_request", count: 1 });
    await sb.client.putFile(alice.token, "alice/shop", "src/cart.ts", "export const total = 2;\n", {
      branch: "feature",
    });
    const [forged] = await sb.client.deliveries("pull_request.synchronize");
    expect(forged?.forged).toBe(true);
    expect(forged?.status_code).toBe(400);
    expect(seen.length).toBe(before);
    expect(sb.state.repo("alice", "shop")?.checkRuns.size).toBe(runsBefore);
    await sb.client.clearFaults();
  });

  test("a redelivery carries the same delivery id to the App", async () => {
    const [opened] = await sb.client.deliveries("pull_request.opened");
    if (!opened) throw new Error("no delivery");
    await sb.client.redeliver(opened.id);
    const again = (await sb.client.deliveries("pull_request.opened")).filter((d) => d.redelivery);
    expect(again).toHaveLength(1);
    expect(again[0]?.guid).toBe(opened.guid);
    expect(seen.filter((s) => s.id === opened.guid)).toHaveLength(2);
  });
});
