/**
 * Runs held at Tollgate's protection rule are answered as soon as their gate passes, whatever made it pass:
 * an approval (followup.ts), CI completing, a review, a soak or notice period ending, a window opening. Every
 * evaluation of a commit already reads the App's notes of the runs it holds there (held.ts); only when one
 * says "held" does this look for the run (one request) and judge its gate again. A gate that is still shut
 * by time alone records when it opens (due.ts), so the scheduled wake comes back then.
 */
import type { Policy } from "../src/policy/model.js";
import { writeDue } from "../src/github/due.js";
import { writeHeldStatus, type HeldRun } from "../src/github/held.js";
import { reviewGate, waitingRuns } from "../src/github/runs.js";
import { evaluate } from "../src/readiness/evaluate.js";
import type { Evidence } from "../src/readiness/evidence.js";
import { nextChange } from "../src/readiness/next-change.js";
import { isRefusal } from "./followup.js";
import { gateReport } from "./handlers/protection-rule.js";
import { nowOf, type Deps } from "./readiness-checks.js";

export async function answerHeldRuns(
  deps: Deps,
  policy: Policy,
  evidence: Evidence,
  sha: string,
  held: readonly HeldRun[],
): Promise<void> {
  if (held.length === 0) return;
  const { client, repo, log } = deps;
  const waiting = await waitingRuns(client, repo, sha);
  const now = nowOf(deps.settings);
  for (const note of held) {
    const release = (runId: number) =>
      writeHeldStatus(client, { ...repo, sha }, { ...note, runId, held: false, url: note.url });
    const run = waiting.find((r) => r.id === note.runId);
    if (!run) {
      // Answered already (by an approval, a person, GitHub's own timeout) or cancelled: stop looking.
      await release(note.runId);
      continue;
    }
    // Judged as the protection rule request judged it: the run's own starter may not approve it.
    const decision = evaluate(
      policy,
      note.environment,
      run.actor ? { ...evidence, initiator: run.actor } : evidence,
      now,
    );
    const state =
      decision.verdict === "allowed"
        ? "approved"
        : decision.reasonCode === "rejected"
          ? "rejected"
          : undefined;
    if (!state) {
      const due = nextChange([decision], now);
      if (due) await writeDue(client, repo, sha, due);
      log.debug({ run: run.id, reason: decision.reasonCode }, "the held run's gate is still shut");
      continue;
    }
    try {
      await reviewGate(client, repo, run.id, {
        environment: note.environment,
        state,
        comment: gateReport(decision),
      });
      log.info({ run: run.id, environment: note.environment, state }, "answered a held run");
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // Answered meanwhile (a concurrent event got there first): the note is stale all the same.
      log.debug({ run: run.id }, "the held run was answered already");
    }
    await release(run.id);
  }
}
