import { formatPolicyError } from "../policy/errors.js";
import { loadPolicy } from "../policy/load.js";
import { evaluate } from "../readiness/evaluate.js";
import { loadEvidence } from "../readiness/load-evidence.js";
import { renderText } from "../readiness/render.js";
import { parseCommand } from "./args.js";
import { withLocalHolidayFiles } from "./holiday-files.js";
import { readOrExplain, type Io } from "./io.js";

export const FILE_USAGE =
  "Usage: tollgate explain --policy FILE --environment ENV --evidence FILE.json [--at ISO-TIME] [--format text|json]";

/** Both forms, with the live one's options (`explain-live.ts` holds them, loaded only when used). */
export const EXPLAIN_USAGE = `${FILE_USAGE}
       tollgate explain --repo OWNER/REPO --sha SHA --environment ENV [--policy PATH] [--app-bot LOGIN]
                        [--initiator LOGIN] [--at ISO-TIME] [--format text|json]
  Would this deployment be allowed, and if not, why? The first form reads the evidence from a file (JSON or
  YAML), and the holiday files it does not carry from the policy's checkout; the second gathers it all from GitHub: GITHUB_TOKEN authenticates, GITHUB_API_URL (default
  https://api.github.com) and GITHUB_SERVER_URL point at GitHub Enterprise Server or the sandbox.
  -h, --help  print this help
  Exit 0 allowed, 1 not allowed (waiting or blocked), 2 usage, policy, evidence or GitHub error.`;

const LIVE_OPTIONS = ["repo", "sha", "environment", "policy", "app-bot", "initiator", "at", "format"];

const SPEC = {
  name: "explain",
  usage: EXPLAIN_USAGE,
  options: {
    policy: { type: "string" },
    environment: { type: "string" },
    evidence: { type: "string" },
    at: { type: "string" },
    format: { type: "string", default: "text" },
  },
  alsoKnown: LIVE_OPTIONS,
} as const;

export async function explainCommand(args: string[], io: Io): Promise<number> {
  // With --repo the evidence comes live from GitHub (or the sandbox) instead of a file; only then is
  // the GitHub client loaded.
  if (args.includes("--repo") && !args.includes("--help") && !args.includes("-h"))
    return (await import("./explain-live.js")).explainLiveCommand(args, io);
  const parsed = parseCommand(SPEC, args, io);
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const missing = (["policy", "environment", "evidence"] as const).filter((key) => !values[key]);
  if (missing.length > 0) {
    io.err(`tollgate explain: missing ${missing.map((m) => `--${m}`).join(", ")}\n${FILE_USAGE}`);
    return 2;
  }
  if (values.format !== "text" && values.format !== "json") {
    io.err(`tollgate explain: --format must be text or json, got "${values.format}"`);
    return 2;
  }
  const now = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(now.getTime())) {
    io.err(
      `tollgate explain: --at must be an ISO 8601 time such as 2026-11-22T09:30:00Z, got "${values.at}"`,
    );
    return 2;
  }

  const policyText = await readOrExplain(io, values.policy!);
  const evidenceText = await readOrExplain(io, values.evidence!);
  if (!policyText.ok || !evidenceText.ok) {
    for (const read of [policyText, evidenceText]) if (!read.ok) io.err(`tollgate explain: ${read.message}`);
    return 2;
  }
  const policy = loadPolicy(policyText.text, values.policy);
  const evidence = loadEvidence(evidenceText.text, values.evidence!);
  const errors = [...(policy.ok ? [] : policy.errors), ...(evidence.ok ? [] : evidence.errors)];
  if (!policy.ok || !evidence.ok) {
    for (const error of errors) io.err(formatPolicyError(error));
    return 2;
  }
  // Holiday files the evidence does not carry are read from the policy's checkout, as `validate` does.
  const complete = await withLocalHolidayFiles(
    io,
    values.policy!,
    policy.policy,
    values.environment!,
    evidence.evidence,
  );
  const decision = evaluate(policy.policy, values.environment!, complete, now);
  io.out(values.format === "json" ? JSON.stringify(decision, null, 2) : renderText(decision));
  return decision.verdict === "allowed" ? 0 : 1;
}
