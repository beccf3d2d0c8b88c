/**
 * `mode: audit`: src/audit's report over this repository's deployment history: Markdown in the job
 * summary, HTML in a file (`$RUNNER_TEMP/tollgate-audit/<environment>.html`, its path in the
 * `audit-report` output, ready for actions/upload-artifact). The audit reads through the Action's token.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderHtml, renderMarkdown, runAudit } from "../audit/index.js";
import { auditClientOf } from "../github/audit-client.js";
import type { ActionDeps } from "./gate-phase.js";
import type { ActionSettings } from "./inputs.js";
import type { ModeOutcome } from "./outcome.js";

export async function auditMode(deps: ActionDeps, settings: ActionSettings): Promise<ModeOutcome> {
  const client = auditClientOf(deps.client);
  const report = await deps.phase("Audit the deployment history", () =>
    runAudit(client, {
      owner: settings.owner,
      name: settings.repo,
      environment: settings.environment === "*" ? undefined : settings.environment,
      appLogin: settings.appBot,
      // The same policy file the gate reads, from the default branch.
      policyPath: settings.policyPath,
    }),
  );
  const dir = join(process.env["RUNNER_TEMP"] || tmpdir(), "tollgate-audit");
  const file = join(
    dir,
    `${settings.environment === "*" ? "all" : settings.environment.replace(/[^\w.-]/g, "_")}.html`,
  );
  await mkdir(dir, { recursive: true });
  await writeFile(file, renderHtml(report));
  deps.log(`HTML report: ${file}`);
  const high = report.findings.filter((f) => f.severity === "high" || f.severity === "critical");
  return {
    rolledBack: false,
    auditReport: file,
    sections: [renderMarkdown(report)],
    requests: client.requests,
    ...(high.length > 0
      ? { failure: `The audit found ${high.length} critical or high-severity finding(s)` }
      : {}),
  };
}
