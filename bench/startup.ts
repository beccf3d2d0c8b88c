/**
 * The CLI's startup: `node bin/tollgate.js validate <example>` against a bare `node -e 0`, each run as a
 * fresh process, interleaved so both see the same machine load; medians and their ratio. Commands load
 * their modules on use, and validate starts from V8's code cache, so it should stay within 2× a bare
 * Node. The CLI is built first, so the figures are those of the code as it stands.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { machine, median, ms, percentile } from "./stats.js";

const RUNS = 30;
const POLICY = "examples/policies/progressive-delivery/tollgate.yml";
// A copy of the bundle without validate's code cache (scripts/bundle-cli.ts), to show what the cache saves.
const UNCACHED = "lib/bench-startup-uncached";

const COMMANDS: Record<string, string[]> = {
  bare: ["-e", "0"],
  validate: ["bin/tollgate.js", "validate", POLICY],
  uncached: [
    "--input-type=module",
    "-e",
    `const { main } = await import('./${UNCACHED}/main.js'); process.exitCode = await main(['validate', '${POLICY}'])`,
  ],
  // The same command from the compiled modules, unbundled: what the bundle saves.
  unbundled: [
    "--input-type=module",
    "-e",
    `const { main } = await import('./lib/src/cli/main.js'); process.exitCode = await main(['validate', '${POLICY}'])`,
  ],
  version: ["bin/tollgate.js", "--version"],
  help: ["bin/tollgate.js", "audit", "--help"],
  // The policy's schema is written with zod: all of it, unbundled, against the part validate's bundle holds.
  zod: ["--input-type=module", "-e", "await import('zod')"],
  // What every command paid before commands were loaded on use: all of their modules at once.
  eager: [
    "--input-type=module",
    "-e",
    "await Promise.all(['./lib/src/cli/validate.js', './lib/src/cli/explain-live.js', './lib/src/cli/audit.js', './lib/sandbox/index.js'].map((m) => import(m)))",
  ],
};

function timeOnce(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const elapsed = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`node ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

export async function benchStartup(): Promise<string> {
  const load = loadavg()[0]!;
  execFileSync("npm", ["run", "--silent", "build"]);
  rmSync(UNCACHED, { recursive: true, force: true });
  cpSync("lib/bundle/cli", UNCACHED, { recursive: true, filter: (path) => !path.endsWith(".cache") });
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(COMMANDS).map((name) => [name, []]));
  const names = Object.keys(COMMANDS);
  for (const name of names) timeOnce(COMMANDS[name]!); // warm the file system cache
  for (let i = 0; i < RUNS; i++) {
    // Rotate the order each round, so no command always runs right after another.
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length]!;
      times[name]!.push(timeOnce(COMMANDS[name]!));
    }
  }
  rmSync(UNCACHED, { recursive: true, force: true });
  const bare = median(times["bare"]!);
  const row = (label: string, name: string, target = "") =>
    `| ${label} | ${ms(median(times[name]!), 0)} | ${ms(percentile(times[name]!, 90), 0)} | ${(median(times[name]!) / bare).toFixed(2)}× | ${target} |`;
  return [
    "## CLI startup (`tollgate`)",
    "",
    `Each command a fresh process (\`node …\`, output to a pipe), ${RUNS} runs of each, interleaved in rotating order so they share the machine's load; the CLI compiled to \`lib/\` and bundled (scripts/bundle-cli.ts) first. The ratio is the median over a bare \`node -e 0\`'s median. What validate adds to Node is the policy loader it needs: the part of zod it uses (all of zod, unbundled, is its own row), js-yaml and the policy modules, building the schema, and the validation itself. The bundle saves Node resolving and reading each of those modules separately (the unbundled row), and validate runs from one CommonJS file with V8's code cache of a run over the example policies, so its code is neither parsed nor compiled again (the row without it: Node 20 caches compiled code for no ES module). ${machine()}, load average ${load.toFixed(1)} at the start (other work shared the machine).`,
    "",
    "| command | median | p90 | × bare Node | target |",
    "|---|---|---|---|---|",
    row("`node -e 0`", "bare"),
    row(`\`tollgate validate ${POLICY}\``, "validate", "≤ 2×"),
    row("the same validate bundled, without its code cache", "uncached"),
    row("the same validate from the compiled modules, unbundled", "unbundled"),
    row("`tollgate --version`", "version"),
    row("`tollgate audit --help`", "help"),
    row("importing all of `zod`, unbundled (validate's bundle holds only the part it uses)", "zod"),
    row("every command's modules at once (what each command loaded before)", "eager"),
  ].join("\n");
}
