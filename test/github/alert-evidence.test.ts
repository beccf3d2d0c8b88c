/**
 * Code scanning and secret scanning alerts gathered from GitHub (the sandbox, strict): one REST request
 * each, only when a checklist reads them, no GraphQL points; a feature that is off or a permission the
 * token lacks is recorded as unavailable with GitHub's reason, never as "no alerts".
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { Octokit } from "@octokit/rest";
import { gatherEvidence } from "../../src/github/evidence.js";
import { completeEvidence, evidenceNeeds } from "../../src/github/policy-evidence.js";
import { loadPolicy } from "../../src/policy/load.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import { appJwt, ORG, createWorld, octokitFor, type World } from "../../sandbox/seed/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { clientOf as asClient } from "../../src/github/client.js";

const POLICY = `version: 1
checklist:
  security: { security_alerts: high }
environments:
  production:
    approval: none
    checklist: [security]
`;

let world: World;

/** A fresh repository per test, so that one test's scanners and alerts are not another's. */
async function repository(name: string): Promise<{ repo: string; sha: string }> {
  const owner = world.people["owner"]!.octokit;
  await owner.request("POST /orgs/{org}/repos", { org: ORG, name, auto_init: true });
  await world.sandbox.client.putFile(
    world.people["owner"]!.token,
    `${ORG}/${name}`,
    ".github/tollgate.yml",
    POLICY,
    {
      message: "Policy",
    },
  );
  const { data } = await owner.request("GET /repos/{owner}/{repo}/commits/{ref}", {
    owner: ORG,
    repo: name,
    ref: "main",
  });
  return { repo: name, sha: data.sha };
}

async function judged(client: ReturnType<typeof asClient>, repo: string, sha: string) {
  const gathered = await gatherEvidence(client, {
    owner: ORG,
    repo,
    sha,
    policyPath: ".github/tollgate.yml",
    appBot: world.bot,
    trustedWriters: [world.bot],
  });
  const loaded = loadPolicy(gathered.policyText!, ".github/tollgate.yml");
  if (!loaded.ok) throw new Error("policy");
  const before = world.sandbox.requests().length;
  const completed = await completeEvidence(
    client,
    { owner: ORG, repo },
    gathered.evidence,
    evidenceNeeds([loaded.policy.environments["production"]]),
  );
  const made = world.sandbox.requests().slice(before);
  const decision = evaluate(loaded.policy, "production", completed.evidence, new Date());
  return { ...completed, made, item: decision.checklist.find((i) => i.id === "security")!, decision };
}

beforeAll(async () => {
  world = await createWorld({ policy: POLICY, people: ["dave"] });
}, PROCESS_TEST_MS);

afterAll(async () => {
  await world.close();
});

