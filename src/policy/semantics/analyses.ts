/** Analyses: one provider, conditions that can be met, limits and timeouts that mean something. */
import { conditionNeedsBaseline, parseAnyCondition } from "../condition.js";
import { parseDuration } from "../duration.js";
import type { PathSegment } from "../errors.js";
import type { AnalysisDocument } from "../schema.js";
import { templateProblems } from "../template.js";
import { readingsNeeded } from "../../stats/mann-whitney.js";
import type { Report, SemanticContext } from "./context.js";

export function checkAnalyses({ analyses, report }: SemanticContext): void {
  for (const [name, analysis] of Object.entries(analyses)) {
    checkProviderAndConditions(name, analysis, report);
    checkTiming(name, analysis, report);
    templateChecks(name, analysis, report);
    checkJudgeAndLimits(name, analysis, report);
  }
}

function checkProviderAndConditions(name: string, analysis: AnalysisDocument, report: Report): void {
  const providers = (["http", "prometheus", "command"] as const).filter((p) => analysis[p] !== undefined);
  if (providers.length !== 1) {
    report(
      ["analyses", name],
      providers.length === 0
        ? "an analysis needs one provider: http, prometheus or command"
        : `an analysis has one provider, found ${providers.join(" and ")}`,
    );
  }
  const needsCondition =
    analysis.prometheus !== undefined ||
    analysis.command?.measure === "stdout" ||
    analysis.http?.json_path !== undefined;
  if (
    needsCondition &&
    analysis.success === undefined &&
    analysis.failure === undefined &&
    analysis.warn === undefined &&
    analysis.judge === undefined
  ) {
    report(["analyses", name], "a measured value needs a `success`, `failure` or `warn` condition");
  }
  // A warning must never stop a rollout: a baseline read for it alone would (a missing baseline fails).
  const warn = analysis.warn === undefined ? undefined : parseAnyCondition(analysis.warn);
  const decidingReadsBaseline = [analysis.success, analysis.failure].some((c) => {
    const parsed = c === undefined ? undefined : parseAnyCondition(c);
    return parsed !== undefined && conditionNeedsBaseline(parsed);
  });
  if (
    warn !== undefined &&
    conditionNeedsBaseline(warn) &&
    !decidingReadsBaseline &&
    analysis.prometheus?.baseline === undefined
  )
    report(
      ["analyses", name, "warn"],
      "this `warn` compares with a baseline no `success` or `failure` condition reads: measuring one only to warn could stop the rollout; add `prometheus.baseline` or warn on an absolute threshold",
    );
  if (analysis.http?.measure === "value" && analysis.http.json_path === undefined) {
    report(
      ["analyses", name, "http", "measure"],
      "measure: value needs a `json_path` into the response body",
    );
  }
}

function checkTiming(name: string, analysis: AnalysisDocument, report: Report): void {
  const interval = parseDuration(analysis.interval ?? "30s") ?? 30_000;
  // Only Prometheus's: an HTTP probe's timeout predates this check, and policies rely on it.
  const timeout = analysis.prometheus?.timeout;
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout);
  if (timeoutMs !== undefined && timeoutMs >= interval)
    report(
      ["analyses", name, "prometheus", "timeout"],
      `a timeout of ${timeout} leaves no time before the next measurement (interval ${analysis.interval ?? "30s"}): make it shorter than the interval`,
    );
  if (analysis.unreachable !== undefined && analysis.command !== undefined)
    report(
      ["analyses", name, "unreachable"],
      "a command is never unreachable: `unreachable` applies to http and prometheus analyses",
    );
}

/** Placeholders in queries and URLs: known names, and text values only where they can be escaped. */
function templateChecks(name: string, analysis: AnalysisDocument, report: Report): void {
  const checked: [PathSegment[], string | undefined, "promql" | "url"][] = [
    [["analyses", name, "prometheus", "query"], analysis.prometheus?.query, "promql"],
    [["analyses", name, "prometheus", "baseline"], analysis.prometheus?.baseline, "promql"],
    [["analyses", name, "http", "url"], analysis.http?.url, "url"],
  ];
  for (const [path, template, target] of checked)
    if (template !== undefined)
      for (const problem of templateProblems(template, target)) report(path, problem);
}

/** The judge needs a baseline and enough readings; a failure limit must be reachable with `count` readings. */
function checkJudgeAndLimits(name: string, analysis: AnalysisDocument, report: Report): void {
  const count = analysis.count ?? 1;
  if (analysis.judge !== undefined && analysis.prometheus?.baseline === undefined)
    report(
      ["analyses", name, "judge"],
      "the judge compares the canary with its baseline: add `prometheus.baseline`, the stable version's query",
    );
  else if (analysis.judge !== undefined && readingsNeeded(analysis.alpha ?? 0.05) > count)
    report(
      ["analyses", name, "count"],
      `${count} reading${count === 1 ? "" : "s"} can never show a difference at alpha ${analysis.alpha ?? 0.05}: the judge needs count ${readingsNeeded(analysis.alpha ?? 0.05)} at least`,
    );
  for (const key of ["alpha", "worse"] as const)
    if (analysis[key] !== undefined && analysis.judge === undefined)
      report(
        ["analyses", name, key],
        `\`${key}\` applies to \`judge: mann-whitney\`: add it or remove \`${key}\``,
      );
  if (analysis.failure_limit !== undefined && analysis.failure_limit >= count) {
    report(
      ["analyses", name, "failure_limit"],
      `a failure limit of ${analysis.failure_limit} with count ${count} can never be exceeded: lower it below ${count}`,
    );
  }
}
