/** An environment's approval mode and strategies, replaced per change type. */
import { describe, expect, test } from "@jest/globals";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";
import { admitDecision } from "../../app/commands/admission.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import { evidenceWith, NOW, SHA, testPolicy } from "./fixtures.js";

const POLICY = `version: 1
change_types:
  default: minor
  types:
    minor: { labels: [minor] }
    major: { labels: [major] }
    hotfix: { labels: [hotfix] }
    docs: { labels: [docs] }
strategies:
  canary: { type: canary, run: ./deploy.sh, steps: [{ weight: 10 }, { weight: 100 }] }
  blue-green: { type: blue-green, deploy_idle: ./idle.sh, promote: ./promote.sh, switch_back: ./back.sh }
  direct: { type: direct, run: ./deploy.sh }
environments:
  staging:
    approval: automatic
    approvals: { major: { from: [alice] } }
    by_change_type:
      major: { approval: required }
    rollback: { redeploy_previous: true }
  production:
    approval: required
    approvals: { "*": { from: [alice] } }
    strategies: [canary, blue-green]
    by_change_type:
      hotfix: { strategies: [direct] }
      docs: { approval: none, strategies: [direct, canary] }
      major: { strategies: [blue-green] }
    rollback: { redeploy_previous: true }
`;

describe("per change type", () => {
  const policy = testPolicy(POLICY);
  const decide = (environment: string, label: string, strategy?: string, approved = true) =>
    evaluate(
      policy,
      environment,
      evidenceWith((e) => {
        e.pull_request!.labels = [label];
        if (strategy !== undefined) e.strategy = strategy;
        e.approvals = approved
          ? [{ approver: "alice", decision: "approve", environment, sha: SHA, at: "2026-11-24T08:30:00Z" }]
          : [];
      }),
      NOW,
    );

  test.each<[string, string, string, string | undefined, boolean, string, string, string | undefined]>([
    // what, environment, label, requested strategy, approved, verdict, approval mode, strategy used
    [
      "minor: the environment's own rules",
      "production",
      "minor",
      undefined,
      false,
      "waiting",
      "required",
      "canary",
    ],
    ["docs: no approval here", "production", "docs", undefined, false, "allowed", "none", "direct"],
    [
      "hotfix: only direct, and it is the default",
      "production",
      "hotfix",
      undefined,
      true,
      "allowed",
      "required",
      "direct",
    ],
    [
      "major: the default strategy is its own",
      "production",
      "major",
      undefined,
      true,
      "allowed",
      "required",
      "blue-green",
    ],
    [
      "major on staging: approval required there",
      "staging",
      "major",
      undefined,
      false,
      "waiting",
      "required",
      undefined,
    ],
    [
      "minor on staging: automatic as declared",
      "staging",
      "minor",
      undefined,
      false,
      "allowed",
      "automatic",
      undefined,
    ],
  ])("%s", (_, environment, label, strategy, approved, verdict, mode, used) => {
    const decision = decide(environment, label, strategy, approved);
    expect([decision.verdict, decision.approvals.mode, decision.strategy]).toEqual([verdict, mode, used]);
  });

  test("a hotfix may not ship with the environment's canary", () => {
    const decision = decide("production", "hotfix", "canary");
    expect(decision.reasonCode).toBe("strategy_not_allowed");
    expect(decision.checklist.find((i) => i.id === "strategy")).toMatchObject({
      reason: "canary is not allowed for production (allowed: direct)",
      fix: "use direct",
    });
  });

  test("docs may ship with canary, which the environment allows for nobody else but it lists", () => {
    expect(decide("production", "docs", "canary").verdict).toBe("allowed");
  });
});

describe("an /approve comment", () => {
  const policy = testPolicy(POLICY);
  const ask = (label: string) =>
    admitDecision({
      policy,
      environment: "staging",
      evidence: evidenceWith((e) => {
        e.pull_request!.labels = [label];
        e.approvals = [];
      }),
      login: "alice",
      decision: "approve",
      sha: SHA,
      url: "https://example.test/c/1",
      now: NOW,
    });

  test("is taken where the change type requires approval, though the environment is automatic", () => {
    expect(ask("major")).toMatchObject({ ok: true, changeType: "major" });
  });

  test("is refused, naming the change type, where it does not", () => {
    expect(ask("minor")).toEqual({
      ok: false,
      why: "staging takes no approvals for minor changes (the approval mode is automatic)",
    });
  });
});

describe("the policy", () => {
  const errors = (environments: string) => {
    const result = loadPolicy(
      `version: 1
change_types:
  default: minor
  types: { minor: {}, major: {} }
strategies:
  direct: { type: direct, run: ./deploy.sh }
environments:
${environments}`,
      "tollgate.yml",
    );
    return result.ok ? [] : result.errors.map(formatPolicyError);
  };

  test("existing policies need no by_change_type", () => {
    expect(errors("  dev: { approval: none }\n")).toEqual([]);
  });

  test.each([
    [
      "an unknown change type and an unknown strategy",
      "  prod:\n    approval: none\n    by_change_type:\n      majr: { strategies: [canary] }\n",
      [
        'tollgate.yml:11:7 environments.prod.by_change_type.majr: unknown change type "majr" (did you mean "major"?); define it under `change_types.types`',
        'tollgate.yml:11:28 environments.prod.by_change_type.majr.strategies[0]: unknown strategy "canary"; define it under `strategies`',
      ],
    ],
    [
      "approval required for one change type, with no rules",
      "  prod:\n    approval: automatic\n    by_change_type:\n      major: { approval: required }\n    rollback: { redeploy_previous: true }\n",
      [
        'tollgate.yml:11:26 environments.prod.by_change_type.major.approval: approval: required needs `approvals` rules (use "*" for every change type)',
      ],
    ],
    [
      "approval required for one change type, and rules only for another",
      "  prod:\n    approval: automatic\n    approvals: { minor: { from: [alice] } }\n    by_change_type:\n      major: { approval: required }\n    rollback: { redeploy_previous: true }\n",
      [
        'tollgate.yml:10:5 environments.prod.approvals: no approval rule for change type "major": add one or a "*" rule',
      ],
    ],
    [
      "approval rules nobody uses",
      "  prod:\n    approval: required\n    approvals: { '*': { from: [alice] } }\n    by_change_type:\n      minor: { approval: none }\n      major: { approval: automatic }\n    rollback: { redeploy_previous: true }\n",
      [
        "tollgate.yml:10:5 environments.prod.approvals: approval rules are never used: `by_change_type` gives every change type another approval mode",
      ],
    ],
  ])("%s", (_, environments, expected) => {
    expect(errors(environments)).toEqual(expected);
  });
});
