/**
 * `mode: audit`: src/audit's report over this repository's deployment history, in the job summary and
 * the `result` output. The audit reads through the Action's own token.
 */
import { graphqlWithPartialData } from "../github/client.js";
import { renderMarkdown, runAudit, type AuditClient } from "../audit/index.js";
import type { ActionDeps } from "./decide.js";
import type { ActionSettings } from "./inputs.js";
import type { ModeOutcome } from "./outcome.js";

export async function auditMode(deps: ActionDeps, settings: ActionSettings): Promise<ModeOutcome> {
  let requests = 0;
  const client: AuditClient = {
    async graphql(query, variables) {
      requests++;
      const { data, errors } = await graphqlWithPartialData<unknown>(deps.client, query, { ...variables });
      return { data, errors: errors.map((message) => ({ message })) };
    },
    async restGet(path) {
      requests++;
      return (await deps.client.request(`GET ${path}`)).data;
    },
    get requests() {
      return requests;
    },
  };
  const report = await deps.phase("Audit the deployment history", () =>
    runAudit(client, {
      owner: settings.owner,
      name: settings.repo,
      environment: settings.environment === "*" ? undefined : settings.environment,
      appLogin: settings.appBot,
    }),
  );
  const high = report.findings.filter((f) => f.severity === "high");
  return {
    rolledBack: false,
    sections: [renderMarkdown(report)],
    requests,
    ...(high.length > 0 ? { failure: `The audit found ${high.length} high-severity finding(s)` } : {}),
  };
}
