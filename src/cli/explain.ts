import { parseArgs } from "node:util";
import { formatPolicyError } from "../policy/errors.js";
import { loadPolicy } from "../policy/load.js";
import { evaluate } from "../readiness/evaluate.js";
import { loadEvidence } from "../readiness/load-evidence.js";
import { renderText } from "../readiness/render.js";
import { explainLiveCommand } from "./explain-live.js";
import { readOrExplain, type Io } from "./io.js";

const USAGE =
  "Usage: tollgate explain --policy FILE --environment ENV --evidence FILE.json [--at ISO-TIME] [--format text|json]";

export async function explainCommand(args: string[], io: Io): Promise<number> {
  // With --repo the evidence comes live from GitHub (or the sandbox) instead of a file.
  if (args.includes("--repo")) return explainLiveCommand(args, io);
  let values: { policy?: string; environment?: string; evidence?: string; at?: string; format?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        policy: { type: "string" },
        environment: { type: "string" },
        evidence: { type: "string" },
        at: { type: "string" },
        format: { type: "string", default: "text" },
      },
    }));
  } catch (error) {
    io.err(`tollgate explain: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const missing = (["policy", "environment", "evidence"] as const).filter((key) => !values[key]);
  if (missing.length > 0) {
    io.err(`tollgate explain: missing ${missing.map((m) => `--${m}`).join(", ")}\n${USAGE}`);
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
  const decision = evaluate(policy.policy, values.environment!, evidence.evidence, now);
  io.out(values.format === "json" ? JSON.stringify(decision, null, 2) : renderText(decision));
  return decision.verdict === "allowed" ? 0 : 1;
}
