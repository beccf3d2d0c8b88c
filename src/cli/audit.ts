/**
 * `tollgate audit`: every deployment's record rebuilt from GitHub alone, with findings and DORA
 * metrics. Exit 0 no findings, 1 findings, 2 usage or access error (nothing is written then).
 */
import { writeFile } from "node:fs/promises";
import type { AuditOptions } from "../audit/run.js";
import type { AuditReport } from "../audit/types.js";
import { parseDuration } from "../policy/duration.js";
import { parseCommand, usageError, type Parsed } from "./args.js";
import { readOrExplain, type Io } from "./io.js";

export const AUDIT_USAGE = `Usage: tollgate audit --repo OWNER/REPO [--environment ENV] [--since DATE] [--until DATE]
         [--format md|json|csv|html] [--out FILE] [--compare previous.json] [--policy FILE]
         [--app-login LOGIN] [--trusted-writer LOGIN]... [--production ENV]... [--stale-after DURATION]
  Every deployment's record, findings and DORA metrics, rebuilt from GitHub alone.
  DATE is YYYY-MM-DD (UTC midnight) or an ISO 8601 time; the period defaults to the 30 days before now.
  Reads GITHUB_TOKEN, GITHUB_API_URL (default https://api.github.com) and GITHUB_GRAPHQL_URL.
  -h, --help  print this help
  Exit 0 no findings, 1 findings, 2 usage or access error.`;

const SPEC = {
  name: "audit",
  usage: AUDIT_USAGE,
  options: {
    repo: { type: "string" },
    environment: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    format: { type: "string", default: "md" },
    out: { type: "string" },
    compare: { type: "string" },
    policy: { type: "string" },
    "app-login": { type: "string" },
    "trusted-writer": { type: "string", multiple: true },
    production: { type: "string", multiple: true },
    "stale-after": { type: "string" },
  },
} as const;

// The audit's modules (client, comparison, renderers) are loaded once the arguments are known good, so
// `--help` and usage errors answer without them.
const FORMATS = {
  md: async () => (await import("../audit/markdown.js")).renderMarkdown,
  json: async () => (r: AuditReport) => `${JSON.stringify(r, null, 2)}\n`,
  csv: async () => (await import("../audit/csv.js")).renderCsv,
  html: async () => (await import("../audit/html.js")).renderHtml,
};
type Format = keyof typeof FORMATS;
const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Strict dates only: `Date.parse` would take "March 3" or "2025-02-30" and guess. */
export function parseDate(text: string): Date | undefined {
  if (!DATE.test(text)) return undefined;
  const date = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime())) return undefined;
  // Reject days that roll over (2025-02-30 → March 2) by reading the date part back.
  const day = text.slice(0, 10);
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const check = new Date(Date.UTC(y, m - 1, d));
  return check.getUTCMonth() === m - 1 && check.getUTCDate() === d ? date : undefined;
}

/** GHES serves REST at /api/v3 and GraphQL at /api/graphql; github.com at / and /graphql. */
export function graphqlUrlFor(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, "");
  return base.endsWith("/api/v3") ? `${base.slice(0, -2)}graphql` : `${base}/graphql`;
}

/**
 * A progress line on a terminal's stderr (nothing when stderr is a pipe or a file). `end()` closes a
 * line left open, so a message printed after an interrupted audit starts on a line of its own.
 */
function progressBar(): { update?: (read: number, total: number) => void; end(): void } {
  if (!process.stderr.isTTY) return { end: () => undefined };
  let open = false;
  return {
    update: (read, total) => {
      const width = 30;
      const done = total === 0 ? width : Math.min(width, Math.round((read / total) * width));
      process.stderr.write(`\r[${"#".repeat(done)}${" ".repeat(width - done)}] ${read}/${total} deployments`);
      open = read < total;
      if (!open) process.stderr.write("\n");
    },
    end: () => {
      if (open) process.stderr.write("\n");
      open = false;
    },
  };
}

type Values = Parsed<typeof SPEC.options>["values"];

/** What the arguments ask for, checked: the repository, the format, the period and the stale limit. */
interface AuditRequest {
  readonly owner: string;
  readonly name: string;
  readonly format: Format;
  readonly since: Date | undefined;
  readonly until: Date;
  readonly now: Date;
  readonly staleAfterMs: number | undefined;
}

function parseDates(values: Values): Record<"since" | "until", Date | undefined> | string {
  const dates: Record<"since" | "until", Date | undefined> = { since: undefined, until: undefined };
  for (const key of ["since", "until"] as const) {
    const text = values[key];
    if (text === undefined) continue;
    const date = parseDate(text);
    if (!date)
      return `--${key} "${text}" is not a date (use YYYY-MM-DD or an ISO 8601 time such as 2025-03-01T12:00:00Z)`;
    dates[key] = date;
  }
  return dates;
}

