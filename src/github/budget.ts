/**
 * A time budget for one event. GitHub gives up on a webhook delivery after 10 s, and an App that goes on
 * working past that only holds its process for an answer nobody waits for. JavaScript cannot stop a
 * running computation, so the budget is kept where the App waits, on GitHub: no request starts once it
 * is spent, and a read still in flight is no longer waited for. The one thing let through afterwards is
 * the notice that says so (`notice`).
 */

/** The budget was spent before the event's work was done; what was not written yet never will be. */
export class OutOfTime extends Error {
  readonly budgetMs: number;
  constructor(budgetMs: number, during: string) {
    super(`ran out of its ${seconds(budgetMs)} budget per event before ${during}`);
    this.name = "OutOfTime";
    this.budgetMs = budgetMs;
  }
}

export const isOutOfTime = (error: unknown): error is OutOfTime => error instanceof OutOfTime;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

export interface EventBudget {
  readonly budgetMs: number;
  /** Whether the budget is spent. */
  expired(): boolean;
  /** Throws `OutOfTime` once the budget is spent, naming what was about to happen. */
  check(during: string): void;
  /** Settles with `OutOfTime` when the budget runs out (never resolves). */
  readonly expiry: Promise<never>;
  /** Runs `write` with requests let through again: only the message that the budget ran out. */
  notice<T>(write: () => Promise<T>): Promise<T>;
  /** Whether requests are let through past the budget right now (inside `notice`). */
  noticing(): boolean;
  /** The event is over: stop the timer. */
  end(): void;
}

export function startBudget(budgetMs: number, now: () => number = () => performance.now()): EventBudget {
  const deadline = now() + budgetMs;
  let noticing = 0;
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutOfTime(budgetMs, "GitHub answered")), budgetMs);
    timer.unref();
  });
  // Nobody need be waiting on the expiry when it comes.
  expiry.catch(() => {});
  const expired = () => now() >= deadline;
  return {
    budgetMs,
    expired,
    check(during) {
      if (noticing === 0 && expired()) throw new OutOfTime(budgetMs, during);
    },
    expiry,
    async notice(write) {
      noticing++;
      try {
        return await write();
      } finally {
        noticing--;
      }
    },
    noticing: () => noticing > 0,
    end: () => clearTimeout(timer),
  };
}

interface RequestOptions {
  readonly method?: string;
  readonly url?: string;
}

/** The one method of Octokit's hook collection this needs (`octokit.hook`). */
export interface RequestHooks {
  wrap(
    name: "request",
    hook: (request: (options: never) => Promise<unknown>, options: never) => Promise<unknown>,
  ): void;
}

/**
 * Reads can be abandoned safely; Tollgate's GraphQL documents are all queries. Octokit names GraphQL's
 * endpoint "/graphql" on github.com and by its full URL (…/api/graphql) on GitHub Enterprise Server.
 */
function isRead(options: RequestOptions): boolean {
  return options.method === "GET" || options.method === "HEAD" || /\/graphql$/.test(options.url ?? "");
}

/**
 * Keeps every request of this Octokit (REST and GraphQL alike, retries included) inside `budget`: none
 * starts once it is spent, and a read still in flight then is abandoned. A write already sent is waited
 * for, so the handler knows whether it happened; the next request stops it.
 */
export function keepWithin(hooks: RequestHooks, budget: EventBudget): void {
  hooks.wrap("request", (async (
    request: (o: RequestOptions) => Promise<unknown>,
    options: RequestOptions,
  ) => {
    const during = `${options.method ?? "GET"} ${options.url ?? ""}`;
    budget.check(during);
    const sent = request(options);
    if (budget.noticing() || !isRead(options)) return sent;
    // The read's own outcome still settles later; it must not surface as an unhandled rejection.
    sent.catch(() => {});
    return Promise.race([
      sent,
      budget.expiry.catch(() => {
        throw new OutOfTime(budget.budgetMs, `${during} answered`);
      }),
    ]);
  }) as never);
}