describe("code scanning and secret scanning alerts as evidence", () => {
  test(
    "on a repository with neither scanner, both sources are unavailable (404) and the item blocks naming them",
    async () => {
      const { repo, sha } = await repository("no-scanners");
      const result = await judged(asClient(await world.installation()), repo, sha);
      expect(result.requests).toBe(2);
      // REST requests only: the alerts cost no GraphQL points.
      expect(result.made.map((r) => [r.path.replace(/\?.*$/, ""), r.status])).toEqual([
        [`/repos/${ORG}/${repo}/code-scanning/alerts`, 404],
        [`/repos/${ORG}/${repo}/secret-scanning/alerts`, 404],
      ]);
      expect(result.made.map((r) => r.resource)).toEqual(["core", "core"]);
      expect(result.evidence.alert_sources_unavailable.map((u) => u.source)).toEqual([
        "code_scanning",
        "secret_scanning",
      ]);
      expect(result.item).toMatchObject({ state: "failed", code: "alert_source_unavailable" });
      expect(result.item.reason).toContain("code scanning is not enabled");
      expect(result.item.reason).toContain("secret scanning is not enabled");
      expect(result.decision.verdict).toBe("blocked");
    },
    PROCESS_TEST_MS,
  );

  test(
    "seeded alerts are read with their severities: a code scanning rule's security severity, a secret as critical",
    async () => {
      const { repo, sha } = await repository("scanned");
      const control = world.sandbox.client;
      await control.control("POST", `/repos/${ORG}/${repo}/alerts/code-scanning`, {
        security_severity_level: "medium",
        description: "Reflected cross-site scripting",
      });
      // A code-quality rule (no security severity) is not a security alert.
      await control.control("POST", `/repos/${ORG}/${repo}/alerts/code-scanning`, {
        security_severity_level: null,
        severity: "warning",
        rule_id: "js/unused-local-variable",
      });
      // A dismissed alert is not open, and not read.
      await control.control("POST", `/repos/${ORG}/${repo}/alerts/code-scanning`, {
        security_severity_level: "critical",
        state: "dismissed",
      });
      const installation = asClient(await world.installation());
      const medium = await judged(installation, repo, sha);
      // Secret scanning is still off: unavailable, and that alone blocks.
      expect(medium.evidence.security_alerts).toEqual([
        expect.objectContaining({
          source: "code_scanning",
          severity: "medium",
          summary: "Reflected cross-site scripting",
        }),
      ]);
      expect(medium.item).toMatchObject({ state: "failed", code: "alert_source_unavailable" });
      expect(medium.item.reason).not.toContain("code scanning alerts");

      await control.control("PUT", `/repos/${ORG}/${repo}/scanners/secret-scanning`, { enabled: true });
      const clean = await judged(installation, repo, sha);
      expect(clean.evidence.alert_sources_unavailable).toEqual([]);
      expect(clean.item).toMatchObject({ state: "passed", code: "ready" });

      await control.control("POST", `/repos/${ORG}/${repo}/alerts/secret-scanning`, {});
      const leaked = await judged(installation, repo, sha);
      expect(leaked.evidence.security_alerts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            source: "secret_scanning",
            severity: "critical",
            summary: "secret: GitHub Personal Access Token",
          }),
        ]),
      );
      expect(leaked.item).toMatchObject({
        state: "failed",
        code: "security_alerts_open",
        reason: expect.stringContaining("1 critical"),
      });
    },
    PROCESS_TEST_MS,
  );

  test(
    "a token without the permissions gets GitHub's 403, and the reason names the permission to grant",
    async () => {
      const { repo, sha } = await repository("narrowed");
      await world.sandbox.client.control("POST", `/repos/${ORG}/${repo}/alerts/code-scanning`, {});
      await world.sandbox.client.control("POST", `/repos/${ORG}/${repo}/alerts/secret-scanning`, {});
      const jwt = new Octokit({ auth: appJwt(world.app), baseUrl: world.sandbox.apiUrl });
      const { data } = await jwt.request("POST /app/installations/{installation_id}/access_tokens", {
        installation_id: world.installationId,
        permissions: {
          contents: "read",
          pull_requests: "read",
          metadata: "read",
          vulnerability_alerts: "read",
        },
      });
      const narrowed = asClient(octokitFor(world.sandbox, data.token));
      const result = await judged(narrowed, repo, sha);
      expect(result.made.map((r) => r.status)).toEqual([403, 403]);
      expect(result.item).toMatchObject({ state: "failed", code: "alert_source_unavailable" });
      expect(result.item.reason).toContain("security_events: read");
      expect(result.item.reason).toContain("secret_scanning_alerts: read");
    },
    PROCESS_TEST_MS,
  );

  test(
    "a policy whose sources leave out code and secret scanning reads neither",
    async () => {
      const { repo, sha } = await repository("dependabot-only");
      const owner = world.people["owner"]!;
      await world.sandbox.client.putFile(
        owner.token,
        `${ORG}/${repo}`,
        ".github/tollgate.yml",
        POLICY.replace("security_alerts: high", "security_alerts: { severity: high, sources: [dependabot] }"),
        { message: "Dependabot only" },
      );
      const { data } = await owner.octokit.request("GET /repos/{owner}/{repo}/commits/{ref}", {
        owner: ORG,
        repo,
        ref: "main",
      });
      expect(data.sha).not.toBe(sha);
      const result = await judged(asClient(await world.installation()), repo, data.sha);
      expect(result.requests).toBe(0);
      expect(result.made).toEqual([]);
      expect(result.item).toMatchObject({ state: "passed", code: "ready" });
    },
    PROCESS_TEST_MS,
  );
});
