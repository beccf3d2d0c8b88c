/**
 * Single-flight per key, with one trailing run. A push makes CI finish dozens of check runs within
 * seconds, and each sends a webhook; evaluating a PR once per webhook would spend GitHub's budget on
 * states nobody will ever see. While a run for a key is in flight, later callers for that key do not
 * start their own: they all wait for ONE more run that starts after the current one ends, so it reads
 * a state at least as new as the one each of them was told about. Nobody is answered from a run that
 * started before they asked, so no change is ever left unevaluated, and the caller's webhook is
 * answered only once that evaluation is done: there is no timer whose loss (a restart, a scaled-down
 * replica) could drop an evaluation after GitHub was told the delivery succeeded.
 *
 * Kept per process, never shared: it holds no GitHub fact, only promises of work in flight.
 */
export class Coalescer<T> {
  private readonly slots = new Map<string, Slot<T>>();
  private started = 0;

  /**
   * Runs `work` for `key` now if nothing runs for it; otherwise joins the trailing run, which runs the
   * `work` of the latest caller (the freshest context, e.g. the event budget with the most time left).
   */
  run(key: string, work: () => Promise<T>): Promise<T> {
    const slot = this.slots.get(key);
    if (!slot) {
      const fresh: Slot<T> = {};
      this.slots.set(key, fresh);
      return this.start(key, fresh, work);
    }
    if (slot.trailing) {
      slot.trailing.work = work;
      return slot.trailing.promise;
    }
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    slot.trailing = { work, promise, resolve, reject };
    return promise;
  }

  /** How many runs have started since this coalescer was made. */
  runs(): number {
    return this.started;
  }

  /** Keys with a run in flight. */
  inFlight(): number {
    return this.slots.size;
  }

  private start(key: string, slot: Slot<T>, work: () => Promise<T>): Promise<T> {
    this.started++;
    const running = (async () => work())();
    const settled = (): void => {
      const next = slot.trailing;
      if (!next) {
        this.slots.delete(key);
        return;
      }
      slot.trailing = undefined;
      this.start(key, slot, next.work).then(next.resolve, next.reject);
    };
    void running.then(settled, settled);
    return running;
  }
}

/** A key with a run in flight, and the one trailing run its later callers wait for, if any. */
interface Slot<T> {
  trailing?: Trailing<T> | undefined;
}

interface Trailing<T> {
  work: () => Promise<T>;
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}
