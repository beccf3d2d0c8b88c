import { formatPolicyError } from "../policy/errors.js";
import { DEFAULT_POLICY_PATH, loadPolicy } from "../policy/load.js";
import type { PolicyDocument } from "../policy/schema.js";
import { parseHolidayCalendar } from "../readiness/ical.js";
import { parseCommand, usageError } from "./args.js";
import { localPath } from "./holiday-files.js";
import { readOrExplain, type Io } from "./io.js";

const SPEC = {
  name: "validate",
  usage: `Usage: tollgate validate [FILE]
  Checks a policy file (default ${DEFAULT_POLICY_PATH}) and prints every problem with its line and column.
  The calendars' holiday files (holidays_file) are read too, from the repository the policy is in: the
  directory holding its .github folder, or else the policy's own directory.
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
  const holidayErrors = await checkHolidayFiles(io, file, result.document);
  if (holidayErrors > 0) {
    io.err(`${file}: ${holidayErrors} holiday file error${holidayErrors === 1 ? "" : "s"}`);
    return 1;
  }
  const environments = Object.keys(result.policy.environments);
  io.out(
    `${file}: valid (${environments.length} environment${environments.length === 1 ? "" : "s"}: ${environments.join(", ")})`,
  );
  return 0;
}

/**
 * Reads each holiday file the calendars name with the gate's own reader: an error is printed as
 * `path:line: message`. A file not found here is a warning only: the gate reads it from the default
 * branch, where it may well be, and blocks business-day notices if it is not.
 */
async function checkHolidayFiles(io: Io, policyFile: string, document: PolicyDocument): Promise<number> {
  const paths = new Set(
    Object.values(document.calendars ?? {}).flatMap((c) =>
      c.holidays_file !== undefined ? [c.holidays_file] : [],
    ),
  );
  let errors = 0;
  for (const path of [...paths].sort()) {
    const local = localPath(policyFile, path);
    const read = await readOrExplain(io, local);
    if (!read.ok) {
      io.err(
        `warning: ${read.message}; the gate reads ${path} from the default branch and blocks business-day notices without it`,
      );
      continue;
    }
    const parsed = parseHolidayCalendar(read.text);
    if (!parsed.ok) {
      io.err(`${local}:${parsed.line}: ${parsed.message}`);
      errors++;
    }
  }
  return errors;
}
