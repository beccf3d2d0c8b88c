/**
 * Bounded work per event: approver groups are expanded once and linearly, policies past the limits
 * are refused with located errors, and names such as "constructor" are only ever unknown names.
 */
import { describe, expect, test } from "@jest/globals";
import { unknownEnvironment } from "../../app/commands/admission.js";
import { deepestAllowedPolicy } from "../../bench/authority.js";
import { parseCommand } from "../../src/approvals/commands.js";
import { coveringGroups, isCoveredBy, membersOf, type Directory } from "../../src/approvals/authority.js";
import { tallyApprovals } from "../../src/approvals/tally.js";
import { formatPolicyError } from "../../src/policy/errors.js";
import { LIMITS } from "../../src/policy/limits.js";
import { loadPolicy } from "../../src/policy/load.js";
import { parseApprover, type Policy } from "../../src/policy/model.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import { evidenceWith, NOW, SHA, testPolicy } from "../readiness/fixtures.js";

/** The report of issue 16: each group names the one below it four times, eight levels down. */
const EIGHT_DEEP = [
  "version: 1",
  "approvers:",
  "  g0: [alice, bob]",
  ...Array.from({ length: 7 }, (_, i) => `  g${i + 1}: [${Array(4).fill(`group:g${i}`).join(", ")}]`),
  "environments:",
  "  production:",
  "    approval: required",
  '    approvals: { "*": { from: [group:g7] } }',
  "    rollback: { redeploy_previous: true }",
].join("\n");

function load(source: string): Policy {
  const result = loadPolicy(source, "tollgate.yml");
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join("\n"));
  return result.policy;
}

describe("approver groups are bounded", () => {
  test("the 8-deep policy of issue 16 is refused, located at the group where nesting passes the limit", () => {
    const result = loadPolicy(EIGHT_DEEP, "tollgate.yml");
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      "tollgate.yml:7:8 approvers.g4[0]: approver groups nest 5 deep (g4 → g3 → g2 → g1 → g0); at most 4 levels are allowed: include the people or teams directly",
    ]);
  });

  test("even past the limits (a policy never loads so), a check walks each entry of the 8-deep groups once", () => {
    const groups = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [
        `g${i}`,
        i === 0
          ? [parseApprover("alice"), parseApprover("bob")]
          : Array(4).fill(parseApprover(`group:g${i - 1}`)),
      ]),
    );
    const directory: Directory = { teams: {}, permissions: {}, groups };
    // 2 + 7 × 4 entries; the walk it replaces followed 4⁷ paths down to g0 for every check.
    expect(coveringGroups("mallory", directory).visits).toBe(30);
    expect(isCoveredBy("bob", parseApprover("group:g7"), directory)).toBe(true);
  });

  test("a group over the size limit is refused with a located error", () => {
    const big = Array.from({ length: LIMITS.groupSize + 1 }, (_, i) => `p${i}`).join(", ");
    const source = [
      "version: 1",
      "approvers:",
      `  big: [${big}]`,
      "environments:",
      "  dev: { approval: none }",
    ];
    const result = loadPolicy(source.join("\n"), "tollgate.yml");
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      `tollgate.yml:3:8 approvers.big: a group has at most ${LIMITS.groupSize} entries (use a team for a larger set of people), got ${LIMITS.groupSize + 1}`,
    ]);
  });

  test("too many groups are refused with a located error", () => {
    const many = Array.from({ length: LIMITS.groups + 1 }, (_, i) => `  g${i}: [alice]`);
    const source = ["version: 1", "approvers:", ...many, "environments:", "  dev: { approval: none }"];
    const result = loadPolicy(source.join("\n"), "tollgate.yml");
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      `tollgate.yml:2:1 approvers: ${LIMITS.groups + 1} approver groups; at most ${LIMITS.groups} are allowed (use teams for large sets of people)`,
    ]);
  });

  test("under the deepest policy the limits allow, a check looks at each group entry at most once", () => {
    const policy = load(deepestAllowedPolicy());
    const directory: Directory = { teams: {}, permissions: {}, groups: policy.groups };
    const entries = Object.values(policy.groups).reduce((n, refs) => n + refs.length, 0);
    expect(entries).toBe(LIMITS.groups * LIMITS.groupSize);
    // A stranger is looked for everywhere: every entry once, where a walk without memory follows millions.
    expect(coveringGroups("stranger", directory).visits).toBe(entries);
    const member = coveringGroups("u0x3x42", directory);
    expect(member.visits).toBeLessThanOrEqual(entries);
    expect(member.groups.has("l3g0")).toBe(true);
    expect(member.groups.has("l0g4")).toBe(false);
    // Asking again, about any group, walks nothing.
    expect(coveringGroups("U0X3X42", directory)).toBe(member);
    // Listing a top group's people walks each group below it once: its own 75, 25 × 75 on each of the
    // two middle levels, and 25 × 100 at the bottom.
    expect(membersOf(parseApprover("group:l3g0"), directory)).toHaveLength(75 + 2 * 25 * 75 + 25 * 100);
  });

  test("the comment authority check under the deepest allowed policy: a deep member is covered, a stranger is not", () => {
    const policy = load(deepestAllowedPolicy());
    const directory: Directory = { teams: {}, permissions: {}, groups: policy.groups };
    const top = parseApprover(`group:l${LIMITS.groupDepth - 1}g7`);
    expect(isCoveredBy("u0x3x42", top, directory)).toBe(true);
    expect(isCoveredBy("mallory", top, directory)).toBe(false);
    expect(membersOf(parseApprover("group:l0g0"), directory)).toHaveLength(LIMITS.groupSize);
    const rule = policy.environments.production!.approvals["*"]!;
    const tally = tallyApprovals({
      environment: "production",
      changeType: "standard",
      rule,
      records: ["u0x0x1", "u1x2x3", "u3x4x5", "mallory"].map((approver) => ({
        approver,
        decision: "approve" as const,
        environment: "production",
        sha: SHA,
        at: "2026-11-24T08:00:00Z",
      })),
      acceptedShas: [SHA],
      excluded: new Map(),
      directory,
    });
    expect(tally.counted.map((c) => c.login)).toEqual(["u0x0x1", "u1x2x3", "u3x4x5"]);
    expect(tally.ignored.map((i) => i.login)).toEqual(["mallory"]);
    expect(tally.satisfied).toBe(false); // every member of l0g0 has not approved
  });
});

