/**
 * A change's type, from every source the policy declares: PR labels, changed paths, patterns in the
 * added lines of the diff, the conventional-commit PR title, and the size of the version bump. Each
 * source votes; when the votes disagree, the policy's `order` picks the strictest, and without an
 * order (or when two labels contradict each other) the change is ambiguous and blocked (choosing one would pick a gate, and the lighter one
 * could let a change through). No vote at all gives the policy default.
 */
import type { ChangeTypes } from "../policy/model.js";
import { matchesAny } from "./glob.js";

export type ChangeTypeSource = "label" | "path" | "diff" | "title" | "version";

export interface ChangeTypeVote {
  readonly source: ChangeTypeSource;
  readonly changeType: string;
  /** What the source saw, e.g. `label "major"` or `path db/migrations/001.sql`. */
  readonly because: string;
}

export interface ChangeFacts {
  readonly labels: readonly string[];
  readonly title?: string | undefined;
  readonly files?: readonly { readonly path: string; readonly patch?: string | undefined }[] | undefined;
  /** False when GitHub cut the file list or patches short: paths and diff cannot vote then. */
  readonly filesComplete?: boolean | undefined;
  readonly version?: string | undefined;
  readonly previousVersion?: string | undefined;
}

export type ChangeTypeResult =
  | {
      readonly ok: true;
      readonly changeType: string;
      readonly source: string;
      readonly votes: readonly ChangeTypeVote[];
      /** Each source's vote and how they were reconciled, for the check run and `explain`. */
      readonly explanation: string;
    }
  | {
      readonly ok: false;
      readonly candidates: readonly string[];
      readonly votes: readonly ChangeTypeVote[];
      readonly reason: string;
      readonly fix: string;
    };

/** Added lines longer than this are read only this far: a policy's pattern never scans a minified blob. */
const LINE_LIMIT = 500;
const patterns = new Map<string, RegExp>();
const pattern = (source: string) => {
  let regex = patterns.get(source);
  if (!regex) patterns.set(source, (regex = new RegExp(source, "i")));
  return regex;
};

/** `feat(api)!: drop v1` → { type: "feat", breaking: true }. */
export function conventionalTitle(title: string): { type: string; breaking: boolean } | undefined {
  const match = /^\s*([A-Za-z]+)(?:\([^)]*\))?(!)?:\s/.exec(title);
  return match ? { type: match[1]!.toLowerCase(), breaking: match[2] === "!" } : undefined;
}

function titleMatches(spec: string, title: { type: string; breaking: boolean }): boolean {
  const breaking = spec.endsWith("!");
  const type = breaking ? spec.slice(0, -1) : spec;
  return (breaking ? title.breaking : !title.breaking) && (type === "*" || type.toLowerCase() === title.type);
}

function* addedLines(patch: string): Generator<string> {
  for (const line of patch.split("\n"))
    if (line.startsWith("+") && !line.startsWith("+++")) yield line.slice(1, LINE_LIMIT + 1);
}

const quote = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);

export function changeTypeVotes(changeTypes: ChangeTypes, facts: ChangeFacts): ChangeTypeVote[] {
  const votes: ChangeTypeVote[] = [];
  const lowered = facts.labels.map((l) => l.toLowerCase());
  const title = facts.title !== undefined ? conventionalTitle(facts.title) : undefined;
  const bump = semverBump(facts.version, facts.previousVersion);
  for (const [name, type] of Object.entries(changeTypes.types)) {
    const label = facts.labels[lowered.findIndex((l) => type.labels.some((t) => t.toLowerCase() === l))];
    if (label !== undefined)
      votes.push({ source: "label", changeType: name, because: `label ${quote(label)}` });
    if (type.paths.length > 0) {
      const file = facts.files?.find((f) => matchesAny(f.path, type.paths));
      if (file) votes.push({ source: "path", changeType: name, because: `path ${file.path}` });
    }
    if (type.diff.length > 0) {
      const hit = findAdded(type.diff, facts.files ?? []);
      if (hit)
        votes.push({
          source: "diff",
          changeType: name,
          because: `${hit.path} adds ${quote(hit.line.trim())}`,
        });
    }
    if (title && type.titles.some((spec) => titleMatches(spec, title)))
      votes.push({ source: "title", changeType: name, because: `title ${quote(facts.title!)}` });
    if (bump && type.semver === bump)
      votes.push({
        source: "version",
        changeType: name,
        because: `${bump} version bump (${facts.previousVersion} → ${facts.version})`,
      });
  }
  return votes;
}

