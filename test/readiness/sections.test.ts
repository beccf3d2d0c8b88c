/** PR-body sections that know templates: a plan left as the template is not a plan (seed 000). */
import { describe, expect, test } from "@jest/globals";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { ChecklistItem } from "../../src/policy/model.js";
import { evaluateItem } from "../../src/readiness/items.js";
import { sectionText } from "../../src/readiness/markdown.js";
import { evidenceWith } from "./fixtures.js";

/** Seed 000's deployment checklist template, its rollback part as a PR author would paste it. */
const SEED_TEMPLATE = `## Rollback Plan

**Rollback Trigger**: [Conditions]
**Rollback Steps**:
1. [Step 1]
2. [Step 2]
**Rollback Timeline**: [X minutes]
**Rollback Approver**: [Name]
`;

/** Seed 000's example of a complete plan. */
const SEED_EXAMPLE = `## Rollback Plan: User Dashboard v2.0

### Rollback Trigger Conditions:
- Error rate > 5% for 5 minutes
- Response time > 2s for 10 minutes

### Rollback Steps:
1. Revert deployment in Vercel dashboard
2. Verify rollback with smoke tests

### Rollback Timeline: ~5 minutes

### Rollback Approver: Johan (admin)
`;

const TEMPLATE = `**Rollback Trigger**: [Conditions]
**Rollback Steps**:
1. [Step 1]
**Rollback Timeline**: [X minutes]
**Rollback Approver**: [Name]`;

const item = (template?: string): ChecklistItem => ({
  id: "rollback-plan",
  title: "Rollback plan documented",
  skipFor: [],
  kind: "pr_section",
  heading: "Rollback plan",
  ...(template !== undefined ? { template } : {}),
});

const judge = (body: string, template?: string) => {
  const row = evaluateItem(item(template), {
    evidence: evidenceWith((e) => {
      e.pull_request!.body = `## Summary\nFaster checkout.\n\n${body}\n## Checklist\n- [x] Runbook updated\n`;
    }),
  });
  return `${row.state}: ${row.reason}`;
};

