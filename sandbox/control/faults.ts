/**
 * Control routes for injected faults (see ../faults.ts): list, add, seed, remove and clear the faults that
 * the server applies to API requests.
 */
import type { Faults, FaultSpec } from "../faults.js";
import { notFound } from "../errors.js";
import { created, noContent, obj, ok } from "../http.js";
import type { RouteDef } from "../router.js";

/** Managing the faults injected into API requests. */
export function faultRoutes(faults: Faults): RouteDef[] {
  return [
    {
      method: "GET",
      path: "/faults",
      operationId: "sandbox/list-faults",
      handler: () => ok(faults.all()),
    },
    {
      method: "POST",
      path: "/faults",
      operationId: "sandbox/add-fault",
      handler: (ctx) => created(faults.add(obj(ctx) as unknown as FaultSpec)),
    },
    {
      method: "POST",
      path: "/faults/seed",
      operationId: "sandbox/seed-faults",
      handler: (ctx) => {
        faults.seed(Number(obj(ctx)["seed"] ?? 1));
        return noContent();
      },
    },
    {
      method: "DELETE",
      path: "/faults",
      operationId: "sandbox/clear-faults",
      handler: () => {
        faults.clear();
        return noContent();
      },
    },
    {
      method: "DELETE",
      path: "/faults/{id}",
      operationId: "sandbox/remove-fault",
      handler: (ctx) => {
        if (!faults.remove(Number(ctx.params["id"]))) throw notFound();
        return noContent();
      },
    },
  ];
}
