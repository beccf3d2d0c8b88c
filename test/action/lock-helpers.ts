/**
 * The environment lock (src/action/lock.ts) as a test sees it: the ref's commit message (who holds it), and
 * time passing for a dead holder — the lock rewritten as the holder last beat `seconds` ago.
 */
import { lockRef } from "../../src/action/lock.js";
import { ORG, REPO, type World } from "../../sandbox/seed/index.js";

const refPath = (environment: string) => lockRef(environment).slice("refs/".length);

/** The lock's commit message, or undefined when there is no lock ref. */
export async function lockMessage(world: World, environment: string): Promise<string | undefined> {
  const owner = world.people["owner"]!.octokit;
  try {
    const { data: ref } = await owner.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
      owner: ORG,
      repo: REPO,
      ref: refPath(environment),
    });
    const { data } = await owner.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      owner: ORG,
      repo: REPO,
      commit_sha: ref.object.sha,
    });
    return data.message;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

/** Moves the holder's last heartbeat `seconds` into the past, as a runner dead that long would have left it. */
export async function ageLock(world: World, environment: string, seconds: number): Promise<void> {
  const owner = world.people["owner"]!.octokit;
  const { data: ref } = await owner.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
    owner: ORG,
    repo: REPO,
    ref: refPath(environment),
  });
  const { data: head } = await owner.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
    owner: ORG,
    repo: REPO,
    commit_sha: ref.object.sha,
  });
  const at = /^at: (.+)$/m.exec(head.message)?.[1];
  if (!at) throw new Error(`not a lock Tollgate holds: ${head.message}`);
  const earlier = new Date(Date.parse(at) - seconds * 1000).toISOString();
  const { data: aged } = await owner.request("POST /repos/{owner}/{repo}/git/commits", {
    owner: ORG,
    repo: REPO,
    message: head.message.replace(/^at: .+$/m, `at: ${earlier}`),
    tree: head.tree.sha,
    parents: [ref.object.sha],
  });
  await owner.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
    owner: ORG,
    repo: REPO,
    ref: refPath(environment),
    sha: aged.sha,
    force: false,
  });
}
