/** Malformed policies: unknown keys, durations, time zones and clock times, enums, approvers, conditions. */
import {
  TOP_KEYS,
  ENVIRONMENT_KEYS,
  RULE_KEYS,
  PREREQUISITE_KEYS,
  STEP_KEYS,
  HTTP_KEYS,
  SPAN_KEYS,
  yaml,
  type Case,
} from "./case.js";

export const keysAndValues: Case[] = [
  // ── Unknown keys ───────────────────────────────────────────────────────────────────────────
  {
    name: "unknown top-level key, close to a known one",
    source: yaml`
      version: 1
      enviroments:
        dev:
          approval: none
    `,
    errors: [
      "1:1 environments: is required: expected a mapping",
      `2:1 enviroments: unknown key "enviroments" (did you mean "environments"?); expected one of: ${TOP_KEYS}`,
    ],
  },
  {
    name: "unknown top-level key, nothing close",
    source: yaml`
      version: 1
      colour: blue
      environments:
        dev:
          approval: none
    `,
    errors: [`2:1 colour: unknown key "colour"; expected one of: ${TOP_KEYS}`],
  },
  {
    name: "unknown environment key",
    source: yaml`
      version: 1
      environments:
        dev:
          aproval: none
    `,
    errors: [
      "3:3 environments.dev.approval: expected none, automatic or required, got nothing",
      `4:5 environments.dev.aproval: unknown key "aproval" (did you mean "approval"?); expected one of: ${ENVIRONMENT_KEYS}`,
    ],
  },
  {
    name: "unknown key in an approval rule",
    source: yaml`
      version: 1
      environments:
        production:
          approval: required
          approvals:
            "*": { from: [alice, bob], cout: 2 }
          rollback: { redeploy_previous: true }
    `,
    errors: [
      `6:34 environments.production.approvals.*.cout: unknown key "cout" (did you mean "count"?); expected one of: ${RULE_KEYS}`,
    ],
  },
  {
    name: "unknown key in a canary step",
    source: yaml`
      version: 1
      strategies:
        canary:
          type: canary
          run: ./traffic.sh
          steps:
            - weight: 5
            - wieght: 50
      environments:
        dev:
          approval: none
    `,
    errors: [
      `8:9 strategies.canary.steps[1].wieght: unknown key "wieght" (did you mean "weight"?); expected one of: ${STEP_KEYS}`,
    ],
  },
  {
    name: "unknown key deep in an analysis provider",
    source: yaml`
      version: 1
      analyses:
        errors:
          http:
            url: https://example.com/metrics
            jsonpath: error_rate
          failure: "> 1%"
      environments:
        dev:
          approval: none
    `,
    errors: [
      `6:7 analyses.errors.http.jsonpath: unknown key "jsonpath" (did you mean "json_path"?); expected one of: ${HTTP_KEYS}`,
    ],
  },
  {
    name: "unknown key in a prerequisite, nothing close",
    source: yaml`
      version: 1
      environments:
        staging:
          approval: none
        production:
          approval: automatic
          requires:
            - env: staging
    `,
    errors: [
      "8:9 environments.production.requires[0].environment: is required: expected a string",
      `8:9 environments.production.requires[0].env: unknown key "env"; expected one of: ${PREREQUISITE_KEYS}`,
    ],
  },
  {
    name: "unknown key in a weekly span",
    source: yaml`
      version: 1
      environments:
        production:
          approval: automatic
          windows:
            timezone: Europe/Stockholm
            allow:
              - { days: [mon, tue], form: "09:00", to: "17:00" }
    `,
    errors: [
      '8:11 environments.production.windows.allow[0].from: is required: expected a time of day like "09:00"',
      `8:31 environments.production.windows.allow[0].form: unknown key "form" (did you mean "from"?); expected one of: ${SPAN_KEYS}`,
    ],
  },

  // ── Durations ──────────────────────────────────────────────────────────────────────────────
  {
    name: "durations: 24x, 5 minutes, -5m, empty, a bare number",
    source: yaml`
      version: 1
      strategies:
        blue-green:
          type: blue-green
          deploy_idle: ./deploy.sh
          promote: ./switch.sh
          switch_back: ./switch-back.sh
          keep_old_for: ""
      environments:
        staging:
          approval: none
        production:
          approval: required
          approvals:
            "*": { from: [alice], notice: 5 minutes }
          requires:
            - { environment: staging, soak: 24x }
          validation:
            at: [-5m, 30]
            analyses: []
          rollback: { redeploy_previous: true }
    `,
    errors: [
      '8:19 strategies.blue-green.keep_old_for: expected a duration like 30s, 5m, 24h or 2d, got ""',
      '15:37 environments.production.approvals.*.notice: expected a duration like 4h or 2d, or business days like 5 business_days, got "5 minutes"',
      '17:39 environments.production.requires[0].soak: expected a duration like 30s, 5m, 24h or 2d, got "24x"',
      '19:12 environments.production.validation.at[0]: expected a duration like 30s, 5m, 24h or 2d, got "-5m"',
      "19:17 environments.production.validation.at[1]: expected a duration like 30s, 5m, 24h or 2d, got 30",
      "20:17 environments.production.validation.analyses: expected at least one entry, got an empty list",
    ],
  },

  // ── Time zones and clock times ─────────────────────────────────────────────────────────────
  {
    name: "unknown time zone",
    source: yaml`
      version: 1
      environments:
        production:
          approval: automatic
          windows:
            timezone: Mars/Olympus
    `,
    errors: [
      '6:17 environments.production.windows.timezone: expected an IANA time zone such as Europe/Stockholm or America/New_York, got "Mars/Olympus"',
    ],
  },
  {
    name: "a fixed offset is not a time zone",
    source: yaml`
      version: 1
      environments:
        production:
          approval: automatic
          windows:
            timezone: CET+1
    `,
    errors: [
      '6:17 environments.production.windows.timezone: expected an IANA time zone such as Europe/Stockholm or America/New_York, got "CET+1"',
    ],
  },
  {
    name: "clock times 25:00 and 9am",
    source: yaml`
      version: 1
      environments:
        production:
          approval: automatic
          windows:
            timezone: Europe/Stockholm
            deny:
              - { days: [fri], from: "25:00", to: 9am }
    `,
    errors: [
      '8:32 environments.production.windows.deny[0].from: expected a time of day like "09:00" (00:00 to 24:00), got "25:00"',
      '8:45 environments.production.windows.deny[0].to: expected a time of day like "09:00" (00:00 to 24:00), got "9am"',
    ],
  },

  // ── Enums ──────────────────────────────────────────────────────────────────────────────────
  {
    name: "approval: sometimes",
    source: yaml`
      version: 1
      environments:
        dev:
          approval: sometimes
    `,
    errors: ['4:15 environments.dev.approval: expected none, automatic or required, got "sometimes"'],
  },
  {
    name: "misspelled enum values get a suggestion",
    source: yaml`
      version: 1
      checklist:
        security:
          security_alerts: hihg
      strategies:
        canary:
          type: canery
          run: ./traffic.sh
          steps: [{ weight: 100 }]
      environments:
        dev:
          approval: requierd
    `,
    errors: [
      '4:22 checklist.security.security_alerts: expected a severity: critical, high, medium or low, got "hihg" (did you mean "high"?)',
      '7:11 strategies.canary.type: expected a strategy type: direct, rolling, blue-green, canary or feature-flag, got "canery" (did you mean "canary"?)',
      '12:15 environments.dev.approval: expected none, automatic or required, got "requierd" (did you mean "required"?)',
    ],
  },

  // ── Approvers ──────────────────────────────────────────────────────────────────────────────
  {
    name: "malformed approver specs",
    source: yaml`
      version: 1
      approvers:
        leads: ["@acme", "role:owner", "alice smith", "group:"]
      environments:
        dev:
          approval: none
    `,
    errors: [
      '3:11 approvers.leads[0]: expected an approver: a user ("alice"), a team ("@acme/sre"), a role ("role:admin") or a group ("group:leads"), got "@acme"',
      '3:20 approvers.leads[1]: expected an approver: a user ("alice"), a team ("@acme/sre"), a role ("role:admin") or a group ("group:leads"), got "role:owner"',
      '3:34 approvers.leads[2]: expected an approver: a user ("alice"), a team ("@acme/sre"), a role ("role:admin") or a group ("group:leads"), got "alice smith"',
      '3:49 approvers.leads[3]: expected an approver: a user ("alice"), a team ("@acme/sre"), a role ("role:admin") or a group ("group:leads"), got "group:"',
    ],
  },
  {
    name: "unknown approver group, with a suggestion",
    source: yaml`
      version: 1
      approvers:
        leads: [alice, bob]
      environments:
        production:
          approval: required
          approvals:
            "*": { from: [group:leeds] }
          rollback: { redeploy_previous: true }
    `,
    errors: [
      '8:21 environments.production.approvals.*.from[0]: unknown approver group "leeds" (did you mean "leads"?); define it under `approvers`',
    ],
  },
  {
    name: "a group that includes itself",
    source: yaml`
      version: 1
      approvers:
        leads: [alice, group:leads]
      environments:
        dev:
          approval: none
    `,
    errors: ['3:18 approvers.leads[1]: group "leads" includes itself'],
  },
  {
    name: "every_member_of a role",
    source: yaml`
      version: 1
      environments:
        production:
          approval: required
          approvals:
            "*": { every_member_of: role:admin }
          rollback: { redeploy_previous: true }
    `,
    errors: [
      "6:31 environments.production.approvals.*.every_member_of: every_member_of needs a team, a group or a user, not a role",
    ],
  },

  // ── Conditions ─────────────────────────────────────────────────────────────────────────────
  {
    name: "malformed conditions",
    source: yaml`
      version: 1
      analyses:
        errors:
          prometheus: { address: http://prometheus:9090, query: up }
          success: above 99%
          failure: 5
      environments:
        dev:
          approval: none
    `,
    errors: [
      '5:14 analyses.errors.success: expected a condition like "< 1%", "> 300% of baseline" or "> baseline + 0.5%", got "above 99%"',
      '6:14 analyses.errors.failure: expected a condition like "< 1%", "> 300% of baseline" or "> baseline + 0.5%", got 5',
    ],
  },
];
