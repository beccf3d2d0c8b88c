/**
 * GraphQL `isRequired(pullRequestNumber:)` / `isRequired(pullRequestId:)` on CheckRun and StatusContext
 * (GitHub's schema): whether the pull request's base branch requires a check of this name from this
 * source, by branch protection and rulesets (protection.ts).
 */
import { GraphQLError } from "graphql";
import { nodeId, type View } from "../serialize/accounts.js";
import { isRequiredFor } from "../protection.js";
import type { Repo } from "../state.js";

export interface IsRequiredArgs {
  pullRequestNumber?: number | null;
  pullRequestId?: string | null;
}

/**
 * `isRequired(pullRequestNumber:)` / `isRequired(pullRequestId:)` on a CheckRun or StatusContext: whether
 * the pull request's base branch requires a check of this name from this source. GitHub needs one of the
 * two arguments to know which pull request (and so which base branch) it is asked about.
 */
export function isRequiredResolver(_v: View, r: Repo, name: string, appId: number | null) {
  return (args: IsRequiredArgs): boolean => {
    const issue =
      typeof args.pullRequestNumber === "number"
        ? r.issues.get(args.pullRequestNumber)
        : typeof args.pullRequestId === "string"
          ? [...r.issues.values()].find(
              (i) => i.pull && nodeId("PullRequest", i.pull.id) === args.pullRequestId,
            )
          : undefined;
    if (args.pullRequestNumber == null && args.pullRequestId == null)
      throw new GraphQLError("One of pullRequestId or pullRequestNumber must be provided.", {
        extensions: { type: "INVALID_ARGUMENTS" },
      });
    if (!issue?.pull)
      throw new GraphQLError(
        typeof args.pullRequestNumber === "number"
          ? `Could not resolve to a PullRequest with the number of ${args.pullRequestNumber}.`
          : `Could not resolve to a node with the global id of '${String(args.pullRequestId)}'.`,
        { extensions: { type: "NOT_FOUND" } },
      );
    return isRequiredFor(r, issue, name, appId);
  };
}
