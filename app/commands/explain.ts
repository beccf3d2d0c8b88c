/** `/tollgate explain [env]` and `/tollgate help`: the readiness of this PR, in the conversation. */
import { COMMAND_HELP } from "../../src/approvals/commands.js";
import { renderMarkdown } from "../../src/readiness/render.js";
import { evaluate } from "../../src/readiness/evaluate.js";
import { assess, gatedEnvironments } from "../assess.js";
import { pullOf } from "../pull-facts.js";
import { nowOf } from "../readiness-checks.js";
import { unknownEnvironment } from "./admission.js";
import { done, refuse, type CommandContext, type Outcome } from "./outcome.js";

export function help(): Outcome {
  return done(
    [
      "Tollgate understands these commands, each at the start of a new comment:",
      "",
      ...COMMAND_HELP.map((usage) => `- \`${usage}\``),
      "",
      "Approvals bind to one environment and one commit; a new commit needs new approvals.",
    ].join("\n"),
  );
}

export async function explain(cx: CommandContext, environmentName?: string): Promise<Outcome> {
  const pr = await pullOf(cx);
  const sha = pr.mergeSha ?? pr.headSha;
  const { policy, evidence } = await assess(cx.client, cx.identity, cx.settings, {
    ...cx.repo,
    sha,
    pullNumber: cx.issueNumber,
  });
  if (!policy) return refuse("explain", "this repository has no Tollgate policy on its default branch");
  if (!policy.ok)
    return refuse(
      "explain",
      `the policy on the default branch has ${policy.errors.length} errors (see the "Tollgate · policy" check)`,
    );
  if (environmentName !== undefined) {
    const unknown = unknownEnvironment(policy.policy, environmentName);
    if (unknown) return refuse("explain", unknown);
  }
  const names =
    environmentName !== undefined
      ? [environmentName]
      : gatedEnvironments(policy.policy).map((env) => env.name);
  const now = nowOf(cx.settings);
  const sections = names.map(
    (name) => `### ${name}\n\n${renderMarkdown(evaluate(policy.policy, name, evidence, now))}`,
  );
  return done(sections.join("\n\n") || "The policy gates no environment.");
}
