/**
 * GitHub's REST pagination ("Using pagination in the REST API"): `page` and `per_page` (at most 100,
 * default 30) and the `Link` header with rel next, last, first and prev; for lists GitHub wraps in an
 * object, the `total_count` beside the page (check runs, environments, workflows…).
 */
import type { Ctx, Reply } from "./http.js";

/** GitHub's page-number pagination: per_page ≤ 100 (default 30), Link rel next/last/first/prev. */
export function paginate<T>(ctx: Ctx, items: readonly T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number): string => {
    const q = new URLSearchParams(ctx.query);
    q.set("per_page", String(perPage));
    q.set("page", String(p));
    return `${ctx.api}${ctx.path}?${q.toString()}`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`, `<${link(1)}>; rel="first"`);
  if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  return { page: slice, headers: rels.length > 0 ? { link: rels.join(", ") } : {} };
}

export function listReply<T>(ctx: Ctx, items: readonly T[], map: (item: T) => unknown): Reply {
  const { page, headers } = paginate(ctx, items);
  return { status: 200, body: page.map(map), headers };
}

/** For endpoints that wrap the page in an object with total_count (check runs, environments…). */
export function wrappedReply<T>(
  ctx: Ctx,
  key: string,
  items: readonly T[],
  map: (item: T) => unknown,
): Reply {
  const { page, headers } = paginate(ctx, items);
  return { status: 200, body: { total_count: items.length, [key]: page.map(map) }, headers };
}
