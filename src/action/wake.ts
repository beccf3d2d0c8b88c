/**
 * `mode: wake` (on a schedule, every 5–10 minutes): wakes the Tollgate App for the commits whose gates
 * change by time alone now — a soak or notice period ended, a window opened, an emergency's approval
 * deadline passed. The App records each such time as a ref `refs/tollgate/due/<epoch-seconds>-<sha>`
 * (src/github/due.ts); this lists them in one request and, only for those whose time has come by GitHub's
 * own clock, writes a `tollgate/wake` commit status on the commit — an event the App already answers by
 * judging the commit again (its check runs, the runs it holds at its protection rule), and which it
 * answers by removing the ref: until then every run wakes it again, so a wake lost while the App was down
 * is not lost. A run with nothing due makes that one request and nothing else; the App hears nothing.
 *
 * A wake decides nothing: the App judges the commit from GitHub's facts whoever woke it, so anyone with
 * write access (who can write a status or a ref anyway) can cause at most an evaluation.
 */
import { deleteDue, listDue, type Due } from "../github/due.js";
import { writeWakeStatus } from "../github/held.js";
import type { ActionDeps } from "./gate-phase.js";
import type { ActionSettings } from "./inputs.js";
import type { ModeOutcome } from "./outcome.js";

/** Commits woken per run at most: a flood of forged due refs costs a bounded number of evaluations. */
export const WAKES_PER_RUN = 20;
/**
 * A due time counts as come only this long after it passed by GitHub's clock: the App's clock may lag a
 * little behind GitHub's, and a wake it judged "not yet" would leave nothing due behind.
 */
export const WAKE_MARGIN_MS = 30_000;

export async function wakeMode(deps: ActionDeps, settings: ActionSettings): Promise<ModeOutcome> {
  const repo = { owner: settings.owner, repo: settings.repo };
  const listed = await deps.phase("List the due times", () => listDue(deps.client, repo));
  let requests = 1;
  // GitHub's clock, from its answer (the runner's may be off); the runner's only if GitHub sent none.
  const now = (listed.serverNow ?? deps.now()).getTime();
  const come = listed.due.filter((d) => d.at.getTime() + WAKE_MARGIN_MS <= now);
  const bySha = new Map<string, Due[]>();
  for (const due of come) bySha.set(due.sha, [...(bySha.get(due.sha) ?? []), due]);
  const woken = [...bySha.entries()].slice(0, WAKES_PER_RUN);
  const later = listed.due.length - come.length;
  deps.log(
    `${listed.due.length} due time${listed.due.length === 1 ? "" : "s"} recorded: ${come.length} come, ${later} later` +
      (listed.unreadable > 0
        ? `; ${listed.unreadable} refs under refs/tollgate/due/ not in Tollgate's format, ignored`
        : ""),
  );
  for (const [sha, dues] of woken) {
    await deps.phase(`Wake the App for ${sha.slice(0, 7)}`, async () => {
      const [earliest, ...others] = [...dues].sort((a, b) => a.at.getTime() - b.at.getTime());
      await writeWakeStatus(deps.client, { ...repo, sha }, { dueAt: earliest!.at, url: settings.runUrl });
      requests++;
      // The App removes the earliest once it has judged the commit, so a wake it never heard comes back
      // on the next run; the later ones that have come are answered by the same judgement.
      for (const due of others) {
        await deleteDue(deps.client, repo, due.ref);
        requests++;
      }
    });
  }
  const skipped = bySha.size - woken.length;
  const section = [
    "### Tollgate wake",
    "",
    woken.length === 0
      ? "Nothing was due: the App was not woken."
      : `Woke the App for ${woken.map(([sha]) => `\`${sha.slice(0, 7)}\``).join(", ")}.`,
    ...(skipped > 0 ? ["", `${skipped} more commits are due: the next scheduled run wakes them.`] : []),
  ].join("\n");
  return { rolledBack: false, sections: [section], requests };
}
