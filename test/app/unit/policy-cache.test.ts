/** The App's policy memo: same (path, text) → the same frozen result; a bounded LRU; errors memoized too. */
import { describe, expect, test } from "@jest/globals";
import { loadPolicyCached, POLICY_CACHE_SIZE, policyCacheSize } from "../../../app/policy-cache.js";
import { loadPolicy } from "../../../src/policy/load.js";

const policy = (n: number) => `version: 1
environments:
  staging:
    approval: automatic
    checklist: [ci]
checklist:
  ci: { checks: [build-${n}] }
`;
const PATH = ".github/tollgate.yml";

describe("loadPolicyCached", () => {
  test("gives what loadPolicy gives, and the same object for the same text", () => {
    const first = loadPolicyCached(policy(1), PATH);
    expect(first).toEqual(loadPolicy(policy(1), PATH));
    expect(loadPolicyCached(policy(1), PATH)).toBe(first);
    // A new string with the same content is the same key (the text is re-read from GitHub every event).
    expect(loadPolicyCached(`${policy(1)}`.slice(0), PATH)).toBe(first);
  });

  test("a changed text or another path is another policy", () => {
    const one = loadPolicyCached(policy(1), PATH);
    const two = loadPolicyCached(policy(2), PATH);
    expect(two).not.toBe(one);
    expect(two.ok && two.policy.environments["staging"]!.checklist[0]).toMatchObject({
      checks: [{ name: "build-2" }],
    });
    const elsewhere = loadPolicyCached("version: 1\nenvironments:\n  p:\n    approval: maybe\n", "x.yml");
    expect(elsewhere.ok).toBe(false);
    expect(!elsewhere.ok && elsewhere.errors[0]).toMatchObject({ file: "x.yml", line: 4 });
    expect(loadPolicyCached("version: 1\nenvironments:\n  p:\n    approval: maybe\n", "y.yml")).not.toBe(
      elsewhere,
    );
  });

  test("what it holds is deep-frozen: no caller can change what the next event sees", () => {
    const result = loadPolicyCached(policy(3), PATH);
    if (!result.ok) throw new Error("valid policy expected");
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.policy.environments["staging"])).toBe(true);
    expect(Object.isFrozen(result.policy.environments["staging"]!.checklist)).toBe(true);
    expect(() => {
      (result.policy.environments as Record<string, unknown>)["production"] = {};
    }).toThrow(TypeError);
  });

  test(`holds at most ${POLICY_CACHE_SIZE}, evicting the least recently used`, () => {
    const kept = loadPolicyCached(policy(1000), PATH);
    for (let i = 0; i < POLICY_CACHE_SIZE * 2; i++) {
      loadPolicyCached(policy(2000 + i), PATH);
      loadPolicyCached(policy(1000), PATH); // used on every event: never evicted
    }
    expect(policyCacheSize()).toBe(POLICY_CACHE_SIZE);
    expect(loadPolicyCached(policy(1000), PATH)).toBe(kept);
    const old = loadPolicyCached(policy(2000), PATH); // evicted long ago: loaded anew
    expect(old).toEqual(loadPolicy(policy(2000), PATH));
    expect(policyCacheSize()).toBe(POLICY_CACHE_SIZE);
  });
});
