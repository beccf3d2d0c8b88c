/**
 * The environment lock: one git ref per environment, `refs/tollgate/locks/<environment>`, so two rollouts of
 * one environment started at the same moment from two runners end with exactly one proceeding, whatever
 * the workflow's `concurrency` group says.
 *
 * - **Taking it** is `POST /git/refs`, which GitHub performs atomically: the second creator of a ref gets
 *   422 "Reference already exists".
 * - **The ref points at a commit whose message names the holder** (run, commit, mode, actor, time). It
 *   reuses the deployed commit's tree, so it adds no content to the repository.
 * - **Every later change is a fast-forward** (`PATCH` with `force: false`) to a child of the commit read:
 *   the holder's heartbeat, a takeover. Of two writers starting from the same commit only the first
 *   fast-forwards; the second gets 422 and knows it lost, so two takers never both win.
 * - **Releasing** deletes the ref once it is checked to still be the holder's own commit.
 * - **A holder that stops beating** (its runner died) for `lock-timeout` can be taken over, and a later
 *   attempt of the holder's own run takes it at once (GitHub runs one attempt of a run at a time). A
 *   rollback takes the lock over at once, whatever its age: getting back to safety never waits for a lock.
 *
 * Anyone with `contents: write` can create, move or delete the ref. The lock coordinates Tollgate's own
 * runs; it is not a security control. A lock Tollgate cannot read (not its format) counts as held, so a
 * forged one can only delay a rollout (until it is taken over), never let one through; a deleted one
 * leaves the in-flight scan (src/action/inflight.ts) as the second line.
 */
import type { GitHubClient } from "../github/client.js";
import { rateLimitOf } from "../github/rate-limit.js";
import { createCommit, createRef, deleteRef, fastForwardRef, readCommit, readRef } from "../github/refs.js";
import { formatDuration } from "../policy/duration.js";
import type { ActionSettings } from "./inputs.js";

export const LOCK_NAMESPACE = "refs/tollgate/locks/";
const FIRST_LINE = "tollgate lock: ";

export interface LockHolder {
  readonly runUrl: string;
  readonly sha: string;
  readonly mode: string;
  readonly actor: string;
  /** When it took the lock or last beat (ISO 8601); its own word, never later than now. */
  readonly at: string;
  /** False when the ref's commit is not in Tollgate's format (someone else wrote it). */
  readonly readable: boolean;
}

export interface HeldLock {
  readonly ref: string;
  /** The commit the ref points at while we hold it. */
  head: string;
  readonly tree: string;
  /** The holder this lock replaced, when it was taken over (stale, or by a rollback). */
  readonly tookOver?: LockHolder;
}

export type Acquired =
  | { readonly held: HeldLock; readonly requests: number }
  | { readonly busy: LockHolder; readonly requests: number };

/** A ref name for any environment name: safe characters as they are, anything else hex-escaped. */
export function lockRef(environment: string): string {
  const safe = [...environment]
    .map((c) => (/[A-Za-z0-9_-]/.test(c) ? c : `.${c.codePointAt(0)!.toString(16)}.`))
    .join("");
  return `${LOCK_NAMESPACE}${safe}`;
}

const status = (error: unknown) => (error as { status?: number }).status;

function holderText(settings: ActionSettings, at: Date): string {
  return [
    `${FIRST_LINE}${settings.environment}`,
    "",
    `run: ${settings.runUrl}`,
    `sha: ${settings.sha}`,
    `mode: ${settings.mode}`,
    `actor: ${settings.actor}`,
    `at: ${at.toISOString()}`,
  ].join("\n");
}

/** Reads a lock commit's message; `date` (the commit's own date) stands in when the message is not ours. */
export function parseHolder(message: string, date: string, now: Date): LockHolder {
  const field = (name: string) => new RegExp(`^${name}: (.+)$`, "m").exec(message)?.[1]?.trim();
  const readable = message.startsWith(FIRST_LINE) && field("run") !== undefined;
  const claimed = Date.parse(field("at") ?? date);
  // A time in the future would hold the lock forever: it counts as now.
  const at = new Date(Number.isFinite(claimed) ? Math.min(claimed, now.getTime()) : now.getTime());
  return {
    runUrl: readable ? field("run")! : "",
    sha: field("sha") ?? "",
    mode: field("mode") ?? "",
    actor: field("actor") ?? "",
    at: at.toISOString(),
    readable,
  };
}

export const describeHolder = (h: LockHolder) =>
  h.readable
    ? `${h.mode} of ${h.sha.slice(0, 7)} by @${h.actor}, run ${h.runUrl}, last seen ${h.at}`
    : `a ref Tollgate did not write, dated ${h.at}`;

interface Ctx {
  readonly client: GitHubClient;
  readonly settings: ActionSettings;
  readonly now: () => Date;
}

const commitFor = (ctx: Ctx, tree: string, parents: string[], message: string) =>
  createCommit(ctx.client, ctx.settings, { tree, parents, message });

/** Fast-forwards the lock from `from` to a child of it; false when someone else moved it first. */
async function advance(ctx: Ctx, ref: string, from: string, tree: string, message: string) {
  const next = await commitFor(ctx, tree, [from], message);
  return (await fastForwardRef(ctx.client, ctx.settings, ref, next)) ? next : undefined;
}

