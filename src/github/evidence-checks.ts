/**
 * The commit's checks as the engine reads them: check runs and commit statuses mapped to their states
 * (nothing but a success, neutral or skipped run passes), and the digests Tollgate's own check runs show.
 */
import { own } from "../policy/own.js";
import { parseDecisionContext } from "../records/format.js";
import type { EvidenceResponse } from "./evidence-query.js";
import { isBookkeepingContext } from "./held.js";

type Commit = NonNullable<NonNullable<EvidenceResponse["repository"]>["commit"]>;

/**
 * The commit's checks. The App's decision records are commit statuses too, but no check: they neither
 * pass nor fail the policy's checks (whoever wrote them; one that is not the App's is read as a hidden
 * decision). Nor do its notes of held runs and the scheduled wakes (held.ts), whoever wrote them.
 */
export function checksOf(commit: Commit, incomplete: Set<string>) {
  const rollupNodes = commit.statusCheckRollup?.contexts.nodes ?? [];
  const checkNodes = rollupNodes.filter(
    (node) =>
      node.__typename === "CheckRun" ||
      (!parseDecisionContext(node.context) && !isBookkeepingContext(node.context)),
  );
  if ((commit.statusCheckRollup?.contexts.totalCount ?? 0) > rollupNodes.length) incomplete.add("checks");
  return checkNodes.map((node) =>
    node.__typename === "CheckRun"
      ? {
          name: node.name,
          state: checkRunState(node.status, node.conclusion),
          ...(node.detailsUrl ? { url: node.detailsUrl } : {}),
          ...(node.checkSuite?.app?.slug ? { app: node.checkSuite.app.slug } : {}),
        }
      : {
          name: node.context,
          state: statusState(node.state),
          ...(node.targetUrl ? { url: node.targetUrl } : {}),
        },
  );
}

/** Tollgate's own check runs on the commit: name → external_id (a digest of what it shows). */
export function shownChecksOf(commit: Commit, appBot: string): Map<string, string> {
  const appSlug = appBot.replace(/\[bot\]$/, "");
  return new Map(
    (commit.statusCheckRollup?.contexts.nodes ?? []).flatMap((node) =>
      node.__typename === "CheckRun" && node.externalId && node.checkSuite?.app?.slug === appSlug
        ? [[node.name, node.externalId] as const]
        : [],
    ),
  );
}

/** The check run conclusions that pass; every other one (failure, cancelled, timed_out, action_required, stale, startup_failure) fails. */
const PASSING_CONCLUSIONS = { SUCCESS: "success", NEUTRAL: "neutral", SKIPPED: "skipped" } as const;

function checkRunState(status: string, conclusion: string | null) {
  if (status !== "COMPLETED") return "pending" as const;
  return (conclusion !== null ? own(PASSING_CONCLUSIONS, conclusion) : undefined) ?? ("failure" as const);
}

/** A commit status that is neither success, failure nor error is still pending. */
const STATUS_STATES = { SUCCESS: "success", FAILURE: "failure", ERROR: "error" } as const;

function statusState(state: string) {
  return own(STATUS_STATES, state) ?? ("pending" as const);
}
