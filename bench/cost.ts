/**
 * What Tollgate's readiness evaluation costs by GitHub's GraphQL formula: the built Action gates a PR on
 * the sandbox (which charges points and counts nodes as GitHub documents), and the sandbox's request log
 * and per-token totals give the points, nodes and REST requests spent; beside them, the same analysis of
 * the single query used before (`bench/evidence-query-before.ts`) and of the follow-up query at its largest.
 */
import { parse } from "graphql";
import { analyse } from "../sandbox/graphql/cost.js";
import { githubGraphqlSchema } from "../sandbox/graphql/index.js";
import {
  EVIDENCE_QUERY,
  followUpQuery,
  followUpRequests,
  ONE_POINT_REQUESTS,
  type FollowUp,
} from "../src/github/evidence-query.js";
import { EVIDENCE_QUERY_BEFORE } from "./evidence-query-before.js";
import { runAction, workflowToken } from "../scripts/worlds/action-run.js";
import { waitOnSandbox } from "../scripts/worlds/action-gate.js";
import { PEOPLE, POLICY, TEAMS } from "../scripts/worlds/action-policy.js";
import { ORG, REPO, createWorld, openPullRequest, workflowTokens } from "../sandbox/seed/index.js";
import { machine } from "./stats.js";

const n = (v: number): string => v.toLocaleString("en");

const staticCost = (query: string, variables: Record<string, unknown> = {}) =>
  analyse(githubGraphqlSchema(), parse(query), null, variables);

/** The follow-up query at its largest: the PR head's deployments, two teams, as many earlier commits as fit. */
function largestFollowUp(): FollowUp {
  const plan: FollowUp = {
    teams: [
      { slug: "leads", after: null },
      { slug: "architects", after: "Y3Vyc29yOnYyOjA=" },
    ],
    head: "a".repeat(40),
    parent: "c".repeat(40),
    earlier: [],
  };
  const earlier: string[] = [];
  while (followUpRequests({ ...plan, earlier: [...earlier, "b".repeat(40)] }) <= ONE_POINT_REQUESTS)
    earlier.push("b".repeat(40));
  return { ...plan, earlier };
}

