import { formatPolicyError } from "../policy/errors.js";
import { DEFAULT_POLICY_PATH, loadPolicy } from "../policy/load.js";
import { parseCommand, usageError } from "./args.js";
import { readOrExplain, type Io } from "./io.js";

const SPEC = {
  name: "validate",
  usage: `Usage: tollgate validate [FILE]
  Checks a policy file (default ${DEFAULT_POLICY_PATH}) and prints every problem with its line and column.
  -h, --help  print this help
  Exit 0 valid, 1 invalid, 2 usage or I/O error.`,
  options: {},
  allowPositionals: true,
} as const;

export async function validateCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(SPEC, args, io);
  if (typeof parsed === "number") return parsed;
  const { positionals } = parsed;
  if (positionals.length > 1) return usageError(SPEC, io, "give one policy file");
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
