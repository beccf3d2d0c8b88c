/**
 * Counting approvals against a rule. Each person counts once (their latest decision), only for the
 * environment and commit they approved, only if the rule names them, and never when separation of
 * duties excludes them. Counted approvals are assigned to requirements by a bipartite matching, so
 * one person can never fill two seats of "a team lead and an architect".
 */
import type { ApprovalRule, Requirement } from "../policy/model.js";
import { describeRef, isCoveredBy, membersOf, type Directory } from "./authority.js";

export interface CountedApproval {
  readonly login: string;
  readonly at: string;
  readonly url?: string;
  /** Which requirement this approval fills, e.g. "1 of group:leads". */
  readonly fills: string;
}

export interface IgnoredApproval {
  readonly login: string;
  readonly at: string;
  readonly url?: string;
  readonly why: string;
}

/**
 * The approvals as a readiness decision reports them: the counted tally, with the approval mode, the
 * notice period's end and an emergency's due time that the readiness engine adds from the policy.
 */
export interface ApprovalTally {
  readonly mode: "none" | "automatic" | "required";
  /** What the rule demands, e.g. "1 of group:leads and 1 of group:architects". */
  readonly required: string;
  readonly satisfied: boolean;
  readonly counted: readonly CountedApproval[];
  readonly ignored: readonly IgnoredApproval[];
  /** Who could still approve (the rule's approver references), for the way forward. */
  readonly approvers: readonly string[];
  readonly rejectedBy?: { readonly login: string; readonly reason: string; readonly url?: string };
  readonly noticeEndsAt?: string;
  /** Emergency changes: when the after-the-fact approvals are due. */
  readonly dueBy?: string;
}

export interface ApprovalRecord {
  readonly approver: string;
  readonly decision: "approve" | "reject";
  readonly environment: string;
  readonly sha: string;
  readonly at: string;
  readonly url?: string | undefined;
  readonly note?: string | undefined;
}

export interface TallyInput {
  readonly environment: string;
  readonly changeType: string;
  readonly rule: ApprovalRule;
  readonly records: readonly ApprovalRecord[];
  /** The commits an approval may be bound to (the deployed commit, and the PR head it was merged from). */
  readonly acceptedShas: readonly string[];
  /** Logins that separation of duties excludes, with why. */
  readonly excluded: ReadonlyMap<string, string>;
  readonly directory: Directory;
}

export type Tally = Omit<ApprovalTally, "mode" | "noticeEndsAt" | "dueBy">;

const short = (sha: string) => sha.slice(0, 7);

export function describeRequirement(requirement: Requirement): string {
  return requirement.kind === "count"
    ? `${requirement.count} of ${requirement.from.map(describeRef).join(", ")}`
    : `every member of ${describeRef(requirement.of)}`;
}

export function describeRule(rule: ApprovalRule): string {
  return rule.requirements.map(describeRequirement).join(" and ");
}

type Ignore = (record: ApprovalRecord, why: string) => void;
type Covers = (login: string, requirement: Requirement) => boolean;

export function tallyApprovals(input: TallyInput): Tally {
  const { rule, directory } = input;
  const ignored: IgnoredApproval[] = [];
  const ignore: Ignore = (record, why) =>
    ignored.push({ login: record.approver, at: record.at, ...(record.url ? { url: record.url } : {}), why });
  const covers: Covers = (login, requirement) =>
    requirement.kind === "count"
      ? requirement.from.some((ref) => isCoveredBy(login, ref, directory))
      : isCoveredBy(login, requirement.of, directory);

  const latest = latestDecisions(input, ignore);
  const { approvers, rejectedBy } = screenDecisions(latest, input, covers, ignore);
  const seats = fillSeats(rule, approvers, covers);
  const consensus = everyMemberConsensus(input, approvers);

  const counted: CountedApproval[] = approvers.map((login) => {
    const record = latest.get(login)!;
    const fills =
      seats.labelOf(login) ?? (consensus.members.includes(login) ? "consensus" : "more than needed");
    return { login: record.approver, at: record.at, ...(record.url ? { url: record.url } : {}), fills };
  });

  return {
    required: describeRule(rule),
    satisfied: seats.allFilled && consensus.satisfied && rejectedBy === undefined,
    counted,
    ignored,
    approvers: [
      ...new Set(rule.requirements.flatMap((r) => (r.kind === "count" ? r.from : [r.of]).map(describeRef))),
    ],
    ...(rejectedBy ? { rejectedBy } : {}),
  };
}

/** Latest decision per person for this environment; earlier ones are superseded, not counted twice. */
/** A decision's comment id, from its comment URL (`…#issuecomment-<id>`): GitHub numbers comments in order. */
const commentIdOf = (record: ApprovalRecord): number | undefined => {
  const id = /#issuecomment-(\d+)$/.exec(record.url ?? "")?.[1];
  return id === undefined ? undefined : Number(id);
};