describe("names that are Object.prototype's members are ordinary names", () => {
  const NAMES = ["constructor", "toString", "hasOwnProperty", "valueOf"];

  test.each(NAMES)("/tollgate explain %s names an unknown environment, without a crash", (name) => {
    const command = parseCommand(`/tollgate explain ${name}`);
    expect(command).toEqual({ kind: "explain", environment: name });
    const policy = testPolicy();
    expect(unknownEnvironment(policy, name)).toMatch(`the policy has no environment named ${name}`);
    const decision = evaluate(
      policy,
      name,
      evidenceWith(() => {}),
      NOW,
    );
    expect(decision.reasonCode).toBe("environment_unknown");
    expect(decision.summary).toContain(`no environment "${name}"`);
  });

  test.each(["/approve constructor", "/reject toString no", "/rollback constructor", "/constructor"])(
    "%s parses without reaching the prototype",
    (body) => {
      expect(() => parseCommand(body)).not.toThrow();
    },
  );

  test.each(NAMES)("%s as an unknown group is a located error", (name) => {
    const result = loadPolicy(
      [
        "version: 1",
        "approvers:",
        `  leads: [alice, group:${name}]`,
        "environments:",
        "  production:",
        "    approval: required",
        `    approvals: { "*": { from: [group:${name}] } }`,
        "    rollback: { redeploy_previous: true }",
      ].join("\n"),
      "tollgate.yml",
    );
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      `tollgate.yml:3:18 approvers.leads[1]: unknown approver group "${name}"; define it under \`approvers\``,
      `tollgate.yml:7:32 environments.production.approvals.*.from[0]: unknown approver group "${name}"; define it under \`approvers\``,
    ]);
  });

  test("constructor and toString work as environment, group and change type names", () => {
    const policy = load(
      [
        "version: 1",
        "approvers:",
        "  constructor: [alice]",
        "change_types:",
        "  default: toString",
        "  types:",
        "    toString: { labels: [minor] }",
        "    constructor: { labels: [big] }",
        "environments:",
        "  constructor:",
        "    approval: required",
        "    approvals:",
        "      toString: { from: [group:constructor] }",
        "      constructor: { from: [group:constructor] }",
        "    rollback: { redeploy_previous: true }",
      ].join("\n"),
    );
    const decision = evaluate(
      policy,
      "constructor",
      evidenceWith((e) => {
        e.approvals = [{ ...e.approvals![0]!, environment: "constructor" }];
      }),
      NOW,
    );
    expect(decision.changeType).toBe("toString");
    expect(decision.verdict).toBe("allowed");
    expect(decision.approvals.counted.map((c) => c.login)).toEqual(["alice"]);
  });

  test("a change type with no rule of its own is reported even when it is called toString", () => {
    const result = loadPolicy(
      [
        "version: 1",
        "change_types:",
        "  default: toString",
        "  types: { toString: {}, constructor: {} }",
        "environments:",
        "  production:",
        "    approval: required",
        "    approvals: { toString: { from: [alice] } }",
        "    rollback: { redeploy_previous: true }",
      ].join("\n"),
      "tollgate.yml",
    );
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      'tollgate.yml:8:5 environments.production.approvals: no approval rule for change type "constructor": add one or a "*" rule',
    ]);
  });

  test.each([
    [
      "an environment",
      "environments:\n  __proto__: { approval: none }\n  dev: { approval: none }",
      "3:3 environments.__proto__",
    ],
    [
      "a group",
      "approvers:\n  __proto__: [alice]\nenvironments:\n  dev: { approval: none }",
      "3:3 approvers.__proto__",
    ],
  ])("__proto__ as %s is refused, not silently dropped", (_, body, where) => {
    const result = loadPolicy(`version: 1\n${body}`, "tollgate.yml");
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      `tollgate.yml:${where}: "__proto__" cannot be a name: it is reserved by JavaScript`,
    ]);
  });

  test("the policy's records have no prototype to reach", () => {
    const policy = testPolicy();
    expect(policy.environments["constructor"]).toBeUndefined();
    expect(policy.groups["toString"]).toBeUndefined();
    expect(policy.environments.production!.approvals["hasOwnProperty"]).toBeUndefined();
  });
});
