/**
 * Every example policy under examples/policies/ validates, and every case in its cases.yml gives the
 * verdict and reason code written there. The examples encode the seed documents: this is where the
 * product proves it can express and enforce them.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { load } from "js-yaml";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import type { Evidence } from "../../src/readiness/evidence.js";
import { loadEvidence } from "../../src/readiness/load-evidence.js";
import { evidenceNeeds } from "../../src/github/policy-evidence.js";
import type { Policy } from "../../src/policy/model.js";

interface Case {
  name: string;
  environment: string;
  evidence: string;
  at: string;
  verdict: "allowed" | "waiting" | "blocked";
  reason_code: string;
  change_type?: string;
  override?: boolean;
  /** The strategy the deployment uses (requested, or the default for its change type). */
  strategy?: string;
  /** Words the decision's summary must contain (the deciding item's reason). */
  says?: string;
  /** Item ids expected in each state, when the case wants to pin them. */
  failed?: string[];
  pending?: string[];
  waived?: string[];
}

/**
 * The evidence as the gatherer completes it, the example's directory standing for its repository: the
 * holiday files the policy names are read from there, unless the case's evidence says how they were read.
 */
function withHolidayFiles(evidence: Evidence, policy: Policy, environment: string, dir: string): Evidence {
  const files = { ...evidence.holiday_files };
  for (const path of evidenceNeeds([policy.environments[environment]]).holidayFiles)
    if (!Object.hasOwn(files, path)) {
      const file = join(dir, path);
      files[path] = existsSync(file)
        ? { text: readFileSync(file, "utf8") }
        : { unavailable: `404: no ${path}` };
    }
  return { ...evidence, holiday_files: files };
}

const root = "examples/policies";
const examples = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(root, entry.name));

test("there is one example policy per seed document, at least", () => {
  expect(examples.length).toBeGreaterThanOrEqual(5);
});

describe.each(examples)("%s", (dir) => {
  const file = join(dir, "tollgate.yml");
  const loaded = loadPolicy(readFileSync(file, "utf8"), file);

  test("is a valid policy", () => {
    expect(loaded.ok ? [] : loaded.errors.map(formatPolicyError)).toEqual([]);
  });

  const casesFile = join(dir, "cases.yml");
  const cases = existsSync(casesFile) ? (load(readFileSync(casesFile, "utf8")) as Case[]) : [];
  test("has cases", () => expect(cases.length).toBeGreaterThan(0));

  test.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    if (!loaded.ok) throw new Error("invalid policy");
    const evidenceFile = join(dir, c.evidence);
    const evidence = loadEvidence(readFileSync(evidenceFile, "utf8"), evidenceFile);
    if (!evidence.ok) throw new Error(evidence.errors.map(formatPolicyError).join("\n"));
    const complete = withHolidayFiles(evidence.evidence, loaded.policy, c.environment, dir);
    const decision = evaluate(loaded.policy, c.environment, complete, new Date(c.at));
    const states = (state: string) => decision.checklist.filter((i) => i.state === state).map((i) => i.id);
    expect({ verdict: decision.verdict, reason_code: decision.reasonCode }).toEqual({
      verdict: c.verdict,
      reason_code: c.reason_code,
    });
    if (c.change_type) expect(decision.changeType).toBe(c.change_type);
    if (c.override !== undefined) expect(decision.override !== undefined).toBe(c.override);
    if (c.strategy !== undefined) expect(decision.strategy).toBe(c.strategy);
    if (c.says !== undefined) expect(decision.summary).toContain(c.says);
    if (c.failed) expect(states("failed")).toEqual(c.failed);
    if (c.pending) expect(states("pending")).toEqual(c.pending);
    if (c.waived) expect(states("waived")).toEqual(c.waived);
  });
});
