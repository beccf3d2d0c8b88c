/**
 * Control routes for webhook deliveries: list what was delivered (after waiting for deliveries in flight),
 * redeliver one, and choose between ordered and concurrent delivery.
 */
import { invalid, notFound } from "../errors.js";
import { obj, ok, str, type Json } from "../http.js";
import type { RouteDef } from "../router.js";

/** Reading, redelivering and pacing webhook deliveries. */
export const webhookRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/deliveries",
    operationId: "sandbox/list-deliveries",
    handler: async (ctx) => {
      if (ctx.query.get("wait") !== "false") await ctx.hooks.idle();
      const event = ctx.query.get("event");
      return ok(
        ctx.hooks.deliveries.filter(
          (d) => !event || d.event === event || `${d.event}.${d.action ?? ""}` === event,
        ),
      );
    },
  },
  {
    method: "POST",
    path: "/deliveries/{id}/redeliver",
    operationId: "sandbox/redeliver",
    handler: (ctx) => {
      const d = ctx.hooks.redeliver(Number(ctx.params["id"]));
      if (!d) throw notFound();
      return { status: 202, body: { id: d.id, guid: d.guid } };
    },
  },
  {
    // GitHub delivers concurrently and promises no order, and so does the sandbox unless told otherwise.
    method: "PUT",
    path: "/webhooks/delivery",
    operationId: "sandbox/set-webhook-delivery",
    handler: (ctx) => {
      const b = obj(ctx);
      const mode = str(b, "mode", "WebhookDelivery", true);
      if (mode !== "ordered" && mode !== "concurrent") throw invalid("WebhookDelivery", "mode");
      const delay = b["max_delay_ms"] ?? 0;
      if (typeof delay !== "number" || !Number.isInteger(delay) || delay < 0 || delay > 10_000)
        throw invalid("WebhookDelivery", "max_delay_ms");
      return ok(ctx.hooks.setDelivery({ mode, max_delay_ms: delay }) as unknown as Json);
    },
  },
];
