/**
 * A check bound to its GitHub App (`{ name, app }`): only that App's check runs meet it. Anyone with
 * write access can post a commit status of any name, so a plain name can be met by one; a bound name
 * cannot.
 */
import { describe, expect, test } from "@jest/globals";
import { evaluate } from "../../src/readiness/evaluate.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/model.js";
import { NOW, evidenceWith } from "./fixtures.js";

const POLICY = `version: 1
checklist:
  ci: { checks: [{ name: build, app: github-actions }, lint] }
strategies:
  direct: { type: direct, run: "true" }
environments:
  production:
    approval: none
    checklist: [ci]
    strategies: [direct]
    rollback: { redeploy_previous: true }
`;

function policy(): Policy {
  const loaded = loadPolicy(POLICY);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  return loaded.policy;
}

const ci = (checks: { name: string; state: "success" | "failure" | "pending"; app?: string }[]) =>
  evaluate(
    policy(),
    "production",
    evidenceWith((e) => {
      e.checks = checks;
    }),
    NOW,
  ).checklist.find((i) => i.id === "ci")!;

describe("checks bound to a GitHub App", () => {
  test("the App's check run meets the bound name; a plain name takes a commit status", () => {
    const item = ci([
      { name: "build", state: "success", app: "github-actions" },
      { name: "lint", state: "success" },
    ]);
    expect(item.state).toBe("passed");
  });

  test("a commit status of the bound name does not meet it, and the reason says why", () => {
    const item = ci([
      { name: "build", state: "success" },
      { name: "lint", state: "success" },
    ]);
    expect(item).toMatchObject({ state: "pending", code: "checks_missing" });
    expect(item.reason).toContain("not reported yet: build");
    expect(item.reason).toContain("build (only github-actions's check runs count)");
  });

  test("another App's check run of the bound name does not meet it either", () => {
    expect(
      ci([
        { name: "build", state: "success", app: "other-ci" },
        { name: "lint", state: "success" },
      ]).code,
    ).toBe("checks_missing");
  });

  test("a success from elsewhere does not hide the App's failure", () => {
    expect(
      ci([
        { name: "build", state: "failure", app: "github-actions" },
        { name: "build", state: "success" },
        { name: "lint", state: "success" },
      ]).code,
    ).toBe("checks_failed");
  });

  test("the policy names what is wrong with a bound check", () => {
    const loaded = loadPolicy(
      POLICY.replace("{ name: build, app: github-actions }", "{ name: build, ap: x }"),
    );
    expect(loaded.ok).toBe(false);
    if (!loaded.ok)
      expect(loaded.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
        "checklist.ci.checks[0].app: is required: expected a GitHub App's slug",
        'checklist.ci.checks[0].ap: unknown key "ap" (did you mean "app"?); expected one of: name, app',
      ]);
  });
});