describe("a rollback-plan section counts only when it says more than its template", () => {
  test.each([
    [
      "seed 000's template left as it is",
      SEED_TEMPLATE,
      undefined,
      'failed: the "Rollback plan" section is incomplete: Rollback Trigger, Rollback Steps, Rollback Timeline and Rollback Approver are still the template',
    ],
    [
      "only the trigger filled in",
      SEED_TEMPLATE.replace("[Conditions]", "error rate > 5 % for 5 minutes"),
      undefined,
      'failed: the "Rollback plan" section is incomplete: Rollback Steps, Rollback Timeline and Rollback Approver are still the template',
    ],
    [
      "one step written, the others still placeholders",
      SEED_TEMPLATE.replace("[Conditions]", "errors")
        .replace("[Step 1]", "/rollback production")
        .replace("[X minutes]", "5 minutes")
        .replace("[Name]", "Johan"),
      undefined,
      'passed: "Rollback plan" is documented in the PR description',
    ],
    [
      "a label with nothing after it",
      "## Rollback plan\n**Rollback Trigger**:\n**Rollback Steps**: `/rollback production`\n",
      undefined,
      'failed: the "Rollback plan" section is incomplete: Rollback Trigger is still the template',
    ],
    [
      "seed 000's example, under a heading with a suffix and sub-headings",
      SEED_EXAMPLE,
      undefined,
      'passed: "Rollback plan" is documented in the PR description',
    ],
    [
      "comments, empty list items and placeholders only",
      "## Rollback plan\n<!-- how do we undo this? -->\n- \n1. [Step 1]\n",
      undefined,
      'failed: the "Rollback plan" section is empty',
    ],
    [
      "plain prose",
      "## Rollback plan\nRedeploy the previous version with `/rollback production`.\n",
      undefined,
      'passed: "Rollback plan" is documented in the PR description',
    ],
    [
      "prose ending in a colon is prose, not a label",
      "## Rollback plan\nWe redeploy the previous version. If in doubt, ask the on-call:\n",
      undefined,
      'passed: "Rollback plan" is documented in the PR description',
    ],
    [
      "bold labels with the colon inside, and a URL, are read right",
      "## Rollback plan\n**Rollback Trigger:** errors > 5 %\n**Runbook:** https://example.test/runbook\n**Rollback Approver:** [Name]\n",
      undefined,
      'failed: the "Rollback plan" section is incomplete: Rollback Approver is still the template',
    ],
    [
      "a link is content, not a placeholder",
      "## Rollback plan\nSee [the runbook](https://example.test/runbook).\n",
      undefined,
      'passed: "Rollback plan" is documented in the PR description',
    ],
    [
      "a level-4 heading, lower case",
      "#### rollback plan\n- Trigger: error rate above 5 %\n- Steps: `/rollback production`\n",
      undefined,
      'passed: "Rollback plan" is documented in the PR description',
    ],
    [
      "a heading that only starts with the same letters",
      "## Rollback planning\nLater.\n",
      undefined,
      'failed: the PR description has no "Rollback plan" section',
    ],
    [
      "the policy's template: a label of it left out",
      "## Rollback plan\n**Rollback Trigger**: errors > 5 %\n**Rollback Steps**:\n1. `/rollback production`\n**Rollback Timeline**: 5 minutes\n",
      TEMPLATE,
      'failed: the "Rollback plan" section is incomplete: Rollback Approver is missing',
    ],
    [
      "the policy's template: its unbracketed example text does not count",
      "## Rollback plan\n**Rollback Trigger**: errors\n**Rollback Steps**:\n1. Describe each step\n**Rollback Timeline**: 5 minutes\n**Rollback Approver**: Johan\n",
      TEMPLATE.replace("1. [Step 1]", "1. Describe each step"),
      'failed: the "Rollback plan" section is incomplete: Rollback Steps is still the template',
    ],
    [
      "the policy's template, filled in",
      "## Rollback Plan: checkout v3\n**Rollback Trigger**: errors\n**Rollback Steps**:\n1. `/rollback production`\n**Rollback Timeline**: 5 minutes\n**Rollback Approver**: Johan\n",
      TEMPLATE,
      'passed: "Rollback plan" is documented in the PR description',
    ],
  ])("%s", (_, body, template, expected) => {
    expect(judge(body, template)).toBe(expected);
  });

  test("the fix names what to fill in", () => {
    const row = evaluateItem(item(), {
      evidence: evidenceWith((e) => {
        e.pull_request!.body = SEED_TEMPLATE.replace("[Conditions]", "errors");
      }),
    });
    expect(row.fix).toBe(
      'fill in Rollback Steps, Rollback Timeline and Rollback Approver in the "Rollback plan" section of the PR description',
    );
  });

  test("a heading with a suffix is found at any level", () => {
    expect(sectionText("# Rollback Plan — v2\nRevert.\n# Next\n", "Rollback plan")).toBe("Revert.");
    expect(sectionText("### Rollback plan (checkout)\nRevert.", "Rollback plan")).toBe("Revert.");
  });
});

describe("a template in the policy", () => {
  test("is read with the item", () => {
    const result = loadPolicy(
      `version: 1
checklist:
  rollback-plan:
    pr_section: Rollback plan
    template: |
      **Rollback Trigger**: [Conditions]
environments:
  production: { approval: none, checklist: [rollback-plan] }
`,
    );
    expect(result.ok && result.policy.environments.production!.checklist[0]).toMatchObject({
      kind: "pr_section",
      template: "**Rollback Trigger**: [Conditions]\n",
    });
  });

  test("belongs to a pr_section item only", () => {
    const result = loadPolicy(
      `version: 1
checklist:
  changelog:
    changed_files: [CHANGELOG.md]
    template: "[what changed]"
environments:
  production: { approval: none, checklist: [changelog] }
`,
      "tollgate.yml",
    );
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      "tollgate.yml:5:5 checklist.changelog.template: `template` is only used by a `pr_section` item",
    ]);
  });
});
