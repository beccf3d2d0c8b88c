/**
 * What every command answers the same way: --version, --help/-h, messages closed by a newline, a
 * suggestion for a mistyped option or command, no colour codes, and only its own modules loaded.
 * The tests that spawn `node bin/tollgate.js` run the built CLI in lib/bundle/ (`npm test` builds it first).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "@jest/globals";
import { run } from "./helpers.js";

const VERSION = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;
const EXAMPLE = "examples/policies/progressive-delivery";
const POLICY = `${EXAMPLE}/tollgate.yml`;
const EVIDENCE = `${EXAMPLE}/evidence/major-approved.json`;

async function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  node: string[] = [],
): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)("node", [...node, "bin/tollgate.js", ...args], {
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

/** Runs the invocations a few at a time (the machines are small), answers in order. */
async function spawnAll(
  invocations: readonly (readonly [string, string[], NodeJS.ProcessEnv?])[],
  extra: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }[]> {
  const results: { code: number; out: string; err: string }[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < invocations.length; index = next++) {
      const [, args, env] = invocations[index]!;
      results[index] = await spawnCli(args, { ...env, ...extra });
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return results;
}

/** Each command's options, as its help must list them. */
const OPTIONS: Record<string, string[]> = {
  validate: ["--help"],
  explain: [
    "--policy",
    "--environment",
    "--evidence",
    "--at",
    "--format",
    "--repo",
    "--sha",
    "--app-bot",
    "--initiator",
  ],
  audit: [
    "--repo",
    "--environment",
    "--since",
    "--until",
    "--format",
    "--out",
    "--compare",
    "--policy",
    "--app-login",
    "--trusted-writer",
    "--production",
    "--stale-after",
  ],
  sandbox: ["--port", "--host", "--strict"],
};

describe("--version", () => {
  test.each(["--version", "-V"])("%s prints the package's version and exits 0", async (flag) => {
    expect(await run(flag)).toEqual({ code: 0, out: `${VERSION}\n`, err: "" });
  });

  test("the installed binary prints it too", async () => {
    expect(await spawnCli(["--version"])).toEqual({ code: 0, out: `${VERSION}\n`, err: "" });
  }, 30_000);
});

describe("each command's --help", () => {
  test.each(Object.keys(OPTIONS))(
    "tollgate %s --help and -h print its usage and options on stdout",
    async (command) => {
      const long = await run(command, "--help");
      expect(long.code).toBe(0);
      expect(long.err).toBe("");
      expect(long.out).toMatch(new RegExp(`^Usage: tollgate ${command}`));
      for (const option of [...OPTIONS[command]!, "-h, --help"]) expect(long.out).toContain(option);
      expect(await run(command, "-h")).toEqual(long);
      expect(await run("help", command)).toEqual(long);
    },
  );

  test("--help wins over the other arguments, even wrong ones", async () => {
    const help = await run("audit", "--help");
    expect(await run("audit", "--repo", "--help")).toEqual(help);
    expect(await run("audit", "--nope", "-h")).toEqual(help);
    expect(await run("explain", "--repo", "a/b", "--help")).toEqual(await run("explain", "--help"));
  });

  test("tollgate --help lists every command and exits 0; no command at all is a usage error", async () => {
    const help = await run("--help");
    expect(help.code).toBe(0);
    for (const command of Object.keys(OPTIONS)) expect(help.out).toContain(`tollgate ${command}`);
    expect(await run()).toEqual({ code: 2, out: "", err: help.out });
  });

  test("the installed binary prints a command's help on stdout", async () => {
    const result = await spawnCli(["sandbox", "--help"]);
    expect(result).toEqual({ code: 0, out: (await run("sandbox", "--help")).out, err: "" });
  }, 30_000);
});

describe("suggestions", () => {
  test.each([
    [["explain", "--enviroment", "production"], "Unknown option '--enviroment'; did you mean --environment?"],
    [
      ["explain", "--policy", POLICY, "--evidnce", EVIDENCE],
      "Unknown option '--evidnce'; did you mean --evidence?",
    ],
    [["explain", "--rep", "acme/shop"], "Unknown option '--rep'; did you mean --repo?"],
    [
      ["explain", "--repo", "acme/shop", "--evidnce", "x"],
      "Unknown option '--evidnce'; did you mean --evidence?",
    ],
    [["audit", "--repo", "a/b", "--sinse", "2026-01-01"], "Unknown option '--sinse'; did you mean --since?"],
    [
      ["audit", "--trusted-writers", "bot"],
      "Unknown option '--trusted-writers'; did you mean --trusted-writer?",
    ],
    [["sandbox", "--prot", "3000"], "Unknown option '--prot'; did you mean --port?"],
    [["validate", "--hepl"], "Unknown option '--hepl'; did you mean --help?"],
  ])("%j → %s", async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.out).toBe("");
    expect(result.err.split("\n")[0]).toBe(`tollgate ${args[0]}: ${message}`);
    expect(result.err).toContain(`Usage: tollgate ${args[0]}`);
  });

  test("an option far from every known one gets no guess", async () => {
    const result = await run("sandbox", "--verbose");
    expect(result.err.split("\n")[0]).toBe("tollgate sandbox: Unknown option '--verbose'");
  });

  test.each([
    ["valdate", "validate"],
    ["explian", "explain"],
    ["audti", "audit"],
    ["sandbx", "sandbox"],
  ])("the unknown command %s → did you mean %s?", async (typo, command) => {
    const result = await run(typo);
    expect(result.code).toBe(2);
    expect(result.err.split("\n")[0]).toBe(`tollgate: unknown command "${typo}"; did you mean ${command}?`);
  });

  test("a command far from every known one gets no guess", async () => {
    expect((await run("deploy")).err.split("\n")[0]).toBe('tollgate: unknown command "deploy"');
  });
});

