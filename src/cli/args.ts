/**
 * Option parsing shared by the commands: Node's `util.parseArgs` (strict), plus what every command
 * answers the same way: `--help`/`-h` prints its usage on stdout and exits 0, and a mistyped option
 * is named with the closest one the command knows.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { closest } from "../policy/errors.js";
import type { Io } from "./io.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CommandSpec<O extends Options> {
  /** `validate`, `explain` …: messages start `tollgate <name>:`. */
  readonly name: string;
  readonly usage: string;
  readonly options: O;
  readonly allowPositionals?: boolean;
  /** Options of the command's other forms, offered as suggestions too (explain's file and live forms). */
  readonly alsoKnown?: readonly string[];
}

const HELP = { help: { type: "boolean", short: "h" } } as const;

export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O & typeof HELP }>>;

/**
 * The parsed arguments, or the exit code when the command is done already: 0 after `--help`, 2 after
 * a usage error (printed on stderr with the usage).
 */
export function parseCommand<O extends Options>(
  spec: CommandSpec<O>,
  args: string[],
  io: Io,
): { values: Parsed<O>["values"]; positionals: string[] } | number {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...spec.options, ...HELP },
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    // --help wins over any other mistake on the line: `tollgate audit --repo --help` asks for help.
    if (args.includes("--help") || args.includes("-h")) return printHelp(spec, io);
    return usageError(spec, io, describe(spec, error));
  }
  if (parsed.values["help"] === true) return printHelp(spec, io);
  return parsed as { values: Parsed<O>["values"]; positionals: string[] };
}

export function usageError(spec: { name: string; usage: string }, io: Io, message: string): number {
  io.err(`tollgate ${spec.name}: ${message}\n${spec.usage}`);
  return 2;
}

function printHelp(spec: { usage: string }, io: Io): number {
  io.out(spec.usage);
  return 0;
}

/** parseArgs's error, said the way the other messages are, with a suggestion for an unknown option. */
function describe(spec: CommandSpec<Options>, error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const named = /'([^']+)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && named !== undefined) {
    const known = [...Object.keys(spec.options), ...(spec.alsoKnown ?? []), "help"];
    const suggestion = named.startsWith("--") ? closest(named.slice(2), known) : undefined;
    // Node's own words (scripts and tests match them), without its advice on positionals.
    return `Unknown option '${named}'${suggestion ? `; did you mean --${suggestion}?` : ""}`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && named !== undefined)
    return `unexpected argument "${named}"`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const option = named?.split(" ")[0];
    return option && message.includes("argument missing")
      ? `${option} needs a value`
      : message.replaceAll("'", "");
  }
  return message;
}
