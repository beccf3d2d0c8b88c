/**
 * Who an approver reference stands for. Team members and repository roles come from the evidence,
 * as GitHub reported them when the evidence was gathered, so authority is judged at that moment.
 *
 * A group is never expanded into a list of everyone in it: a check walks the groups once for the login
 * in question, remembering each group's answer, so its work is linear in the size of the `approvers`
 * section however the groups nest and however often a group is named (a walk without that memory is
 * exponential in the nesting). Every lookup by a name that came from a policy, a comment or the
 * evidence goes through a Map or `Object.hasOwn`, never a plain property read, so "constructor" or
 * "__proto__" is just an unknown name.
 */
import type { ApproverRef, RepositoryRole } from "../policy/model.js";

export interface Directory {
  /** Team members keyed "org/team" (lowercase). */
  readonly teams: Readonly<Record<string, readonly string[]>>;
  readonly permissions: Readonly<Record<string, RepositoryRole | "none">>;
  readonly groups: Readonly<Record<string, readonly ApproverRef[]>>;
}

type Leaf = Exclude<ApproverRef, { kind: "group" }>;

export interface GroupCoverage {
  /** The groups that cover the login (directly or through the groups they include). */
  readonly groups: ReadonlySet<string>;
  /** Group entries looked at to find out: at most the number of entries in the policy's groups. */
  readonly visits: number;
}

const ROLE_RANK: Record<RepositoryRole | "none", number> = {
  none: 0,
  read: 1,
  triage: 2,
  write: 3,
  maintain: 4,
  admin: 5,
};

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const teamIndexes = new WeakMap<object, Map<string, readonly string[]>>();
const permissionIndexes = new WeakMap<object, Map<string, RepositoryRole | "none">>();

function indexed<T>(cache: WeakMap<object, Map<string, T>>, record: Readonly<Record<string, T>>) {
  let index = cache.get(record);
  if (!index) {
    index = new Map();
    // The first spelling wins, as the case-insensitive search it replaces found it.
    for (const [key, value] of Object.entries(record))
      if (!index.has(key.toLowerCase())) index.set(key.toLowerCase(), value);
    cache.set(record, index);
  }
  return index;
}

function teamMembers(directory: Directory, team: string): readonly string[] | undefined {
  return indexed(teamIndexes, directory.teams).get(team.toLowerCase());
}

function permissionOf(directory: Directory, login: string): RepositoryRole | "none" {
  return indexed(permissionIndexes, directory.permissions).get(login.toLowerCase()) ?? "none";
}

function groupEntries(directory: Directory, group: string): readonly ApproverRef[] {
  return Object.hasOwn(directory.groups, group) ? directory.groups[group]! : [];
}

/** Per directory and login, every group's answer, so a tally asking about many groups walks them once. */
const coverages = new WeakMap<Directory, Map<string, GroupCoverage>>();

/** Which groups cover a login: one walk over all groups, each group decided once. */
export function coveringGroups(login: string, directory: Directory): GroupCoverage {
  let byLogin = coverages.get(directory);
  if (!byLogin) coverages.set(directory, (byLogin = new Map()));
  const key = login.toLowerCase();
  const known = byLogin.get(key);
  if (known) return known;
  const decided = new Map<string, boolean>();
  let visits = 0;
  const covers = (group: string): boolean => {
    const answer = decided.get(group);
    if (answer !== undefined) return answer;
    // Until decided, a group answers no: a cycle (refused when the policy loads) cannot loop.
    decided.set(group, false);
    let found = false;
    for (const member of groupEntries(directory, group)) {
      visits++;
      found = member.kind === "group" ? covers(member.group) : leafCovers(login, member, directory);
      if (found) break;
    }
    decided.set(group, found);
    return found;
  };
  for (const group of Object.keys(directory.groups)) covers(group);
  const coverage = { groups: new Set([...decided].filter(([, yes]) => yes).map(([g]) => g)), visits };
  byLogin.set(key, coverage);
  return coverage;
}

/** The users, teams and roles a group stands for, each group walked once, first mention first. */
export function groupLeaves(directory: Directory, group: string): Leaf[] {
  const walked = new Set<string>();
  const leaves: Leaf[] = [];
  const walk = (name: string) => {
    if (walked.has(name)) return;
    walked.add(name);
    for (const member of groupEntries(directory, name)) {
      if (member.kind === "group") walk(member.group);
      else leaves.push(member);
    }
  };
  walk(group);
  return leaves;
}

function leafCovers(login: string, leaf: Leaf, directory: Directory): boolean {
  switch (leaf.kind) {
    case "user":
      return same(leaf.login, login);
    case "team":
      return teamMembers(directory, leaf.team)?.some((member) => same(member, login)) ?? false;
    case "role":
      return ROLE_RANK[permissionOf(directory, login)] >= ROLE_RANK[leaf.role];
  }
}

export function isCoveredBy(login: string, ref: ApproverRef, directory: Directory): boolean {
  if (ref.kind !== "group") return leafCovers(login, ref, directory);
  return coveringGroups(login, directory).groups.has(ref.group);
}

/** Everyone a reference stands for, when that can be listed (users, teams, groups of those); undefined otherwise. */
export function membersOf(ref: ApproverRef, directory: Directory): string[] | undefined {
  const leaves = ref.kind === "group" ? groupLeaves(directory, ref.group) : [ref];
  const members = new Set<string>();
  for (const leaf of leaves) {
    if (leaf.kind === "role") return undefined;
    if (leaf.kind === "user") members.add(leaf.login.toLowerCase());
    else {
      const listed = teamMembers(directory, leaf.team);
      if (!listed) return undefined;
      listed.forEach((m) => members.add(m.toLowerCase()));
    }
  }
  return [...members];
}

export function describeRef(ref: ApproverRef): string {
  switch (ref.kind) {
    case "user":
      return `@${ref.login}`;
    case "team":
      return `@${ref.team}`;
    case "role":
      return `role:${ref.role}`;
    case "group":
      return `group:${ref.group}`;
  }
}
