/**
 * Control routes (`/_sandbox/repos/{owner}/{repo}/…`) for what happens inside a repository without a GitHub
 * endpoint: raising code scanning, secret scanning and Dependabot alerts, turning scanners on, and starting,
 * finishing and deploying from GitHub Actions workflow runs (which then announce `workflow_run`,
 * `deployment` and `deployment_protection_rule` as runs.ts does). Sandbox machinery, not a GitHub API.
 */
import { randomBytes } from "node:crypto";
import { invalid, notFound } from "../errors.js";
import { created, obj, ok, str } from "../http.js";
import type { RouteDef } from "../router.js";
import { createRun, deployFromRun, setRunState, workflows } from "../runs.js";
import { repoOf } from "../routes/common.js";

/** Control routes for what happens inside a repository without a GitHub endpoint: scanners and Actions runs. */
export const controlRepoRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/alerts/{tool}",
    operationId: "sandbox/add-alert",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const b = obj(ctx);
      const now = ctx.state.now();
      if (ctx.params["tool"] === "dependabot") {
        const a = {
          number: r.dependabot.length + 1,
          state: "open" as const,
          severity: "high" as const,
          package: "left-pad",
          ecosystem: "npm",
          manifest_path: "package-lock.json",
          ghsa_id: `GHSA-${randomBytes(6).toString("hex").match(/.{4}/g)?.join("-") ?? "xxxx"}`,
          cve_id: null,
          summary: "Vulnerability",
          vulnerable_version_range: "< 1.0.0",
          first_patched_version: "1.0.0",
          created_at: now,
          ...(b as object),
        };
        r.dependabot.push(a);
        return created(a);
      }
      if (ctx.params["tool"] === "code-scanning") {
        const a = {
          number: r.codeScanning.length + 1,
          state: "open" as const,
          severity: "error" as const,
          security_severity_level: "high" as const,
          rule_id: "js/sql-injection",
          description: "Database query built from user-controlled sources",
          tool: "CodeQL",
          created_at: now,
          ...(b as object),
        };
        r.codeScanning.push(a);
        r.scanners.code_scanning = true;
        return created(a);
      }
      if (ctx.params["tool"] === "secret-scanning") {
        const a = {
          number: r.secretScanning.length + 1,
          state: "open" as const,
          resolution: null,
          secret_type: "github_personal_access_token",
          secret_type_display_name: "GitHub Personal Access Token",
          secret: `ghp_${randomBytes(18).toString("hex")}`,
          validity: "unknown" as const,
          created_at: now,
          ...(b as object),
        };
        r.secretScanning.push(a);
        r.scanners.secret_scanning = true;
        return created(a);
      }
      throw notFound();
    },
  },
  {
    // Turns a scanner on (an analysis uploaded, secret scanning enabled) or off, without seeding an alert.
    method: "PUT",
    path: "/repos/{owner}/{repo}/scanners/{tool}",
    operationId: "sandbox/set-scanner",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const tool = ctx.params["tool"];
      if (tool !== "code-scanning" && tool !== "secret-scanning") throw notFound();
      const enabled = obj(ctx)["enabled"];
      if (typeof enabled !== "boolean") throw invalid("Scanner", "enabled");
      r.scanners[tool === "code-scanning" ? "code_scanning" : "secret_scanning"] = enabled;
      return ok({ ...r.scanners });
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/runs",
    operationId: "sandbox/create-run",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const b = obj(ctx);
      const key = str(b, "workflow", "Run", true);
      const w = workflows(ctx, r).find((x) => x.path === key || x.path.endsWith(`/${key}`) || x.name === key);
      if (!w) throw invalid("Run", "workflow", "invalid", `no workflow file ${key} on ${r.defaultBranch}`);
      const branch = str(b, "branch", "Run") ?? r.defaultBranch;
      const sha = str(b, "sha", "Run") ?? r.refs.get(`refs/heads/${branch}`);
      if (!sha) throw invalid("Run", "branch");
      const run = createRun(ctx, r, w, {
        branch,
        sha,
        event: str(b, "event", "Run") ?? "push",
        actor: str(b, "actor", "Run") ?? r.owner,
      });
      return created({ id: run.id, run_number: run.runNumber, status: run.status });
    },
  },
  {
    method: "PATCH",
    path: "/repos/{owner}/{repo}/runs/{run_id}",
    operationId: "sandbox/update-run",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const run = r.runs.get(Number(ctx.params["run_id"]));
      if (!run) throw notFound();
      const b = obj(ctx);
      const status = (str(b, "status", "Run") ?? "completed") as typeof run.status;
      setRunState(ctx, r, run, status, str(b, "conclusion", "Run") ?? null);
      return ok({
        id: run.id,
        status: run.status,
        conclusion: run.conclusion,
        run_attempt: run.runAttempt,
      });
    },
  },
  {
    method: "POST",
    path: "/repos/{owner}/{repo}/runs/{run_id}/deployments",
    operationId: "sandbox/run-deploys",
    handler: (ctx) => {
      const r = repoOf(ctx);
      const run = r.runs.get(Number(ctx.params["run_id"]));
      if (!run) throw notFound();
      const d = deployFromRun(ctx, r, run, str(obj(ctx), "environment", "Run", true));
      return created({ deployment_id: d.id, run_status: run.status, gates: run.gates.length });
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/runs/{run_id}",
    operationId: "sandbox/get-run",
    handler: (ctx) => {
      const run = repoOf(ctx).runs.get(Number(ctx.params["run_id"]));
      if (!run) throw notFound();
      return ok({
        id: run.id,
        status: run.status,
        conclusion: run.conclusion,
        run_attempt: run.runAttempt,
        jobs: run.jobs,
        gates: run.gates,
      });
    },
  },
];
