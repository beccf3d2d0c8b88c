/**
 * Due times: when a commit's gate changes by time alone (a soak or notice period ends, a window opens, an
 * emergency's approval deadline passes), the App writes a ref `refs/tollgate/due/<epoch-seconds>-<sha>`
 * pointing at that commit. A scheduled workflow running the Action in `mode: wake` lists them all in one
 * request (`GET /git/matching-refs/tollgate/due/`), and for those whose time has come (by GitHub's clock)
 * wakes the App with a commit status on the commit, which the App answers like any status: it judges the
 * commit again, updates its check runs and releases the runs it holds there, then removes the ref (a wake
 * it never heard wakes it again on the next run). Nothing is spent on a due time still in the future.
 *
 * A ref decides nothing: anyone with `contents: write` can create or delete one. A forged one causes one
 * evaluation of a commit (harmless, bounded by the wake's cap per run); a deleted one delays a time-based
 * release until the next event on the commit, as before due times existed.
 */
import type { GitHubClient, RepositoryRef } from "./client.js";

export const DUE_NAMESPACE = "refs/tollgate/due/";

export interface Due {
  readonly ref: string;
  readonly sha: string;
  readonly at: Date;
}

export function dueRef(at: Date, sha: string): string {
  return `${DUE_NAMESPACE}${Math.ceil(at.getTime() / 1000)}-${sha.toLowerCase()}`;
}

export function parseDueRef(ref: string): Due | undefined {
  const match = /^refs\/tollgate\/due\/(\d{1,12})-([0-9a-f]{40})$/.exec(ref);
  return match ? { ref, sha: match[2]!, at: new Date(Number(match[1]) * 1000) } : undefined;
}

const isStatus = (error: unknown, status: number) => (error as { status?: number } | null)?.status === status;

/** Records a due time; one already recorded for the same time and commit is kept. */
export async function writeDue(
  client: GitHubClient,
  repo: RepositoryRef,
  sha: string,
  at: Date,
): Promise<void> {
  try {
    await client.request("POST /repos/{owner}/{repo}/git/refs", { ...repo, ref: dueRef(at, sha), sha });
  } catch (error) {
    // 422 "Reference already exists": this very due time is recorded already.
    if (!isStatus(error, 422)) throw error;
  }
}

/** Every due time recorded (GitHub lists matching refs whole, unpaginated), and GitHub's clock then. */
export async function listDue(
  client: GitHubClient,
  repo: RepositoryRef,
): Promise<{ due: Due[]; unreadable: number; serverNow: Date | undefined }> {
  const response = await client.request("GET /repos/{owner}/{repo}/git/matching-refs/{ref}", {
    ...repo,
    ref: DUE_NAMESPACE.slice("refs/".length),
  });
  const refs = (response.data as { ref: string }[]).map((r) => r.ref);
  const due = refs.flatMap((ref) => parseDueRef(ref) ?? []);
  const date = response.headers?.["date"];
  const serverNow =
    typeof date === "string" && Number.isFinite(Date.parse(date)) ? new Date(date) : undefined;
  return { due, unreadable: refs.length - due.length, serverNow };
}

export async function deleteDue(client: GitHubClient, repo: RepositoryRef, ref: string): Promise<void> {
  try {
    await client.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", {
      ...repo,
      ref: ref.slice("refs/".length),
    });
  } catch (error) {
    // Already gone (another wake, or someone with contents: write): nothing left to do.
    if (!isStatus(error, 422) && !isStatus(error, 404)) throw error;
  }
}
