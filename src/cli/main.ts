/**
 * `tollgate`: validate a policy, explain a verdict, run an audit or the sandbox. Each command returns
 * its exit code; nothing here calls process.exit, so tests run it in-process. A command's module is
 * imported only when that command runs, so `tollgate validate` never loads the GitHub client, the
 * audit or the sandbox (and its GraphQL schema): startup stays close to Node's own.
 */
import { readFile } from "node:fs/promises";
import { closest } from "../policy/errors.js";
import type { Io } from "./io.js";
import { processIo } from "./io.js";

type Command = (args: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import("./validate.js")).validateCommand,
  explain: async () => (await import("./explain.js")).explainCommand,
  audit: async () => (await import("./audit.js")).auditCommand,
  sandbox: async () => (await import("./sandbox.js")).sandboxCommand,
};

export const USAGE = `Usage:
  tollgate validate [FILE]                 check a policy file (default .github/tollgate.yml)
  tollgate explain --policy FILE --environment ENV --evidence FILE.json [--at ISO-TIME] [--format text|json]
                                           would this deployment be allowed, and if not, why?
  tollgate explain --repo OWNER/REPO --sha SHA --environment ENV [--format text|json]
                                           the same, with live evidence from GitHub (GITHUB_TOKEN, GITHUB_API_URL)
  tollgate audit --repo OWNER/REPO [--environment ENV] [--since DATE] [--until DATE]
                [--format md|json|csv|html] [--out FILE] [--compare previous.json]
                                           every deployment's record, findings and DORA metrics, from GitHub alone
  tollgate sandbox [--port N] [--host HOST] [--strict]
                                           run the local GitHub (REST, GraphQL, webhooks) and print its URL
  tollgate <command> --help                that command's options
  tollgate --version                       print Tollgate's version

Exit codes: validate 0 valid, 1 invalid, 2 usage or I/O error; explain 0 allowed, 1 not allowed, 2 error;
audit 0 no findings, 1 findings, 2 usage or access error.`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(USAGE);
    return 2;
  }
  if (command === "--help" || command === "-h") {
    io.out(USAGE);
    return 0;
  }
  if (command === "--version" || command === "-V") {
    io.out(await packageVersion());
    return 0;
  }
  // `tollgate help validate` is `tollgate validate --help`.
  if (command === "help") return rest[0] === undefined ? main(["--help"], io) : main([rest[0], "--help"], io);
  const load = COMMANDS[command];
  if (!load) {
    const suggestion = closest(command, Object.keys(COMMANDS));
    io.err(
      `tollgate: unknown command "${command}"${suggestion ? `; did you mean ${suggestion}?` : ""}\n\n${USAGE}`,
    );
    return 2;
  }
  try {
    return await (
      await load()
    )(rest, io);
  } catch (error) {
    io.err(`tollgate ${command}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

/**
 * The version in Tollgate's package.json: the nearest one above this module, which is
 * `lib/bundle/cli/` once built (`lib/src/cli/` unbundled) and `src/cli/` when run from source.
 */
async function packageVersion(): Promise<string> {
  for (let dir = new URL("./", import.meta.url); ; dir = new URL("../", dir)) {
    const text = await readFile(new URL("package.json", dir), "utf8").catch(() => undefined);
    const pkg = text === undefined ? undefined : (JSON.parse(text) as { name?: string; version?: string });
    if (pkg?.name === "tollgate" && pkg.version) return pkg.version;
    if (new URL("../", dir).href === dir.href) throw new Error("cannot find Tollgate's package.json");
  }
}
