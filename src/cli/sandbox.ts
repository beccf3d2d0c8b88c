import { parseCommand, usageError } from "./args.js";
import type { Io } from "./io.js";

const SPEC = {
  name: "sandbox",
  usage: `Usage: tollgate sandbox [--port N] [--host HOST] [--strict]
  Runs the local GitHub (REST, GraphQL, signed webhooks, App authentication) and prints its URL and the
  site admin's token; Ctrl-C stops it.
  --port N     the port to listen on (default 3000; 0 picks a free one)
  --host HOST  the address to listen on (default 127.0.0.1)
  --strict     refuse requests GitHub's OpenAPI description does not allow (422)
  -h, --help   print this help`,
  options: { port: { type: "string" }, host: { type: "string" }, strict: { type: "boolean" } },
} as const;

/** Runs the local GitHub until interrupted, printing what a client needs to reach it. */
export async function sandboxCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(SPEC, args, io);
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return usageError(SPEC, io, `--port must be a port number from 0 to 65535, got "${values.port}"`);
  // Loaded only now: the sandbox brings GitHub's GraphQL schema, which no other command needs. It is
  // kept out of the CLI's bundle and reached at this path from lib/ (scripts/bundle-cli.ts).
  const { startSandbox } = await import("../../sandbox/index.js");
  const sandbox = await startSandbox({
    port,
    host: values.host ?? "127.0.0.1",
    strict: values.strict ?? false,
  });
  io.out(
    [
      sandbox.url,
      `REST:       ${sandbox.apiUrl} (and ${sandbox.url})`,
      `GraphQL:    ${sandbox.graphqlUrl}`,
      `site admin: sandbox-admin, token ${sandbox.adminToken}`,
      `control:    ${sandbox.url}/_sandbox/ (see sandbox/README.md)`,
      "Press Ctrl-C to stop.",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await sandbox.close();
  return 0;
}
