/**
 * A mode's run while holding the environment lock (src/action/lock.ts): taken when the mode asks, kept
 * alive by a heartbeat, released on every way out — success, failure, pause, rollback, a throw.
 */
import type { Environment, Policy } from "../policy/model.js";
import { formatDuration } from "../policy/duration.js";
import type { ActionDeps } from "./gate-phase.js";
import { staleAfterMs } from "./inflight.js";
import type { ActionSettings } from "./inputs.js";
import { acquireLock, describeHolder, heartbeat, lockBusyText, releaseLock, type HeldLock } from "./lock.js";

/** The longest a heartbeat waits: often enough that a short lock-timeout still sees it. */
const MAX_BEAT_MS = 5 * 60_000;

export interface Taken {
  readonly requests: number;
  /** Why the run may not go on (the lock is someone else's). */
  readonly refusal?: string;
  /** The stale holder this run took the lock from: its rollout is dead. */
  readonly deadRun?: { readonly runUrl: string; readonly why: string };
}

export interface LockSlot {
  /** Takes the lock; `force` (a rollback) takes it over whatever its holder's age. */
  take(timeoutMs: number, force: boolean): Promise<Taken>;
  /** Why the lock is no longer this run's (taken over by a rollback), once it is not. */
  readonly lost: () => string | undefined;
}

/** `lock-timeout`, else the environment's own limit: its longest wait plus a margin (inflight.ts). */
export function lockTimeoutOf(settings: ActionSettings, policy: Policy, environment: Environment): number {
  return settings.lockTimeoutMs ?? staleAfterMs(policy, environment);
}

export async function withLock<T>(
  deps: ActionDeps,
  settings: ActionSettings,
  body: (slot: LockSlot) => Promise<T>,
): Promise<T> {
  let held: HeldLock | undefined;
  let beating: ReturnType<typeof heartbeat> | undefined;
  const slot: LockSlot = {
    take: async (timeoutMs, force) => {
      const got = await acquireLock(deps.client, settings, deps.now, { timeoutMs, force });
      if ("busy" in got)
        return { requests: got.requests, refusal: lockBusyText(settings.environment, got.busy, timeoutMs) };
      held = got.held;
      const previous = held.tookOver;
      deps.log(
        previous
          ? `took over the environment lock ${held.ref} from ${describeHolder(previous)}`
          : `holding the environment lock ${held.ref}`,
      );
      beating = heartbeat(
        deps.client,
        settings,
        deps.now,
        held,
        Math.min(MAX_BEAT_MS, Math.max(1_000, Math.floor(timeoutMs / 3))),
        deps.log,
      );
      const silent = previous?.readable && !force;
      return {
        requests: got.requests,
        ...(silent
          ? {
              deadRun: {
                runUrl: previous.runUrl,
                why: `its environment lock had no heartbeat since ${previous.at} (lock-timeout ${formatDuration(timeoutMs)})`,
              },
            }
          : {}),
      };
    },
    lost: () => beating?.lost(),
  };
  try {
    return await body(slot);
  } finally {
    await beating?.stop();
    if (held && !beating?.lost()) {
      try {
        const released = await releaseLock(deps.client, settings, deps.now, held);
        deps.log(
          released
            ? `released the environment lock ${held.ref}`
            : `the environment lock ${held.ref} was no longer this run's`,
        );
      } catch (error) {
        // Not released: the next run takes it over once lock-timeout has passed without a heartbeat.
        deps.log(`could not release the environment lock ${held.ref}: ${(error as Error).message}`);
      }
    }
  }
}
