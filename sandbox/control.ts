/**
 * The sandbox's control API under `/_sandbox` — not part of GitHub's API: what a person or GitHub itself
 * does outside the REST API, which tests need to drive. Each subject's routes live in control/: Apps and
 * installations, signing keys, timestamps and the clock, injected faults, the request log and usage,
 * webhook deliveries, and what happens inside a repository (scanners, Actions runs).
 */
import type { Faults } from "./faults.js";
import { ok, type Json } from "./http.js";
import type { RouteDef } from "./router.js";
import { appRoutes } from "./control/apps.js";
import { faultRoutes } from "./control/faults.js";
import { recordRoutes, type RequestLog } from "./control/records.js";
import { controlRepoRoutes } from "./control/repos.js";
import { signingKeyRoutes } from "./control/signing-keys.js";
import { timeRoutes } from "./control/time.js";
import { webhookRoutes } from "./control/webhooks.js";

export interface ControlDeps extends RequestLog {
  faults: Faults;
  info: () => Json;
}

/** Every control route; their paths are distinct, so the order of the subjects does not matter. */
export function controlRoutes(deps: ControlDeps): RouteDef[] {
  return [
    { method: "GET", path: "/", operationId: "sandbox/info", handler: () => ok(deps.info()) },
    ...signingKeyRoutes,
    ...appRoutes,
    ...timeRoutes,
    ...faultRoutes(deps.faults),
    ...recordRoutes(deps),
    ...webhookRoutes,
    ...controlRepoRoutes,
  ];
}
