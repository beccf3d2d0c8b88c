/** Spends a token's whole GraphQL budget on the sandbox (shared by every token of an installation). */
import type { World } from "../../sandbox/seed/index.js";
import { ORG, REPO } from "../../sandbox/seed/index.js";

/** 1 + 100 + 10,000 connection requests: 101 points a call. */
const HEAVY = `{ repository(owner: "${ORG}", name: "${REPO}") { pullRequests(first: 100) { nodes { commits(first: 100) { nodes { commit { deployments(first: 1) { totalCount } } } } } } } rateLimit { cost remaining resetAt } }`;

/** Calls until GitHub answers RATE_LIMITED; returns the reset time of the spent budget. */
export async function exhaustGraphql(world: World, token: string): Promise<Date> {
  for (let i = 0; i < 200; i++) {
    const response = await fetch(world.sandbox.graphqlUrl, {
      method: "POST",
      headers: { authorization: `bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ query: HEAVY }),
    });
    const body = (await response.json()) as { errors?: { type?: string }[] };
    if (body.errors?.some((e) => e.type === "RATE_LIMITED"))
      return new Date(Number(response.headers.get("x-ratelimit-reset")) * 1000);
  }
  throw new Error("the GraphQL budget was not spent after 200 calls");
}
