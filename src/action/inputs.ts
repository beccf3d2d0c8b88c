/**
 * The Action's inputs, read once and validated with zod into one settings object. Every input that
 * action.yml declares is listed in INPUT_NAMES, typed by name, so the compiler proves each one is read;
 * the messages say exactly what to fix.
 */
import * as z from "zod";
import { parseDuration } from "../policy/duration.js";
import { DEFAULT_POLICY_PATH } from "../policy/load.js";
import { workflowRunUrl } from "../records/format.js";

export const MODES = [
  "gate",
  "deploy",
  "rollback",
  "resume",
  "abort",
  "checkpoints",
  "audit",
  "wake",
] as const;
export type Mode = (typeof MODES)[number];

/**
 * Former names of modes, still accepted so existing workflows keep running: each behaves exactly as the
 * mode it names, and a run using one is warned to move to the new name.
 */
export const DEPRECATED_MODES: Readonly<Record<string, Mode>> = { validate: "checkpoints" };

export const INPUT_NAMES = [
  "environment",
  "github-token",
  "policy",
  "mode",
  "ref",
  "strategy",
  "wait-for-approval",
  "dry-run",
  "app-bot",
  "lock-timeout",
] as const;
export type InputName = (typeof INPUT_NAMES)[number];

/** What the workflow run tells about itself (from `@actions/github`'s context). */
export interface RunContext {
  readonly owner: string;
  readonly repo: string;
  readonly sha: string;
  readonly actor: string;
  readonly runId: number;
  readonly serverUrl: string;
}

export interface ActionSettings {
  readonly environment: string;
  readonly token: string;
  /** Read from the default branch, never from the commit being deployed. */
  readonly policyPath: string;
  readonly mode: Mode;
  readonly owner: string;
  readonly repo: string;
  /** The commit judged and deployed. */
  readonly sha: string;
  readonly strategy?: string;
  /** 0: fail fast and let the App re-run the job once the approvals are in. */
  readonly waitForApprovalMs: number;
  readonly dryRun: boolean;
  /** The Tollgate App's bot login: the only writer whose approvals count. */
  readonly appBot: string;
  /** Who started the run (separation of duties; `requested_by` in the record). */
  readonly actor: string;
  /** The run's page: every status the Action writes links it, and the App re-runs it from there. */
  readonly runUrl: string;
  /**
   * How long the environment lock's holder may go without a heartbeat before another run takes it over;
   * undefined: the environment's own limit (its longest wait plus STALE_MARGIN_MS, see inflight.ts).
   */
  readonly lockTimeoutMs?: number;
}

const BOOLEAN = { true: true, false: false } as const;
const SHA = /^[0-9a-f]{40}$/i;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

const inputsSchema = z.object({
  environment: z.string().min(1, "`environment` is required (e.g. production)"),
  "github-token": z.string().min(1, "`github-token` is empty: pass `${{ github.token }}` or an App token"),
  policy: z.string().regex(/^[^/].*\.ya?ml$/, "`policy` must be a repository-relative .yml/.yaml path"),
  mode: z.enum(MODES, { error: `\`mode\` must be one of ${MODES.join(", ")}` }),
  ref: z.string().regex(SHA, "`ref` must be a full 40-character commit SHA (e.g. ${{ github.sha }})"),
  strategy: z.string(),
  "wait-for-approval": z
    .string()
    .refine(
      (text) => text === "" || parseDuration(text) !== undefined,
      "`wait-for-approval` must be a duration such as 30m or 1h30m",
    ),
  "dry-run": z
    .string()
    .transform((text) => text.toLowerCase())
    .pipe(z.enum(["", "true", "false"], { error: "`dry-run` must be true or false" })),
  "app-bot": z.string().regex(LOGIN, "`app-bot` must be a GitHub login such as tollgate[bot]"),
  "lock-timeout": z
    .string()
    .refine(
      (text) => text === "" || (parseDuration(text) ?? 0) > 0,
      "`lock-timeout` must be a duration such as 45m or 2h",
    ),
});

export class InputError extends Error {
  override readonly name = "InputError";
}

/**
 * Reads every input (trimmed, as `core.getInput` returns them) and the run's context into settings;
 * `warn` is told about inputs that still work but should change (a deprecated mode name).
 */
export function readSettings(
  getInput: (name: InputName) => string,
  context: RunContext,
  warn: (message: string) => void,
): ActionSettings {
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, getInput(name)])) as Record<
    InputName,
    string
  >;
  const renamed = Object.hasOwn(DEPRECATED_MODES, raw.mode) ? DEPRECATED_MODES[raw.mode] : undefined;
  if (renamed) warn(`\`mode: ${raw.mode}\` is deprecated: use \`mode: ${renamed}\`, which does the same.`);
  const withDefaults = {
    ...raw,
    // mode wake serves every commit with a due time, no one environment.
    environment: raw.environment || (raw.mode === "wake" ? "*" : ""),
    policy: raw.policy || DEFAULT_POLICY_PATH,
    mode: renamed ?? (raw.mode || "gate"),
    ref: raw.ref || context.sha,
    "app-bot": raw["app-bot"] || "tollgate[bot]",
  };
  const parsed = inputsSchema.safeParse(withDefaults);
  if (!parsed.success) {
    throw new InputError(`Invalid inputs:\n${parsed.error.issues.map((i) => `- ${i.message}`).join("\n")}`);
  }
  const input = parsed.data;
  return {
    environment: input.environment,
    token: input["github-token"],
    policyPath: input.policy,
    mode: input.mode,
    owner: context.owner,
    repo: context.repo,
    sha: input.ref.toLowerCase(),
    ...(input.strategy ? { strategy: input.strategy } : {}),
    waitForApprovalMs: input["wait-for-approval"] ? parseDuration(input["wait-for-approval"])! : 0,
    dryRun: BOOLEAN[input["dry-run"] || "false"],
    appBot: input["app-bot"],
    actor: context.actor,
    runUrl: workflowRunUrl(context.serverUrl, `${context.owner}/${context.repo}`, context.runId),
    ...(input["lock-timeout"] ? { lockTimeoutMs: parseDuration(input["lock-timeout"])! } : {}),
  };
}
