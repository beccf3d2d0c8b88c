/**
 * Label operations ("REST API endpoints for labels"): `issues/get-label`, `update-label` (a rename carries
 * the label's issues along), `delete-label`, `set-labels` and `remove-all-labels`. Names match
 * case-insensitively and colours take six hex digits with or without '#', as on GitHub.
 */
import { invalid, notFound, validationFailed } from "../errors.js";
import { noContent, obj, ok, str, type Ctx, type Json } from "../http.js";
import type { RouteDef } from "../router.js";
import { labelJson } from "../serialize/issues.js";
import type { Issue, Label, Repo } from "../state.js";
import { ensureLabel, repoOf, requireAnyPerm } from "./common.js";
import { emitLabelChange } from "./issues.js";

/** A label by the {name} of the route; GitHub matches label names case-insensitively. */
function labelOr404(ctx: Ctx, r: Repo): Label {
  const l = r.labels.get((ctx.params["name"] ?? "").toLowerCase());
  if (!l) throw notFound();
  return l;
}

function issueOr404(ctx: Ctx, r: Repo): Issue {
  const i = r.issues.get(Number(ctx.params["issue_number"]));
  if (!i) throw notFound();
  return i;
}

/** Labels on a pull request need issues or pull_requests permission; on an issue, issues. */
const needFor = (i: Issue): string[] => (i.pull ? ["issues", "pull_requests"] : ["issues"]);

/** GitHub accepts a color with or without its leading '#', as six hex digits. */
function colorOf(b: Json): string | undefined {
  const raw = str(b, "color", "Label");
  if (raw === undefined) return undefined;
  const color = raw.replace(/^#/, "");
  if (!/^[0-9a-fA-F]{6}$/.test(color)) throw invalid("Label", "color");
  return color;
}

/** The names a set-labels body gives: `{labels: [...]}`, a bare array, of strings or `{name}` objects. */
function namesIn(ctx: Ctx): string[] {
  const b = ctx.body;
  const raw = Array.isArray(b)
    ? b
    : Array.isArray((b as Json | undefined)?.["labels"])
      ? ((b as Json)["labels"] as unknown[])
      : b === undefined || b === null
        ? []
        : null;
  if (!raw) throw invalid("Label", "labels", "missing_field");
  return raw.map((x) => (typeof x === "string" ? x : String((x as Json)["name"] ?? "")));
}

function onIssue(ctx: Ctx, r: Repo, i: Issue): Json[] {
  return i.labels.map((n) => labelJson(ctx, r, ensureLabel(ctx, r, n)));
}

export const labelRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/labels/{name}",
    operationId: "issues/get-label",
    need: {},
    handler: (ctx) => ok(labelJson(ctx, repoOf(ctx), labelOr404(ctx, repoOf(ctx)))),
  },
  {
    method: "PATCH",
    path: "/repos/{owner}/{repo}/labels/{name}",
    operationId: "issues/update-label",
    need: { perm: ["issues", "write"], role: "write" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const l = labelOr404(ctx, r);
      const b = obj(ctx);
      const newName = str(b, "new_name", "Label");
      const color = colorOf(b);
      const description = str(b, "description", "Label");
      if (newName !== undefined && newName !== l.name) {
        const taken = r.labels.get(newName.toLowerCase());
        if (taken && taken !== l)
          throw validationFailed([{ resource: "Label", code: "already_exists", field: "name" }]);
        // A rename carries the label's issues along: they hold it by name here.
        for (const i of r.issues.values())
          i.labels = i.labels.map((n) => (n.toLowerCase() === l.name.toLowerCase() ? newName : n));
        r.labels.delete(l.name.toLowerCase());
        l.name = newName;
        r.labels.set(newName.toLowerCase(), l);
      }
      if (color !== undefined) l.color = color;
      if (description !== undefined) l.description = description;
      return ok(labelJson(ctx, r, l));
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/labels/{name}",
    operationId: "issues/delete-label",
    need: { perm: ["issues", "write"], role: "write" },
    handler: (ctx) => {
      const r = repoOf(ctx);
      const l = labelOr404(ctx, r);
      for (const i of r.issues.values())
        i.labels = i.labels.filter((n) => n.toLowerCase() !== l.name.toLowerCase());
      r.labels.delete(l.name.toLowerCase());
      return noContent();
    },
  },
  {
    method: "PUT",
    path: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    operationId: "issues/set-labels",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = issueOr404(ctx, r);
      requireAnyPerm(ctx, needFor(i), "write");
      const wanted = namesIn(ctx).map((n) => ensureLabel(ctx, r, n));
      const removed = i.labels.filter((n) => !wanted.some((l) => l.name.toLowerCase() === n.toLowerCase()));
      const added = wanted.filter((l) => !i.labels.some((n) => n.toLowerCase() === l.name.toLowerCase()));
      i.labels = [...new Map(wanted.map((l) => [l.name.toLowerCase(), l.name])).values()];
      if (removed.length > 0 || added.length > 0) i.updated_at = ctx.state.now();
      for (const n of removed) emitLabelChange(ctx, r, i, "unlabeled", ensureLabel(ctx, r, n));
      for (const l of added) emitLabelChange(ctx, r, i, "labeled", l);
      return ok(onIssue(ctx, r, i));
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    operationId: "issues/remove-all-labels",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = issueOr404(ctx, r);
      requireAnyPerm(ctx, needFor(i), "write");
      const removed = i.labels;
      i.labels = [];
      if (removed.length > 0) i.updated_at = ctx.state.now();
      for (const n of removed) emitLabelChange(ctx, r, i, "unlabeled", ensureLabel(ctx, r, n));
      return noContent();
    },
  },
];
