/**
 * Bounds on what a policy may ask of one event. The App evaluates the policy for every comment and
 * check run; a policy is written by anyone who can push to the default branch, so its size must not
 * decide how long the App's event loop is busy. Errors past these limits are located like any other.
 */
export const LIMITS = {
  /** Approver groups in one policy. */
  groups: 100,
  /** Entries (users, teams, roles, groups) in one approver group. */
  groupSize: 100,
  /** Levels of groups including groups: a group of people is 1, a group of such groups is 2, … */
  groupDepth: 4,
} as const;
