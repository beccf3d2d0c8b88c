/**
 * The policy as the engine uses it, built from a document that passed the schema and the semantic
 * checks: references resolved, durations in milliseconds, conditions parsed, shorthands expanded.
 */
import { createHash } from "node:crypto";
import { DEFAULT_CHANGE_TYPES, parseApprover, type Environment, type Policy } from "./model.js";
import { businessCalendar, normalizeApprovalRule } from "./normalize/approvals.js";
import { normalizeItem } from "./normalize/checklist.js";
import { normalizeAnalysis, normalizeStrategy } from "./normalize/rollout.js";
import { commandList, durationMs } from "./normalize/values.js";
import { normalizeWindows } from "./normalize/windows.js";
import { dictionary, own } from "./own.js";
import type { EnvironmentDocument, PolicyDocument } from "./schema.js";

function normalizeEnvironment(name: string, doc: EnvironmentDocument, policy: PolicyDocument): Environment {
  const calendar = businessCalendar(doc, policy);
  const approvals = dictionary(
    Object.entries(doc.approvals ?? {}).map(([changeType, rule]) => [
      changeType,
      normalizeApprovalRule(rule, calendar),
    ]),
  );
  return {
    name,
    ...(doc.description !== undefined ? { description: doc.description } : {}),
    ...(doc.url !== undefined ? { url: doc.url } : {}),
    approval: doc.approval,
    approvals,
    separationOfDuties: doc.separation_of_duties !== false,
    commitIdentity:
      typeof doc.separation_of_duties === "object"
        ? (doc.separation_of_duties.identity ?? "linked_emails")
        : "linked_emails",
    requires: (doc.requires ?? []).map((r) => ({
      environment: r.environment,
      soakMs: durationMs(r.soak),
      soakForChangeType: dictionary(
        Object.entries(r.soak_for ?? {}).map(([type, d]) => [type, durationMs(d)]),
      ),
    })),
    ...(doc.deployers ? { deployers: doc.deployers.map(parseApprover) } : {}),
    checklist: (doc.checklist ?? []).map((id) => normalizeItem(id, own(policy.checklist, id)!)),
    ...(doc.windows ? { windows: normalizeWindows(doc.windows) } : {}),
    strategies: doc.strategies ?? [],
    byChangeType: dictionary(
      Object.entries(doc.by_change_type ?? {}).map(([type, o]) => [
        type,
        {
          ...(o.approval !== undefined ? { approval: o.approval } : {}),
          ...(o.strategies !== undefined ? { strategies: o.strategies } : {}),
        },
      ]),
    ),
    ...(doc.validation
      ? {
          validation: {
            atMs: doc.validation.at.map((d) => durationMs(d)),
            analyses: doc.validation.analyses,
            onFailure: doc.validation.on_failure ?? "rollback",
          },
        }
      : {}),
    rollback: {
      run: commandList(doc.rollback?.run),
      redeployPrevious: doc.rollback?.redeploy_previous ?? false,
      ...(doc.rollback?.workflow !== undefined ? { workflow: doc.rollback.workflow } : {}),
      analyses: doc.rollback?.analyses ?? [],
      approval: doc.rollback?.approval ?? "none",
    },
  };
}

export function normalizePolicy(doc: PolicyDocument, source: string): Policy {
  const mapValues = <T, U>(record: Record<string, T> | undefined, f: (key: string, value: T) => U) =>
    dictionary(Object.entries(record ?? {}).map(([key, value]) => [key, f(key, value)]));
  return {
    version: 1,
    digest: createHash("sha256").update(source).digest("hex"),
    groups: mapValues(doc.approvers, (_, specs) => specs.map(parseApprover)),
    changeTypes: doc.change_types
      ? {
          default: doc.change_types.default,
          ...(doc.change_types.order ? { order: doc.change_types.order } : {}),
          types: mapValues(doc.change_types.types, (_, t) => ({
            labels: t.labels ?? [],
            ...(t.semver !== undefined ? { semver: t.semver } : {}),
            paths: t.paths ?? [],
            diff: t.diff ?? [],
            titles: t.titles ?? [],
          })),
        }
      : DEFAULT_CHANGE_TYPES,
    strategies: mapValues(doc.strategies, normalizeStrategy),
    analyses: mapValues(doc.analyses, normalizeAnalysis),
    environments: mapValues(doc.environments, (name, env) => normalizeEnvironment(name, env, doc)),
  };
}
