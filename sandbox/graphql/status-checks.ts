/**
 * GraphQL's view of a commit's checks (GitHub's schema: `Commit.status` and `Commit.statusCheckRollup`):
 * the combined state of the latest commit statuses and check runs (ERROR over FAILURE over PENDING over
 * SUCCESS, EXPECTED when nothing reported), StatusContext and CheckRun with `isRequired` following the
 * base branch's protection. Only the latest run per App and name counts, as on GitHub.
 */
import { nodeId, type View } from "../serialize/accounts.js";
import { latestStatuses } from "../serialize/checks.js";
import type { CheckRun, Repo } from "../state.js";
import { statusApp } from "../protection.js";
import { actorNode } from "./actors.js";
import { connection, type PageArgs } from "./connection.js";
import { isRequiredResolver } from "./protection.js";

type Obj = Record<string, unknown>;
const up = (s: string): string => s.toUpperCase();

export function combinedState(states: string[]): string {
  if (states.some((s) => s === "error")) return "ERROR";
  if (states.some((s) => s === "failure")) return "FAILURE";
  if (states.some((s) => s === "pending")) return "PENDING";
  return states.length === 0 ? "EXPECTED" : "SUCCESS";
}

export function statusContext(v: View, r: Repo, s: ReturnType<typeof latestStatuses>[number]): Obj {
  return {
    __typename: "StatusContext",
    id: nodeId("StatusContext", s.id),
    context: s.context,
    state: up(s.state),
    description: s.description,
    targetUrl: s.target_url,
    createdAt: s.created_at,
    creator: () => actorNode(v, s.creator),
    isRequired: isRequiredResolver(v, r, s.context, statusApp(v.state, s.creator)),
    avatarUrl: null,
    commit: null,
  };
}

export function rollup(v: View, r: Repo, sha: string): Obj | null {
  const statuses = latestStatuses(r, sha);
  const latestRuns = new Map<string, CheckRun>();
  for (const c of r.checkRuns.values()) if (c.headSha === sha) latestRuns.set(`${c.appId}:${c.name}`, c);
  const runs = [...latestRuns.values()];
  if (statuses.length === 0 && runs.length === 0) return null;
  const runState = (c: (typeof runs)[number]): string =>
    c.status !== "completed"
      ? "pending"
      : ["success", "neutral", "skipped"].includes(c.conclusion ?? "")
        ? "success"
        : c.conclusion === "action_required" ||
            c.conclusion === "cancelled" ||
            c.conclusion === "timed_out" ||
            c.conclusion === "stale"
          ? "failure"
          : "failure";
  const contexts: Obj[] = [
    ...runs.map((c): Obj => {
      const app = v.state.apps.get(c.appId);
      return {
        __typename: "CheckRun",
        id: nodeId("CheckRun", c.id),
        databaseId: c.id,
        name: c.name,
        status: up(c.status),
        conclusion: c.conclusion ? up(c.conclusion) : null,
        startedAt: c.started_at,
        completedAt: c.completed_at,
        detailsUrl: c.details_url,
        url: `${v.web}/${r.owner}/${r.name}/runs/${c.id}`,
        title: c.output.title,
        summary: c.output.summary,
        text: c.output.text,
        externalId: c.external_id,
        isRequired: isRequiredResolver(v, r, c.name, c.appId),
        checkSuite: {
          __typename: "CheckSuite",
          app: app ? { __typename: "App", slug: app.slug, name: app.name, databaseId: app.id } : null,
        },
      };
    }),
    ...statuses.map((s) => statusContext(v, r, s)),
  ];
  return {
    __typename: "StatusCheckRollup",
    id: nodeId("StatusCheckRollup", sha),
    state: combinedState([...statuses.map((s) => s.state), ...runs.map(runState)]),
    contexts: (args: PageArgs) => connection("contexts", contexts, args, (x) => x),
  };
}
