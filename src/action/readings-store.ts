/**
 * Where a deployment's full measurement history lives: a git ref per deployment,
 * `refs/tollgate/readings/<deployment id>`, pointing at a commit whose tree holds one JSON file per run
 * that measured it (src/rollout/series.ts). A status description has 140 characters and a deployment's
 * payload is fixed when it is created, so neither can hold the series; the job summary holds it as a
 * table but no API reads it back. `tollgate audit` reads the ref's tree in its GraphQL queries.
 *
 * - A later run of the same deployment (a resumed rollout) adds its file on top: the ref only
 *   fast-forwards, so two writers never lose each other's readings.
 * - The series is informational and never decides anything: anyone with `contents: write` can create,
 *   move or delete the ref, and the audit says so next to it.
 * - Keeping it is best effort: a failure is logged and never changes the rollout's outcome.
 */
import type { GitHubClient } from "../github/client.js";
import { SERIES_VERSION, type SeriesDocument, type SeriesGroup } from "../rollout/series.js";
import type { ActionSettings } from "./inputs.js";

export const READINGS_NAMESPACE = "refs/tollgate/readings/";

export const readingsRef = (deploymentId: number) => `${READINGS_NAMESPACE}${deploymentId}`;

const status = (error: unknown) => (error as { status?: number }).status;

async function headOf(client: GitHubClient, settings: ActionSettings, ref: string) {
  try {
    const { data } = await client.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
      owner: settings.owner,
      repo: settings.repo,
      ref: ref.slice("refs/".length),
    });
    const head = (data as { object: { sha: string } }).object.sha;
    const commit = await client.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      owner: settings.owner,
      repo: settings.repo,
      commit_sha: head,
    });
    return { head, tree: (commit.data as { tree: { sha: string } }).tree.sha };
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

/** Adds one run's readings to the deployment's ref; returns the requests made. Throws on failure. */
export async function storeReadings(
  client: GitHubClient,
  settings: ActionSettings,
  deploymentId: number,
  sha: string,
  groups: readonly SeriesGroup[],
  now: () => Date,
): Promise<number> {
  if (groups.length === 0) return 0;
  const ref = readingsRef(deploymentId);
  const document: SeriesDocument = {
    version: SERIES_VERSION,
    deploymentId,
    sha,
    environment: settings.environment,
    run: settings.runUrl,
    groups,
  };
  const file = `${now().getTime()}-${settings.mode}.json`;
  let requests = 0;
  // Twice at most: another run of the same deployment moved the ref between our read and our write.
  for (let attempt = 0; attempt < 2; attempt++) {
    const current = await headOf(client, settings, ref);
    requests += current ? 2 : 1;
    const { data: tree } = await client.request("POST /repos/{owner}/{repo}/git/trees", {
      owner: settings.owner,
      repo: settings.repo,
      ...(current ? { base_tree: current.tree } : {}),
      tree: [{ path: file, mode: "100644", type: "blob", content: JSON.stringify(document) }],
    });
    const { data: commit } = await client.request("POST /repos/{owner}/{repo}/git/commits", {
      owner: settings.owner,
      repo: settings.repo,
      message: `tollgate readings: deployment ${deploymentId}\n\nrun: ${settings.runUrl}\nsha: ${sha}`,
      tree: (tree as { sha: string }).sha,
      parents: current ? [current.head] : [],
    });
    requests += 2;
    const next = (commit as { sha: string }).sha;
    try {
      if (current)
        await client.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
          owner: settings.owner,
          repo: settings.repo,
          ref: ref.slice("refs/".length),
          sha: next,
          force: false,
        });
      else
        await client.request("POST /repos/{owner}/{repo}/git/refs", {
          owner: settings.owner,
          repo: settings.repo,
          ref,
          sha: next,
        });
      return requests + 1;
    } catch (error) {
      requests++;
      if (status(error) !== 422) throw error;
    }
  }
  throw new Error(`${ref} kept changing while the readings were being added`);
}

/**
 * Keeps the readings, logging instead of failing: the series is a record for people, and losing it must
 * never turn a good rollout into a failed step. Returns the requests made.
 */
export async function keepReadings(
  deps: { readonly client: GitHubClient; readonly log: (message: string) => void; readonly now: () => Date },
  settings: ActionSettings,
  deploymentId: number | undefined,
  sha: string,
  groups: readonly SeriesGroup[],
): Promise<number> {
  if (deploymentId === undefined || groups.length === 0) return 0;
  try {
    const requests = await storeReadings(deps.client, settings, deploymentId, sha, groups, deps.now);
    const count = groups.reduce((n, g) => n + g.readings.length, 0);
    deps.log(`kept ${count} reading(s) under ${readingsRef(deploymentId)}`);
    return requests;
  } catch (error) {
    deps.log(
      `could not keep the readings under ${readingsRef(deploymentId)} (${(error as Error).message}): they are in this job's summary only; the job needs \`contents: write\``,
    );
    return 0;
  }
}
