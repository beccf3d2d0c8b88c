/**
 * The policy the Action's end-to-end tests and the action and cost benchmarks deploy under (staging →
 * production with soak and approval, and a frozen "eu"), and the people and teams it names.
 */
export const POLICY = `version: 1
approvers:
  leads: ["@acme/leads"]
change_types:
  default: minor
  types:
    hotfix: { labels: [hotfix] }
    minor: { labels: [minor] }
checklist:
  rollback-plan:
    pr_section: Rollback plan
strategies:
  direct:
    type: direct
    run: "echo deploying $TOLLGATE_SHA to $TOLLGATE_ENVIRONMENT"
environments:
  staging:
    approval: automatic
    strategies: [direct]
  production:
    url: https://shop.example.test
    requires:
      - environment: staging
        soak: 1h
    approval: required
    approvals:
      "*": { from: [group:leads] }
    checklist: [rollback-plan]
    strategies: [direct]
    rollback: { redeploy_previous: true }
  eu:
    approval: none
    windows:
      timezone: Europe/Stockholm
      allow:
        - { days: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00" }
      freezes:
        - { from: 2000-01-01, to: 2100-01-01, reason: Migration freeze }
      override: { change_types: [hotfix] }
    strategies: [direct]
`;

export const PEOPLE = ["dave", "alice", "bob", "mallory"];
export const TEAMS = { leads: ["alice", "bob"] };
