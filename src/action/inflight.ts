/**
 * Rollouts in flight, found in GitHub alone: a Tollgate deployment of the environment (one with
 * Tollgate's payload) whose newest Tollgate record by a trusted writer is `in_progress`. Two rules, so nothing stays in_progress forever and two rollouts
 * never run at once:
 *
 * - **Abandoned**: written by this same workflow run (an earlier attempt: GitHub runs one attempt of a run
 *   at a time, so that one is dead), or with no status for longer than the environment's longest wait
 *   (the longest step pause or analysis of its strategies, the rollback analyses) plus STALE_MARGIN_MS.
 *   It is marked `error` ("abandoned: …") and no longer counts. A paused rollout is never abandoned: it
 *   stopped on purpose and waits for a decision (resume, abort or rollback), however long that takes.
 * - **Live**: any other in_progress one. It holds the environment: deploy and rollback refuse with
 *   "another rollout is in progress: <its run>", checkpoints skip.
 *
 * Reads the environment's 10 newest deployments and their statuses (1 + 10 requests at most).
 */
import { listDeployments, listDeploymentStatuses, type DeploymentState } from "../github/deployments.js";
import type { Analysis, Environment, Policy, Strategy } from "../policy/model.js";
import { formatDuration } from "../policy/duration.js";
import { parseDescription, readPayload } from "../records/format.js";
import { rolloutState, type PauseDecision } from "../github/rollout-state.js";
import type { ActionDeps } from "./gate-phase.js";
import { WORKFLOW_BOT } from "./gate.js";
import type { ActionSettings } from "./inputs.js";
import { statusWriter } from "./record.js";
import { own } from "../policy/own.js";

/** Time a step's commands may take on top of the longest wait (no status is written while they run). */
export const STALE_MARGIN_MS = 30 * 60_000;
const SCAN = 10;

export interface InFlight {
  readonly deploymentId: number;
  readonly sha: string;
  /** The run that wrote its newest status. */
  readonly runUrl: string;
  readonly since: string;
  /** The text of its newest status when that is a step record ("canary 30 %: applied, …"): where it stopped. */
  readonly lastStep?: string;
  /** The step it paused at, asking people to resume or abort it ("paused at canary 30 %: …"). */
  readonly pausedAt?: string;
  /** The strategy its payload names (the policy still decides whether it may run there). */
  readonly strategy?: string;
  /** A paused rollout's decision from a PR comment (`/tollgate resume|abort`), as the App's bot recorded it. */
  readonly decision?: PauseDecision;
}

export interface InFlightScan {
  /** A rollout that holds the environment. */
  readonly live?: InFlight;
  /** Abandoned rollouts this scan marked `error`. */
  readonly abandoned: readonly InFlight[];
  /** Rollouts this scan marked `failure` because a rollback supersedes them. */
  readonly superseded: readonly InFlight[];
  readonly requests: number;
}

const analysisMs = (a: Analysis) => a.initialDelayMs + a.intervalMs * Math.max(a.count, 1);

function strategyPausesMs(strategy: Strategy): number {
  const waits: number[] = [];
  if (strategy.type === "canary" || strategy.type === "feature-flag")
    for (const step of strategy.steps) waits.push(step.pauseMs);
  if (strategy.type === "rolling") waits.push(strategy.pauseMs);
  if (strategy.type === "blue-green") waits.push(strategy.keepOldForMs);
  return Math.max(0, ...waits);
}

/** How long an in_progress rollout of the environment may go without a status before it counts as dead. */
export function staleAfterMs(policy: Policy, environment: Environment): number {
  const strategies = environment.strategies.flatMap((name) => {
    const s = own(policy.strategies, name);
    return s ? [s] : [];
  });
  const named = (names: readonly string[]) =>
    names.flatMap((n) => {
      const analysis = own(policy.analyses, n);
      return analysis ? [analysisMs(analysis)] : [];
    });
  const stepAnalyses = strategies.flatMap((s) =>
    s.type === "canary" || s.type === "feature-flag" ? s.steps.flatMap((step) => named(step.analyses)) : [],
  );
  const longest = Math.max(
    0,
    ...strategies.map(strategyPausesMs),
    ...strategies.flatMap((s) => named(s.analyses)),
    ...stepAnalyses,
    ...named(environment.rollback.analyses),
    ...named(environment.validation?.analyses ?? []),
  );
  return longest + STALE_MARGIN_MS;
}

