/**
 * Facts about the repository itself rather than the commit: its open Dependabot alerts and its
 * collaborators' roles, mapped from GitHub's enums to the engine's (an unknown role reads as the least).
 */
import type { EvidenceResponse } from "./evidence-query.js";

type Repository = NonNullable<EvidenceResponse["repository"]>;

export function securityAlertsOf(repository: Repository, incomplete: Set<string>) {
  const alerts = repository.vulnerabilityAlerts;
  if ((alerts?.totalCount ?? 0) > (alerts?.nodes.length ?? 0)) incomplete.add("security_alerts");
  return (alerts?.nodes ?? []).flatMap((a) =>
    a.securityVulnerability
      ? [
          {
            source: "dependabot" as const,
            severity: severityOf(a.securityVulnerability.severity),
            summary: a.securityVulnerability.advisory.summary,
          },
        ]
      : [],
  );
}

export function permissionsOf(repository: Repository) {
  return Object.fromEntries(
    (repository.collaborators?.edges ?? []).map((e) => [e.node.login, permissionOf(e.permission)]),
  );
}

function severityOf(severity: string): "critical" | "high" | "medium" | "low" {
  switch (severity) {
    case "CRITICAL":
      return "critical";
    case "HIGH":
      return "high";
    case "LOW":
      return "low";
    default:
      return "medium";
  }
}

function permissionOf(permission: string): "admin" | "maintain" | "write" | "triage" | "read" {
  const roles = {
    ADMIN: "admin",
    MAINTAIN: "maintain",
    WRITE: "write",
    TRIAGE: "triage",
    READ: "read",
  } as const;
  return roles[permission as keyof typeof roles] ?? "read";
}