function findAdded(
  sources: readonly string[],
  files: NonNullable<ChangeFacts["files"]>,
): { path: string; line: string } | undefined {
  for (const file of files) {
    if (!file.patch) continue;
    for (const line of addedLines(file.patch))
      if (sources.some((source) => pattern(source).test(line))) return { path: file.path, line };
  }
  return undefined;
}

const describeVotes = (votes: readonly ChangeTypeVote[]) =>
  votes.map((v) => `${v.because} → ${v.changeType}`).join("; ");

export function deriveChangeType(changeTypes: ChangeTypes, facts: ChangeFacts): ChangeTypeResult {
  const votes = changeTypeVotes(changeTypes, facts);
  const readsFiles = Object.values(changeTypes.types).some((t) => t.paths.length > 0 || t.diff.length > 0);
  if (readsFiles && facts.filesComplete === false) {
    return {
      ok: false,
      candidates: [...new Set([...votes.map((v) => v.changeType), changeTypes.default])],
      votes,
      reason:
        "the PR's file list or diff was cut short by GitHub, so its paths and added lines cannot vote on the change type",
      fix: "split the pull request",
    };
  }
  const candidates = [...new Set(votes.map((v) => v.changeType))];
  if (candidates.length === 0) {
    return {
      ok: true,
      changeType: changeTypes.default,
      source: "default",
      votes,
      explanation: `no source named a change type: the default, ${changeTypes.default}`,
    };
  }
  if (candidates.length === 1) {
    const sources = [...new Set(votes.map((v) => v.source))];
    return {
      ok: true,
      changeType: candidates[0]!,
      source: votes.length === 1 ? sourceName(votes[0]!) : sources.join(" and "),
      votes,
      explanation: describeVotes(votes),
    };
  }
  const order = changeTypes.order;
  // Labels are a person's word: two that contradict each other are a mistake to fix, not to settle.
  const labelled = new Set(votes.filter((v) => v.source === "label").map((v) => v.changeType));
  if (!order || labelled.size > 1) {
    const labelsOnly = labelled.size > 1;
    return {
      ok: false,
      candidates,
      votes,
      reason: labelsOnly
        ? `the PR's labels mark it as ${[...labelled].map((t) => `"${t}"`).join(" and ")}; keep the labels of one change type`
        : `the sources disagree: ${describeVotes(votes)}; the policy declares no order to pick the stricter`,
      fix: labelsOnly
        ? "remove all but one change-type label"
        : "make the sources agree (labels, title, version), or declare change_types.order in the policy",
    };
  }
  const strictest = candidates.reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a));
  return {
    ok: true,
    changeType: strictest,
    source: "strictest",
    votes,
    explanation: `${describeVotes(votes)}; ${strictest} is the strictest by the policy's order`,
  };
}

function sourceName(vote: ChangeTypeVote): string {
  return vote.source === "version" ? vote.because.replace(/ \(.*$/, "") : vote.source;
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)/;

export function semverBump(version?: string, previous?: string): "major" | "minor" | "patch" | undefined {
  const next = version ? SEMVER.exec(version) : null;
  const prev = previous ? SEMVER.exec(previous) : null;
  if (!next || !prev) return undefined;
  const [a, b] = [next.slice(1, 4).map(Number), prev.slice(1, 4).map(Number)];
  if (a[0]! !== b[0]!) return "major";
  if (a[1]! !== b[1]!) return "minor";
  if (a[2]! !== b[2]!) return "patch";
  return undefined;
}