/**
 * GitHub's times have whole seconds. Of two decisions in the same second, the one on the later comment is
 * the latest (a re-approval of a merge commit right after an approval of its head); when their comments
 * are unknown, the rejection is taken as the latest, the stricter reading.
 */
function sameSecond(a: ApprovalRecord, b: ApprovalRecord): number {
  const [first, second] = [commentIdOf(a), commentIdOf(b)];
  if (first !== undefined && second !== undefined && first !== second) return first - second;
  const rank = (r: ApprovalRecord) => (r.decision === "reject" ? 1 : 0);
  return rank(a) - rank(b);
}

function latestDecisions(input: TallyInput, ignore: Ignore): Map<string, ApprovalRecord> {
  const latest = new Map<string, ApprovalRecord>();
  const byTime = [...input.records].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || sameSecond(a, b));
  for (const record of byTime) {
    if (record.environment !== input.environment) {
      ignore(record, `for ${record.environment}, not ${input.environment}`);
      continue;
    }
    latest.set(record.approver.toLowerCase(), record);
  }
  return latest;
}

/** The decisions that count: on an accepted commit, by someone the rule names and separation of duties allows. */
function screenDecisions(
  latest: ReadonlyMap<string, ApprovalRecord>,
  input: TallyInput,
  covers: Covers,
  ignore: Ignore,
): { approvers: string[]; rejectedBy: Tally["rejectedBy"] } {
  const approvers: string[] = [];
  let rejectedBy: Tally["rejectedBy"];
  for (const [login, record] of latest) {
    if (!input.acceptedShas.some((sha) => sha.toLowerCase() === record.sha.toLowerCase())) {
      ignore(
        record,
        `stale: given on ${short(record.sha)}, the commit is now ${short(input.acceptedShas[0] ?? "")}`,
      );
    } else if (input.excluded.has(login)) {
      ignore(record, `separation of duties: ${input.excluded.get(login)}`);
    } else if (!input.rule.requirements.some((requirement) => covers(login, requirement))) {
      ignore(record, `not an approver for ${input.environment} (${input.changeType} change)`);
    } else if (record.decision === "reject") {
      rejectedBy ??= {
        login: record.approver,
        reason: record.note ?? "no reason given",
        ...(record.url ? { url: record.url } : {}),
      };
    } else approvers.push(login);
  }
  return { approvers, rejectedBy };
}

/**
 * Seats of the count requirements, filled by augmenting paths (Kuhn's algorithm; sizes are tiny), so
 * one person never fills two seats.
 */
function fillSeats(
  rule: ApprovalRule,
  approvers: readonly string[],
  covers: Covers,
): { allFilled: boolean; labelOf: (login: string) => string | undefined } {
  const seats: { requirement: Requirement; label: string }[] = [];
  for (const requirement of rule.requirements) {
    if (requirement.kind === "count") {
      for (let i = 0; i < requirement.count; i++)
        seats.push({ requirement, label: describeRequirement(requirement) });
    }
  }
  const seatOf = new Map<string, number>();
  const holder: (string | undefined)[] = seats.map(() => undefined);
  const assign = (login: string, visited: Set<number>): boolean => {
    for (let s = 0; s < seats.length; s++) {
      if (visited.has(s) || !covers(login, seats[s]!.requirement)) continue;
      visited.add(s);
      const current = holder[s];
      if (current === undefined || assign(current, visited)) {
        holder[s] = login;
        seatOf.set(login, s);
        return true;
      }
    }
    return false;
  };
  for (const login of approvers) assign(login, new Set());
  return {
    allFilled: holder.every((h) => h !== undefined),
    labelOf: (login) => {
      const seat = seatOf.get(login);
      return seat !== undefined ? seats[seat]!.label : undefined;
    },
  };
}

/**
 * "Every member" requirements: each member not excluded has approved. A team whose members cannot be
 * read, or with no one left to approve, is not satisfied.
 */
function everyMemberConsensus(
  input: TallyInput,
  approvers: readonly string[],
): { satisfied: boolean; members: string[] } {
  let satisfied = true;
  const members: string[] = [];
  for (const requirement of input.rule.requirements) {
    if (requirement.kind !== "every_member") continue;
    const all = membersOf(requirement.of, input.directory);
    if (!all) {
      satisfied = false;
      continue;
    }
    const needed = all.filter((m) => !input.excluded.has(m));
    if (needed.length === 0 || !needed.every((m) => approvers.includes(m))) satisfied = false;
    members.push(...needed.filter((m) => approvers.includes(m)));
  }
  return { satisfied, members };
}

/** Who is missing from "every member" requirements, for the way forward. */
export function missingMembers(
  rule: ApprovalRule,
  tally: Tally,
  directory: Directory,
  excluded: ReadonlyMap<string, string>,
): string[] {
  const approved = new Set(tally.counted.map((c) => c.login.toLowerCase()));
  return rule.requirements.flatMap((requirement) =>
    requirement.kind === "every_member"
      ? (membersOf(requirement.of, directory) ?? []).filter((m) => !approved.has(m) && !excluded.has(m))
      : [],
  );
}
