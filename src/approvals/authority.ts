/**
 * Who an approver reference stands for. Team members and repository roles come from the evidence,
 * as GitHub reported them when the evidence was gathered, so authority is judged at that moment.
 */
import type { ApproverRef, RepositoryRole } from "../policy/model.js";

export interface Directory {
  /** Team members keyed "org/team" (lowercase). */
  readonly teams: Readonly<Record<string, readonly string[]>>;
  readonly permissions: Readonly<Record<string, RepositoryRole | "none">>;
  readonly groups: Readonly<Record<string, readonly ApproverRef[]>>;
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

function teamMembers(directory: Directory, team: string): readonly string[] | undefined {
  const key = Object.keys(directory.teams).find((name) => same(name, team));
  return key === undefined ? undefined : directory.teams[key];
}

function permissionOf(directory: Directory, login: string): RepositoryRole | "none" {
  const key = Object.keys(directory.permissions).find((name) => same(name, login));
  return key === undefined ? "none" : directory.permissions[key]!;
}

export function isCoveredBy(
  login: string,
  ref: ApproverRef,
  directory: Directory,
  seen: readonly string[] = [],
): boolean {
  switch (ref.kind) {
    case "user":
      return same(ref.login, login);
    case "team":
      return teamMembers(directory, ref.team)?.some((member) => same(member, login)) ?? false;
    case "role":
      return ROLE_RANK[permissionOf(directory, login)] >= ROLE_RANK[ref.role];
    case "group":
      if (seen.includes(ref.group)) return false;
      return (directory.groups[ref.group] ?? []).some((member) =>
        isCoveredBy(login, member, directory, [...seen, ref.group]),
      );
  }
}

/** Everyone a reference stands for, when that can be listed (users, teams, groups of those); undefined otherwise. */
export function membersOf(
  ref: ApproverRef,
  directory: Directory,
  seen: readonly string[] = [],
): string[] | undefined {
  switch (ref.kind) {
    case "user":
      return [ref.login.toLowerCase()];
    case "team":
      return teamMembers(directory, ref.team)?.map((m) => m.toLowerCase());
    case "role":
      return undefined;
    case "group": {
      if (seen.includes(ref.group)) return [];
      const members = new Set<string>();
      for (const member of directory.groups[ref.group] ?? []) {
        const listed = membersOf(member, directory, [...seen, ref.group]);
        if (!listed) return undefined;
        listed.forEach((m) => members.add(m));
      }
      return [...members];
    }
  }
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
