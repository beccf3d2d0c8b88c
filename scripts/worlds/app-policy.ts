/** The policy the App's end-to-end tests and benchmarks gate under, and a PR body that satisfies its checklist. */
export const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
checklist:
  ci: { checks: [build] }
  rollback-plan: { pr_section: Rollback plan }
environments:
  staging:
    approval: automatic
    checklist: [ci]
  production:
    approval: required
    approvals:
      "*": { from: [group:leads], count: 2 }
    checklist: [ci, rollback-plan]
    rollback: { workflow: rollback.yml, redeploy_previous: true }
`;

export const BODY = "Faster checkout.\n\n## Rollback plan\nRevert the PR.\n";

/** The people POLICY is written for: dave opens the PRs, alice and bob are the leads who approve them. */
export const POLICY_WORLD = {
  policy: POLICY,
  people: ["dave", "alice", "bob"],
  teams: { leads: ["alice", "bob"] },
};
