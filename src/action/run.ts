/**
 * The Action's I/O, and only that: inputs → settings, the Octokit, the chosen mode, then outputs, the
 * job summary and the step's result. Whatever goes wrong — bad inputs, an invalid policy, GitHub
 * failing, a throw that is not even an Error — ends in a failed step: the gate fails closed.
 */
import * as core from "@actions/core";
import * as github from "@actions/github";
import { githubClient } from "../github/octokit.js";
import { describeRateLimit, rateLimitOf } from "../github/rate-limit.js";
import { InvalidPolicyError, formatPolicyError } from "../policy/errors.js";
import { auditMode } from "./audit.js";
import { checkpointsMode } from "./checkpoints.js";
import { gatePhase, type ActionDeps } from "./gate-phase.js";
import { deployMode } from "./deploy.js";
import { readSettings, type ActionSettings, type Mode } from "./inputs.js";
import { errorResult, resultJson, type ModeOutcome } from "./outcome.js";
import { abortMode, resumeMode } from "./paused.js";
import { rollbackMode } from "./rollback.js";
import { renderSummary } from "./summary.js";
import { wakeMode } from "./wake.js";
import { wayForward } from "./way-forward.js";

/** The exit code of a run whose rollback failed (any other failure exits 1). */
export const CRITICAL_EXIT_CODE = 2;

const MODES: Record<Mode, (deps: ActionDeps, settings: ActionSettings) => Promise<ModeOutcome>> = {
  gate: async (deps, settings) => {
    const gate = await gatePhase(deps, settings);
    return {
      evaluation: gate.evaluation,
      ...(gate.deploymentId !== undefined ? { deploymentId: gate.deploymentId } : {}),
      ...(gate.status !== undefined ? { status: gate.status } : {}),
      rolledBack: false,
      sections: [],
      requests: gate.requests,
      ...(gate.failure ? { failure: gate.failure } : {}),
    };
  },
  deploy: deployMode,
  rollback: rollbackMode,
  resume: resumeMode,
  abort: abortMode,
  checkpoints: checkpointsMode,
  audit: auditMode,
  wake: wakeMode,
};

export async function run(): Promise<void> {
  let settings: ActionSettings | undefined;
  try {
    const { context } = github;
    settings = readSettings(
      (name) => core.getInput(name),
      {
        ...context.repo,
        sha: context.sha,
        actor: context.actor,
        runId: context.runId,
        serverUrl: context.serverUrl,
      },
      (message) => core.warning(message),
    );
    core.setSecret(settings.token);
    const client = githubClient({ token: settings.token });
    const deps: ActionDeps = {
      client,
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log: (message) => core.info(message),
      phase: (name, fn) => core.group(name, fn),
    };
    const outcome = await MODES[settings.mode](deps, settings);
    await publish(settings, outcome);
    if (outcome.critical) {
      core.error(outcome.failure ?? "rollback failed", { title: "Tollgate CRITICAL" });
      core.setFailed(outcome.failure ?? "rollback failed");
      // Every failure exits 1; a failed rollback (the environment may be broken) exits 2.
      process.exitCode = CRITICAL_EXIT_CODE;
    } else if (outcome.failure) core.setFailed(outcome.failure);
  } catch (error) {
    await failClosed(error, settings);
  }
}

async function publish(settings: ActionSettings, outcome: ModeOutcome): Promise<void> {
  const result = resultJson(settings, outcome);
  core.setOutput("decision", result.decision);
  core.setOutput("reason-code", result.reason_code);
  core.setOutput("deployment-id", outcome.deploymentId ?? "");
  core.setOutput("status", outcome.status ?? "");
  core.setOutput("rolled-back", String(outcome.rolledBack));
  core.setOutput("previous-sha", outcome.previousSha ?? "");
  core.setOutput("rollout", outcome.rollout ?? "");
  core.setOutput("audit-report", outcome.auditReport ?? "");
  core.setOutput("result", JSON.stringify(result));
  const evaluation = outcome.evaluation;
  const way = evaluation
    ? wayForward(evaluation.policy, evaluation.decision, evaluation.evidence, github.context.serverUrl)
    : undefined;
  await writeSummary(renderSummary(settings, outcome, way));
}

async function failClosed(error: unknown, settings: ActionSettings | undefined): Promise<void> {
  // GitHub refusing for its rate limit is not a verdict: say so, with when it can be tried again.
  const limited = rateLimitOf(error);
  const message = limited
    ? `Not judged: ${describeRateLimit(limited)}. The gate fails closed; re-run the job after the reset. GitHub said: ${limited.message}`
    : error instanceof Error
      ? error.message
      : `non-error thrown: ${String(error)}`;
  try {
    if (error instanceof InvalidPolicyError) {
      // Annotations point at the policy's line, so the fix shows up where the mistake is.
      for (const e of error.errors)
        core.error(formatPolicyError(e), {
          title: "Tollgate policy",
          file: e.file,
          startLine: e.line,
          startColumn: e.column,
        });
    }
    core.setOutput("decision", "error");
    core.setOutput("reason-code", limited ? "rate_limited" : "action_error");
    core.setOutput("result", JSON.stringify(errorResult(message, settings, limited)));
    await writeSummary(
      `## Tollgate${settings ? ` · ${settings.environment}` : ""} · ❌ failed\n\n${message}\n`,
    );
  } catch (secondary) {
    core.warning(
      `could not publish the failure: ${secondary instanceof Error ? secondary.message : String(secondary)}`,
    );
  } finally {
    core.setFailed(message);
  }
}

/** The summary is a convenience: outside a runner (no GITHUB_STEP_SUMMARY) the log says it all. */
async function writeSummary(markdown: string): Promise<void> {
  if (!process.env["GITHUB_STEP_SUMMARY"]) return;
  await core.summary.addRaw(markdown).write();
}