export interface ScanOptions {
  /** A run whose environment lock went silent (taken over as stale): its rollout is dead whatever its statuses say. */
  readonly deadRun?: { readonly runUrl: string; readonly why: string };
  /** A rollback: every rollout in flight (running, paused or crashed) is ended with this text, none holds. */
  readonly supersede?: string;
}

export async function scanInFlight(
  deps: ActionDeps,
  settings: ActionSettings,
  policy: Policy,
  environment: Environment,
  options: ScanOptions = {},
): Promise<InFlightScan> {
  const trusted = [settings.appBot, WORKFLOW_BOT];
  const staleMs = staleAfterMs(policy, environment);
  const deployments = await listDeployments(deps.client, settings, {
    environment: settings.environment,
    perPage: SCAN,
  });
  let requests = 1;
  const now = deps.now().getTime();
  const abandoned: InFlight[] = [];
  const superseded: InFlight[] = [];
  let live: InFlight | undefined;
  for (const deployment of deployments) {
    // Another tool's deployment (no Tollgate payload) is none of Tollgate's business, even when the
    // same workflow token wrote it: it neither holds the environment nor gets marked abandoned.
    const payload = readPayload(deployment.payload);
    if (!payload) continue;
    const statuses = await listDeploymentStatuses(deps.client, { ...settings, deploymentId: deployment.id });
    requests++;
    // Newest first, as GitHub lists them; only Tollgate's own records, by its own writers, count.
    const { newest, pausedAt, decision } = rolloutState(statuses, trusted, settings.appBot);
    if (newest?.state !== "in_progress") continue;
    const record = parseDescription(newest.description);
    const found: InFlight = {
      deploymentId: deployment.id,
      sha: deployment.sha,
      runUrl: newest.log_url ?? "",
      since: newest.created_at,
      ...(record?.kind === "step" ? { lastStep: record.text } : {}),
      ...(pausedAt !== undefined ? { pausedAt } : {}),
      ...(decision ? { decision } : {}),
      ...(payload.strategy !== undefined ? { strategy: payload.strategy } : {}),
    };
    const write = statusWriter(deps.client, settings, deployment.id, undefined, () => requests++);
    if (options.supersede !== undefined) {
      await write("failure" satisfies DeploymentState, "outcome", options.supersede);
      deps.log(
        `deployment ${deployment.id} (${deployment.sha.slice(0, 7)}) marked failure: ${options.supersede}`,
      );
      superseded.push(found);
      continue;
    }
    const silentMs = now - Date.parse(newest.created_at);
    // A pause is a deliberate stop, not a crash: the paused run, re-run (as the App does to carry out a
    // decision from the PR), finds its rollout still paused, not abandoned by an earlier attempt.
    const sameRun = pausedAt === undefined && found.runUrl === settings.runUrl;
    const deadRun =
      pausedAt === undefined && options.deadRun?.runUrl === found.runUrl ? options.deadRun : undefined;
    // A pause waits for a person (resume, abort or rollback), however long they take: it is never stale.
    const stale = pausedAt === undefined && silentMs > staleMs;
    if (!sameRun && !deadRun && !stale) {
      live ??= found;
      continue;
    }
    const why = sameRun
      ? "an earlier attempt of this run stopped midway"
      : deadRun && silentMs <= staleMs
        ? deadRun.why
        : // Whole minutes: seconds here are noise (how long the check itself took), not information.
          `no status for ${formatDuration(Math.floor(silentMs / 60_000) * 60_000)} (limit ${formatDuration(staleMs)})`;
    await write("error" satisfies DeploymentState, "outcome", `abandoned: ${why}; run ${found.runUrl}`);
    deps.log(`deployment ${deployment.id} (${deployment.sha.slice(0, 7)}) marked error: abandoned, ${why}`);
    abandoned.push(found);
  }
  return { ...(live ? { live } : {}), abandoned, superseded, requests };
}

export const busyText = (live: InFlight) =>
  live.pausedAt !== undefined
    ? `a rollout is paused at ${live.pausedAt}: deployment ${live.deploymentId} of ${live.sha.slice(0, 7)} (run ${live.runUrl}); resume it (mode: resume), abort it (mode: abort) or roll back (mode: rollback)`
    : `another rollout is in progress: ${live.runUrl || `deployment ${live.deploymentId}`} (deployment ${live.deploymentId} of ${live.sha.slice(0, 7)}, in_progress since ${live.since})`;
