/**
 * The GraphQL endpoint (`POST /graphql`, "Forming calls with GraphQL"): parse and validate against GitHub's
 * published schema (`@octokit/graphql-schema`), refuse a spent budget, charge points and nodes by cost.ts,
 * then resolve the query roots (`repository`, `viewer`, `rateLimit`) and the mutations. Errors
 * carry GitHub's top-level `type`; a field the sandbox does not resolve is an error, never a null.
 */
import {
  buildSchema,
  defaultFieldResolver,
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";
import type { Path } from "graphql/jsutils/Path.js";
import { schema as githubSchema } from "@octokit/graphql-schema";
import { authorizeRepo } from "../auth.js";
import { HttpError } from "../errors.js";
import { type Ctx, type Reply } from "../http.js";
import { actorNode } from "./actors.js";
import { analyse, type Cost } from "./cost.js";
import { mutationRoot } from "./mutations.js";
import { repoNode } from "./nodes.js";
import { nodeById } from "./node.js";
import { NOT_MODELLED } from "../unmodelled.js";

let built: GraphQLSchema | undefined;

/** GitHub's published schema, built once per process: a query GitHub rejects is rejected here too. */
export function githubGraphqlSchema(): GraphQLSchema {
  built ??= buildSchema(githubSchema.idl, { assumeValidSDL: true });
  return built;
}

function root(ctx: Ctx, cost: Cost): Record<string, unknown> {
  return {
    ...mutationRoot(ctx),
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const r = ctx.state.repo(owner, name);
      const missing = (): GraphQLError =>
        new GraphQLError(`Could not resolve to a Repository with the name '${owner}/${name}'.`, {
          extensions: { type: "NOT_FOUND" },
        });
      if (!r) throw missing();
      try {
        authorizeRepo(ctx.state, ctx.actor, r, {});
      } catch (e) {
        if (e instanceof HttpError) throw missing();
        throw e;
      }
      const actor = ctx.actor;
      const alerts =
        actor?.kind === "installation" ? actor.permissions["vulnerability_alerts"] !== undefined : true;
      return repoNode(ctx, r, { alerts });
    },
    viewer: () => actorNode(ctx, ctx.actor?.login ?? null),
    node: ({ id }: { id: string }) => nodeById(ctx, id),
    rateLimit: () => {
      const s = ctx.state.limits.snapshot(ctx.actor, "graphql");
      return {
        __typename: "RateLimit",
        cost: cost.cost,
        limit: s.limit,
        remaining: s.remaining,
        used: s.used,
        nodeCount: cost.nodeCount,
        resetAt: new Date(s.reset * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      };
    },
  };
}

/** GitHub puts `type` at the top of each error (NOT_FOUND, FORBIDDEN…) rather than under extensions. */
function githubError(e: GraphQLError): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const type = e.extensions["type"];
  if (typeof type === "string") out["type"] = type;
  if (e.path) out["path"] = e.path;
  if (e.locations) out["locations"] = e.locations;
  out["message"] = e.message;
  return out;
}

/** What a GraphQL request cost, for the request log and the per-token totals. */
export interface GraphqlCharge {
  points: number;
  nodeCount: number;
  secondaryPoints: number;
}

/**
 * Executes a call as GitHub does: parse and validate against GitHub's schema, refuse a spent budget
 * (200, RATE_LIMITED), compute the cost and node count and refuse a call over 500,000 nodes, spend the
 * secondary points (query 1, mutation 5) and then the primary points, and execute; connections without
 * first/last, or with more than 100 or a negative size, are refused where they stand.
 */