async function readLock(ctx: Ctx, ref: string): Promise<{ sha: string; holder: LockHolder } | undefined> {
  const sha = await readRef(ctx.client, ctx.settings, ref);
  if (sha === undefined) return undefined;
  const commit = await readCommit(ctx.client, ctx.settings, sha);
  return { sha, holder: parseHolder(commit.message, commit.date, ctx.now()) };
}

const permissionHint = (error: unknown, what: string) => {
  const code = status(error);
  // A rate limit answers 403 too: that one is reported as such (run.ts), not as a missing permission.
  return (code === 403 && !rateLimitOf(error)) || code === 404
    ? new Error(
        `could not ${what} the environment lock (GitHub answered ${code}): the token needs \`contents: write\` to hold ${LOCK_NAMESPACE}<environment>; add it to the job's permissions`,
      )
    : error;
};

/**
 * Takes the environment's lock. `timeoutMs`: a holder silent that long is taken over; `force` (a
 * rollback) takes it over whatever its age. Busy: who holds it.
 */
export async function acquireLock(
  client: GitHubClient,
  settings: ActionSettings,
  now: () => Date,
  options: { readonly timeoutMs: number; readonly force?: boolean },
): Promise<Acquired> {
  const ctx: Ctx = { client, settings, now };
  const ref = lockRef(settings.environment);
  let requests = 0;
  try {
    const { tree } = await readCommit(client, settings, settings.sha);
    requests++;
    // Twice at most: a lock deleted between our create and our read is simply free again.
    for (let attempt = 0; attempt < 2; attempt++) {
      const mine = await commitFor(ctx, tree, [], holderText(settings, now()));
      requests++;
      const created = await createRef(client, settings, ref, mine);
      requests++;
      if (created) return { held: { ref, head: mine, tree }, requests };
      const current = await readLock(ctx, ref);
      requests += current ? 2 : 1;
      if (!current) continue;
      const { holder } = current;
      const silentMs = now().getTime() - Date.parse(holder.at);
      // An earlier attempt of this same run is dead: GitHub runs one attempt of a run at a time.
      const ownRun = holder.readable && holder.runUrl === settings.runUrl;
      if (!options.force && !ownRun && silentMs < options.timeoutMs) return { busy: holder, requests };
      const taken = await advance(ctx, ref, current.sha, tree, holderText(settings, now()));
      requests += 2;
      if (taken)
        return {
          held: { ref, head: taken, tree, tookOver: holder },
          requests,
        };
      // Someone else moved it first (took it over, or its holder beat): whoever that is holds it now.
      const now2 = await readLock(ctx, ref);
      requests += now2 ? 2 : 1;
      if (now2) return { busy: now2.holder, requests };
    }
    throw new Error(`the environment lock ${ref} kept changing while it was being taken; try again`);
  } catch (error) {
    throw permissionHint(error, "take");
  }
}

/**
 * The holder's heartbeat: false when the lock is no longer ours (another run moved it). A lock deleted
 * under its holder (anyone with `contents: write` can) is created again: deleting it stops nothing.
 */
export async function beat(client: GitHubClient, settings: ActionSettings, now: () => Date, lock: HeldLock) {
  const ctx = { client, settings, now };
  const next = await advance(ctx, lock.ref, lock.head, lock.tree, holderText(settings, now()));
  if (next) {
    lock.head = next;
    return true;
  }
  if (await readLock(ctx, lock.ref)) return false;
  return createRef(client, settings, lock.ref, lock.head);
}

/** Releases the lock if it is still ours (a fast-forward from our own commit: never someone else's). */
export async function releaseLock(
  client: GitHubClient,
  settings: ActionSettings,
  now: () => Date,
  lock: HeldLock,
): Promise<boolean> {
  const current = await readRef(client, settings, lock.ref);
  if (current !== lock.head) return false;
  // Deleting costs no content-creating request (GitHub allows 80 a minute). Between the check and the
  // delete only a rollback can take the lock (a live holder is never stale); its heartbeat re-creates it.
  await deleteRef(client, settings, lock.ref);
  return true;
}

/**
 * Beats every `everyMs` until stopped; `lost()` says why the lock is no longer ours, once it is not.
 * A failed beat (GitHub down for a moment) is retried at the next one; only a lock taken over is lost.
 */
export function heartbeat(
  client: GitHubClient,
  settings: ActionSettings,
  now: () => Date,
  lock: HeldLock,
  everyMs: number,
  log: (message: string) => void,
): { lost: () => string | undefined; stop: () => Promise<void> } {
  let lost: string | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      if (lost) return;
      try {
        if (!(await beat(client, settings, now, lock)))
          lost = `the environment lock ${lock.ref} was taken over by another run`;
      } catch (error) {
        log(`lock heartbeat failed (retried): ${(error as Error).message}`);
      }
    });
  }, everyMs);
  return {
    lost: () => lost,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

export const lockBusyText = (environment: string, holder: LockHolder, timeoutMs: number) =>
  `${environment} is locked by another rollout: ${describeHolder(holder)}; it is taken over after ${formatDuration(timeoutMs)} without a heartbeat (lock-timeout), and mode: rollback takes it at once`;
