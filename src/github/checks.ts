/**
 * Readiness as check runs: one "Tollgate · <environment>" run per gated environment on the PR head, and
 * "Tollgate · policy" when the policy file itself is broken. An evaluation creates a new run with its
 * final state in one POST (GitHub shows the latest run of a name): no read to find an earlier run's id,
 * and no run is ever left in_progress to hold its check suite open. A run's external_id carries a digest
 * of what it shows, so an evaluation that would show the same again writes nothing: most events (an
 * edited description, unrelated CI news, a redelivery) then cost one read and no write, and cause no
 * check run webhooks of their own.
 */
import { createHash } from "node:crypto";
import type { PolicyError } from "../policy/errors.js";
import { formatPolicyError } from "../policy/errors.js";
import type { Decision } from "../readiness/decision.js";
import { renderMarkdown } from "../readiness/render.js";
import type { GitHubClient, RepositoryRef } from "./client.js";

export const CHECK_PREFIX = "Tollgate · ";
export const POLICY_CHECK = `${CHECK_PREFIX}policy`;
export const REEVALUATE = "reevaluate";
/** GitHub's limits: output.summary ≤ 65,535 characters, ≤ 50 annotations per request. */
export const SUMMARY_LIMIT = 65_535;
export const ANNOTATIONS_PER_REQUEST = 50;

export type Conclusion = "success" | "action_required" | "failure";

export const checkRunName = (environment: string) => `${CHECK_PREFIX}${environment}`;

/**
 * allowed → success; blocked → failure; waiting → action_required, also while CI is still running:
 * a run is written complete so it never keeps the suite pending, and the next CI event replaces it.
 */
export function conclusionOf(decision: Decision): Conclusion {
  return decision.verdict === "allowed"
    ? "success"
    : decision.verdict === "blocked"
      ? "failure"
      : "action_required";
}

export function fitSummary(text: string): string {
  if (text.length <= SUMMARY_LIMIT) return text;
  const note = "\n\n… (cut to GitHub's 65,535-character limit)";
  return text.slice(0, SUMMARY_LIMIT - note.length) + note;
}

function titleOf(decision: Decision): string {
  if (decision.verdict === "allowed") return `Ready for ${decision.environment}`;
  const deciding =
    decision.checklist.find((i) => i.state === "failed") ??
    decision.checklist.find((i) => i.state === "pending");
  const open = decision.checklist.filter((i) => i.state === "failed" || i.state === "pending").length;
  const head = decision.verdict === "blocked" ? "Blocked" : "Waiting";
  return `${head}: ${deciding?.title ?? decision.reasonCode}${open > 1 ? ` (+${open - 1} more)` : ""}`;
}

export function readinessCheckRun(decision: Decision, headSha: string) {
  const shown = {
    conclusion: conclusionOf(decision),
    output: { title: titleOf(decision), summary: fitSummary(renderMarkdown(decision)) },
    actions: [{ label: "Re-evaluate", description: "Gather the evidence again", identifier: REEVALUATE }],
  };
  const digest = createHash("sha256").update(JSON.stringify(shown)).digest("base64url").slice(0, 22);
  return {
    name: checkRunName(decision.environment),
    head_sha: headSha,
    status: "completed" as const,
    external_id: `${decision.environment}@${decision.sha}#${digest}`,
    ...shown,
  };
}

/**
 * Writes the decision's check run, unless `shown` (the external_id of the run GitHub shows now under
 * that name) says it would show the same. Returns whether it wrote.
 */
export async function writeReadinessCheck(
  client: GitHubClient,
  repo: RepositoryRef,
  headSha: string,
  decision: Decision,
  shown?: string,
): Promise<boolean> {
  const run = readinessCheckRun(decision, headSha);
  if (run.external_id === shown) return false;
  await client.request("POST /repos/{owner}/{repo}/check-runs", { ...repo, ...run });
  return true;
}

