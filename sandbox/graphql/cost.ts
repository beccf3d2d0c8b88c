/**
 * GitHub's GraphQL rate-limit and node-limit rules ("Rate limits and query limits for the GraphQL API"): a
 * call's point cost (requests to fill every connection ÷ 100, at least 1), its node count (the product of
 * `first`/`last` down each path, at most 500,000: MAX_NODE_LIMIT_EXCEEDED), `rateLimit(dryRun:)`, and the
 * refusals of connections without bounds or over 100 (MISSING_PAGINATION_BOUNDARIES, EXCESSIVE_PAGINATION).
 */
import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  GraphQLError,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  isInterfaceType,
} from "graphql";

/** GitHub's per-call node ceiling. */
export const MAX_NODES = 500_000;

export interface Cost {
  /** requests needed to fulfil every connection, each assumed to reach its first/last */
  requests: number;
  /** primary points: requests ÷ 100, rounded, at least 1 */
  cost: number;
  /** sum over connections of the product of first/last down the nesting */
  nodeCount: number;
  mutation: boolean;
  /** `rateLimit(dryRun: true)`: GitHub answers the cost without spending it */
  dryRun: boolean;
  /** the whole call refused before it runs (MAX_NODE_LIMIT_EXCEEDED) */
  refused?: GraphQLError;
  /** connections refused where they stand (MISSING_PAGINATION_BOUNDARIES, EXCESSIVE_PAGINATION) */
  fieldErrors: Map<FieldNode, GraphQLError>;
  /** each connection: its path (response keys), the requests it adds and the nodes it may return */
  connections: { path: string; requests: number; nodes: number }[];
}

const number = (n: number): string => n.toLocaleString("en-US");

/** A connection in GitHub's schema: a `…Connection` object type reached through a field taking first/last. */
function isConnection(field: GraphQLField<unknown, unknown>): boolean {
  const named = getNamedType(field.type);
  return (
    isObjectType(named) &&
    named.name.endsWith("Connection") &&
    field.args.some((a) => a.name === "first" || a.name === "last")
  );
}

/** The operation a call runs (the named one, or the first) and the fragments its document defines. */
function operationOf(
  document: DocumentNode,
  operationName: string | null,
): { operation: OperationDefinitionNode | undefined; fragments: Map<string, FragmentDefinitionNode> } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName))
      operation ??= def;
  }
  return { operation, fragments };
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode) {
  return operation.operation === "mutation"
    ? schema.getMutationType()
    : operation.operation === "subscription"
      ? schema.getSubscriptionType()
      : schema.getQueryType();
}

/** What a walk over one call's selections reads and what it adds up. */
interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  /** the call's variables, coerced */
  values: Record<string, unknown>;
  out: Cost;
  /** the first connection whose own node count is over the ceiling */
  traversed?: { name: string; nodes: number };
}

function argsOf(w: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, w.values);
  } catch {
    return {}; // execution reports the bad argument in GitHub's words
  }
}

/** The fields selected on a selection set, through fragments and inline fragments. */
function selects(
  w: Walk,
  set: SelectionSetNode | undefined,
  names: readonly string[],
  seen = new Set<string>(),
): boolean {
  if (!set) return false;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD && names.includes(s.name.value)) return true;
    if (s.kind === Kind.INLINE_FRAGMENT && selects(w, s.selectionSet, names, seen)) return true;
    if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
      seen.add(s.name.value);
      if (selects(w, w.fragments.get(s.name.value)?.selectionSet, names, seen)) return true;
    }
  }
  return false;
}

/** Walks a selection set: fragments are walked in place, each field by `walkField`. */
function walk(
  w: Walk,
  set: SelectionSetNode,
  type: GraphQLCompositeType,
  multiplier: number,
  seen: Set<string>,
  path: string,
): void {
  for (const s of set.selections) {
    if (s.kind === Kind.INLINE_FRAGMENT) {
      const cond = s.typeCondition ? w.schema.getType(s.typeCondition.name.value) : type;
      if (cond && (isObjectType(cond) || isInterfaceType(cond) || "getTypes" in cond))
        walk(w, s.selectionSet, cond as GraphQLCompositeType, multiplier, seen, path);
      continue;
    }
    if (s.kind === Kind.FRAGMENT_SPREAD) {
      const frag = w.fragments.get(s.name.value);
      if (!frag || seen.has(frag.name.value)) continue;
      const cond = w.schema.getType(frag.typeCondition.name.value);
      if (cond)
        walk(
          w,
          frag.selectionSet,
          cond as GraphQLCompositeType,
          multiplier,
          new Set([...seen, frag.name.value]),
          path,
        );
      continue;
    }
    walkField(w, s, type, multiplier, seen, path);
  }
}

/**
 * A field: a plain one is walked into with the same multiplier; a connection adds `multiplier` requests
 * and, when its bounds are valid, `multiplier × first/last` nodes, which multiply what is nested in it.
 */
