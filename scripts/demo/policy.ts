/**
 * The demo repository's `.github/tollgate.yml`: staging deploys itself when CI is green; production needs
 * staging to have soaked an hour (the demo moves staging's timestamps rather than wait), two admins'
 * approvals (never the PR's author nor whoever merged), a rollback plan in the PR, and a canary rollout
 * 5 → 25 → 50 → 100 % whose analysis reads the canary's error rate from the demo service.
 */
export const SOAK = "1h";
export const SOAK_SECONDS = 3600;

export function demoPolicy(serviceUrl: string): string {
  return `version: 1

approvers:
  admins: ["role:admin"]

checklist:
  ci:
    title: CI green
    checks: [build]
  rollback-plan:
    pr_section: Rollback plan

strategies:
  direct:
    type: direct
    run: echo "deploying $TOLLGATE_SHA to $TOLLGATE_ENVIRONMENT"
  canary:
    type: canary
    run: node scripts/demo/shift-traffic.mjs
    steps:
      - { weight: 5, pause: 1s }
      - { weight: 25, pause: 2s }
      - { weight: 50, pause: 1s }
      - { weight: 100 }
    analyses: [canary-errors]

analyses:
  canary-errors:
    title: canary error rate
    http: { url: "${serviceUrl}/stats", json_path: canary_error_rate }
    failure: "> 5%"
    interval: 250ms
    count: 3
    failure_limit: 1

environments:
  staging:
    approval: automatic
    checklist: [ci]
    strategies: [direct]
  production:
    requires:
      - environment: staging
        soak: ${SOAK}
    approval: required
    approvals:
      "*": { from: [group:admins], count: 2 }
    checklist: [ci, rollback-plan]
    strategies: [canary]
    rollback:
      run: node scripts/demo/shift-traffic.mjs
      redeploy_previous: true
      workflow: rollback.yml
`;
}
