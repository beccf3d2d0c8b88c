/**
 * The real audit (`tollgate audit`'s runAudit over GitHub's API) of a security test's world, so each
 * attack test can show the auditor would see it: a tampering attempt must be a finding.
 */
import { httpClient } from "../../src/github/audit-client.js";
import { parsePreviousReport, type PreviousReport } from "../../src/audit/compare.js";
import { runAudit } from "../../src/audit/run.js";
import type { AuditReport, FindingCode } from "../../src/audit/types.js";
import { ORG, REPO, type World } from "../../sandbox/seed/index.js";

/**
 * The audit as the repository's owner would run it, trusting the world's App bot and the workflow token,
 * a second after the sandbox's own time: a test may have moved GitHub's clock ahead of this machine's, and
 * GitHub's times are whole seconds while the audit's period ends before its `until`.
 */
export async function auditOf(world: World, previous?: AuditReport): Promise<AuditReport> {
  await world.sandbox.idle();
  const clock = await world.sandbox.client.control<{ now: string }>("GET", "/clock");
  const client = httpClient({
    apiUrl: world.sandbox.apiUrl,
    graphqlUrl: world.sandbox.graphqlUrl,
    token: world.people["owner"]!.token,
  });
  return runAudit(client, {
    owner: ORG,
    name: REPO,
    appLogin: world.bot,
    trustedWriters: ["github-actions[bot]"],
    now: new Date(Date.parse(clock.now) + 1000),
    ...(previous ? { previous: asPrevious(previous) } : {}),
  });
}

/** The finding codes the audit reports for one deployment. */
export function findingsOf(report: AuditReport, deploymentId: number): FindingCode[] {
  return report.findings.filter((f) => f.deploymentId === deploymentId).map((f) => f.code);
}

/** An earlier report as `--compare previous.json` reads it: through its JSON form. */
function asPrevious(report: AuditReport): PreviousReport {
  const parsed = parsePreviousReport(JSON.stringify(report));
  if (!parsed.ok) throw new Error(`the earlier report does not read back: ${parsed.message}`);
  return parsed.report;
}
