import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createSign, generateKeyPairSync } from "node:crypto";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import type { RegisteredApp } from "../../sandbox/client.js";
import { appJwt } from "../../sandbox/seed/index.js";

function jwtWith(pem: string, claims: Record<string, unknown>): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${enc({ alg: "RS256", typ: "JWT" })}.${enc(claims)}`;
  return `${head}.${createSign("RSA-SHA256").update(head).sign(pem, "base64url")}`;
}

describe("GitHub App authentication as GitHub does it", () => {
  let sb: Sandbox;
  let app: RegisteredApp;
  let installationId: number;
  let owner: { token: string };

  const get = (path: string, auth: string): Promise<Response> =>
    fetch(`${sb.apiUrl}${path}`, { headers: { authorization: auth } });

  beforeAll(async () => {
    sb = await startSandbox();
    owner = await sb.client.createUser("owner");
    await sb.client.createRepo(owner.token, "svc");
    await sb.client.createRepo(owner.token, "other");
    app = await sb.client.registerApp({
      name: "Reader",
      permissions: { pull_requests: "read", checks: "read" },
      events: [],
    });
    installationId = (await sb.client.installApp(app.id, "owner", ["svc"])).id;
  });
  afterAll(() => sb.close());

  test("GET /app with a valid RS256 JWT; iss may be the app id", async () => {
    const res = await get("/app", `Bearer ${appJwt(app)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: app.id,
      slug: app.slug,
      permissions: { pull_requests: "read", metadata: "read" },
    });
  });

  test.each([
    ["expired", (now: number) => ({ iat: now - 700, exp: now - 10, iss: 0 }), /'Expiration time' claim/],
    [
      "issued in the future beyond 60 s of drift",
      (now: number) => ({ iat: now + 120, exp: now + 500, iss: 0 }),
      /'Issued at' claim/,
    ],
    [
      "valid for more than 10 minutes",
      (now: number) => ({ iat: now, exp: now + 3600, iss: 0 }),
      /too far in the future/,
    ],
  ])("a JWT %s is refused with 401", async (_name, claims, message) => {
    const now = Math.floor(Date.now() / 1000);
    const res = await get("/app", `Bearer ${jwtWith(app.pem, { ...claims(now), iss: app.id })}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(message);
  });

  test("a JWT signed by another key is refused", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs1", format: "pem" })
      .toString();
    const res = await get("/app", `Bearer ${appJwt({ id: app.id, pem: other })}`);
    expect(res.status).toBe(401);
  });

  test("an installation token lasts one hour, acts as <slug>[bot], and only within its grant", async () => {
    const tokenRes = await fetch(`${sb.apiUrl}/app/installations/${installationId}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${appJwt(app)}` },
    });
    expect(tokenRes.status).toBe(201);
    const body = (await tokenRes.json()) as {
      token: string;
      expires_at: string;
      permissions: Record<string, string>;
    };
    expect(body.token).toMatch(/^ghs_/);
    const ttl = Date.parse(body.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(3590_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);

    const installation = await get("/repos/owner/svc/installation", `Bearer ${appJwt(app)}`);
    expect(((await installation.json()) as { id: number }).id).toBe(installationId);

    const gql = await fetch(sb.graphqlUrl, {
      method: "POST",
      headers: { authorization: `token ${body.token}` },
      body: JSON.stringify({ query: "{ viewer { login } }" }),
    });
    expect(await gql.json()).toEqual({ data: { viewer: { login: app.slug } } });

    // A write the App was not granted: GitHub's 403.
    const write = await fetch(`${sb.apiUrl}/repos/owner/svc/check-runs`, {
      method: "POST",
      headers: { authorization: `token ${body.token}` },
      body: JSON.stringify({ name: "x", head_sha: "main" }),
    });
    expect(write.status).toBe(403);
    expect(await write.json()).toEqual({
      message: "Resource not accessible by integration",
      documentation_url: "https://docs.github.com/rest",
      status: "403",
    });
    // A public repository outside the installation is readable, but not writable.
    const pulls = await get("/repos/owner/other/pulls", `token ${body.token}`);
    expect(pulls.status).toBe(200);
    // The user endpoint is not for integrations.
    expect((await get("/user", `token ${body.token}`)).status).toBe(403);
  });

  test("an expired installation token is bad credentials", async () => {
    const res = await fetch(`${sb.apiUrl}/app/installations/${installationId}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${appJwt(app)}` },
    });
    const { token } = (await res.json()) as { token: string };
    const stored = sb.state.tokens.get(token);
    if (stored) stored.expiresAt = Date.now() - 1;
    const after = await get("/repos/owner/svc", `token ${token}`);
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ message: "Bad credentials" });
  });

  test("a token narrowed to fewer permissions cannot widen them", async () => {
    const narrow = await fetch(`${sb.apiUrl}/app/installations/${installationId}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${appJwt(app)}` },
      body: JSON.stringify({ permissions: { checks: "write" } }),
    });
    expect(narrow.status).toBe(422);
  });

  test("the site admin creates users and impersonation tokens; others cannot", async () => {
    const res = await fetch(`${sb.apiUrl}/admin/users`, {
      method: "POST",
      headers: { authorization: `token ${owner.token}` },
      body: JSON.stringify({ login: "mallory" }),
    });
    expect(res.status).toBe(404);
    const user = await fetch(`${sb.apiUrl}/user`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(await user.json()).toMatchObject({ login: "owner", type: "User", site_admin: false });
  });
});
