/**
 * `tollgate explain --repo OWNER/REPO --sha SHA --environment ENV`: "why can't I deploy?" from a
 * terminal, with the same evidence the Action gathers (the GraphQL query, then the PR's patches and
 * alerts the checklist reads: github/policy-evidence) from GitHub, GitHub
 * Enterprise Server or the sandbox: GITHUB_TOKEN authenticates, GITHUB_API_URL points elsewhere.
 */
import { WORKFLOW_BOT } from "../action/gate.js";
import { wayForward } from "../action/way-forward.js";
import { renderWayForward } from "../action/summary.js";
import { assessCommit } from "../github/assess.js";
import { githubClient } from "../github/octokit.js";
import { own } from "../policy/own.js";
import { formatPolicyError } from "../policy/errors.js";
import { DEFAULT_POLICY_PATH, loadPolicy } from "../policy/load.js";
import { evaluate } from "../readiness/evaluate.js";
import { renderText } from "../readiness/render.js";
import { parseCommand } from "./args.js";
import { EXPLAIN_USAGE } from "./explain.js";
import type { Io } from "./io.js";

export const LIVE_USAGE =
  "Usage: tollgate explain --repo OWNER/REPO --sha SHA --environment ENV [--policy PATH] [--app-bot LOGIN] [--initiator LOGIN] [--at ISO-TIME] [--format text|json]\n" +
  "       GITHUB_TOKEN authenticates; GITHUB_API_URL (default https://api.github.com) and GITHUB_SERVER_URL for GHES or the sandbox.";

const SPEC = {
  name: "explain",
  usage: EXPLAIN_USAGE,
  options: {
    repo: { type: "string" },
    sha: { type: "string" },
    environment: { type: "string" },
    policy: { type: "string", default: DEFAULT_POLICY_PATH },
    "app-bot": { type: "string", default: "tollgate[bot]" },
    initiator: { type: "string" },
    at: { type: "string" },
    format: { type: "string", default: "text" },
  },
  alsoKnown: ["evidence"],
} as const;

/** Exit codes as `tollgate explain`: 0 allowed, 1 waiting or blocked, 2 usage, policy or GitHub error. */
export async function explainLiveCommand(
  args: string[],
  io: Io,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  const parsed = parseCommand(SPEC, args, io);
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const [owner, repo, extra] = (values["repo"] ?? "").split("/");
  if (!owner || !repo || extra !== undefined) {
    io.err(`tollgate explain: --repo must be OWNER/REPO, got "${values["repo"] ?? ""}"\n${LIVE_USAGE}`);
    return 2;
  }
  const missing = (["sha", "environment"] as const).filter((key) => !values[key]);
  if (missing.length > 0) {
    io.err(`tollgate explain: missing ${missing.map((m) => `--${m}`).join(", ")}\n${LIVE_USAGE}`);
    return 2;
  }
  const now = values["at"] === undefined ? new Date() : new Date(values["at"]);
  if (Number.isNaN(now.getTime()) || (values["format"] !== "text" && values["format"] !== "json")) {
    io.err(`tollgate explain: --at must be an ISO 8601 time and --format text or json\n${LIVE_USAGE}`);
    return 2;
  }

  const client = githubClient({
    apiUrl: env["GITHUB_API_URL"] ?? "https://api.github.com",
    token: env["GITHUB_TOKEN"] || undefined,
  });
  const policyPath = values["policy"]!;
  const appBot = values["app-bot"]!;
  // The same assessment as the Action's gate: the evidence, then what the environment's checklist reads
  // beyond it (patches for the secret scan, code and secret scanning alerts, holiday files).
  const environment = values["environment"]!;
  const assessment = await assessCommit(
    client,
    {
      owner,
      repo,
      sha: values["sha"]!,
      policyPath,
      appBot,
      trustedWriters: [appBot, WORKFLOW_BOT],
      ...(values["initiator"] ? { initiator: values["initiator"] } : {}),
    },
    { load: loadPolicy, environments: (policy) => [own(policy.environments, environment)] },
  );
  const { gathered, evidence } = assessment;
  const loaded = assessment.policy;
  if (!loaded) {
    io.err(
      `tollgate explain: no policy at ${policyPath} on ${owner}/${repo}'s default branch (${gathered.defaultBranch})`,
    );
    return 2;
  }
  if (!loaded.ok) {
    for (const error of loaded.errors) io.err(formatPolicyError(error));
    return 2;
  }
  const decision = evaluate(loaded.policy, environment, evidence, now);
  for (const warning of gathered.warnings)
    io.err(`warning: GitHub left out part of the evidence: ${warning}`);
  if (values["format"] === "json") io.out(JSON.stringify(decision, null, 2));
  else {
    const serverUrl = env["GITHUB_SERVER_URL"] ?? "https://github.com";
    const way = wayForward(loaded.policy, decision, evidence, serverUrl);
    const forward = decision.verdict === "allowed" ? [] : ["", ...renderWayForward(way).slice(2)];
    io.out([renderText(decision), ...forward].join("\n"));
  }
  return decision.verdict === "allowed" ? 0 : 1;
}
