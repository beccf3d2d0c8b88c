/**
 * Malformed policies and the exact located errors they produce: `FILE:LINE:COL key.path: message`.
 * Each case is a whole `.github/tollgate.yml`; the expected errors are what a person fixing the file
 * should read, in source order.
 */
import { describe, expect, test } from "@jest/globals";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";

const FILE = ".github/tollgate.yml";
/** The keys a mapping allows, as "unknown key" errors list them (one place to edit as the schema grows). */
const TOP_KEYS =
  "$schema, version, approvers, change_types, calendars, checklist, strategies, analyses, environments";
const ENVIRONMENT_KEYS =
  "description, url, approval, approvals, deployers, separation_of_duties, requires, checklist, windows, calendar, strategies, by_change_type, validation, rollback";
const RULE_KEYS = "from, count, every_member_of, all_of, notice, after_deploy_within, pre_approved";
const PREREQUISITE_KEYS = "environment, soak, soak_for";
const STEP_KEYS = "weight, percent, pause, analyses";
const HTTP_KEYS = "url, method, expect_status, json_path, measure, timeout";
const SPAN_KEYS = "name, reason, days, from, to";

/** A YAML document written indented inside the test: the common indentation and first newline are removed. */
function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ""), "");
  const lines = text.replace(/^\n/, "").split("\n");
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length);
  const indent = Math.min(...indents);
  return lines
    .map((l) => l.slice(indent))
    .join("\n")
    .replace(/[ ]+$/, "");
}

interface Case {
  readonly name: string;
  readonly source: string;
  /** Formatted errors, without the `FILE:` prefix. */
  readonly errors: readonly string[];
}

