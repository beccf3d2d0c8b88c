/**
 * `tollgate`: validate a policy, explain a verdict, and (with the other modules) run the sandbox or an
 * audit. Each command returns its exit code; nothing here calls process.exit, so tests run it in-process.
 */
import { auditCommand } from "./audit.js";
import { explainCommand } from "./explain.js";
import { sandboxCommand } from "./sandbox.js";
import { validateCommand } from "./validate.js";
import type { Io } from "./io.js";
import { processIo } from "./io.js";

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

Exit codes: validate 0 valid, 1 invalid, 2 usage or I/O error; explain 0 allowed, 1 not allowed, 2 error.`;

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  validate: validateCommand,
  explain: explainCommand,
  sandbox: sandboxCommand,
  audit: auditCommand,
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`tollgate: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    io.err(`tollgate ${command}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}
