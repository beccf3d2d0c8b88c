import { parseArgs } from "node:util";
import { startSandbox } from "../../sandbox/index.js";
import type { Io } from "./io.js";

const USAGE = "Usage: tollgate sandbox [--port N] [--host HOST] [--strict]";

/** Runs the local GitHub until interrupted, printing what a client needs to reach it. */
export async function sandboxCommand(args: string[], io: Io): Promise<number> {
  let values: { port?: string; host?: string; strict?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { port: { type: "string" }, host: { type: "string" }, strict: { type: "boolean" } },
    }));
  } catch (error) {
    io.err(`tollgate sandbox: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`tollgate sandbox: --port must be a port number from 0 to 65535, got "${values.port}"`);
    return 2;
  }
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
