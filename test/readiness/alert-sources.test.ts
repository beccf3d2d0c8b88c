/**
 * Code scanning and secret scanning alerts in the `security_alerts` item: severities, the sources a
 * policy reads, and a source that could not be read (feature off, permission missing) blocking unless
 * the policy leaves it out. Table-driven, from evidence that passes (fixtures.ts).
 */
import { describe, expect, test } from "@jest/globals";
import { evidenceNeeds } from "../../src/github/policy-evidence.js";
import { loadPolicy } from "../../src/policy/load.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import type { EvidenceInput } from "../../src/readiness/evidence.js";
import type { ItemState, ReasonCode } from "../../src/readiness/decision.js";
import { NOW, POLICY_YAML, evidenceWith, testPolicy } from "./fixtures.js";

const withSecurity = (item: string) =>
  testPolicy(
    POLICY_YAML.replace("security: { security_alerts: critical }", `security: { security_alerts: ${item} }`),
  );

const CODE_OFF = {
  source: "code_scanning" as const,
  reason:
    "404: code scanning is not enabled or has no analysis on acme/shop, or the token may not see it (security_events: read)",
};
const SECRETS_DENIED = {
  source: "secret_scanning" as const,
  reason: "403: the token lacks the secret_scanning_alerts: read permission",
};

interface Row {
  name: string;
  item: string;
  change: (e: EvidenceInput) => void;
  state: ItemState;
  code: ReasonCode;
  reasonContains?: string;
}

const ROWS: Row[] = [
  {
    name: "a high code scanning alert blocks at high",
    item: "high",
    change: (e) =>
      (e.security_alerts = [{ source: "code_scanning", severity: "high", summary: "SQL injection" }]),
    state: "failed",
    code: "security_alerts_open",
    reasonContains: "1 high",
  },
  {
    name: "a medium code scanning alert is below high",
    item: "high",
    change: (e) => (e.security_alerts = [{ source: "code_scanning", severity: "medium" }]),
    state: "passed",
    code: "ready",
  },
  {
    name: "a secret scanning alert counts as critical",
    item: "critical",
    change: (e) => (e.security_alerts = [{ source: "secret_scanning", severity: "critical" }]),
    state: "failed",
    code: "security_alerts_open",
    reasonContains: "1 critical",
  },
  {
    name: "code scanning not enabled blocks when every source is read (the short form)",
    item: "high",
    change: (e) => (e.alert_sources_unavailable = [CODE_OFF]),
    state: "failed",
    code: "alert_source_unavailable",
    reasonContains: "code scanning alerts (404",
  },
  {
    name: "a missing permission is named",
    item: "{ severity: high }",
    change: (e) => (e.alert_sources_unavailable = [SECRETS_DENIED]),
    state: "failed",
    code: "alert_source_unavailable",
    reasonContains: "secret_scanning_alerts: read",
  },
  {
    name: "a source the policy leaves out is neither required nor counted",
    item: "{ severity: high, sources: [dependabot, secret_scanning] }",
    change: (e) => {
      e.alert_sources_unavailable = [CODE_OFF];
      e.security_alerts = [{ source: "code_scanning", severity: "critical" }];
    },
    state: "passed",
    code: "ready",
  },
  {
    name: "a listed source that could not be read still blocks",
    item: "{ severity: high, sources: [dependabot, secret_scanning] }",
    change: (e) => (e.alert_sources_unavailable = [CODE_OFF, SECRETS_DENIED]),
    state: "failed",
    code: "alert_source_unavailable",
    reasonContains: "secret scanning alerts (403",
  },
  {
    name: "Dependabot alone, as before",
    item: "{ severity: low, sources: [dependabot] }",
    change: (e) => (e.security_alerts = [{ source: "dependabot", severity: "low" }]),
    state: "failed",
    code: "security_alerts_open",
    reasonContains: "1 low",
  },
];

describe("security_alerts: code scanning and secret scanning", () => {
  test.each(ROWS)("$name", ({ item, change, state, code, reasonContains }) => {
    const decision = evaluate(withSecurity(item), "production", evidenceWith(change), NOW);
    const row = decision.checklist.find((i) => i.id === "security");
    expect(row).toMatchObject({ state, code });
    if (reasonContains) expect(row?.reason).toContain(reasonContains);
    if (state === "failed") expect(decision.verdict).toBe("blocked");
  });

  test("the fix for an unreadable source names the sources that remain", () => {
    const decision = evaluate(
      withSecurity("high"),
      "production",
      evidenceWith((e) => (e.alert_sources_unavailable = [CODE_OFF])),
      NOW,
    );
    expect(decision.checklist.find((i) => i.id === "security")?.fix).toContain(
      "sources: [dependabot, secret_scanning]",
    );
  });

  test("evidenceNeeds reads only the REST sources a checklist asks for, and patches only for a secret scan", () => {
    const all = withSecurity("high");
    expect(evidenceNeeds([all.environments["production"]])).toEqual({
      patches: true,
      alertSources: ["code_scanning", "secret_scanning"],
      holidayFiles: [],
    });
    const dependabot = withSecurity("{ severity: high, sources: [dependabot] }");
    expect(evidenceNeeds([dependabot.environments["production"]]).alertSources).toEqual([]);
    // Staging's checklist has neither a secret scan nor an alerts item: nothing more is read.
    expect(evidenceNeeds([all.environments["staging"]])).toEqual({
      patches: false,
      alertSources: [],
      holidayFiles: [],
    });
  });

  test.each([
    ["{ severity: high, sources: [snyk] }", "sources: [dependabot, code_scanning, secret_scanning]"],
    ["{ severity: high, sources: [] }", "expected at least one source"],
    ["{ sources: [dependabot] }", "security_alerts"],
    ["severe", "security_alerts"],
  ])("security_alerts: %s is rejected", (item, message) => {
    const result = loadPolicy(
      POLICY_YAML.replace(
        "security: { security_alerts: critical }",
        `security: { security_alerts: ${item} }`,
      ),
      "test.yml",
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0]).toMatchObject({ line: 20 });
      expect(result.errors[0]?.path).toMatch(/^checklist\.security\.security_alerts/);
      expect(JSON.stringify(result.errors)).toContain(message);
    }
  });
});
