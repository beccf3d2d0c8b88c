/**
 * Late-bound links from the deployment, actor, issue and pull request nodes back to commit, ref and
 * repository nodes. nodes.ts sets them once it has defined `commitNode`, `refNode` and `repoNode`: a
 * Deployment's `commit`, an Actor's `repositories` and a pull request's `headRef` lead to nodes that
 * themselves lead back to deployments, actors and pull requests, and this keeps the files free of
 * import circles.
 */
import type { View } from "../serialize/accounts.js";
import type { Repo } from "../state.js";

export const links: {
  commit: (v: View, r: Repo, sha: string) => unknown;
  repo: (v: View, r: Repo) => unknown;
  ref: (v: View, r: Repo, branch: string) => unknown;
} = {
  commit: () => null,
  repo: () => null,
  ref: () => null,
};
