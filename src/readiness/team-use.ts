/**
 * Whether judging a commit asks who is in a team. Most evaluations never do: no one has approved yet,
 * and no rule names a team for its author or its deployer. Finding out by judging the commit once with
 * a team list that notices being read (every team lookup goes through one index, authority.ts) is exact,
 * where a list of the places that might ask would drift as the rules grow, and a place it forgot would
 * judge a team member as an outsider.
 */
import type { Policy } from "../policy/model.js";
import { evaluate } from "./evaluate.js";
import type { Evidence } from "./evidence.js";

export function asksTeamMembers(
  policy: Policy,
  environments: readonly string[],
  evidence: Evidence,
  now: Date,
): boolean {
  let asked = false;
  // Reading a team's members lists the team record's keys first (authority.ts indexes them).
  const teams = new Proxy<Evidence["teams"]>(
    {},
    {
      ownKeys(target) {
        asked = true;
        return Reflect.ownKeys(target);
      },
    },
  );
  const probe: Evidence = { ...evidence, teams };
  return environments.some((environment) => {
    evaluate(policy, environment, probe, now);
    return asked;
  });
}