const cases: Case[] = [
  // ── YAML syntax ────────────────────────────────────────────────────────────────────────────
  {
    name: "bad indentation of a mapping entry",
    source: yaml`
      version: 1
      environments:
        dev:
          approval: none
         strategies: [direct]
    `,
    errors: ["5:4 YAML syntax error: bad indentation of a mapping entry"],
  },
  {
    name: "unclosed flow sequence",
    source: yaml`
      version: 1
      environments:
        dev:
          strategies: [direct, canary
          approval: none
    `,
    errors: ["5:5 YAML syntax error: deficient indentation"],
  },
  {
    name: "tab indentation",
    source: "version: 1\nenvironments:\n  dev:\n\tapproval: none\n",
    errors: ["4:1 YAML syntax error: tab characters must not be used in indentation"],
  },
  {
    name: "duplicate key",
    source: yaml`
      version: 1
      environments:
        dev:
          approval: none
        dev:
          approval: automatic
    `,
    errors: ["5:3 YAML syntax error: duplicated mapping key"],
  },
  {
    name: "several documents",
    source: yaml`
      version: 1
      environments:
        dev:
          approval: none
      ---
      version: 1
    `,
    errors: ["1:1 expected one YAML document, found several (remove the `---` separators)"],
  },
  {
    name: "empty file",
    source: "",
    errors: ["1:1 the policy file is empty: start with `version: 1` and `environments:`"],
  },
  {
    name: "only comments",
    source: "# TODO: write the policy\n",
    errors: ["1:1 the policy file is empty: start with `version: 1` and `environments:`"],
  },
  {
    name: "a scalar instead of a mapping",
    source: "tollgate\n",
    errors: ['1:1 expected a mapping, got "tollgate"'],
  },
  {
    name: "a list instead of a mapping",
    source: "- version: 1\n",
    errors: ["1:1 expected a mapping, got a list"],
  },

  // ── Wrong types ────────────────────────────────────────────────────────────────────────────
  {
    name: "string for a number",
    source: yaml`
      version: 1
      approvers:
        leads: [alice, bob, carol]
      environments:
        production:
          approval: required
          approvals:
            "*": { from: [group:leads], count: "two" }
          rollback: { redeploy_previous: true }
    `,
    errors: ['8:42 environments.production.approvals.*.count: expected a positive integer, got "two"'],
  },
  {
    name: "number for a list",
    source: yaml`
      version: 1
      environments:
        dev:
          approval: none
          checklist: 5
    `,
    errors: ["5:16 environments.dev.checklist: expected a list, got 5"],
  },
  {
    name: "mapping for a string",
    source: yaml`
      version: 1
      environments:
        dev:
          description: { text: Development }
          approval: none
    `,
    errors: ["4:18 environments.dev.description: expected a description, got a mapping"],
  },
  {
    name: "list for a mapping",
    source: yaml`
      version: 1
      environments: [dev, production]
    `,
    errors: ["2:15 environments: expected a mapping, got a list"],
  },
  {
    name: "wrong version",
    source: yaml`
      version: 2
      environments:
        dev:
          approval: none
    `,
    errors: ["1:10 version: expected version: 1, got 2"],
  },
  {
    name: "quoted version",
    source: yaml`
      version: "1"
      environments:
        dev:
          approval: none
    `,
    errors: ['1:10 version: expected version: 1, got "1"'],
  },
  {
    name: "YAML 1.1 boolean",
    source: yaml`
      version: 1
      environments:
        dev:
          approval: none
          separation_of_duties: yes
    `,
    errors: [
      '5:27 environments.dev.separation_of_duties: expected true, false or { identity: linked_emails | verified_signatures }, got "yes"',
    ],
  },
  {
    name: "an unknown way of knowing a commit's people",
    source: yaml`
      version: 1
      environments:
        dev:
          approval: none
          separation_of_duties: { identity: signatures }
    `,
    errors: [
      '5:39 environments.dev.separation_of_duties.identity: expected linked_emails or verified_signatures, got "signatures"',
    ],
  },
  {
    name: "missing version and environments",
    source: yaml`
      approvers:
        leads: [alice]
    `,
    errors: [
      "1:1 version: expected version: 1, got nothing",
      "1:1 environments: is required: expected a mapping",
    ],
  },
  {
    name: "no environments",
    source: yaml`
      version: 1
      environments: {}
    `,
    errors: ["2:15 environments: expected at least one environment, got a mapping"],
  },
  {
    name: "missing approval",
    source: yaml`
      version: 1
      environments:
        dev:
          description: Development
    `,
    errors: ["3:3 environments.dev.approval: expected none, automatic or required, got nothing"],
  },
  {
    name: "zero and fractional counts",
    source: yaml`
      version: 1
      analyses:
        smoke:
          http: { url: "https://example.com/health" }
          count: 0
          consecutive_error_limit: 1.5
      environments:
        dev:
          approval: none
    `,
    errors: [
      "5:12 analyses.smoke.count: expected a positive integer, got 0",
      "6:30 analyses.smoke.consecutive_error_limit: expected a whole number, 0 or more, got 1.5",
    ],
  },
  {
    name: "canary weight out of range",
    source: yaml`
      version: 1
      strategies:
        canary:
          type: canary
          run: ./traffic.sh
          steps:
            - weight: 0
            - weight: 150
      environments:
        dev:
          approval: none
    `,
    errors: [
      "7:17 strategies.canary.steps[0].weight: expected a traffic weight from 1 to 100, got 0",
      "8:17 strategies.canary.steps[1].weight: expected a traffic weight from 1 to 100, got 150",
    ],
  },
  {
    name: "empty command list and empty check list",
    source: yaml`
      version: 1
      checklist:
        tests:
          checks: []
      strategies:
        direct:
          type: direct
          run: []
      environments:
        dev:
          approval: none
    `,
    errors: [
      "4:13 checklist.tests.checks: expected at least one check name, got an empty list",
      "8:10 strategies.direct.run: expected at least one command, got an empty list",
    ],
  },
  {
    name: "invalid URL",
    source: yaml`
      version: 1
      environments:
        dev:
          url: ftp://example.com
          approval: none
    `,
    errors: ['4:10 environments.dev.url: expected an http(s) URL, got "ftp://example.com"'],
  },

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

function errorsOf(source: string): string[] {
  const result = loadPolicy(source, FILE);
  if (result.ok) return [];
  return result.errors.map((e) => formatPolicyError(e).slice(FILE.length + 1));
}

describe("malformed policies", () => {
  test("there are at least 45 cases, with distinct names", () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  test.each(cases)("$name", ({ source, errors }) => {
    expect(errors.length).toBeGreaterThan(0);
    expect(errorsOf(source)).toEqual(errors);
  });
});

describe("every error is located", () => {
  test.each(cases)("$name", ({ source }) => {
    const result = loadPolicy(source, FILE);
    const lines = source.split("\n");
    for (const error of result.ok ? [] : result.errors) {
      expect(error.file).toBe(FILE);
      expect(error.message).not.toBe("");
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.line).toBeLessThanOrEqual(lines.length);
      expect(error.column).toBeGreaterThanOrEqual(1);
      // An error about a key path points at a token of that line, not at blank space.
      if (error.path) expect(lines[error.line - 1]!.charAt(error.column - 1)).toMatch(/\S/);
    }
  });
});

interface Location {
  readonly name: string;
  readonly source: string;
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** What the text at line:column starts with. */
  readonly token: string;
}

const locations: Location[] = [
  {
    name: "a double-quoted value: its opening quote",
    source: 'version: 1\nenvironments:\n  dev:\n    approval: "sometimes"\n',
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: '"sometimes"',
  },
  {
    name: "a single-quoted value in a flow mapping",
    source: "version: 1\nenvironments: { dev: { approval: 'nope' } }\n",
    path: "environments.dev.approval",
    line: 2,
    column: 34,
    token: "'nope'",
  },
  {
    name: "an item in the middle of a flow sequence",
    source: "version: 1\nenvironments:\n  dev:\n    approval: none\n    strategies: [ok, 'bad name', fine]\n",
    path: "environments.dev.strategies[1]",
    line: 5,
    column: 22,
    token: "'bad name'",
  },
  {
    name: "an unknown key: the key itself",
    source: "version: 1\nenvironments:\n  dev:\n    approval: none\n    windws: {}\n",
    path: "environments.dev.windws",
    line: 5,
    column: 5,
    token: "windws",
  },
  {
    name: "a missing key: the key of the mapping that lacks it",
    source: "version: 1\nenvironments:\n  dev:\n    description: Development\n",
    path: "environments.dev.approval",
    line: 3,
    column: 3,
    token: "dev:",
  },
  {
    name: "a tagged value: its tag",
    source: "version: 1\nenvironments:\n  dev:\n    approval: !!str 5\n",
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: "!!str 5",
  },
  {
    name: "an alias: its asterisk",
    source:
      "version: 1\nx: &x 5\nanalyses:\n  a:\n    command: { run: x, measure: exit_code }\n    count: 2\n    failure_limit: 1\n    interval: *x\nenvironments:\n  dev:\n    approval: none\n",
    path: "analyses.a.interval",
    line: 8,
    column: 15,
    token: "*x",
  },
  {
    name: "a value after CRLF line ends",
    source: "version: 1\r\nenvironments:\r\n  dev:\r\n    approval: nope\r\n",
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: "nope",
  },
  {
    name: "an anchored value: its anchor",
    source: "version: 1\nenvironments:\n  dev:\n    approval: &mode sometimes\n",
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: "&mode sometimes",
  },
  {
    name: "an anchored mapping: its anchor",
    source: "version: 1\nenvironments:\n  dev: &dev [none]\n",
    path: "environments.dev",
    line: 3,
    column: 8,
    token: "&dev [none]",
  },
  {
    name: "a tagged and anchored value: its tag, written first",
    source: "version: 1\nenvironments:\n  dev:\n    approval: !!str &a nope\n",
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: "!!str &a nope",
  },
  {
    name: "a block scalar: its indicator",
    source: "version: 1\nenvironments:\n  dev:\n    approval: >-\n      sometimes\n",
    path: "environments.dev.approval",
    line: 4,
    column: 15,
    token: ">-",
  },
  {
    name: "a value on the first line of a file with a byte order mark",
    source: "\uFEFFversion: 2\nenvironments:\n  dev:\n    approval: none\n",
    path: "version",
    line: 1,
    column: 10,
    token: "2",
  },
];

describe("error locations point at the offending token", () => {
  test.each(locations)("$name", ({ source, path, line, column, token }) => {
    const result = loadPolicy(source, FILE);
    const error = result.ok ? undefined : result.errors.find((e) => e.path === path);
    expect(error).toBeDefined();
    // Columns are counted as an editor shows them: a byte order mark is not a character of line 1.
    const text = source.replace(/^\uFEFF/, "").split(/\r?\n/)[error!.line - 1] ?? "";
    expect({
      line: error!.line,
      column: error!.column,
      token: text.slice(error!.column - 1, error!.column - 1 + token.length),
    }).toEqual({
      line,
      column,
      token,
    });
  });
});

describe("accepted on purpose", () => {
  const policy = (windows: string) =>
    `version: 1\nenvironments:\n  production:\n    approval: automatic\n    windows:\n${windows}`;

  test.each([
    ["a lower-case IANA zone (Intl canonicalizes it)", "      timezone: europe/stockholm\n"],
    ["an Etc/ fixed-offset zone", "      timezone: Etc/GMT+1\n"],
    ["a link name such as US/Pacific", "      timezone: US/Pacific\n"],
    ["24:00 as the end of a span", '      timezone: UTC\n      allow: [{ from: "18:00", to: "24:00" }]\n'],
    ["a span across midnight", '      timezone: UTC\n      deny: [{ from: "22:00", to: "06:00" }]\n'],
    ["a one-day freeze", "      timezone: UTC\n      freezes: [{ from: 2026-12-24, to: 2026-12-24 }]\n"],
  ])("%s", (_name, windows) => {
    const result = loadPolicy(policy(windows), FILE);
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([]);
  });

  test("an explicit document start, tabs after a colon and CRLF line ends", () => {
    const result = loadPolicy(
      "---\r\nversion: 1\r\nenvironments:\r\n  dev:\r\n    approval:\tnone\r\n",
      FILE,
    );
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([]);
  });

  test("combined durations and a zero soak", () => {
    const source = yaml`
      version: 1
      environments:
        staging:
          approval: none
        production:
          approval: automatic
          requires: [{ environment: staging, soak: 0s }]
          validation: { at: [0s, 1h30m, 250ms], analyses: [smoke] }
      analyses:
        smoke: { http: { url: "https://example.com/health" } }
    `;
    const result = loadPolicy(source, FILE);
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([]);
  });
});