/** One invocation of each kind of message every command prints, successes and failures. */
const MESSAGES: [string, string[], NodeJS.ProcessEnv?][] = [
  ["version", ["--version"]],
  ["usage", ["--help"]],
  ["no command", []],
  ["unknown command", ["deploy"]],
  ["validate: valid", ["validate", POLICY]],
  ["validate: invalid", ["validate", "test/cli/fixtures/invalid-policy.yml"]],
  ["validate: no such file", ["validate", "nope.yml"]],
  ["validate: two files", ["validate", "a.yml", "b.yml"]],
  ["validate: help", ["validate", "--help"]],
  [
    "explain: allowed",
    [
      "explain",
      "--policy",
      POLICY,
      "--environment",
      "production",
      "--evidence",
      EVIDENCE,
      "--at",
      "2026-11-20T12:00:00Z",
    ],
  ],
  [
    "explain: json",
    [
      "explain",
      "--policy",
      POLICY,
      "--environment",
      "production",
      "--evidence",
      EVIDENCE,
      "--at",
      "2026-11-19T12:00:00Z",
      "--format",
      "json",
    ],
  ],
  ["explain: missing option", ["explain", "--policy", POLICY]],
  ["explain: option without value", ["explain", "--policy"]],
  [
    "explain: bad format",
    ["explain", "--policy", POLICY, "--environment", "production", "--evidence", EVIDENCE, "--format", "xml"],
  ],
  ["explain: unexpected argument", ["explain", "extra"]],
  ["explain: live, bad repo", ["explain", "--repo", "acme", "--sha", "abc", "--environment", "production"]],
  ["explain: live, missing option", ["explain", "--repo", "acme/shop"]],
  ["explain: help", ["explain", "-h"]],
  ["audit: no repo", ["audit"]],
  ["audit: no token", ["audit", "--repo", "acme/shop"], { GITHUB_TOKEN: "" }],
  ["audit: bad date", ["audit", "--repo", "acme/shop", "--since", "March 3"]],
  ["audit: help", ["audit", "--help"]],
  ["sandbox: bad port", ["sandbox", "--port", "http"]],
  ["sandbox: boolean with a value", ["sandbox", "--strict=yes"]],
  ["sandbox: help", ["sandbox", "--help"]],
];

/** Runs the CLI in-process with these environment variables set, as a spawned process would see them. */
async function runWith(env: NodeJS.ProcessEnv, args: string[]) {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await run(...args);
  } finally {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  }
}

