/**
 * The Action's runs as the demo narrates them: the inputs a job passes, its log as a runner shows it
 * (groups as headings, annotations, output; no debug noise), and a stop with the log when a job exits
 * with another code than the act expects.
 */
import type { ActionResult } from "./action.js";
import type { Narrator } from "./narrator.js";

export function expectCode(result: ActionResult, code: number, what: string): void {
  if (result.code !== code)
    throw new Error(
      `the Action (${what}) exited ${result.code}, expected ${code}:\n${result.log.replace(/^::add-mask::.*$/gm, "")}`,
    );
}

export function describeInputs(inputs: Record<string, string>): string {
  return Object.entries(inputs)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
}

/** The Action's log as a runner shows it: groups as headings, commands' output, errors; no debug noise. */
export function actionLine(n: Narrator): (line: string) => void {
  return (line) => {
    if (line.startsWith("::debug::") || line === "::endgroup::" || line.startsWith("::add-mask::")) return;
    if (line.startsWith("::group::")) return n.quote(`▸ ${line.slice("::group::".length)}`, "");
    const annotation = /^::(error|warning|notice)[^:]*::(.*)$/.exec(line);
    if (annotation) return n.quote(`${annotation[1]}: ${unescapeCommand(annotation[2]!)}`, "");
    if (line.startsWith("[command]")) return;
    if (line.trim()) n.quote(line, "  ");
  };
}

/** Workflow commands escape %, CR and LF (@actions/core's toCommandValue). */
function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, "").replace(/%0A/g, " ").replace(/%25/g, "%");
}

/** Only the rollout's lines: the second canary run is the same story without the fault. */
export function quietLine(n: Narrator): (line: string) => void {
  const full = actionLine(n);
  return (line) => {
    if (/^traffic: |^rollout /.test(line)) full(line);
  };
}
