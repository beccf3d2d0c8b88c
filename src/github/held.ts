/**
 * The App's note that it holds a run at its custom deployment protection rule: a commit status
 * `tollgate/held: <environment>` on the run's commit, written by the App's bot when it answers a request
 * with "waiting", and written again ("released") once it approved or rejected the run. The evidence
 * query already reads the commit's statuses, so any later evaluation of the commit (CI completing, a
 * review, a wake at a due time) sees at no extra request whether a run waits for Tollgate there, and
 * only then looks for it and judges it again.
 *
 * The note decides nothing: anyone with `statuses: write` can write the same context, but only the App's
 * bot's count, and releasing a run always judges its gate afresh. A forged note can at most make the App
 * look (one request), never release anything. Nor can a note be hidden: GitHub shows the latest status
 * per context, so someone writing the context after the App would mask its note there, and where a held
 * context's latest status is not the App's bot's, the App reads its own newest note from the commit's
 * whole list of statuses (`heldBeneath`). The state is `success` whatever it says, so the note never holds
 * up a deployment or merge that waits for every commit status to pass.
 */
import type { GitHubClient, RepositoryRef } from "./client.js";
import { WAKE_CONTEXT } from "../policy/relevance.js";
import { isActor, type StatusContextNode } from "./evidence-query.js";

export const HELD_CONTEXT_PREFIX = "tollgate/held: ";

const HELD = /^held: run (\d+)\b/;

export const heldContext = (environment: string) => `${HELD_CONTEXT_PREFIX}${environment}`;

/** Tollgate's bookkeeping statuses: they are no CI check and neither pass nor fail a checklist. */
export function isBookkeepingContext(context: string): boolean {
  return context.startsWith(HELD_CONTEXT_PREFIX) || context === WAKE_CONTEXT;
}

export async function writeHeldStatus(
  client: GitHubClient,
  target: RepositoryRef & { readonly sha: string },
  note: {
    readonly environment: string;
    readonly runId: number;
    readonly held: boolean;
    readonly url: string;
  },
): Promise<void> {
  await writeBookkeepingStatus(client, target, {
    context: heldContext(note.environment),
    description: note.held
      ? `held: run ${note.runId} waits for Tollgate's gate`
      : `released: run ${note.runId} was answered`,
    url: note.url,
  });
}

/** The Action's wake (src/action/wake.ts): a status the App hears, asking it to judge the commit again. */
export async function writeWakeStatus(
  client: GitHubClient,
  target: RepositoryRef & { readonly sha: string },
  wake: { readonly dueAt: Date; readonly url: string },
): Promise<void> {
  await writeBookkeepingStatus(client, target, {
    context: WAKE_CONTEXT,
    description: `due at ${wake.dueAt.toISOString().replace(/\.\d{3}Z$/, "Z")}: Tollgate judges this commit again`,
    url: wake.url,
  });
}

/** A bookkeeping status is `success` whatever it says, so it never holds up what waits for every status. */
async function writeBookkeepingStatus(
  client: GitHubClient,
  target: RepositoryRef & { readonly sha: string },
  status: { readonly context: string; readonly description: string; readonly url: string },
): Promise<void> {
  await client.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
    owner: target.owner,
    repo: target.repo,
    sha: target.sha,
    state: "success",
    context: status.context,
    description: status.description,
    ...(status.url ? { target_url: status.url } : {}),
  });
}

/** The due time a wake status names (`due at <time>: …`), or undefined when it names none. */
export function wakeDueAt(description: string | null | undefined): Date | undefined {
  const match = /^due at (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)\b/.exec(description ?? "");
  return match ? new Date(match[1]!) : undefined;
}

export interface HeldRun {
  readonly environment: string;
  readonly runId: number;
  /** The run's page, as the note links it. */
  readonly url: string;
}

/** The runs the App's bot says it holds on a commit (its latest note per environment says "held"). */
export function heldRuns(contexts: readonly StatusContextNode[], appBot: string): HeldRun[] {
  return contexts.flatMap((node) => {
    if (!node.context.startsWith(HELD_CONTEXT_PREFIX) || !isActor(node.creator, appBot)) return [];
    const match = HELD.exec(node.description ?? "");
    const environment = node.context.slice(HELD_CONTEXT_PREFIX.length);
    return match && environment ? [{ environment, runId: Number(match[1]), url: node.targetUrl ?? "" }] : [];
  });
}

/** Whether someone other than the App's bot wrote a held context last, masking whatever note it left. */
export function heldNoteOverwritten(contexts: readonly StatusContextNode[], appBot: string): boolean {
  return contexts.some(
    (node) => node.context.startsWith(HELD_CONTEXT_PREFIX) && !isActor(node.creator, appBot),
  );
}

/**
 * The runs the App's bot holds on a commit by its own newest notes, read from the commit's whole list of
 * statuses: for a note someone may have written over (`heldNoteOverwritten`).
 */
export async function heldBeneath(
  client: GitHubClient,
  target: RepositoryRef & { readonly sha: string },
  appBot: string,
): Promise<{ readonly held: HeldRun[]; readonly requests: number }> {
  const read = await latestStatusContexts(client, target, appBot);
  return { held: heldRuns(read.contexts, appBot), requests: read.requests };
}

/**
 * At most this many pages of 100 are read (GitHub keeps up to 1,000 statuses per commit and context): a
 * note pushed further back goes unread, and its run then waits as it would with no note (never released).
 */
const STATUS_PAGES = 10;

/**
 * A commit's statuses as REST lists them (newest first, every page), read as the GraphQL contexts heldRuns
 * takes: the latest per context of those `writtenBy` wrote.
 */
async function latestStatusContexts(
  client: GitHubClient,
  target: RepositoryRef & { readonly sha: string },
  writtenBy: string,
): Promise<{ contexts: StatusContextNode[]; requests: number }> {
  const latest = new Map<string, StatusContextNode>();
  let requests = 0;
  for (let page = 1; page <= STATUS_PAGES; page++) {
    requests++;
    // The list (not the combined status, which names no creator), newest first: the latest per context counts.
    const { data } = await client.request("GET /repos/{owner}/{repo}/commits/{ref}/statuses", {
      owner: target.owner,
      repo: target.repo,
      ref: target.sha,
      per_page: 100,
      ...(page > 1 ? { page } : {}),
    });
    const statuses = data as RestCommitStatus[];
    for (const node of statuses.map(statusContextNode))
      if (!latest.has(node.context) && isActor(node.creator, writtenBy)) latest.set(node.context, node);
    if (statuses.length < 100) break;
  }
  return { contexts: [...latest.values()], requests };
}

function statusContextNode(s: RestCommitStatus): StatusContextNode {
  return {
    context: s.context,
    state: s.state,
    description: s.description,
    targetUrl: s.target_url,
    createdAt: s.created_at,
    creator: s.creator
      ? { __typename: s.creator.type === "Bot" ? "Bot" : "User", login: s.creator.login }
      : null,
  };
}

interface RestCommitStatus {
  context: string;
  state: string;
  description: string | null;
  target_url: string | null;
  created_at: string;
  creator: { login: string; type?: string } | null;
}
