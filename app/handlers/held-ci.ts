/**
 * CI finishing on a commit that heads no open pull request (a merge commit on the default branch, a
 * deployed tag): no check run of Tollgate's shows it, so readiness-events.ts has nothing to refresh there,
 * but a run of that commit may be held at Tollgate's protection rule waiting for exactly that CI. One
 * read of the commit's statuses (a page of 100, more only if someone wrote more) says whether the App's
 * own newest note names such a run (held.ts); only then is the commit judged again (refreshReadiness,
 * which answers the held runs). A completed run on a commit with nothing held costs that one request and
 * no evaluation.
 */
import type { Context } from "probot";
import type { EventBudget } from "../../src/github/budget.js";
import { clientOf } from "../../src/github/client.js";
import { heldBeneath } from "../../src/github/held.js";
import { repoOf } from "../pull-facts.js";
import { refreshReadiness } from "../readiness-checks.js";
import type { Identity, Settings } from "../settings.js";

/**
 * Another app's check run completing: `check_suite.completed` may reach only the suite's own app (the
 * sandbox delivers it so, the stricter reading), while every app with checks permission hears of a run.
 * Costs one REST point per completed run on such a commit.
 */
export async function onCheckRunOfNoPullRequest(
  context: Context<"check_run">,
  env: { identity: Identity; settings: Settings; budget?: EventBudget },
): Promise<void> {
  const run = context.payload.check_run;
  if (context.payload.action !== "completed" || run.app?.slug === env.identity.slug) return;
  const sha = run.head_sha;
  // A PR's head is refreshed by readiness-events.ts, which answers held runs too.
  if ((run.pull_requests as { head: { sha: string } }[]).some((p) => p.head.sha === sha)) return;
  const client = clientOf(context.octokit);
  const repo = repoOf(context.payload);
  const { held } = await heldBeneath(client, { ...repo, sha }, env.identity.bot);
  if (held.length === 0) return context.log.debug({ sha }, "no run held here");
  await refreshReadiness(
    {
      client,
      repo,
      identity: env.identity,
      settings: env.settings,
      log: context.log,
      ...(env.budget ? { budget: env.budget } : {}),
    },
    sha,
  );
}
