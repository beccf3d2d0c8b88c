/** A decision in words: plain text for terminals, Markdown for check runs and job summaries. */
import type { ChecklistResult, Decision, ItemState } from "./decision.js";

const ICON: Record<ItemState, string> = { passed: "✅", failed: "❌", pending: "⏳", waived: "➖" };
const VERDICT: Record<Decision["verdict"], string> = {
  allowed: "ALLOWED",
  waiting: "WAITING",
  blocked: "BLOCKED",
};

export function renderText(decision: Decision): string {
  const lines = [`${VERDICT[decision.verdict]} (${decision.reasonCode}): ${decision.summary}`, ""];
  lines.push(
    `change type: ${decision.changeType}${decision.emergency ? " (emergency)" : ""}${decision.strategy ? ` · strategy: ${decision.strategy}` : ""}`,
    ...(decision.changeTypeReason ? [`   ${decision.changeTypeReason}`] : []),
  );
  if (decision.override)
    lines.push(
      `override: ${decision.override.kind} (${decision.override.changeType}): ${decision.override.reason}`,
    );
  lines.push("");
  for (const item of decision.checklist) {
    lines.push(`${ICON[item.state]} ${item.title}: ${item.reason}`);
    if (item.fix && (item.state === "failed" || item.state === "pending")) lines.push(`   → ${item.fix}`);
  }
  const { approvals } = decision;
  if (approvals.mode === "required") {
    lines.push("", `approvals: ${approvals.required}: ${approvals.satisfied ? "complete" : "incomplete"}`);
    for (const c of approvals.counted) lines.push(`   counted  @${c.login} (${c.fills}) at ${c.at}`);
    for (const i of approvals.ignored) lines.push(`   ignored  @${i.login}: ${i.why}`);
  }
  return lines.join("\n");
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderMarkdown(decision: Decision): string {
  const out = [
    `**${VERDICT[decision.verdict]}** · \`${decision.reasonCode}\` · ${cell(decision.summary)}`,
    "",
  ];
  out.push("| | Item | Why | What to do |", "|---|---|---|---|");
  for (const item of decision.checklist) out.push(row(item));
  const { approvals } = decision;
  if (approvals.mode === "required") {
    out.push(
      "",
      `**Approvals** (${cell(approvals.required)}): ${approvals.satisfied ? "complete" : "incomplete"}`,
    );
    for (const c of approvals.counted)
      out.push(`- ✅ @${c.login} (${cell(c.fills)})${c.url ? ` [comment](${c.url})` : ""}`);
    for (const i of approvals.ignored) out.push(`- ➖ @${i.login}: not counted, ${cell(i.why)}`);
  }
  out.push(
    "",
    `Change type: \`${decision.changeType}\`${decision.emergency ? " (emergency)" : ""}${decision.changeTypeReason ? ` (${cell(decision.changeTypeReason)})` : ""} · policy \`${decision.policyDigest.slice(0, 12)}\``,
  );
  return out.join("\n");
}

function row(item: ChecklistResult): string {
  const todo = item.state === "failed" || item.state === "pending" ? (item.fix ?? "") : "";
  return `| ${ICON[item.state]} | ${cell(item.title)} | ${cell(item.reason)} | ${cell(todo)} |`;
}
