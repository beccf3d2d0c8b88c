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
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName))
      operation ??= def;
  }
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
  const root =
    operation.operation === "mutation"
      ? schema.getMutationType()
      : operation.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return out;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  const values = coerced.coerced ?? {};
  const argsOf = (field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> => {
    try {
      return getArgumentValues(field, node, values);
    } catch {
      return {}; // execution reports the bad argument in GitHub's words
    }
  };
  let traversed: { name: string; nodes: number } | undefined;

  /** The fields selected on a selection set, through fragments and inline fragments. */
  const selects = (
    set: SelectionSetNode | undefined,
    names: readonly string[],
    seen = new Set<string>(),
  ): boolean => {
    if (!set) return false;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD && names.includes(s.name.value)) return true;
      if (s.kind === Kind.INLINE_FRAGMENT && selects(s.selectionSet, names, seen)) return true;
      if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
        seen.add(s.name.value);
        if (selects(fragments.get(s.name.value)?.selectionSet, names, seen)) return true;
      }
    }
    return false;
  };

  const walk = (
    set: SelectionSetNode,
    type: GraphQLCompositeType,
    multiplier: number,
    seen: Set<string>,
    path: string,
  ): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) {
        const cond = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type;
        if (cond && (isObjectType(cond) || isInterfaceType(cond) || "getTypes" in cond))
          walk(s.selectionSet, cond as GraphQLCompositeType, multiplier, seen, path);
        continue;
      }
      if (s.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(s.name.value);
        if (!frag || seen.has(frag.name.value)) continue;
        const cond = schema.getType(frag.typeCondition.name.value);
        if (cond)
          walk(
            frag.selectionSet,
            cond as GraphQLCompositeType,
            multiplier,
            new Set([...seen, frag.name.value]),
            path,
          );
        continue;
      }
      if (s.name.value.startsWith("__")) continue;
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      const field = type.getFields()[s.name.value];
      if (!field) continue;
      const args = argsOf(field, s);
      if (s.name.value === "rateLimit" && args["dryRun"] === true) out.dryRun = true;
      const named = getNamedType(field.type);
      const here = path ? `${path}.${(s.alias ?? s.name).value}` : (s.alias ?? s.name).value;
      if (!isConnection(field)) {
        if (s.selectionSet && (isObjectType(named) || isInterfaceType(named) || "getTypes" in named))
          walk(s.selectionSet, named as GraphQLCompositeType, multiplier, seen, here);
        continue;
      }
      const sizes = (["first", "last"] as const)
        .map((a) => [a, args[a]] as const)
        .filter((e): e is readonly ["first" | "last", number] => typeof e[1] === "number");
      const items = selects(s.selectionSet, ["nodes", "edges"]);
      out.requests += multiplier;
      if (sizes.length === 0) {
        out.connections.push({ path: here, requests: multiplier, nodes: 0 });
        if (items) {
          out.fieldErrors.set(
            s,
            new GraphQLError(
              `You must provide a \`first\` or \`last\` value to properly paginate the \`${s.name.value}\` connection.`,
              { extensions: { type: "MISSING_PAGINATION_BOUNDARIES" } },
            ),
          );
        }
        continue;
      }
      // GitHub documents 1..100; what it enforces (and says) is more than 100, or less than zero.
      const bad = sizes.find(([, v]) => v < 0 || v > 100);
      if (bad) {
        const [arg, v] = bad;
        out.fieldErrors.set(
          s,
          v > 100
            ? new GraphQLError(
                `Requesting ${v} records on the \`${s.name.value}\` connection exceeds the \`${arg}\` limit of 100 records.`,
                { extensions: { type: "EXCESSIVE_PAGINATION" } },
              )
            : new GraphQLError(`\`${arg}\` on the connection cannot be less than zero.`, {
                extensions: { type: "INVALID_PAGINATION" },
              }),
        );
        continue;
      }
      const size = Math.max(...sizes.map(([, v]) => v));
      const nodes = multiplier * size;
      out.nodeCount += nodes;
      out.connections.push({ path: here, requests: multiplier, nodes });
      if (!traversed && nodes > MAX_NODES) traversed = { name: s.name.value, nodes };
      if (s.selectionSet) walk(s.selectionSet, named as GraphQLCompositeType, nodes, seen, here);
    }
  };
  walk(operation.selectionSet, root, 1, new Set(), "");

  out.cost = Math.max(1, Math.round(out.requests / 100));
  if (traversed) {
    out.refused = new GraphQLError(
      `By the time this query traverses to the ${traversed.name} connection, it is requesting up to ${number(traversed.nodes)} possible nodes which exceeds the maximum limit of ${number(MAX_NODES)}.`,
      { extensions: { type: "MAX_NODE_LIMIT_EXCEEDED" } },
    );
  } else if (out.nodeCount > MAX_NODES) {
    out.refused = new GraphQLError(
      `This query requests up to ${number(out.nodeCount)} possible nodes which exceeds the maximum limit of ${number(MAX_NODES)}.`,
      { extensions: { type: "MAX_NODE_LIMIT_EXCEEDED" } },
    );
  }
  return out;
}