describe("every message ends with a newline", () => {
  test.each(MESSAGES.map(([kind, args, env]) => [kind, args, env ?? {}] as const))(
    "%s",
    async (_kind, args, env) => {
      const { out, err } = await runWith(env, args);
      expect(out + err).not.toBe("");
      for (const stream of [out, err].filter((text) => text !== "")) {
        expect(stream).toMatch(/\n$/);
        expect(stream).not.toMatch(/\n\n$/);
      }
    },
  );

  test("the installed binary writes the same bytes, stdout and stderr apart", async () => {
    const results = await spawnAll(MESSAGES);
    for (const [index, result] of results.entries()) {
      const [kind, args, env] = MESSAGES[index]!;
      expect({ kind, ...result }).toEqual({ kind, ...(await runWith(env ?? {}, args)) });
    }
  }, 60_000);
});

describe("no colour", () => {
  // Nothing the CLI prints is coloured, so NO_COLOR has nothing to turn off; this keeps it that way,
  // even when a terminal library would be told to colour (FORCE_COLOR).
  test("no message contains an escape sequence, with FORCE_COLOR or NO_COLOR", async () => {
    const forced = await spawnAll(MESSAGES, { FORCE_COLOR: "3" });
    const none = await spawnAll(MESSAGES, { NO_COLOR: "1" });
    for (const result of [...forced, ...none]) expect(result.out + result.err).not.toContain("\u001b");
    expect(forced.map((r) => r.out)).toEqual(none.map((r) => r.out));
  }, 60_000);
});

describe("each command loads only what it needs", () => {
  /**
   * The CLI runs from its bundle (scripts/bundle-cli.ts), whose metafile lists the modules each chunk
   * holds: a loaded chunk stands for those modules.
   */
  const bundle = JSON.parse(readFileSync("lib/bundle/cli/meta.json", "utf8")) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  function modulesInside(url: string): string[] {
    const chunk = /\/(lib\/bundle\/cli\/[^/]+)$/.exec(url)?.[1];
    const inputs = chunk === undefined ? undefined : bundle.outputs[chunk]?.inputs;
    return inputs ? [url, ...Object.keys(inputs).map((module) => `/${module}`)] : [url];
  }

  async function modulesLoadedBy(args: string[]): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-trace-"));
    const file = join(dir, "modules.txt");
    try {
      await spawnCli(args, { TOLLGATE_TRACE_IMPORTS: file }, [
        "--import",
        "./test/cli/fixtures/trace-imports.mjs",
      ]);
      return readFileSync(file, "utf8").trim().split("\n").flatMap(modulesInside);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test("validate loads neither the sandbox, nor GitHub's GraphQL schema, nor a GitHub client, nor the audit", async () => {
    const loaded = await modulesLoadedBy(["validate", POLICY]);
    expect(loaded).toContainEqual(expect.stringMatching(/\/lib\/src\/policy\/load\.js$/));
    const heavy = loaded.filter((url) =>
      /\/lib\/sandbox\/|graphql-schema|\/graphql\/|@octokit\/|\/lib\/src\/(audit|github|action)\//.test(url),
    );
    expect(heavy).toEqual([]);
  }, 30_000);

  test("audit --help and audit's usage errors do not load the audit", async () => {
    for (const args of [
      ["audit", "--help"],
      ["audit", "--repo", "acme"],
    ]) {
      const loaded = await modulesLoadedBy(args);
      expect(loaded).toContainEqual(expect.stringMatching(/\/lib\/src\/cli\/audit\.js$/));
      expect(loaded.filter((url) => /\/lib\/src\/audit\//.test(url))).toEqual([]);
    }
  }, 30_000);

  test("sandbox --help does not load the sandbox either", async () => {
    const loaded = await modulesLoadedBy(["sandbox", "--help"]);
    expect(loaded).toContainEqual(expect.stringMatching(/\/lib\/src\/cli\/sandbox\.js$/));
    expect(loaded.filter((url) => /\/lib\/sandbox\/|graphql-schema/.test(url))).toEqual([]);
  }, 30_000);
});
