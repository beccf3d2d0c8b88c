import {
  buildSchema,
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";
import { schema as githubSchema } from "@octokit/graphql-schema";
import { authorizeRepo } from "../auth.js";
import { HttpError, type Ctx, type Reply } from "../http.js";
import { actorNode } from "./actors.js";
import { repoNode } from "./nodes.js";

let built: GraphQLSchema | undefined;

/** GitHub's published schema, built once per process: a query GitHub rejects is rejected here too. */
export function githubGraphqlSchema(): GraphQLSchema {
  built ??= buildSchema(githubSchema.idl, { assumeValidSDL: true });
  return built;
}

function root(ctx: Ctx): Record<string, unknown> {
  return {
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
    rateLimit: () => {
      const s = ctx.state.limits.snapshot(ctx.actor, "graphql");
      return {
        __typename: "RateLimit",
        cost: 1,
        limit: s.limit,
        remaining: s.remaining,
        used: s.used,
        nodeCount: 1,
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

export async function executeGraphql(ctx: Ctx): Promise<Reply> {
  const body = (ctx.body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof body.query !== "string") {
    return {
      status: 400,
      body: {
        message: "A query attribute must be specified and must be a string.",
        documentation_url: "https://docs.github.com/graphql",
      },
    };
  }
  const document = parsedQuery(body.query);
  if (!("kind" in document)) return { status: 200, body: { errors: document.errors.map(githubError) } };
  const result = await execute({
    schema: githubGraphqlSchema(),
    document,
    rootValue: root(ctx),
    variableValues: (body.variables ?? null) as Record<string, unknown> | null,
    operationName: typeof body.operationName === "string" ? body.operationName : null,
    contextValue: ctx,
  });
  const out: Record<string, unknown> = {};
  if (result.data !== undefined) out["data"] = result.data;
  if (result.errors) out["errors"] = result.errors.map(githubError);
  return { status: 200, body: out };
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
