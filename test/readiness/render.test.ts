import { describe, expect, test } from "@jest/globals";
import { evaluate } from "../../src/readiness/evaluate.js";
import { renderMarkdown, renderText } from "../../src/readiness/render.js";
import { NOW, SHA, evidenceWith, testPolicy } from "./fixtures.js";

const policy = testPolicy();

describe("rendering a decision", () => {
  const blocked = evaluate(
    policy,
    "production",
    evidenceWith((e) => {
      e.checks = [
        { name: "build", state: "failure" },
        { name: "test", state: "success" },
      ];
      e.approvals!.push({
        approver: "mallory",
        decision: "approve",
        environment: "production",
        sha: SHA,
        at: "2026-11-24T08:50:00Z",
        url: "https://github.com/acme/shop/pull/7#issuecomment-9",
      });
    }),
    NOW,
  );

  test("text: verdict first, then every item with the way forward", () => {
    const text = renderText(blocked);
    expect(text.split("\n")[0]).toBe(
      "BLOCKED (checks_failed): 1111111 → production: blocked: CI checks green: build, test: failed: build",
    );
    expect(text).toContain(
      "❌ CI checks green: build, test: failed: build\n   → fix the failing checks and push, or re-run them",
    );
    expect(text).toContain("   counted  @alice (1 of group:leads, group:admins)");
    expect(text).toContain("   ignored  @mallory: not an approver for production (minor change)");
  });

  test("markdown: a table a check run can show, with pipes escaped", () => {
    const markdown = renderMarkdown(blocked);
    expect(markdown).toContain(
      "| ❌ | CI checks green: build, test | failed: build | fix the failing checks and push, or re-run them |",
    );
    expect(markdown).toContain("- ➖ @mallory: not counted, not an approver for production (minor change)");
    expect(markdown).toContain(`policy \`${policy.digest.slice(0, 12)}\``);
  });

  test("overrides and emergencies are shown", () => {
    const hotfix = evaluate(
      policy,
      "production",
      evidenceWith((e) => {
        e.pull_request!.labels = ["emergency"];
        e.approvals = [];
      }),
      new Date("2026-12-21T10:00:00Z"),
    );
    expect(hotfix.verdict).toBe("allowed");
    expect(hotfix.summary).toContain(
      "outside the window by emergency override; emergency change, approvals due after",
    );
    expect(renderText(hotfix)).toContain("override: freeze (emergency)");
    expect(renderMarkdown(hotfix)).toContain("(emergency)");
  });
});
