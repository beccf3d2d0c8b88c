/**
 * The App's settings, from the environment (Probot reads its own: APP_ID, PRIVATE_KEY, WEBHOOK_SECRET,
 * GHE_HOST …). The bot's login decides which deployment statuses are trusted as approvals, so it is
 * either configured or asked of GitHub once per process.
 */
import type { Probot } from "probot";
import { appSlug } from "../src/github/app.js";
import { clientOf } from "../src/github/client.js";
import { DEFAULT_POLICY_PATH } from "../src/policy/load.js";

export interface Settings {
  /** The App's slug; undefined → `GET /app` once per process. */
  readonly appSlug?: string;
  /** Besides the App's bot, whose success statuses prove a deployment happened. */
  readonly trustedWriters: readonly string[];
  readonly policyPath: string;
  /** The clock, for tests; evaluations happen "now" otherwise. */
  readonly now?: () => Date;
  /**
   * How long one event may keep the App waiting on GitHub (ms); past it the App writes nothing more
   * but a notice saying so. Undefined → `DEFAULT_EVENT_BUDGET_MS`.
   */
  readonly eventBudgetMs?: number;
}

/** Below GitHub's 10 s delivery timeout, with room for the notice that the budget ran out. */
export const DEFAULT_EVENT_BUDGET_MS = 8_000;

export const eventBudgetOf = (settings: Settings): number =>
  settings.eventBudgetMs ?? DEFAULT_EVENT_BUDGET_MS;

function budgetFromEnv(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new Error(`TOLLGATE_EVENT_BUDGET_MS must be a whole number of milliseconds above 0, not "${raw}"`);
  return ms;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
  const writers = (env["TOLLGATE_TRUSTED_WRITERS"] ?? "github-actions[bot]")
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean);
  const slug = env["TOLLGATE_APP_SLUG"]?.trim();
  const budget = budgetFromEnv(env["TOLLGATE_EVENT_BUDGET_MS"]);
  return {
    ...(slug ? { appSlug: slug } : {}),
    ...(budget !== undefined ? { eventBudgetMs: budget } : {}),
    trustedWriters: writers,
    policyPath: env["TOLLGATE_POLICY_PATH"]?.trim() || DEFAULT_POLICY_PATH,
  };
}

export interface Identity {
  readonly slug: string;
  /** `<slug>[bot]`: the only author of statuses that count as approvals. */
  readonly bot: string;
  readonly trustedWriters: readonly string[];
}

/** Resolves the App's identity once; a failed lookup is retried on the next event rather than cached. */
export function identityResolver(app: Probot, settings: Settings): () => Promise<Identity> {
  let pending: Promise<Identity> | undefined;
  const make = (slug: string): Identity => ({
    slug,
    bot: `${slug}[bot]`,
    trustedWriters: [`${slug}[bot]`, ...settings.trustedWriters],
  });
  return () => {
    if (settings.appSlug) return Promise.resolve(make(settings.appSlug));
    pending ??= app
      .auth()
      .then((octokit) => appSlug(clientOf(octokit)))
      .then(make)
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}
