/** Prerequisites: the same commit deployed successfully elsewhere first, at least its soak time ago. */
import { formatDuration } from "../policy/duration.js";
import type { Environment } from "../policy/model.js";
import type { ChecklistResult } from "./decision.js";
import type { Evidence } from "./evidence.js";
import { own } from "../policy/own.js";

const short = (sha: string) => sha.slice(0, 7);
const iso = (ms: number) => new Date(ms).toISOString();

export function prerequisites(
  environment: Environment,
  changeType: string,
  evidence: Evidence,
  now: Date,
): ChecklistResult[] {
  return environment.requires.map(({ environment: required, soakMs: defaultSoak, soakForChangeType }) => {
    const soakMs = own(soakForChangeType, changeType) ?? defaultSoak;
    const id = `requires-${required}`;
    const title =
      soakMs > 0
        ? `Deployed to ${required} at least ${formatDuration(soakMs)} ago`
        : `Deployed to ${required}`;
    const ofSha = evidence.deployments
      .filter((d) => d.environment === required && d.sha === evidence.sha)
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
    // The latest outcome wins: a success followed by a failure (a failed validation, a rollback) is not
    // a success. A success later marked inactive (a newer deployment replaced it) still succeeded.
    const latest = ofSha.find(
      (d) => d.state === "success" || d.state === "failure" || d.state === "error" || d.state === "inactive",
    );
    const successes = ofSha
      .filter((d) => d.succeeded_at !== undefined && (d.state === "success" || d.state === "inactive"))
      .map((d) => Date.parse(d.succeeded_at!));
    if (successes.length === 0 || (latest && latest.state !== "success" && latest.state !== "inactive")) {
      if (latest && (latest.state === "failure" || latest.state === "error")) {
        return {
          id,
          title,
          state: "failed",
          code: "prerequisite_failed",
          reason: `the ${required} deployment of ${short(evidence.sha)} ended in ${latest.state}`,
          fix: `fix it and deploy ${short(evidence.sha)} to ${required} again`,
        };
      }
      return {
        id,
        title,
        state: "pending",
        code: "prerequisite_missing",
        reason: `${short(evidence.sha)} has not been deployed to ${required} successfully`,
        fix: `deploy ${short(evidence.sha)} to ${required} first`,
      };
    }
    const soakedSince = Math.min(...successes);
    const readyAt = soakedSince + soakMs;
    if (readyAt > now.getTime()) {
      return {
        id,
        title,
        state: "pending",
        code: "soak_pending",
        until: iso(readyAt),
        reason: `${required} has soaked ${formatDuration(now.getTime() - soakedSince)} of ${formatDuration(soakMs)}; ${formatDuration(readyAt - now.getTime())} left (ready at ${iso(readyAt)})`,
      };
    }
    return {
      id,
      title,
      state: "passed",
      code: "ready",
      reason: `deployed to ${required} at ${iso(soakedSince)}`,
    };
  });
}
