/**
 * What a Tollgate deployment's statuses say about its rollout, read the same way by the Action's in-flight
 * scan and by the App's `/tollgate resume|abort`: the newest record by a trusted writer (the App's bot or
 * the workflow token), whether it is a pause, and a decision about that pause recorded by the App's bot.
 */
import { parseDescription, readPauseDecision, type PauseChoice } from "../records/format.js";

const PAUSED = /^paused at (.+?): /;

interface StatusLike {
  readonly state: string;
  readonly description?: string | null;
  readonly log_url?: string | null;
  readonly creator: { readonly login: string } | null;
}

export interface PauseDecision {
  readonly choice: PauseChoice;
  readonly login: string;
  /** The comment that decided. */
  readonly url: string;
}

/** What a deployment's statuses (newest first) say about its rollout: its newest record, and a decision. */
export function rolloutState<S extends StatusLike>(
  statuses: readonly S[],
  trusted: readonly string[],
  appBot: string,
): { readonly newest?: S; readonly pausedAt?: string; readonly decision?: PauseDecision } {
  let decision: PauseDecision | undefined;
  for (const s of statuses) {
    const record = parseDescription(s.description);
    if (!record || s.creator === null) continue;
    const decided = readPauseDecision(record);
    if (decided || record.kind === "resume" || record.kind === "abort") {
      // Only the App's bot records a decision (after checking who commented); the same words by the
      // workflow token or anyone else are not a decision, and never hide the rollout's own state.
      if (decided && s.creator.login === appBot && decision === undefined)
        decision = { ...decided, url: s.log_url ?? "" };
      continue;
    }
    if (!trusted.includes(s.creator.login)) continue;
    const pausedAt =
      s.state === "in_progress" && record.kind === "outcome" ? PAUSED.exec(record.text)?.[1] : undefined;
    return {
      newest: s,
      ...(pausedAt !== undefined ? { pausedAt } : {}),
      // A decision counts only for the pause it came after.
      ...(pausedAt !== undefined && decision ? { decision } : {}),
    };
  }
  return {};
}
