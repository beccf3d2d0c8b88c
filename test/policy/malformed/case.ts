/**
 * What the malformed-policy cases are made of: the file name, the keys each mapping allows (as "unknown
 * key" errors list them), and `yaml`, which writes a policy indented inside a test.
 */
export const FILE = ".github/tollgate.yml";
/** The keys a mapping allows, as "unknown key" errors list them (one place to edit as the schema grows). */
export const TOP_KEYS =
  "$schema, version, approvers, change_types, calendars, checklist, strategies, analyses, environments";
export const ENVIRONMENT_KEYS =
  "description, url, approval, approvals, deployers, separation_of_duties, requires, checklist, windows, calendar, strategies, by_change_type, validation, rollback";
export const RULE_KEYS = "from, count, every_member_of, all_of, notice, after_deploy_within, pre_approved";
export const PREREQUISITE_KEYS = "environment, soak, soak_for";
export const STEP_KEYS = "weight, percent, pause, analyses";
export const HTTP_KEYS = "url, method, expect_status, json_path, measure, timeout";
export const SPAN_KEYS = "name, reason, days, from, to";

/** A YAML document written indented inside the test: the common indentation and first newline are removed. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ""), "");
  const lines = text.replace(/^\n/, "").split("\n");
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length);
  const indent = Math.min(...indents);
  return lines
    .map((l) => l.slice(indent))
    .join("\n")
    .replace(/[ ]+$/, "");
}

export interface Case {
  readonly name: string;
  readonly source: string;
  /** Formatted errors, without the `FILE:` prefix. */
  readonly errors: readonly string[];
}
