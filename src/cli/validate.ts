import { parseArgs } from "node:util";
import { formatPolicyError } from "../policy/errors.js";
import { DEFAULT_POLICY_PATH, loadPolicy } from "../policy/load.js";
import { readOrExplain, type Io } from "./io.js";

export async function validateCommand(args: string[], io: Io): Promise<number> {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args, allowPositionals: true, options: {} }));
  } catch (error) {
    io.err(`tollgate validate: ${(error as Error).message}\nUsage: tollgate validate [FILE]`);
    return 2;
  }
  if (positionals.length > 1) {
    io.err("tollgate validate: give one policy file\nUsage: tollgate validate [FILE]");
    return 2;
  }
  const file = positionals[0] ?? DEFAULT_POLICY_PATH;
  const read = await readOrExplain(io, file);
  if (!read.ok) {
    io.err(`tollgate validate: ${read.message}`);
    return 2;
  }
  const result = loadPolicy(read.text, file);
  if (!result.ok) {
    for (const error of result.errors) io.err(formatPolicyError(error));
    io.err(`${file}: ${result.errors.length} error${result.errors.length === 1 ? "" : "s"}`);
    return 1;
  }
  const environments = Object.keys(result.policy.environments);
  io.out(
    `${file}: valid (${environments.length} environment${environments.length === 1 ? "" : "s"}: ${environments.join(", ")})`,
  );
  return 0;
}
