/** Malformed policies: YAML syntax errors and values of the wrong type. */
import { yaml, type Case } from "./case.js";

export const syntaxAndTypes: Case[] = [
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
];
