/**
 * Who may roll an environment back: an approver of any of its approval rules, or anyone with maintain
 * or admin on the repository. A rollback needs no approval (it restores a known state), so this is the
 * one check between a person and production's previous version: the App applies it to `/rollback`, the
 * Action to whoever started a run in `mode: rollback`.
 */
import type { Environment, Policy } from "../policy/model.js";
import { isCoveredBy, type Directory } from "./authority.js";

export function mayRollBack(
  policy: Policy,
  environment: Environment,
  evidence: Pick<Directory, "teams" | "permissions">,
  login: string,
): boolean {
  const directory: Directory = {
    teams: evidence.teams,
    permissions: evidence.permissions,
    groups: policy.groups,
  };
  if (isCoveredBy(login, { kind: "role", role: "maintain" }, directory)) return true;
  return Object.values(environment.approvals).some((rule) =>
    rule.requirements.some((r) =>
      r.kind === "count"
        ? r.from.some((ref) => isCoveredBy(login, ref, directory))
        : isCoveredBy(login, r.of, directory),
    ),
  );
}
