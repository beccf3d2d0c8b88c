/**
 * Commit statuses ("REST API endpoints for commit statuses"): `repos/create-commit-status` (at most 1,000
 * per sha and context, as GitHub documents), `list-commit-statuses-for-ref` and
 * `get-combined-status-for-ref`. Any writer may set any context — nothing ties a context to who wrote it —
 * and each status announces `status`.
 */
import { invalidBecause, notFound, validationFailed } from "../errors.js";
import { created, obj, ok, oneOf, str } from "../http.js";
import { listReply } from "../paginate.js";
import type { RouteDef } from "../router.js";
import { commitJson } from "../serialize/git.js";
import { repoJson, repoUrl } from "../serialize/repo.js";
import { latestStatuses, simpleStatusJson, statusJson } from "../serialize/checks.js";
import type { CommitStatus } from "../state.js";
import { commitish, login, repoOf } from "./common.js";

export const statusRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/statuses/{sha}",
    operationId: "repos/create-commit-status",
    need: { perm: ["statuses", "write"], role: "write" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const sha = ctx.params["sha"] ?? "";
      const commit = r.git.get(sha, "commit");
      if (!commit) throw invalidBecause("Status", "sha", `No commit found for SHA: ${sha}`);
      const b = obj(ctx);
      const state =
        oneOf(
          str(b, "state", "Status", true),
          ["error", "failure", "pending", "success"] as const,
          "Status",
          "state",
        ) ?? "pending";
      const description = str(b, "description", "Status") ?? null;
      if (description && description.length > 140) {
        throw validationFailed([
          {
            resource: "Status",
            field: "description",
            code: "custom",
            message: "description is too long (maximum is 140 characters)",
          },
        ]);
      }
      const context = str(b, "context", "Status") ?? "default";
      if (r.statuses.filter((s) => s.sha === sha && s.context === context).length >= 1000) {
        throw validationFailed([
          {
            resource: "Status",
            code: "custom",
            message: "This SHA and context has reached the maximum number of statuses.",
          },
        ]);
      }
      const now = ctx.state.now();
      const s: CommitStatus = {
        id: ctx.state.nextId("status"),
        sha,
        state,
        context,
        description,
        target_url: str(b, "target_url", "Status") ?? null,
        creator: login(ctx),
        created_at: now,
        updated_at: now,
      };
      r.statuses.push(s);
      ctx.hooks.emit(
        r,
        "status",
        undefined,
        () => ({
          id: s.id,
          sha,
          name: `${r.owner}/${r.name}`,
          target_url: s.target_url,
          avatar_url: null,
          context,
          description,
          state,
          commit: commitJson(ctx, r, commit),
          branches: [...r.refs]
            .filter(([ref, v]) => ref.startsWith("refs/heads/") && v === sha)
            .map(([ref]) => ({
              name: ref.slice(11),
              commit: { sha, url: `${repoUrl(ctx, r)}/commits/${sha}` },
              protected: false,
            })),
          created_at: now,
          updated_at: now,
        }),
        { sender: login(ctx) },
      );
      return created(statusJson(ctx, r, s));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/commits/{ref}/statuses",
    operationId: "repos/list-commit-statuses-for-ref",
    need: { perm: ["statuses", "read"] },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const sha = commitish(r, ctx.params["ref"] ?? "");
      if (!sha) throw notFound();
      return listReply(ctx, r.statuses.filter((s) => s.sha === sha).reverse(), (s) => statusJson(ctx, r, s));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/commits/{ref}/status",
    operationId: "repos/get-combined-status-for-ref",
    need: { perm: ["statuses", "read"] },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const sha = commitish(r, ctx.params["ref"] ?? "");
      if (!sha) throw notFound();
      const latest = latestStatuses(r, sha);
      const state = latest.some((s) => s.state === "error" || s.state === "failure")
        ? "failure"
        : latest.length > 0 && latest.every((s) => s.state === "success")
          ? "success"
          : "pending";
      const { owner: _o, ...repository } = repoJson(ctx, r);
      return ok({
        state,
        statuses: latest.map((s) => simpleStatusJson(ctx, r, s)),
        sha,
        total_count: latest.length,
        repository: { ...repository, owner: repoJson(ctx, r)["owner"] },
        commit_url: `${repoUrl(ctx, r)}/commits/${sha}`,
        url: `${repoUrl(ctx, r)}/commits/${sha}/status`,
      });
    },
  },
];
