/**
 * One run at a time per key, in the order the callers came. GitHub delivers webhooks concurrently, so
 * two approvers answering within a second reach the App together; each command reads what the one
 * before it wrote (the commit's record, the tally, the check run) only if the two do not overlap. Left
 * to overlap, both find no record of the commit and both create one, and a redelivered comment can be
 * carried out twice before either reaction marks it answered.
 *
 * Kept per process, never shared: it holds no GitHub fact, only the order of work in flight. Replicas
 * behind one webhook URL each keep their own turns (see THREAT_MODEL.md, "Open").
 */
export class Turns {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` once every earlier caller's work for `key` has ended, whether it succeeded or threw. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const mine = before.then(work);
    const tail = mine.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return mine;
  }

  /** Keys with work in flight or waiting. */
  busy(): number {
    return this.tails.size;
  }
}
