/** The audit's public surface, for the CLI and the Action's `mode: audit`. */
export { runAudit, type AuditOptions } from "./run.js";
export { httpClient, AuditAccessError, type AuditClient } from "../github/audit-client.js";
export { renderMarkdown } from "./markdown.js";
export { renderHtml } from "./html.js";
export { renderCsv } from "./csv.js";
export { parsePreviousReport } from "./compare.js";
export type * from "./types.js";
