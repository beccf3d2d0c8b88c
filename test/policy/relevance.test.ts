import { describe, expect, test } from "@jest/globals";
import { loadPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/model.js";
import {
  canChangeDecision,
  checkNamesOf,
  labelsCanChangeDecision,
  reviewsCanChangeDecision,
} from "../../src/policy/relevance.js";

function policy(text: string): Policy {
  const loaded = loadPolicy(text);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.policy;
}

const POLICY = policy(`version: 1
checklist:
  ci: { checks: [build, { name: test, app: github-actions }] }
  e2e: { checks: [e2e] }
  rollback-plan: { pr_section: Rollback plan }
environments:
  staging:
    approval: automatic
    checklist: [ci]
  production:
    approval: required
    approvals: { "*": { from: [alice] } }
    requires: [{ environment: staging }]
    checklist: [ci, e2e, rollback-plan]
    rollback: { redeploy_previous: true }
`);

describe("which CI reports can change a readiness decision", () => {
  test("every name any environment's checklist waits for, bound to an App or not", () => {
    expect([...checkNamesOf(POLICY)].sort()).toEqual(["build", "e2e", "test"]);
  });

  test("a named check changes a decision; an unnamed one, a prefix or a different case does not", () => {
    expect(canChangeDecision(POLICY, "build")).toBe(true);
    // Bound to github-actions, but a "test" report from elsewhere is named on the run as not counted.
    expect(canChangeDecision(POLICY, "test")).toBe(true);
    expect(canChangeDecision(POLICY, "e2e")).toBe(true);
    expect(canChangeDecision(POLICY, "lint")).toBe(false);
    expect(canChangeDecision(POLICY, "build-arm")).toBe(false);
    expect(canChangeDecision(POLICY, "Build")).toBe(false);
  });

  test("a policy without checks items: no CI report matters", () => {
    const none = policy(`version: 1
checklist:
  rollback-plan: { pr_section: Rollback plan }
environments:
  production:
    approval: required
    approvals: { "*": { from: [alice] } }
    checklist: [rollback-plan]
    rollback: { redeploy_previous: true }
`);
    expect(checkNamesOf(none).size).toBe(0);
    expect(canChangeDecision(none, "build")).toBe(false);
  });
});

describe("whether labels and reviews can change a readiness decision", () => {
  test("labels only through change types that declare them; reviews only through a reviews item", () => {
    expect(labelsCanChangeDecision(POLICY)).toBe(false);
    expect(reviewsCanChangeDecision(POLICY)).toBe(false);
    const both = policy(`version: 1
change_types:
  default: standard
  types:
    standard: {}
    hotfix: { labels: [hotfix] }
checklist:
  reviewed: { reviews: 1 }
environments:
  staging:
    approval: automatic
    checklist: [reviewed]
`);
    expect(labelsCanChangeDecision(both)).toBe(true);
    expect(reviewsCanChangeDecision(both)).toBe(true);
  });

  test("change types from paths or titles alone do not read labels", () => {
    const paths = policy(`version: 1
change_types:
  default: standard
  types:
    standard: {}
    database: { paths: ["migrations/**"] }
environments:
  staging:
    approval: none
`);
    expect(labelsCanChangeDecision(paths)).toBe(false);
  });
});