/** The names of the runs an App shows on a commit under Tollgate's prefix (the latest of each). */
export async function ourCheckRunNames(
  client: GitHubClient,
  repo: RepositoryRef,
  sha: string,
  appSlug: string,
): Promise<string[]> {
  const { data } = await client.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    ...repo,
    ref: sha,
    filter: "latest",
    per_page: 100,
  });
  const runs = (data as { check_runs: { name: string; app: { slug: string } | null }[] }).check_runs;
  return [
    ...new Set(
      runs.filter((r) => r.app?.slug === appSlug && r.name.startsWith(CHECK_PREFIX)).map((r) => r.name),
    ),
  ];
}

interface CompletedRun {
  readonly name: string;
  readonly headSha: string;
  readonly externalId: string;
  readonly title: string;
  readonly summary: string;
}

/** A completed run of Tollgate's that is no environment's decision: a notice, or its retraction. */
async function writeCompletedRun(
  client: GitHubClient,
  repo: RepositoryRef,
  run: CompletedRun,
  conclusion: "action_required" | "neutral",
): Promise<void> {
  await client.request("POST /repos/{owner}/{repo}/check-runs", {
    ...repo,
    name: run.name,
    head_sha: run.headSha,
    status: "completed",
    conclusion,
    external_id: run.externalId,
    output: { title: run.title, summary: fitSummary(run.summary) },
    ...(conclusion === "action_required"
      ? {
          actions: [
            { label: "Re-evaluate", description: "Gather the evidence again", identifier: REEVALUATE },
          ],
        }
      : {}),
  });
}

/** A run that says in words why nothing was evaluated: never a pass, with a button to try again. */
export function writeNoticeCheck(
  client: GitHubClient,
  repo: RepositoryRef,
  run: CompletedRun,
): Promise<void> {
  return writeCompletedRun(client, repo, run, "action_required");
}

/**
 * A "not evaluated" notice superseded once the commit was evaluated: neutral (neither a pass nor a
 * failure), pointing at the environments' own runs, which hold the result.
 */
export function writeNoticeCleared(
  client: GitHubClient,
  repo: RepositoryRef,
  run: { name: string; headSha: string },
): Promise<void> {
  return writeCompletedRun(
    client,
    repo,
    {
      ...run,
      externalId: "evaluated",
      title: "Evaluated: see each environment's run",
      summary: "Tollgate could evaluate this commit again; each gated environment's run shows the result.",
    },
    "neutral",
  );
}

/** The policy check: failure with each error as an annotation on the file, or success once it is fixed. */
export async function writePolicyCheck(
  client: GitHubClient,
  repo: RepositoryRef,
  headSha: string,
  errors: readonly PolicyError[],
): Promise<void> {
  const base = { ...repo, name: POLICY_CHECK, head_sha: headSha, status: "completed" };
  if (errors.length === 0) {
    await client.request("POST /repos/{owner}/{repo}/check-runs", {
      ...base,
      conclusion: "success",
      output: { title: "The policy is valid", summary: "The policy on the default branch is valid." },
    });
    return;
  }
  const output = {
    title: `The policy has ${errors.length} error${errors.length === 1 ? "" : "s"}: no deployment can pass`,
    summary: fitSummary(
      [
        "Tollgate reads `.github/tollgate.yml` from the default branch and fails closed while it is invalid:",
        "no approval is recorded and every gate stays shut until it is fixed.",
        "",
        ...errors.map((e) => `- \`${formatPolicyError(e)}\``),
      ].join("\n"),
    ),
  };
  const annotations = errors.map((e) => ({
    path: e.file,
    start_line: Math.max(1, e.line),
    end_line: Math.max(1, e.line),
    annotation_level: "failure",
    title: e.path || "policy",
    message: e.message,
  }));
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST)
    batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const { data } = await client.request("POST /repos/{owner}/{repo}/check-runs", {
    ...base,
    conclusion: "failure",
    output: { ...output, annotations: batches[0] },
  });
  // GitHub takes 50 annotations per request; the rest are appended by updating the same run.
  for (const batch of batches.slice(1)) {
    await client.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...repo,
      check_run_id: (data as { id: number }).id,
      output: { ...output, annotations: batch },
    });
  }
}
