/**
 * What Tollgate's readiness evaluation costs by GitHub's GraphQL formula: the built Action gates a PR on
 * the sandbox (which charges points and counts nodes as GitHub documents), and the sandbox's request log
 * and per-token totals give the points, nodes and REST requests spent. The evidence query's most costly
 * connections are listed from the same analysis the sandbox charges with.
 */
import { parse } from "graphql";
import { analyse } from "../sandbox/graphql/cost.js";
import { githubGraphqlSchema } from "../sandbox/graphql/index.js";
import { EVIDENCE_QUERY } from "../src/github/evidence-query.js";
import { runAction, workflowToken } from "../test/action/helpers.js";
import { PEOPLE, POLICY, TEAMS } from "../test/action/policy.js";
import { createWorld, openPullRequest } from "../test/support/world.js";
import { machine } from "./stats.js";

const n = (v: number): string => v.toLocaleString("en");

/** The query without the selection that starts at `start` (through its balanced braces). */
function drop(query: string, start: string): string | undefined {
  const i = query.indexOf(start);
  if (i < 0) return undefined;
  let depth = 0;
  for (let j = query.indexOf("{", i); j < query.length; j++) {
    if (query[j] === "{") depth++;
    if (query[j] === "}" && --depth === 0) return query.slice(0, i) + query.slice(j + 1);
  }
  return undefined;
}

const replace = (query: string | undefined, from: string, to: string): string | undefined =>
  query?.includes(from) ? query.replace(from, to) : undefined;

/** What the targets would take: the same analysis on the query with evidence given up step by step. */
function variants(): { change: string; query: string | undefined }[] {
  const noStale = drop(EVIDENCE_QUERY, "deployments(first: 5)");
  const onePr = replace(noStale, "associatedPullRequests(first: 5)", "associatedPullRequests(first: 1)");
  const head30 = replace(
    onePr,
    "commit { oid deployments(first: 100)",
    "commit { oid deployments(first: 30)",
  );
  return [
    { change: "without the PR's earlier commits' deployments (stale approvals)", query: noStale },
    { change: "… and `associatedPullRequests(first: 1)`", query: onePr },
    { change: "… and the PR head's `deployments(first: 30)`", query: head30 },
    {
      change: "stale approvals kept: `associatedPullRequests(first: 1)`, per-commit `deployments(first: 1)`",
      query: replace(
        replace(EVIDENCE_QUERY, "associatedPullRequests(first: 5)", "associatedPullRequests(first: 1)"),
        "deployments(first: 5)",
        "deployments(first: 1)",
      ),
    },
  ];
}

export async function benchCost(): Promise<string> {
  const world = await createWorld({ policy: POLICY, people: PEOPLE, teams: TEAMS });
  try {
    const token = await workflowToken(world);
    const { head } = await openPullRequest(world, "dave", {
      branch: "bench",
      title: "bench",
      body: "## Rollback plan\nRevert.",
      labels: ["minor"],
    });
    await world.sandbox.client.control("DELETE", "/requests");
    await world.sandbox.client.control("DELETE", "/usage");
    const run = await runAction(world, { sha: head, token, inputs: { environment: "staging" } });
    const log = (await world.sandbox.client.requests()).filter((r) => r.actor === "github-actions[bot]");
    const graphql = log.filter((r) => r.resource === "graphql");
    const rest = log.filter((r) => r.resource === "core");
    const usage = (await world.sandbox.client.usage(token)).tokens[0];

    const static_ = analyse(githubGraphqlSchema(), parse(EVIDENCE_QUERY), null, {});
    const top = [...static_.connections]
      .sort((a, b) => b.requests - a.requests || b.nodes - a.nodes)
      .slice(0, 6);
    const byNodes = [...static_.connections].sort((a, b) => b.nodes - a.nodes).slice(0, 4);
    const perHour = Math.floor(1000 / Math.max(1, static_.cost));
    return [
      "## Cost of a readiness evaluation (GitHub points)",
      "",
      `The built Action gates \`staging\` for a PR on the sandbox, which charges GraphQL points and counts nodes by GitHub's published formula (requests to fulfil each connection, every first/last assumed full, ÷ 100, rounded, at least 1; nodes = product of first/last down each path, summed) and one point per REST request. Gate verdict: ${run.outputs["decision"] ?? "?"}. ${machine()}.`,
      "",
      "| measure | value | target |",
      "|---|---|---|",
      `| evidence query (\`src/github/evidence-query.ts\`): points | ${graphql.map((r) => r.points).join(", ")} | ≤ 2 |`,
      `| evidence query: nodes | ${graphql.map((r) => n(r.node_count ?? 0)).join(", ")} | ≤ 50,000 |`,
      `| evidence query: connection requests before ÷ 100 | ${n(static_.requests)} | |`,
      `| GraphQL points / REST requests for the whole gate (workflow token) | ${usage?.graphql_points ?? 0} / ${rest.length} | |`,
      `| gates the workflow token's 1,000 points/h pays for (GraphQL) | ${n(perHour)} | |`,
      "",
      "Connections adding the most requests (each is fetched once per possible parent node):",
      "",
      "| connection | requests | nodes |",
      "|---|---|---|",
      ...top.map((c) => `| \`${c.path}\` | ${n(c.requests)} | ${n(c.nodes)} |`),
      "",
      `Most nodes: ${byNodes.map((c) => `\`${c.path}\` ${n(c.nodes)}`).join(", ")}.`,
      "",
      "What the targets would take (the same analysis on edited copies of the query; each gives up evidence):",
      "",
      "| change to the evidence query | requests | points | nodes |",
      "|---|---|---|---|",
      ...variants().flatMap(({ change, query }) => {
        if (!query) return [];
        const c = analyse(githubGraphqlSchema(), parse(query), null, {});
        return [`| ${change} | ${n(c.requests)} | ${c.cost} | ${n(c.nodeCount)} |`];
      }),
    ].join("\n");
  } finally {
    await world.close();
  }
}
