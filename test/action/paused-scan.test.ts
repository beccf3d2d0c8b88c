/**
 * The in-flight scan and a paused rollout, with GitHub's answers given directly: a pause waits for a person
 * however long they take (never abandoned as stale, never by a re-run of its own run), and carries the App's
 * decision about it when there is one.
 */
import { describe, expect, test } from "@jest/globals";
import type { ActionDeps } from "../../src/action/gate-phase.js";
import { scanInFlight } from "../../src/action/inflight.js";
import type { ActionSettings } from "../../src/action/inputs.js";
import type { GitHubClient } from "../../src/github/client.js";
import { loadPolicy } from "../../src/policy/load.js";

const POLICY = `version: 1
strategies:
  canary:
    type: canary
    run: "true"
    steps: [{ weight: 10 }, { weight: 100 }]
environments:
  production:
    approval: none
    strategies: [canary]
`;
const loaded = loadPolicy(POLICY);
if (!loaded.ok) throw new Error("the test policy is invalid");
const policy = loaded.policy;
const environment = policy.environments["production"]!;
const RUN = "https://github.example.test/acme/shop/actions/runs/801";
const SHA = "a".repeat(40);
const PAYLOAD = {
  tollgate: {
    version: 1,
    requested_by: "owner",
    change_type: "standard",
    emergency: false,
    policy_digest: "x",
    checklist: {},
    strategy: "canary",
  },
};
const settings = {
  environment: "production",
  owner: "acme",
  repo: "shop",
  sha: SHA,
  appBot: "tollgate[bot]",
  actor: "owner",
  runUrl: RUN,
} as ActionSettings;

function world(statuses: object[], now: string) {
  const writes: string[] = [];
  const client = {
    request: async (route: string, params: { description?: string }) => {
      if (route === "GET /repos/{owner}/{repo}/deployments")
        return { data: [{ id: 7, sha: SHA, payload: PAYLOAD }] };
      if (route === "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses")
        return { data: statuses };
      writes.push(`${route} ${params.description ?? ""}`);
      return { data: {} };
    },
  } as unknown as GitHubClient;
  const deps: ActionDeps = {
    client,
    now: () => new Date(now),
    sleep: async () => {},
    log: () => {},
    phase: (_name, fn) => fn(),
  };
  return { deps, writes };
}

const pausedStatus = {
  state: "in_progress",
  description:
    "Tollgate outcome: paused at canary 10 %: error rate no data (inconclusive) — decide to resume or roll back",
  created_at: "2026-11-01T00:00:00Z",
  log_url: RUN,
  creator: { login: "github-actions[bot]" },
};

describe("a paused rollout in the in-flight scan", () => {
  test("a pause a month old, seen by a re-run of its own run, still holds: it is neither stale nor abandoned", async () => {
    const { deps, writes } = world([pausedStatus], "2026-12-01T00:00:00Z");
    const scan = await scanInFlight(deps, settings, policy, environment);
    expect(scan.abandoned).toEqual([]);
    expect(scan.live).toMatchObject({ deploymentId: 7, pausedAt: "canary 10 %" });
    expect(scan.live?.decision).toBeUndefined();
    expect(writes).toEqual([]);
  });

  test("it carries the decision the App's bot recorded after it, and no one else's", async () => {
    const decision = (login: string, who: string) => ({
      state: "in_progress",
      description: `Tollgate abort: by @${who}`,
      created_at: "2026-11-01T01:00:00Z",
      log_url: "https://github.example.test/acme/shop/pull/1#issuecomment-9",
      creator: { login },
    });
    const forged = world([decision("github-actions[bot]", "owner"), pausedStatus], "2026-11-01T02:00:00Z");
    expect((await scanInFlight(forged.deps, settings, policy, environment)).live?.decision).toBeUndefined();
    const real = world(
      [decision("mallory", "owner"), decision("tollgate[bot]", "alice"), pausedStatus],
      "2026-11-01T02:00:00Z",
    );
    expect((await scanInFlight(real.deps, settings, policy, environment)).live).toMatchObject({
      pausedAt: "canary 10 %",
      decision: { choice: "abort", login: "alice" },
    });
  });

  test("a running rollout silent past the limit is still abandoned", async () => {
    const running = { ...pausedStatus, description: "Tollgate step: canary 10 %: applied" };
    const { deps, writes } = world([running], "2026-12-01T00:00:00Z");
    {
      const scan = await scanInFlight(deps, { ...settings, runUrl: `${RUN}0` }, policy, environment);
      expect(scan.live).toBeUndefined();
      expect(scan.abandoned).toHaveLength(1);
      expect(writes).toEqual([expect.stringMatching(/abandoned: no status for/)]);
    }
  });
});
