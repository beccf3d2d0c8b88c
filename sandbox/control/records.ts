/**
 * Control routes for what the sandbox recorded: the request log, the hits on GitHub routes it does not
 * model, and rate-limit usage per token. Tests read them to see what a client did, and clear them between
 * steps.
 */
import { noContent, ok } from "../http.js";
import type { RouteDef } from "../router.js";
import type { LogEntry } from "../server.js";

export interface RequestLog {
  requests: () => LogEntry[];
  clearRequests: () => void;
}

/** Reading and clearing the request log, unmodelled hits and rate-limit usage. */
export function recordRoutes(deps: RequestLog): RouteDef[] {
  return [
    {
      method: "GET",
      path: "/requests",
      operationId: "sandbox/list-requests",
      handler: (ctx) => {
        const op = ctx.query.get("operation");
        return ok(deps.requests().filter((e) => !op || e.operationId === op));
      },
    },
    {
      method: "DELETE",
      path: "/requests",
      operationId: "sandbox/clear-requests",
      handler: () => {
        deps.clearRequests();
        return noContent();
      },
    },
    {
      method: "GET",
      path: "/unmodelled",
      operationId: "sandbox/list-unmodelled",
      handler: (ctx) => ok({ count: ctx.state.unmodelled.length, hits: ctx.state.unmodelled }),
    },
    {
      method: "DELETE",
      path: "/unmodelled",
      operationId: "sandbox/clear-unmodelled",
      handler: (ctx) => {
        ctx.state.unmodelled.splice(0);
        return noContent();
      },
    },
    {
      method: "GET",
      path: "/usage",
      operationId: "sandbox/usage",
      handler: (ctx) => ok(ctx.state.limits.report(ctx.query.get("token"))),
    },
    {
      method: "DELETE",
      path: "/usage",
      operationId: "sandbox/clear-usage",
      handler: (ctx) => {
        ctx.state.limits.clearUsage();
        return noContent();
      },
    },
  ];
}
