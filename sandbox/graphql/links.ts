/**
 * Late-bound links from the deployment and actor nodes back to commit and repository nodes. nodes.ts
 * sets them once it has defined `commitNode` and `repoNode`: a Deployment's `commit` and an Actor's
 * `repositories` lead to nodes that themselves lead back to deployments and actors, and this keeps
 * the files free of import circles.
 */
import type { View } from "../serialize/accounts.js";
import type { Repo } from "../state.js";

export const links: {
  commit: (v: View, r: Repo, sha: string) => unknown;
  repo: (v: View, r: Repo) => unknown;
} = {
  commit: () => null,
  repo: () => null,
};
