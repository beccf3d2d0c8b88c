/**
 * Control routes for time: move one object's timestamp into the past (soak times, notice periods, stale
 * approvals), read the sandbox's clock, or move it forward (never back).
 */
import { invalid, notFound } from "../errors.js";
import { obj, ok, str } from "../http.js";
import type { RouteDef } from "../router.js";
import type { Repo } from "../state.js";

/** Objects whose timestamps a test may move into the past (soak times, notice periods, stale approvals). */
function timestamped(r: Repo, kind: string, id: number): Record<string, unknown> | undefined {
  switch (kind) {
    case "pull":
    case "issue":
      return r.issues.get(id) as unknown as Record<string, unknown>;
    case "comment":
      return r.comments.get(id) as unknown as Record<string, unknown>;
    case "deployment":
      return r.deployments.get(id) as unknown as Record<string, unknown>;
    case "deployment_status":
      for (const d of r.deployments.values())
        for (const s of d.statuses) if (s.id === id) return s as unknown as Record<string, unknown>;
      return undefined;
    case "check_run":
      return r.checkRuns.get(id) as unknown as Record<string, unknown>;
    case "status":
      return r.statuses.find((s) => s.id === id) as unknown as Record<string, unknown>;
    case "review":
      for (const i of r.issues.values())
        for (const rv of i.pull?.reviews ?? [])
          if (rv.id === id) return rv as unknown as Record<string, unknown>;
      return undefined;
    case "run":
      return r.runs.get(id) as unknown as Record<string, unknown>;
    default:
      return undefined;
  }
}

/** Moving timestamps and the clock. */
export const timeRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/timestamps",
    operationId: "sandbox/set-timestamp",
    handler: (ctx) => {
      const b = obj(ctx);
      const [owner, name] = str(b, "repo", "Timestamp", true).split("/");
      const r = ctx.state.repo(owner ?? "", name ?? "");
      if (!r) throw notFound();
      const target = timestamped(r, str(b, "kind", "Timestamp", true), Number(b["id"]));
      if (!target) throw notFound();
      const field = str(b, "field", "Timestamp") ?? (b["kind"] === "review" ? "submitted_at" : "created_at");
      if (!(field in target)) throw invalid("Timestamp", "field");
      const at =
        typeof b["ago_seconds"] === "number"
          ? ctx.state.nowMs() - b["ago_seconds"] * 1000
          : Date.parse(str(b, "at", "Timestamp", true));
      if (!Number.isFinite(at)) throw invalid("Timestamp", "at");
      target[field] = new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
      return ok({ [field]: target[field] });
    },
  },
  {
    method: "GET",
    path: "/clock",
    operationId: "sandbox/get-clock",
    handler: (ctx) => ok({ now: ctx.state.now(), epoch: Math.floor(ctx.state.nowMs() / 1000) }),
  },
  {
    method: "POST",
    path: "/clock",
    operationId: "sandbox/advance-clock",
    handler: (ctx) => {
      const b = obj(ctx);
      let ms: number;
      if (typeof b["advance_seconds"] === "number") ms = b["advance_seconds"] * 1000;
      else if (typeof b["to"] === "string" && Number.isFinite(Date.parse(b["to"])))
        ms = Date.parse(b["to"]) - ctx.state.nowMs();
      else throw invalid("Clock", "advance_seconds");
      if (!(ms >= 0)) throw invalid("Clock", "to", "invalid", "the sandbox clock only moves forward");
      ctx.state.advanceClock(ms);
      return ok({ now: ctx.state.now(), epoch: Math.floor(ctx.state.nowMs() / 1000) });
    },
  },
];
