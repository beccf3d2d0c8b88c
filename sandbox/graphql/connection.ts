/**
 * GitHub's GraphQL connections ("Using pagination in the GraphQL API"): `first`/`last` with opaque
 * `after`/`before` cursors, `nodes`, `edges`, `pageInfo` and `totalCount`. The limits GitHub enforces
 * (at most 100, not negative; a bound required to select nodes or edges) are checked first, in cost.ts.
 */
import { GraphQLError } from "graphql";

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

const encode = (i: number): string => Buffer.from(`cursor:v2:${i}`).toString("base64");
const decode = (c: string | null | undefined): number | undefined => {
  if (!c) return undefined;
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(c, "base64").toString("utf8"));
  if (!m)
    throw new GraphQLError(`\`${c}\` does not appear to be a valid cursor.`, {
      extensions: { type: "INVALID_CURSOR_ARGUMENTS" },
    });
  return Number(m[1]);
};

/** A page of a GitHub connection with opaque cursors (first/last are checked by cost.ts before execution). */
export function connection<T, N>(
  _name: string,
  items: readonly T[],
  args: PageArgs,
  node: (item: T) => N,
): Record<string, unknown> {
  // Boundaries are checked before execution (cost.ts), where GitHub checks them: a connection selecting
  // nodes or edges needs first or last (≤ 100, not negative); one selecting only totalCount needs neither.
  const { first, last } = args;
  let start = 0;
  let end = items.length;
  const after = decode(args.after);
  const before = decode(args.before);
  if (after !== undefined) start = after + 1;
  if (before !== undefined) end = Math.min(end, before);
  if (typeof first === "number") end = Math.min(end, start + first);
  if (typeof last === "number") start = Math.max(start, end - last);
  const slice = items.slice(start, end).map((item, i) => ({ cursor: encode(start + i), item }));
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice[0]?.cursor ?? null,
      endCursor: slice.at(-1)?.cursor ?? null,
    },
    nodes: () => slice.map((s) => node(s.item)),
    edges: () => slice.map((s) => ({ cursor: s.cursor, node: node(s.item) })),
  };
}
