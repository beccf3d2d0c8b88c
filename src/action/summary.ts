/**
 * The job summary: the verdict, the checklist as a table, and the way forward — who can approve, the
 * exact comment, and where — so the developer never has to read the log. Pure Markdown.
 */
import { renderMarkdown } from "../readiness/render.js";
import type { ActionSettings } from "./inputs.js";
import type { ModeOutcome } from "./outcome.js";
import type { WayForward } from "./way-forward.js";

const HEADLINE = { allowed: "✅ allowed", waiting: "⏳ waiting", blocked: "❌ blocked" } as const;

export function renderSummary(settings: ActionSettings, outcome: ModeOutcome, way?: WayForward): string {
  const decision = outcome.evaluation?.decision;
  const verdict = outcome.critical
    ? "🚨 CRITICAL"
    : decision && (decision.verdict !== "allowed" || !outcome.failure)
      ? HEADLINE[decision.verdict]
      : outcome.failure
        ? "❌ failed"
        : "✅ done";
  const out = [`## Tollgate · ${settings.environment} · ${verdict}`, ""];
  out.push(
    `\`${settings.mode}\` of \`${settings.sha.slice(0, 7)}\`${settings.dryRun ? " (dry run: nothing written)" : ""}`,
    "",
  );
  if (decision) out.push(renderMarkdown(decision), "");
  if (way && decision && decision.verdict !== "allowed") out.push(...renderWayForward(way), "");
  if (outcome.deploymentId !== undefined)
    out.push(`Deployment ${outcome.deploymentId}${outcome.status ? `: \`${outcome.status}\`` : ""}`, "");
  out.push(...outcome.sections.flatMap((s) => [s, ""]));
  if (outcome.failure && (!decision || decision.verdict === "allowed"))
    out.push(`**${outcome.critical ? "CRITICAL" : "Failed"}:** ${outcome.failure}`, "");
  return out.join("\n").trimEnd() + "\n";
}

export function renderWayForward(way: WayForward): string[] {
  const out = ["### The way forward", ""];
  if (way.comment) {
    const who =
      way.approvers.length > 0
        ? way.approvers.map((l) => `@${l}`).join(", ")
        : way.approverRefs.join(", ") || "the approvers the policy names";
    const where = way.pullRequestUrl ? `[the pull request](${way.pullRequestUrl})` : "the pull request";
    out.push(
      `- **Who can approve:** ${who}`,
      `- **What to write:** a new comment \`${way.comment}\` on ${where}`,
      "- Then the Tollgate App records the approval on this deployment and re-runs this job.",
    );
  }
  for (const step of way.steps) out.push(`- ${step.replace(/\n/g, " ")}`);
  if (out.length === 2) out.push("- Nothing anyone can do now but wait: see the checklist above.");
  return out;
}