/** The request the arguments make, or the usage message saying what is wrong with them. */
function auditRequest(values: Values): AuditRequest | string {
  const repo = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(values.repo ?? "");
  if (!repo)
    return values.repo === undefined
      ? "--repo OWNER/REPO is required"
      : `--repo must be OWNER/REPO, got "${values.repo}"`;
  const format = values.format as string;
  if (!(format in FORMATS)) return `--format must be md, json, csv or html, got "${format}"`;
  const dates = parseDates(values);
  if (typeof dates === "string") return dates;
  const now = new Date();
  const until = dates.until ?? now;
  if (dates.since && dates.since.getTime() >= until.getTime()) return "--since must be before --until";
  const staleAfter = values["stale-after"] === undefined ? undefined : parseDuration(values["stale-after"]);
  if (staleAfter === undefined && values["stale-after"] !== undefined)
    return `--stale-after "${values["stale-after"]}" is not a duration (e.g. 30m, 6h, 2d)`;
  return {
    owner: repo[1]!,
    name: repo[2]!,
    format: format as Format,
    since: dates.since,
    until,
    now,
    staleAfterMs: staleAfter,
  };
}

/** The files the arguments name: a policy to judge by (`--policy`) and a report to compare with (`--compare`). */
async function readInputs(
  io: Io,
  values: Values,
): Promise<Pick<AuditOptions, "policy" | "previous"> | string> {
  let policy: AuditOptions["policy"];
  if (values.policy !== undefined) {
    const read = await readOrExplain(io, values.policy);
    if (!read.ok) return read.message;
    policy = { text: read.text, source: values.policy };
  }
  let previous: AuditOptions["previous"];
  if (values.compare !== undefined) {
    const read = await readOrExplain(io, values.compare);
    if (!read.ok) return read.message;
    const { parsePreviousReport } = await import("../audit/compare.js");
    const parsed = parsePreviousReport(read.text);
    if (!parsed.ok) return `${values.compare}: ${parsed.message}`;
    previous = parsed.report;
  }
  return { policy, previous };
}

/** Runs the audit against GitHub; an access error or an unexpected answer is reported and exits 2. */
async function readReport(
  io: Io,
  env: NodeJS.ProcessEnv,
  token: string,
  options: AuditOptions,
): Promise<AuditReport | number> {
  const apiUrl = env["GITHUB_API_URL"] || "https://api.github.com";
  const [{ AuditAccessError, httpClient }, { runAudit }] = await Promise.all([
    import("../github/audit-client.js"),
    import("../audit/run.js"),
  ]);
  const client = httpClient({
    apiUrl,
    graphqlUrl: env["GITHUB_GRAPHQL_URL"] || graphqlUrlFor(apiUrl),
    token,
  });
  const progress = progressBar();
  try {
    return await runAudit(client, { ...options, onProgress: progress.update });
  } catch (error) {
    if (error instanceof AuditAccessError || error instanceof RangeError) {
      io.err(`tollgate audit: ${error.message}`);
      return 2;
    }
    io.err(`tollgate audit: unexpected answer from GitHub: ${(error as Error).message}`);
    return 2;
  } finally {
    progress.end();
  }
}

/** The report to `--out` (with a one-line summary on stderr) or to stdout; 2 when the file cannot be written. */
async function writeReport(
  io: Io,
  out: string | undefined,
  text: string,
  report: AuditReport,
): Promise<number> {
  if (out === undefined) {
    io.out(text);
    return 0;
  }
  try {
    await writeFile(out, text);
  } catch (error) {
    io.err(`tollgate audit: cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return 2;
  }
  io.err(`tollgate audit: ${report.records.length} record(s), ${report.findings.length} finding(s) → ${out}`);
  return 0;
}

export async function auditCommand(
  args: string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const usage = (message: string): number => usageError(SPEC, io, message);
  const parsed = parseCommand(SPEC, args, io);
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const request = auditRequest(values);
  if (typeof request === "string") return usage(request);
  const token = env["GITHUB_TOKEN"];
  if (!token) return usage("set GITHUB_TOKEN to a token that can read the repository's deployments");
  const inputs = await readInputs(io, values);
  if (typeof inputs === "string") return usage(inputs);

  const report = await readReport(io, env, token, {
    owner: request.owner,
    name: request.name,
    environment: values.environment,
    since: request.since,
    until: request.until,
    now: request.now,
    ...inputs,
    appLogin: values["app-login"],
    trustedWriters: values["trusted-writer"],
    productionEnvironments: values.production,
    staleAfterMs: request.staleAfterMs,
  });
  if (typeof report === "number") return report;
  const text = (await FORMATS[request.format]())(report);
  const written = await writeReport(io, values.out, text, report);
  if (written !== 0) return written;
  return report.findings.length > 0 ? 1 : 0;
}
