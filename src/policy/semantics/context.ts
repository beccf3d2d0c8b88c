/**
 * What every semantic check needs: the document, a place to report, and the names each section
 * defines, so that a reference to an undefined name is reported the same way wherever it appears.
 */
import { didYouMean, type PathSegment } from "../errors.js";
import { parseApprover } from "../model.js";
import type { PolicyDocument } from "../schema.js";

export type Report = (path: PathSegment[], message: string, atKey?: boolean) => void;

export interface SemanticContext {
  readonly doc: PolicyDocument;
  readonly report: Report;
  readonly environments: string[];
  readonly changeTypes: string[];
  readonly groups: ReadonlyMap<string, string[]>;
  readonly checklist: NonNullable<PolicyDocument["checklist"]>;
  readonly strategies: NonNullable<PolicyDocument["strategies"]>;
  readonly analyses: NonNullable<PolicyDocument["analyses"]>;
  /** Reports `value` unless it is one of `known`, naming the section that defines such names. */
  reference(
    path: PathSegment[],
    value: string,
    known: string[],
    what: string,
    section: string,
    atKey?: boolean,
  ): void;
  changeTypeRef(path: PathSegment[], type: string, atKey?: boolean): void;
  strategyRef(path: PathSegment[], strategy: string): void;
  analysisRefs(path: PathSegment[], refs: string[] | undefined): void;
  /** A `group:` approver must name a group under `approvers`; users, teams and roles are known only at run time. */
  approverRef(path: PathSegment[], spec: string): void;
}

export function semanticContext(doc: PolicyDocument, report: Report): SemanticContext {
  const changeTypes = doc.change_types ? Object.keys(doc.change_types.types) : ["standard"];
  const groups = new Map(Object.entries(doc.approvers ?? {}));
  const strategies = doc.strategies ?? {};
  const analyses = doc.analyses ?? {};
  const reference: SemanticContext["reference"] = (path, value, known, what, section, atKey = false) => {
    if (!known.includes(value)) {
      report(
        path,
        `unknown ${what} "${value}"${didYouMean(value, known)}; define it under \`${section}\``,
        atKey,
      );
    }
  };
  return {
    doc,
    report,
    environments: Object.keys(doc.environments),
    changeTypes,
    groups,
    checklist: doc.checklist ?? {},
    strategies,
    analyses,
    reference,
    changeTypeRef: (path, type, atKey = false) =>
      reference(path, type, changeTypes, "change type", "change_types.types", atKey),
    strategyRef: (path, strategy) =>
      reference(path, strategy, Object.keys(strategies), "strategy", "strategies"),
    analysisRefs: (path, refs) =>
      refs?.forEach((ref, i) => reference([...path, i], ref, Object.keys(analyses), "analysis", "analyses")),
    approverRef: (path, spec) => {
      const ref = parseApprover(spec);
      if (ref.kind === "group" && !groups.has(ref.group))
        reference(path, ref.group, [...groups.keys()], "approver group", "approvers");
    },
  };
}
