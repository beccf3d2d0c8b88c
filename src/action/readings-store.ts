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
import {
  createCommit,
  createRef,
  createTreeWithFile,
  fastForwardRef,
  readCommit,
  readRef,
} from "../github/refs.js";
import { SERIES_VERSION, type SeriesDocument, type SeriesGroup } from "../rollout/series.js";
import type { ActionSettings } from "./inputs.js";

export const READINGS_NAMESPACE = "refs/tollgate/readings/";

export const readingsRef = (deploymentId: number) => `${READINGS_NAMESPACE}${deploymentId}`;

/** The ref's commit and that commit's tree, or undefined when the ref does not exist yet. */
async function headOf(client: GitHubClient, settings: ActionSettings, ref: string) {
  const head = await readRef(client, settings, ref);
  return head === undefined ? undefined : { head, tree: (await readCommit(client, settings, head)).tree };
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
    const tree = await createTreeWithFile(client, settings, {
      ...(current ? { base: current.tree } : {}),
      path: file,
      content: JSON.stringify(document),
    });
    const next = await createCommit(client, settings, {
      message: `tollgate readings: deployment ${deploymentId}\n\nrun: ${settings.runUrl}\nsha: ${sha}`,
      tree,
      parents: current ? [current.head] : [],
    });
    requests += 3;
    // A 422 means another run of this deployment moved (or created) the ref first: read it again.
    const moved = current
      ? await fastForwardRef(client, settings, ref, next)
      : await createRef(client, settings, ref, next);
    if (moved) return requests;
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
