/** Malformed policies: contradictions, references to what is not defined, and several errors at once. */
import { ENVIRONMENT_KEYS, yaml, type Case } from "./case.js";

export const contradictionsAndReferences: Case[] = [
  // ── Contradictions and references ──────────────────────────────────────────────────────────
  {
    name: "approval count larger than the people who can give it",
    source: yaml`
      version: 1
      approvers:
        leads: [alice, bob]
      environments:
        production:
          approval: required
          approvals:
            "*": { from: [group:leads, Alice], count: 3 }
          rollback: { redeploy_previous: true }
    `,
    errors: [
      "8:49 environments.production.approvals.*.count: 3 approvals needed but only 2 people are in `from` (alice, bob)",
    ],
  },
  {
    name: "analysis options of the wrong kind",
    source: yaml`
      version: 1
      analyses:
        errors:
          prometheus: { address: "http://prometheus:9090", query: "up" }
          success: "== 1"
          initial_delay: soon
          inconclusive_limit: -1
          consecutive_successes: 0
          no_data: skip
          unreachable: pause
      environments:
        dev:
          approval: none
    `,
    errors: [
      '6:20 analyses.errors.initial_delay: expected a duration like 30s, 5m, 24h or 2d, got "soon"',
      "7:25 analyses.errors.inconclusive_limit: expected a whole number, 0 or more, got -1",
      "8:28 analyses.errors.consecutive_successes: expected a positive integer, got 0",
      '9:14 analyses.errors.no_data: expected fail, pass or inconclusive, got "skip"',
      '10:18 analyses.errors.unreachable: expected error, inconclusive or fail, got "pause"',
    ],
  },
  {
    name: "a query timeout as long as the interval, and a command said to be unreachable",
    source: yaml`
      version: 1
      analyses:
        errors:
          prometheus: { address: "http://prometheus:9090", query: "up", timeout: 20s }
          success: "== 1"
          interval: 20s
        smoke:
          command: { run: ./smoke.sh, measure: exit_code }
          unreachable: fail
      environments:
        dev:
          approval: none
    `,
    errors: [
      "4:76 analyses.errors.prometheus.timeout: a timeout of 20s leaves no time before the next measurement (interval 20s): make it shorter than the interval",
      "9:18 analyses.smoke.unreachable: a command is never unreachable: `unreachable` applies to http and prometheus analyses",
    ],
  },
  {
    name: "failure limit that can never be exceeded",
    source: yaml`
      version: 1
      analyses:
        smoke:
          http: { url: "https://example.com/health" }
          count: 3
          failure_limit: 3
      environments:
        dev:
          approval: none
    `,
    errors: [
      "6:20 analyses.smoke.failure_limit: a failure limit of 3 with count 3 can never be exceeded: lower it below 3",
    ],
  },
  {
    name: "requires an unknown environment",
    source: yaml`
      version: 1
      environments:
        staging:
          approval: none
        production:
          approval: automatic
          requires:
            - environment: stagin
    `,
    errors: [
      '8:22 environments.production.requires[0].environment: unknown environment "stagin" (did you mean "staging"?); define it under `environments`',
    ],
  },
  {
    name: "requires itself",
    source: yaml`
      version: 1
      environments:
        production:
          approval: automatic
          requires:
            - environment: production
    `,
    errors: ["6:22 environments.production.requires[0].environment: an environment cannot require itself"],
  },
  {
    name: "a cycle of prerequisites",
    source: yaml`
      version: 1
      environments:
        dev:
          approval: none
          requires: [{ environment: production }]
        staging:
          approval: none
          requires: [{ environment: dev }]
        production:
          approval: automatic
          requires: [{ environment: staging }]
    `,
    errors: ["5:15 environments.dev.requires: prerequisites form a cycle: dev → production → staging → dev"],
  },
  {
    name: "unknown checklist item, strategy and analysis",
    source: yaml`
      version: 1
      checklist:
        tests: { checks: [unit] }
      strategies:
        direct: { type: direct, run: ./deploy.sh, analyses: [smok] }
      analyses:
        smoke:
          http: { url: "https://example.com/health" }
      environments:
        dev:
          approval: none
          checklist: [test]
          strategies: [canary]
    `,
    errors: [
      '5:56 strategies.direct.analyses[0]: unknown analysis "smok" (did you mean "smoke"?); define it under `analyses`',
      '12:17 environments.dev.checklist[0]: unknown checklist item "test" (did you mean "tests"?); define it under `checklist`',
      '13:18 environments.dev.strategies[0]: unknown strategy "canary"; define it under `strategies`',
    ],
  },
  {
    name: "unknown change types",
    source: yaml`
      version: 1
      change_types:
        default: standart
        types:
          standard: {}
          hotfix: { labels: [hotfix] }
      checklist:
        runbook: { checkbox: Runbook updated, skip_for: [hotfx] }
      environments:
        production:
          approval: required
          approvals:
            "*": { from: [alice] }
            emergency:
              from: [alice]
              after_deploy_within: 1h
          windows:
            timezone: UTC
            override: { change_types: [hotfix, urgent] }
          rollback: { redeploy_previous: true }
    `,
    errors: [
      '3:12 change_types.default: unknown change type "standart" (did you mean "standard"?); define it under `change_types.types`',
      '8:52 checklist.runbook.skip_for[0]: unknown change type "hotfx" (did you mean "hotfix"?); define it under `change_types.types`',
      '14:7 environments.production.approvals.emergency: unknown change type "emergency"; define it under `change_types.types`',
      '19:42 environments.production.windows.override.change_types[1]: unknown change type "urgent"; define it under `change_types.types`',
    ],
  },
  {
    name: "a label marking two change types",
    source: yaml`
      version: 1
      change_types:
        default: minor
        types:
          minor: { labels: [minor, Patch], semver: minor }
          patch: { labels: [patch], semver: minor }
      environments:
        dev:
          approval: none
    `,
    errors: [
      '6:23 change_types.types.patch.labels[0]: label "patch" already marks change type "minor"',
      '6:39 change_types.types.patch.semver: a minor bump already marks change type "minor"',
    ],
  },
  {
    name: "approval: required without approvals or a rollback plan",
    source: yaml`
      version: 1
      environments:
        production:
          approval: required
    `,
    errors: [
      '4:15 environments.production.approval: approval: required needs `approvals` rules (use "*" for every change type)',
      "4:15 environments.production.approval: a rollback plan is required here: set `rollback.run` or `rollback.redeploy_previous: true`",
    ],
  },
  {
    name: "approvals with approval: none",
    source: yaml`
      version: 1
      environments:
        dev:
          approval: none
          approvals:
            "*": { from: [alice] }
    `,
    errors: [
      "5:5 environments.dev.approvals: approval rules are only used when `approval: required` (this environment has approval: none)",
    ],
  },
  {
    name: "a change type without an approval rule",
    source: yaml`
      version: 1
      change_types:
        default: minor
        types:
          minor: {}
          major: {}
          breaking: {}
      environments:
        production:
          approval: required
          approvals:
            minor: { from: [alice] }
          rollback: { redeploy_previous: true }
    `,
    errors: [
      '11:5 environments.production.approvals: no approval rule for change type "major", "breaking": add one or a "*" rule',
    ],
  },
  {
    name: "approval rules with no form, two forms, and count without from",
    source: yaml`
      version: 1
      environments:
        production:
          approval: required
          approvals:
            "*": { notice: 1h }
            standard: { from: [alice], every_member_of: "@acme/sre" }
          rollback: { redeploy_previous: true }
        staging:
          approval: required
          approvals:
            "*":
              all_of:
                - { count: 2 }
                - { from: [bob], every_member_of: carol }
          rollback: { redeploy_previous: true }
    `,
    errors: [
      "6:12 environments.production.approvals.*: a rule needs exactly one of: `from` (with `count`), `every_member_of`, `all_of`, or `pre_approved`",
      "7:17 environments.production.approvals.standard: a rule needs exactly one of: `from` (with `count`), `every_member_of`, `all_of`, or `pre_approved`",
      "14:13 environments.staging.approvals.*.all_of[0]: a requirement needs exactly one of: `from` (with `count`) or `every_member_of`",
      "14:22 environments.staging.approvals.*.all_of[0].count: `count` needs `from`: who may approve",
      "15:13 environments.staging.approvals.*.all_of[1]: a requirement needs exactly one of: `from` (with `count`) or `every_member_of`",
    ],
  },
  {
    name: "checklist items with two kinds or none",
    source: yaml`
      version: 1
      checklist:
        tests:
          checks: [unit]
          reviews: 1
        empty:
          title: Nothing to check
      environments:
        dev:
          approval: none
    `,
    errors: [
      "4:5 checklist.tests: a checklist item has exactly one kind, found checks and reviews: split it into separate items",
      "7:5 checklist.empty: a checklist item needs one of: checks, reviews, security_alerts, pr_section, changed_files, no_secrets, high_risk_paths, checkbox",
    ],
  },
  {
    name: "strategies missing their commands",
    source: yaml`
      version: 1
      strategies:
        bg:
          type: blue-green
          deploy_idle: ./deploy.sh
        flag:
          type: feature-flag
          run: ./flag.sh
          steps: [{ percent: 10 }]
      environments:
        dev:
          approval: none
    `,
    errors: [
      "4:5 strategies.bg: a blue-green strategy needs `promote`",
      "4:5 strategies.bg: a blue-green strategy needs `switch_back`",
      "7:5 strategies.flag: a feature-flag strategy needs `flag`",
    ],
  },
  {
    name: "a strategy with a field of another type",
    source: yaml`
      version: 1
      strategies:
        direct:
          type: direct
          run: ./deploy.sh
          steps: [{ weight: 100 }]
        canary:
          type: canary
          run: ./traffic.sh
          steps: [{ weight: 50 }, { percent: 100 }]
      environments:
        dev:
          approval: none
    `,
    errors: [
      "6:5 strategies.direct.steps: not used by a direct strategy",
      "10:29 strategies.canary.steps[1]: a canary step needs `weight`",
      "10:31 strategies.canary.steps[1].percent: not used by a canary step (use `weight`)",
    ],
  },
  {
    name: "canary weights not increasing",
    source: yaml`
      version: 1
      strategies:
        canary:
          type: canary
          run: ./traffic.sh
          steps:
            - { weight: 25 }
            - { weight: 10 }
            - { weight: 10 }
            - { weight: 100 }
      environments:
        dev:
          approval: none
    `,
    errors: [
      "8:19 strategies.canary.steps[1].weight: steps must increase: 10 after 25",
      "9:19 strategies.canary.steps[2].weight: steps must increase: 10 after 10",
    ],
  },
  {
    name: "a freeze ending before it starts, and an empty span",
    source: yaml`
      version: 1
      environments:
        production:
          approval: automatic
          windows:
            timezone: Europe/Stockholm
            deny: [{ from: "17:00", to: "17:00" }]
            freezes:
              - { from: 2026-12-24, to: 2026-12-20, reason: Holidays }
              - { from: "2026-12-24T12:00:00Z", to: "2026-12-24T08:00:00+01:00" }
              - { from: 2026-12-24, to: 2026-02-28 }
    `,
    errors: [
      "7:35 environments.production.windows.deny[0].to: an empty span: from and to are both 17:00",
      "9:35 environments.production.windows.freezes[0].to: the freeze ends (2026-12-20) before it starts (2026-12-24)",
      "10:47 environments.production.windows.freezes[1].to: the freeze ends (2026-12-24T08:00:00+01:00) before it starts (2026-12-24T12:00:00Z)",
      "11:35 environments.production.windows.freezes[2].to: the freeze ends (2026-02-28) before it starts (2026-12-24)",
    ],
  },
  {
    name: "an emergency rule with a notice period",
    source: yaml`
      version: 1
      environments:
        production:
          approval: required
          approvals:
            "*": { from: [alice, bob], after_deploy_within: 24h, notice: 1h }
          rollback: { redeploy_previous: true }
    `,
    errors: [
      "6:68 environments.production.approvals.*.notice: an emergency rule (after_deploy_within) cannot also demand a notice period",
    ],
  },
  {
    name: "a required rollback plan missing",
    source: yaml`
      version: 1
      environments:
        production:
          approval: required
          approvals:
            "*": { from: [alice] }
          rollback:
            workflow: rollback.yml
    `,
    errors: [
      "8:7 environments.production.rollback: a rollback plan is required here: set `rollback.run` or `rollback.redeploy_previous: true`",
    ],
  },
  {
    name: "an http measure value without json_path, and analyses without a provider",
    source: yaml`
      version: 1
      analyses:
        health:
          http: { url: "https://example.com/health", measure: value }
          success: "< 1%"
        nothing:
          count: 2
        both:
          command: { run: ./check.sh, measure: stdout }
          prometheus: { address: http://prometheus:9090, query: up }
      environments:
        dev:
          approval: none
    `,
    errors: [
      "4:57 analyses.health.http.measure: measure: value needs a `json_path` into the response body",
      "7:5 analyses.nothing: an analysis needs one provider: http, prometheus or command",
      "9:5 analyses.both: an analysis has one provider, found prometheus and command",
      "9:5 analyses.both: a measured value needs a `success`, `failure` or `warn` condition",
    ],
  },

  {
    name: "names that are not names",
    source: yaml`
      version: 1
      approvers:
        "team leads": [alice]
      checklist:
        -x: { reviews: 1 }
      environments:
        prod env:
          approval: none
    `,
    errors: [
      '3:3 approvers.team leads: expected a group name: letters, digits, ".", "_" or "-", got "team leads"',
      '5:3 checklist.-x: expected a checklist item id: letters, digits, ".", "_" or "-", got "-x"',
      '7:3 environments.prod env: expected an environment name: letters, digits, ".", "_" or "-", got "prod env"',
    ],
  },
  {
    name: "an empty environment and an empty value",
    source: yaml`
      version: 1
      environments:
        dev:
        production:
          approval:
    `,
    errors: [
      "3:3 environments.dev: expected a mapping, got null",
      "5:5 environments.production.approval: expected none, automatic or required, got null",
    ],
  },
  {
    name: "impossible calendar dates",
    source: yaml`
      version: 1
      environments:
        production:
          approval: automatic
          windows:
            timezone: UTC
            freezes:
              - { from: 2026-02-01, to: 2026-02-30 }
              - { from: 2026-13-01, to: "2026-12-24T25:00:00Z" }
            blackout_dates: [2026-12-25, 2026-13-45, 12/25]
    `,
    errors: [
      '8:35 environments.production.windows.freezes[0].to: expected a date (2026-12-24) or a date and time with an offset (2026-12-24T12:00:00Z), got "2026-02-30"',
      '9:19 environments.production.windows.freezes[1].from: expected a date (2026-12-24) or a date and time with an offset (2026-12-24T12:00:00Z), got "2026-13-01"',
      '9:35 environments.production.windows.freezes[1].to: expected a date (2026-12-24) or a date and time with an offset (2026-12-24T12:00:00Z), got "2026-12-24T25:00:00Z"',
      '10:36 environments.production.windows.blackout_dates[1]: expected a date like 2026-12-25, got "2026-13-45"',
      '10:48 environments.production.windows.blackout_dates[2]: expected a date like 2026-12-25, got "12/25"',
    ],
  },
  {
    name: "approver groups that include each other",
    source: yaml`
      version: 1
      approvers:
        leads: [alice, group:architects]
        architects: [group:leads]
      environments:
        dev:
          approval: none
    `,
    errors: ["3:10 approvers.leads: approver groups form a cycle: leads → architects → leads"],
  },
  {
    name: "a time zone abbreviation is not accepted",
    source: yaml`
      version: 1
      environments:
        production:
          approval: automatic
          windows:
            timezone: CET
    `,
    errors: [
      '6:17 environments.production.windows.timezone: expected an IANA time zone such as Europe/Stockholm or America/New_York, got "CET"',
    ],
  },
  {
    name: "invalid weekdays, HTTP statuses and literals",
    source: yaml`
      version: 1
      checklist:
        secrets: { no_secrets: false }
      analyses:
        smoke:
          http: { url: "https://example.com/health", expect_status: [200, 700, "204"], method: get }
      environments:
        production:
          approval: automatic
          windows:
            timezone: Europe/Stockholm
            allow: [{ days: [monday], from: "09:00", to: "17:00" }]
    `,
    errors: [
      "3:26 checklist.secrets.no_secrets: expected true, got false",
      "6:69 analyses.smoke.http.expect_status[1]: expected an HTTP status, got 700",
      '6:74 analyses.smoke.http.expect_status[2]: expected an HTTP status, got "204"',
      '6:90 analyses.smoke.http.method: expected GET, HEAD or POST, got "get" (did you mean "GET"?)',
      '12:24 environments.production.windows.allow[0].days[0]: expected a weekday: mon, tue, wed, thu, fri, sat or sun, got "monday"',
    ],
  },

  {
    name: "approval count larger than the members of nested groups",
    source: yaml`
      version: 1
      approvers:
        leads: [alice, group:architects]
        architects: [carol, Alice]
        sre: ["@acme/sre", group:leads]
      environments:
        production:
          approval: required
          approvals:
            "*": { from: [group:leads], count: 3 }
            standard: { from: [group:sre], count: 9 }
          rollback: { redeploy_previous: true }
    `,
    errors: [
      "10:42 environments.production.approvals.*.count: 3 approvals needed but only 2 people are in `from` (alice, carol)",
    ],
  },
  {
    name: "a self-referencing alias",
    source: yaml`
      version: 1
      environments:
        dev:
          approval: none
          strategies: &s [direct, *s]
    `,
    errors: [
      '5:21 environments.dev.strategies[0]: unknown strategy "direct"; define it under `strategies`',
      "5:29 environments.dev.strategies[1]: expected a string, got a list",
    ],
  },
  {
    name: "schema errors and cross-reference errors together, in one run",
    source: yaml`
      version: 1
      environments:
        staging:
          approval: automatic
        production:
          requires: [{ environment: stagin }]
          approval: sometimes
    `,
    errors: [
      '6:31 environments.production.requires[0].environment: unknown environment "stagin" (did you mean "staging"?); define it under `environments`',
      '7:15 environments.production.approval: expected none, automatic or required, got "sometimes"',
    ],
  },

  // ── Several errors at once, in source order ────────────────────────────────────────────────
  {
    name: "several schema errors, sorted by position",
    source: yaml`
      version: 1
      environments:
        production:
          approvals:
            "*": { from: [alice], count: 0 }
          approval: always
          requires:
            - { environment: staging, soak: 1 day }
          strategies: canary
        staging:
          approval: none
          colour: green
    `,
    errors: [
      "5:36 environments.production.approvals.*.count: expected a positive integer, got 0",
      '6:15 environments.production.approval: expected none, automatic or required, got "always"',
      '8:39 environments.production.requires[0].soak: expected a duration like 30s, 5m, 24h or 2d, got "1 day"',
      '9:17 environments.production.strategies: expected a list, got "canary"',
      `12:5 environments.staging.colour: unknown key "colour"; expected one of: ${ENVIRONMENT_KEYS}`,
    ],
  },
  {
    name: "several semantic errors, sorted by position",
    source: yaml`
      version: 1
      approvers:
        leads: [alice]
      strategies:
        canary: { type: canary, run: ./traffic.sh, steps: [{ weight: 50 }, { weight: 5 }] }
      environments:
        production:
          approval: required
          approvals:
            "*": { from: [group:leads], count: 2 }
          strategies: [canary, blue-green]
          requires: [{ environment: prod }]
    `,
    errors: [
      "5:80 strategies.canary.steps[1].weight: steps must increase: 5 after 50",
      "8:15 environments.production.approval: a rollback plan is required here: set `rollback.run` or `rollback.redeploy_previous: true`",
      "10:42 environments.production.approvals.*.count: 2 approvals needed but only 1 person is in `from` (alice)",
      '11:26 environments.production.strategies[1]: unknown strategy "blue-green"; define it under `strategies`',
      '12:31 environments.production.requires[0].environment: unknown environment "prod"; define it under `environments`',
    ],
  },
];
