/**
 * Comment commands. A command counts only when it opens the comment's first line: that one rule keeps
 * out quoted approvals (`> /approve`), commands in code blocks (fenced or indented), commands buried in
 * prose ("no, don't /approve"), and the bot's own replies, which never start with a slash.
 */
export type Command =
  | { readonly kind: "approve"; readonly environment: string; readonly note?: string }
  | { readonly kind: "reject"; readonly environment: string; readonly reason: string }
  | { readonly kind: "rollback"; readonly environment: string }
  | { readonly kind: "help" }
  | { readonly kind: "explain"; readonly environment?: string }
  | { readonly kind: "resume" | "abort"; readonly environment: string }
  | { readonly kind: "invalid"; readonly command: string; readonly problem: string };

const FIRST_LINE = /^ {0,3}\/([a-z-]+)(?:[ \t]+(.*))?$/i;
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Keyed by the command a comment names: a Map, so "/constructor" finds nothing. */
const USAGE = new Map([
  ["approve", "/approve <environment> [note]"],
  ["reject", "/reject <environment> <reason>"],
  ["rollback", "/rollback <environment>"],
  [
    "tollgate",
    "/tollgate help | /tollgate explain [environment] | /tollgate resume <environment> | /tollgate abort <environment>",
  ],
]);

/** The command a comment body carries, or undefined when it carries none (an ordinary comment). */
export function parseCommand(body: string): Command | undefined {
  const firstLine = body
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/, 1)[0]!
    .trimEnd();
  const match = FIRST_LINE.exec(firstLine);
  if (!match) return undefined;
  const name = match[1]!.toLowerCase();
  const args = (match[2] ?? "").trim();
  const [first = "", ...restWords] = args.split(/\s+/).filter(Boolean);
  const rest = args.slice(first.length).trim();
  const invalid = (problem: string): Command => ({
    kind: "invalid",
    command: name,
    problem: `${problem}; usage: ${USAGE.get(name)}`,
  });
  const environment = () => (ENVIRONMENT.test(first) ? first : undefined);

  switch (name) {
    case "approve": {
      if (!environment())
        return invalid(first ? `"${first}" is not an environment name` : "name the environment");
      return { kind: "approve", environment: first, ...(rest ? { note: rest } : {}) };
    }
    case "reject": {
      if (!environment())
        return invalid(first ? `"${first}" is not an environment name` : "name the environment");
      if (!rest) return invalid("give a reason");
      return { kind: "reject", environment: first, reason: rest };
    }
    case "rollback": {
      if (!environment())
        return invalid(first ? `"${first}" is not an environment name` : "name the environment");
      if (restWords.length > 0) return invalid("only the environment is expected");
      return { kind: "rollback", environment: first };
    }
    case "tollgate": {
      if (first === "help" && restWords.length === 0) return { kind: "help" };
      if (first === "explain" && restWords.length <= 1) {
        const env = restWords[0];
        if (env !== undefined && !ENVIRONMENT.test(env))
          return invalid(`"${env}" is not an environment name`);
        return { kind: "explain", ...(env !== undefined ? { environment: env } : {}) };
      }
      if (first === "resume" || first === "abort") {
        const env = restWords[0];
        if (env === undefined) return invalid(`name the environment to ${first}`);
        if (!ENVIRONMENT.test(env)) return invalid(`"${env}" is not an environment name`);
        if (restWords.length > 1) return invalid("only the environment is expected");
        return { kind: first, environment: env };
      }
      return invalid(first ? `unknown subcommand "${first}"` : "name a subcommand");
    }
    default:
      // Other slash commands belong to other bots; they are not ours to refuse.
      return undefined;
  }
}

export const COMMAND_HELP = [...USAGE.values()];
