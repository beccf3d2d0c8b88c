/**
 * deployment_protection_rule.requested: GitHub holds a job that targets an environment with Tollgate as
 * a custom rule. The gate is judged for that deployment (its environment, commit, PR and who started it);
 * approved when the checklist and approvals are complete, rejected on a rejection, otherwise a status
 * report says what it waits for. Whatever opens the gate later answers the run: an approval (followup.ts),
 * or any other evaluation of the commit (CI completing, a wake at a due time: held-runs.ts), which finds
 * the run through the App's note that it holds it (held.ts) and the due time recorded here (due.ts).
 */
import type { Context } from "probot";
import { reviewGate, runIdFromCallback } from "../../src/github/runs.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import type { Decision } from "../../src/readiness/decision.js";
import { assess } from "../assess.js";
import { clientOf } from "../../src/github/client.js";
import { repoOf } from "../pull-facts.js";
import { nowOf } from "../readiness-checks.js";
import { writeDue } from "../../src/github/due.js";
import { writeHeldStatus } from "../../src/github/held.js";
import { nextChange } from "../../src/readiness/next-change.js";
import type { Identity, Settings } from "../settings.js";

interface ProtectionPayload {
  environment?: string;
  deployment_callback_url?: string;
  deployment?: { sha: string; creator?: { login: string } | null };
  pull_requests?: { number: number }[];
  repository: { name: string; owner: { login: string }; html_url?: string };
}

export function gateReport(decision: Decision): string {
  const open = decision.checklist.filter((i) => i.state === "failed" || i.state === "pending");
  return [
    `Tollgate: ${decision.summary}`,
    ...open.map((i) => `- ${i.title}: ${i.reason}${i.fix ? ` (${i.fix})` : ""}`),
  ].join("\n");
}

export async function onProtectionRule(
  context: Context<"deployment_protection_rule">,
  env: { identity: Identity; settings: Settings },
): Promise<void> {
  const payload = context.payload as unknown as ProtectionPayload;
  const runId = runIdFromCallback(payload.deployment_callback_url ?? "");
  const environment = payload.environment;
  const sha = payload.deployment?.sha;
  if (runId === undefined || !environment || !sha)
    return context.log.debug("not a protection rule request Tollgate can answer");
  const client = clientOf(context.octokit);
  const repo = repoOf(payload);
  const initiator = payload.deployment?.creator?.login;
  const pullNumber = payload.pull_requests?.[0]?.number;
  const { policy, evidence, gathered } = await assess(client, env.identity, env.settings, {
    ...repo,
    sha,
    ...(pullNumber !== undefined ? { pullNumber } : {}),
    ...(initiator ? { initiator } : {}),
  });
  const report = (comment: string) => reviewGate(client, repo, runId, { environment, comment });
  if (!policy)
    return report("Tollgate: this repository has no policy on its default branch; the deployment waits.");
  if (!policy.ok)
    return report(
      `Tollgate: the policy on the default branch has ${policy.errors.length} errors; the deployment waits until it is fixed.`,
    );
  const now = nowOf(env.settings);
  const decision = evaluate(policy.policy, environment, evidence, now);
  const url = payload.repository.html_url ? `${payload.repository.html_url}/actions/runs/${runId}` : "";
  const note = (held: boolean) =>
    writeHeldStatus(client, { ...repo, sha }, { environment, runId, held, url });
  const noted = gathered.held.some((h) => h.runId === runId && h.environment === environment);
  const state =
    decision.verdict === "allowed" ? "approved" : decision.reasonCode === "rejected" ? "rejected" : undefined;
  if (state) {
    await reviewGate(client, repo, runId, { environment, state, comment: gateReport(decision) });
    if (noted) await note(false);
    return;
  }
  await report(gateReport(decision));
  // Noted where every later evaluation of this commit looks (so CI completing releases it), and, when the
  // gate opens by time alone, when to wake up for it.
  if (!noted) await note(true);
  const due = nextChange([decision], now);
  if (due) await writeDue(client, repo, sha, due);
}