export async function executeGraphql(ctx: Ctx, charged?: (c: GraphqlCharge) => void): Promise<Reply> {
  const limits = ctx.state.limits;
  const token = tokenOf(ctx);
  const answer = (body: Record<string, unknown>): Reply => ({
    status: 200,
    body,
    headers: limits.headers(ctx.actor, "graphql"),
  });
  const body = (ctx.body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof body.query !== "string") {
    return {
      status: 400,
      body: {
        message: "A query attribute must be specified and must be a string.",
        documentation_url: "https://docs.github.com/graphql",
      },
      headers: limits.headers(ctx.actor, "graphql"),
    };
  }
  if (limits.exhausted(ctx.actor, "graphql")) return answer(limits.graphqlRefusal(ctx.actor, token));
  const document = parsedQuery(body.query);
  if (!("kind" in document)) return answer({ errors: document.errors.map(githubError) });
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  const operationName = typeof body.operationName === "string" ? body.operationName : null;
  const cost = analyse(githubGraphqlSchema(), document, operationName, variables);
  const secondaryPoints = limits.secondary(
    ctx.actor,
    "graphql",
    cost.mutation ? 5 : 1,
    cost.mutation,
    ctx.requestId ?? "",
  );
  if (cost.refused) {
    charged?.({ points: 0, nodeCount: cost.nodeCount, secondaryPoints });
    return answer({ errors: [githubError(cost.refused)] });
  }
  const points = cost.dryRun ? 0 : cost.cost;
  limits.charge(ctx.actor, "graphql", points);
  const usage = limits.record(ctx.actor, token);
  usage.graphql_points += points;
  usage.graphql_queries++;
  usage.graphql_nodes += cost.nodeCount;
  charged?.({ points, nodeCount: cost.nodeCount, secondaryPoints });
  const refusedHere = cost.fieldErrors;
  const result = await execute({
    schema: githubGraphqlSchema(),
    document,
    rootValue: root(ctx, cost),
    variableValues: variables,
    operationName,
    contextValue: ctx,
    fieldResolver: (source, args, context, info) => {
      const refused = refusedHere.get(info.fieldNodes[0]!);
      if (refused) throw refused;
      // A field the sandbox's objects do not carry is one it does not model: an error, never a quiet null.
      if (source !== null && typeof source === "object" && !(info.fieldName in source)) {
        const field = `${info.parentType.name}.${info.fieldName}`;
        ctx.state.unmodelled.push({
          at: ctx.state.now(),
          kind: "graphql",
          method: info.operation.operation,
          route: field,
          path: responsePath(info.path).join("."),
        });
        throw new GraphQLError(`${field} is ${NOT_MODELLED}`, { extensions: { type: "NOT_MODELLED" } });
      }
      return defaultFieldResolver(source, args, context, info);
    },
  });
  const out: Record<string, unknown> = {};
  if (result.data !== undefined) out["data"] = result.data;
  if (result.errors) out["errors"] = dedupe(result.errors.map(githubError));
  return answer(out);
}

function responsePath(p: Path | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  for (let at = p; at; at = at.prev) out.unshift(at.key);
  return out;
}

/** A refused connection under a list fails once per parent item; the answer names it once. */
function dedupe(errors: Record<string, unknown>[]): Record<string, unknown>[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const type = e["type"];
    if (
      type !== "MISSING_PAGINATION_BOUNDARIES" &&
      type !== "EXCESSIVE_PAGINATION" &&
      type !== "INVALID_PAGINATION"
    )
      return true;
    const key = `${String(e["type"])}:${String(e["message"])}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function tokenOf(ctx: Ctx): string | null {
  const actor = ctx.actor;
  if (!actor) return null;
  return actor.kind === "app" ? null : actor.token.token;
}

/**
 * Parsing and validating against GitHub's large schema costs more than answering; clients send the same
 * few queries again and again, so each distinct text is checked once (a bounded memo, like any server's).
 */
const checked = new Map<string, DocumentNode | { errors: readonly GraphQLError[] }>();

function parsedQuery(source: string): DocumentNode | { errors: readonly GraphQLError[] } {
  const cached = checked.get(source);
  if (cached) return cached;
  let outcome: DocumentNode | { errors: readonly GraphQLError[] };
  try {
    const document = parse(source);
    const errors = validate(githubGraphqlSchema(), document);
    outcome = errors.length > 0 ? { errors } : document;
  } catch (error) {
    outcome = { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
  }
  if (checked.size >= 200) checked.delete(checked.keys().next().value!);
  checked.set(source, outcome);
  return outcome;
}
