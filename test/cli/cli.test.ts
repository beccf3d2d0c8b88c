import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { run } from "./helpers.js";

const EXAMPLE = "examples/policies/progressive-delivery";
const policy = `${EXAMPLE}/tollgate.yml`;
const evidence = `${EXAMPLE}/evidence/major-approved.json`;
const scratch = mkdtempSync(join(tmpdir(), "tollgate-cli-"));
const write = (name: string, text: string) => {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
};

describe("tollgate validate", () => {
  test.each(readdirSync("examples/policies"))("exits 0 on the example %s", async (name) => {
    const result = await run("validate", `examples/policies/${name}/tollgate.yml`);
    expect(result).toMatchObject({ code: 0, out: expect.stringContaining(": valid (") });
  });

  test("exits 1 on a malformed policy, printing every located error", async () => {
    const file = write(
      "bad.yml",
      "version: 1\nenvironments:\n  prod:\n    approval: sometimes\n    soak: 1h\n",
    );
    const result = await run("validate", file);
    expect(result.code).toBe(1);
    expect(result.err.split("\n")).toEqual([
      `${file}:4:15 environments.prod.approval: expected none, automatic or required, got "sometimes"`,
      `${file}:5:5 environments.prod.soak: unknown key "soak"; expected one of: description, url, approval, approvals, deployers, separation_of_duties, requires, checklist, windows, calendar, strategies, by_change_type, validation, rollback`,
      `${file}: 2 errors`,
      "",
    ]);
  });

  test("refuses approver groups nested past the limit, at the group where they pass it", async () => {
    const groups = Array.from({ length: 7 }, (_, i) => `  g${i + 1}: [group:g${i}, group:g${i}]`);
    const file = write(
      "deep.yml",
      [
        "version: 1",
        "approvers:",
        "  g0: [alice]",
        ...groups,
        "environments:",
        "  dev: { approval: none }",
        "",
      ].join("\n"),
    );
    const result = await run("validate", file);
    expect(result.code).toBe(1);
    expect(result.err.split("\n")).toEqual([
      `${file}:7:8 approvers.g4[0]: approver groups nest 5 deep (g4 → g3 → g2 → g1 → g0); at most 4 levels are allowed: include the people or teams directly`,
      `${file}: 1 error`,
      "", // every message ends with a newline
    ]);
  });

  test("exits 2 when the file cannot be read, or on bad usage", async () => {
    expect(await run("validate", join(scratch, "missing.yml"))).toMatchObject({
      code: 2,
      err: expect.stringContaining("no such file"),
    });
    expect(await run("validate", "a.yml", "b.yml")).toMatchObject({
      code: 2,
      err: expect.stringContaining("give one policy file"),
    });
    expect(await run("validate", "--nope")).toMatchObject({
      code: 2,
      err: expect.stringContaining("Unknown option '--nope'"),
    });
  });
});

describe("tollgate explain", () => {
  test("an allowed deployment exits 0 and prints the checklist", async () => {
    const result = await run(
      "explain",
      "--policy",
      policy,
      "--environment",
      "production",
      "--evidence",
      evidence,
      "--at",
      "2026-11-20T12:00:00Z",
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain("ALLOWED (ready)");
    expect(result.out).toContain("✅ Approval: approved by @alice, @carol");
  });

  test("a blocked or waiting deployment exits 1 and says why, as JSON too", async () => {
    const result = await run(
      "explain",
      "--policy",
      policy,
      "--environment",
      "production",
      "--evidence",
      evidence,
      "--at",
      "2026-11-19T12:00:00Z",
      "--format",
      "json",
    );
    expect(result.code).toBe(1);
    const decision = JSON.parse(result.out);
    expect(decision).toMatchObject({
      verdict: "waiting",
      reasonCode: "soak_pending",
      environment: "production",
    });
  });

  test.each([
    [["--policy", policy, "--environment", "production"], "missing --evidence"],
    [
      ["--policy", policy, "--environment", "production", "--evidence", evidence, "--format", "xml"],
      "--format must be text or json",
    ],
    [
      ["--policy", policy, "--environment", "production", "--evidence", evidence, "--at", "yesterday"],
      "--at must be an ISO 8601 time",
    ],
    [
      ["--policy", "nope.yml", "--environment", "production", "--evidence", evidence],
      "cannot read nope.yml: no such file",
    ],
    [["--bogus"], "Unknown option '--bogus'\nUsage: tollgate explain"],
  ])("usage and I/O errors exit 2: %j", async (args, message) => {
    expect(await run("explain", ...args)).toMatchObject({ code: 2, err: expect.stringContaining(message) });
  });

  test("a malformed evidence file exits 2 with located errors", async () => {
    const file = write("evidence.json", '{ "repository": "a/b", "sha": 42, "pull_request": null }');
    const result = await run(
      "explain",
      "--policy",
      policy,
      "--environment",
      "production",
      "--evidence",
      file,
    );
    expect(result).toMatchObject({ code: 2, err: `${file}:1:31 sha: expected a string, got 42\n` });
  });
});

describe("the tollgate command", () => {
  test("help and unknown commands", async () => {
    expect(await run("--help")).toMatchObject({ code: 0, out: expect.stringContaining("Usage:") });
    expect(await run()).toMatchObject({ code: 2 });
    expect(await run("deploy")).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown command "deploy"'),
    });
  });

  test("the installed binary runs the compiled CLI with its exit codes", () => {
    const ok = spawnSync("node", ["bin/tollgate.js", "validate", policy], { encoding: "utf8" });
    expect({ status: ok.status, stdout: ok.stdout }).toEqual({
      status: 0,
      stdout: expect.stringContaining("valid"),
    });
    const bad = spawnSync(
      "node",
      ["bin/tollgate.js", "validate", write("b.yml", "version: 2\nenvironments: {}\n")],
      { encoding: "utf8" },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("version: expected version: 1, got 2");
    expect(execFileSync("node", ["bin/tollgate.js", "help"], { encoding: "utf8" })).toContain(
      "tollgate validate",
    );
  });
});
