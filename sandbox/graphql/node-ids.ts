/**
 * GitHub's legacy global node ids ("Using global node IDs"): base64("0<len>:<Type><key>"), and the error
 * GitHub gives an id that names nothing the caller can see.
 */
import { GraphQLError } from "graphql";

export const gqlError = (type: string, message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { type } });

export const unresolvable = (id: string): GraphQLError =>
  gqlError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);

/** A legacy global id split into its type and key, or null when it is not one. */
export function decodeId(id: string): { type: string; key: string } | null {
  const text = Buffer.from(id, "base64").toString("utf8");
  const m = /^0(\d+):(.*)$/s.exec(text);
  if (!m?.[1] || m[2] === undefined) return null;
  const len = Number(m[1]);
  return { type: m[2].slice(0, len), key: m[2].slice(len) };
}
