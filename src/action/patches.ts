/**
 * The PR's patches for secret scanning: one REST request, made only when the environment's checklist
 * scans the diff. GitHub lists at most 100 files per page and omits patches it finds too large; either
 * leaves the diff incomplete, which the engine treats as "not proven secret-free".
 */
import type { GitHubClient } from "../github/client.js";
import type { Evidence } from "../readiness/evidence.js";
import type { ActionSettings } from "./inputs.js";

export async function withPatches(
  client: GitHubClient,
  settings: Pick<ActionSettings, "owner" | "repo">,
  evidence: Evidence,
): Promise<Evidence> {
  const pr = evidence.pull_request;
  if (!pr) return evidence;
  const { data } = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
    owner: settings.owner,
    repo: settings.repo,
    pull_number: pr.number,
    per_page: 100,
  });
  const listed = data as { filename: string; patch?: string }[];
  const files = listed.map((f) => ({
    path: f.filename,
    ...(f.patch !== undefined ? { patch: f.patch } : {}),
  }));
  return {
    ...evidence,
    pull_request: { ...pr, files, files_complete: pr.files_complete && listed.length >= pr.files.length },
  };
}