function walkField(
  w: Walk,
  s: FieldNode,
  type: GraphQLCompositeType,
  multiplier: number,
  seen: Set<string>,
  path: string,
): void {
  if (s.name.value.startsWith("__")) return;
  if (!isObjectType(type) && !isInterfaceType(type)) return;
  const field = type.getFields()[s.name.value];
  if (!field) return;
  const args = argsOf(w, field, s);
  if (s.name.value === "rateLimit" && args["dryRun"] === true) w.out.dryRun = true;
  const named = getNamedType(field.type);
  const here = path ? `${path}.${(s.alias ?? s.name).value}` : (s.alias ?? s.name).value;
  if (!isConnection(field)) {
    if (s.selectionSet && (isObjectType(named) || isInterfaceType(named) || "getTypes" in named))
      walk(w, s.selectionSet, named as GraphQLCompositeType, multiplier, seen, here);
    return;
  }
  const nodes = countConnection(w, s, args, multiplier, here);
  if (nodes !== undefined && s.selectionSet)
    walk(w, s.selectionSet, named as GraphQLCompositeType, nodes, seen, here);
}

/** Counts a connection's requests and nodes; undefined (and a field error) when its bounds are refused. */
function countConnection(
  w: Walk,
  s: FieldNode,
  args: Record<string, unknown>,
  multiplier: number,
  here: string,
): number | undefined {
  const { out } = w;
  const sizes = (["first", "last"] as const)
    .map((a) => [a, args[a]] as const)
    .filter((e): e is readonly ["first" | "last", number] => typeof e[1] === "number");
  out.requests += multiplier;
  if (sizes.length === 0) {
    out.connections.push({ path: here, requests: multiplier, nodes: 0 });
    if (selects(w, s.selectionSet, ["nodes", "edges"])) {
      out.fieldErrors.set(
        s,
        new GraphQLError(
          `You must provide a \`first\` or \`last\` value to properly paginate the \`${s.name.value}\` connection.`,
          { extensions: { type: "MISSING_PAGINATION_BOUNDARIES" } },
        ),
      );
    }
    return undefined;
  }
  // GitHub documents 1..100; what it enforces (and says) is more than 100, or less than zero.
  const bad = sizes.find(([, v]) => v < 0 || v > 100);
  if (bad) {
    out.fieldErrors.set(s, boundsError(s, ...bad));
    return undefined;
  }
  const size = Math.max(...sizes.map(([, v]) => v));
  const nodes = multiplier * size;
  out.nodeCount += nodes;
  out.connections.push({ path: here, requests: multiplier, nodes });
  if (!w.traversed && nodes > MAX_NODES) w.traversed = { name: s.name.value, nodes };
  return nodes;
}

function boundsError(s: FieldNode, arg: "first" | "last", v: number): GraphQLError {
  return v > 100
    ? new GraphQLError(
        `Requesting ${v} records on the \`${s.name.value}\` connection exceeds the \`${arg}\` limit of 100 records.`,
        { extensions: { type: "EXCESSIVE_PAGINATION" } },
      )
    : new GraphQLError(`\`${arg}\` on the connection cannot be less than zero.`, {
        extensions: { type: "INVALID_PAGINATION" },
      });
}

/** MAX_NODE_LIMIT_EXCEEDED, naming the connection where the count went over when one did on its own. */
function nodeLimitError(w: Walk): GraphQLError | undefined {
  if (w.traversed)
    return new GraphQLError(
      `By the time this query traverses to the ${w.traversed.name} connection, it is requesting up to ${number(w.traversed.nodes)} possible nodes which exceeds the maximum limit of ${number(MAX_NODES)}.`,
      { extensions: { type: "MAX_NODE_LIMIT_EXCEEDED" } },
    );
  if (w.out.nodeCount > MAX_NODES)
    return new GraphQLError(
      `This query requests up to ${number(w.out.nodeCount)} possible nodes which exceeds the maximum limit of ${number(MAX_NODES)}.`,
      { extensions: { type: "MAX_NODE_LIMIT_EXCEEDED" } },
    );
  return undefined;
}

/**
 * Computes a call's cost and node count by GitHub's published rules ("Rate limits and query limits for the
 * GraphQL API"): add up the requests needed to fulfil each connection, assuming every first/last is reached
 * (a connection nested under others is fetched once per possible parent node), divide by 100, round, and
 * charge at least 1; the node count is the product of first/last down each connection path, summed, and a
 * call over 500,000 nodes is refused. A connection that selects `nodes` or `edges` needs first or last
 * (at most 100, not negative); one that selects only `totalCount` (or `pageInfo`) needs neither.
 */
export function analyse(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
  variables: Record<string, unknown>,
): Cost {
  const { operation, fragments } = operationOf(document, operationName);
  const out: Cost = {
    requests: 0,
    cost: 1,
    nodeCount: 0,
    mutation: operation?.operation === "mutation",
    dryRun: false,
    fieldErrors: new Map(),
    connections: [],
  };
  if (!operation) return out;
  const root = rootType(schema, operation);
  if (!root) return out;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  const w: Walk = { schema, fragments, values: coerced.coerced ?? {}, out };
  walk(w, operation.selectionSet, root, 1, new Set(), "");
  out.cost = Math.max(1, Math.round(out.requests / 100));
  const refused = nodeLimitError(w);
  if (refused) out.refused = refused;
  return out;
}
