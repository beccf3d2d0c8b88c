/**
 * Approver groups: references to other groups must resolve, without cycles, within the limits; and
 * the people a `from` list names, when they can be known before run time.
 */
import { LIMITS } from "../limits.js";
import { parseApprover } from "../model.js";
import type { SemanticContext } from "./context.js";

export function checkApproverGroups({ groups, report, approverRef }: SemanticContext): void {
  const groupCycle = findGroupCycle(groups);
  if (groupCycle)
    report(["approvers", groupCycle[0]!], `approver groups form a cycle: ${groupCycle.join(" → ")}`);
  for (const [name, specs] of groups) {
    specs.forEach((spec, i) => {
      approverRef(["approvers", name, i], spec);
      const ref = parseApprover(spec);
      if (ref.kind === "group" && ref.group === name)
        report(["approvers", name, i], `group "${name}" includes itself`);
    });
  }
  if (groups.size > LIMITS.groups)
    report(
      ["approvers"],
      `${groups.size} approver groups; at most ${LIMITS.groups} are allowed (use teams for large sets of people)`,
      true,
    );
  for (const [name, chain, index] of tooDeepGroups(groups)) {
    report(
      ["approvers", name, index],
      `approver groups nest ${chain.length} deep (${chain.join(" → ")}); at most ${LIMITS.groupDepth} levels are allowed: include the people or teams directly`,
    );
  }
}

/** A cycle of two or more approver groups including each other (a group including itself is reported apart). */
function findGroupCycle(groups: ReadonlyMap<string, string[]>): string[] | undefined {
  const includes = (name: string) =>
    (groups.get(name) ?? [])
      .map(parseApprover)
      .flatMap((ref) => (ref.kind === "group" && ref.group !== name ? [ref.group] : []));
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const open = stack.indexOf(name);
    if (open >= 0) return [...stack.slice(open), name];
    if (done.has(name) || !groups.has(name)) return undefined;
    stack.push(name);
    for (const next of includes(name)) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    done.add(name);
    return undefined;
  };
  for (const name of groups.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Groups whose nesting first goes past the limit: each with its deepest chain and the entry that
 * starts it. Depths are memoized, so this is linear in the size of the `approvers` section.
 */
function tooDeepGroups(groups: ReadonlyMap<string, string[]>): [string, string[], number][] {
  const chains = new Map<string, { chain: string[]; index: number }>();
  const open = new Set<string>();
  const deepest = (name: string): { chain: string[]; index: number } => {
    const known = chains.get(name);
    if (known) return known;
    if (open.has(name) || !groups.has(name)) return { chain: [], index: -1 };
    open.add(name);
    let best = { chain: [name], index: -1 };
    groups.get(name)!.forEach((spec, index) => {
      const ref = parseApprover(spec);
      if (ref.kind !== "group") return;
      const below = deepest(ref.group).chain;
      if (below.length + 1 > best.chain.length) best = { chain: [name, ...below], index };
    });
    open.delete(name);
    chains.set(name, best);
    return best;
  };
  const found: [string, string[], number][] = [];
  for (const name of groups.keys()) {
    const { chain, index } = deepest(name);
    if (chain.length === LIMITS.groupDepth + 1) found.push([name, chain, index]);
  }
  return found;
}

/**
 * The users behind a `from` list when it names only users and groups of users; undefined when it
 * names a team or a role (known only at run time). Each group is walked once, however often named.
 */
export function enumerableUsers(
  specs: string[],
  groups: ReadonlyMap<string, string[]>,
): Set<string> | undefined {
  const users = new Set<string>();
  const walked = new Set<string>();
  const walk = (spec: string): boolean => {
    const ref = parseApprover(spec);
    if (ref.kind === "user") users.add(ref.login);
    else if (ref.kind !== "group") return false;
    else if (!walked.has(ref.group)) {
      walked.add(ref.group);
      return (groups.get(ref.group) ?? []).every(walk);
    }
    return true;
  };
  return specs.every(walk) ? users : undefined;
}
