/**
 * Clocks. The real one uses timers; the virtual one lets a whole rollout (hours of pauses and analysis
 * intervals) run in milliseconds under test, while keeping concurrent sleepers in time order.
 */
import type { Clock } from "./types.js";

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};

interface Sleeper {
  readonly due: number;
  readonly seq: number;
  readonly wake: () => void;
}

/**
 * Virtual time: `sleep` parks the caller; once every task has had its turn (setImmediate runs after the
 * pending promise callbacks), time jumps to the earliest wake-up. Ties wake in the order they slept.
 */
export class VirtualClock implements Clock {
  private time: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;
  private scheduled = false;

  constructor(start = Date.UTC(2026, 10, 24, 10, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = {
        due: this.time + Math.max(0, ms),
        seq: this.seq++,
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        sleeper.wake();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.sleepers.push(sleeper);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.sleepers.sort((a, b) => a.due - b.due || a.seq - b.seq);
      const next = this.sleepers.shift();
      if (!next) return;
      this.time = Math.max(this.time, next.due);
      next.wake();
      if (this.sleepers.length > 0) this.schedule();
    });
  }
}