export async function benchCost(): Promise<string> {
  const world = await createWorld({ policy: POLICY, people: PEOPLE, teams: TEAMS });
  try {
    const token = await workflowToken(world);
    await openPullRequest(world, "dave", {
      branch: "bench",
      title: "bench",
      body: "## Rollback plan\nRevert.",
      labels: ["minor"],
    });
    // A second commit: the first one's approvals are read too (stale), in the follow-up query.
    const pushed = await world.sandbox.client.putFile(
      world.people["dave"]!.token,
      `${ORG}/${REPO}`,
      "src/bench-2.ts",
      "export {};\n",
      { branch: "bench", message: "Second commit" },
    );
    await world.sandbox.client.control("DELETE", "/requests");
    await world.sandbox.client.control("DELETE", "/usage");
    const run = await runAction(world, {
      sha: pushed.commit.sha,
      token,
      inputs: { environment: "staging" },
    });
    const log = (await world.sandbox.client.requests()).filter((r) => r.actor === "github-actions[bot]");
    const graphql = log.filter((r) => r.resource === "graphql");
    const rest = log.filter((r) => r.resource === "core");
    const usage = (await world.sandbox.client.usage(token)).tokens[0];
    const points = graphql.reduce((sum, r) => sum + r.points, 0);
    const nodes = graphql.reduce((sum, r) => sum + (r.node_count ?? 0), 0);

    const waited = await hourOfWaiting();
    const before = staticCost(EVIDENCE_QUERY_BEFORE);
    const first = staticCost(EVIDENCE_QUERY);
    const largest = followUpQuery(largestFollowUp());
    const second = staticCost(largest.query, { owner: ORG, name: REPO, ...largest.variables });
    const top = [...before.connections].sort((a, b) => b.requests - a.requests).slice(0, 4);
    const perHourBefore = Math.floor(1000 / Math.max(1, before.cost));
    const perHour = Math.floor(1000 / Math.max(1, first.cost + second.cost));
    return [
      "## Cost of a readiness evaluation (GitHub points)",
      "",
      `The built Action gates \`staging\` for a PR of two commits on the sandbox, which charges GraphQL points and counts nodes by GitHub's published formula (requests to fulfil each connection, every first/last assumed full, ÷ 100, rounded, at least 1; nodes = product of first/last down each path, summed) and one point per REST request. The policy names a team, and the commit has an earlier one, so both queries run. "Before" is the single query Tollgate used until this change (\`bench/evidence-query-before.ts\`), by the same analysis. The waiting row runs the Action's gate phase in process for \`production\` with \`wait-for-approval: 1h\` on the sandbox's clock (\`scripts/worlds/action-gate.ts\`), nobody approving, and reads the workflow token's usage from the sandbox. Gate verdict: ${run.outputs["decision"] ?? "?"}. ${machine()}.`,
      "",
      "| measure | before | now | target |",
      "|---|---|---|---|",
      `| GraphQL queries per evaluation | 1 | ${graphql.length} (the second only when needed) | |`,
      `| points per evaluation (measured) | ${before.cost} | ${points} (${graphql.map((r) => r.points).join(" + ")}) | ≤ 2 |`,
      `| nodes per evaluation (measured) | ${n(before.nodeCount)} | ${n(nodes)} (${graphql.map((r) => n(r.node_count ?? 0)).join(" + ")}) | ≤ 50,000 |`,
      `| first query, any repository (static): requests / points / nodes | | ${n(first.requests)} / ${first.cost} / ${n(first.nodeCount)} | |`,
      `| follow-up at its largest (PR head and first parent of a merge commit, 2 teams, ${largestFollowUp().earlier.length} earlier commits; static) | | ${n(second.requests)} / ${second.cost} / ${n(second.nodeCount)} | |`,
      `| worst case per evaluation (static) | ${before.cost} points / ${n(before.nodeCount)} nodes | ${first.cost + second.cost} points / ${n(first.nodeCount + second.nodeCount)} nodes | ≤ 2 / ≤ 50,000 |`,
      `| GraphQL points / REST requests for the whole gate (workflow token) | | ${usage?.graphql_points ?? 0} / ${rest.length} | |`,
      `| evaluations the workflow token's 1,000 points/h pays for | ${n(perHourBefore)} | ${n(perHour)} or more | |`,
      `| an hour of \`wait-for-approval\` (sandbox clock): workflow token's points (GraphQL + REST) | a ${before.cost}-point evaluation every minute: ${n(60 * before.cost)}+ | ${waited.points} (${waited.graphqlPoints} + ${waited.corePoints}; ${waited.notModified} polls answered 304) | ≤ 100 |`,
      "",
      "What drove the old query's cost (each connection is fetched once per possible parent node), and where it went:",
      "",
      "| connection (before) | requests | nodes | now |",
      "|---|---|---|---|",
      ...top.map((c) => `| \`${c.path}\` | ${n(c.requests)} | ${n(c.nodes)} | ${whereNow(c.path)} |`),
    ].join("\n");
  } finally {
    await world.close();
  }
}

/** An hour of `wait-for-approval` for production on the sandbox's clock, in a world of its own: no one approves. */
async function hourOfWaiting() {
  const world = await createWorld({ policy: POLICY, people: PEOPLE, teams: TEAMS });
  try {
    const mint = await workflowTokens(world.sandbox, ORG);
    const pr = await openPullRequest(world, "dave", {
      branch: "bench-wait",
      title: "bench wait",
      body: "## Rollback plan\nRevert.",
      labels: ["minor"],
    });
    return await waitOnSandbox(world, mint, { head: pr.head, waitMs: 3_600_000 });
  } finally {
    await world.close();
  }
}

function whereNow(path: string): string {
  if (path.includes("commits.nodes.commit.deployments"))
    return "follow-up: one alias per earlier commit, `deployments(first: 5)`, newest commits first, as many as fit in 1 point; the rest flagged `earlier_approvals`";
  if (path.includes("headCommit"))
    return "follow-up, only when the commit is the PR's merge commit: `object(oid: head)`, `deployments(first: 100)`";
  if (path.includes("teams"))
    return "first query lists team slugs (1 request); follow-up reads members of the teams the policy names only, by cursor (2 requests each)";
  return "unchanged";
}
