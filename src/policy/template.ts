/**
 * Placeholders in analysis queries and URLs, filled with the step's context: `{{ environment }}`,
 * `{{ sha }}`, `{{ version }}`, `{{ previous_sha }}`, `{{ weight }}`. Values are escaped for where they
 * land, so no value can change the query's meaning: in PromQL, a text placeholder must sit inside a
 * "…" or '…' string literal and is escaped for it (backslash and that quote); `{{ weight }}` is a number
 * and may stand anywhere; in a URL every value is percent-encoded. An unknown placeholder, a text one
 * outside a string literal, or one in a regular-expression matcher (=~, !~: a value's dots would match
 * any character) is a policy error.
 */

export const PLACEHOLDERS = ["environment", "sha", "version", "previous_sha", "weight"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Partial<Record<Placeholder, string>>;

const PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

interface Found {
  readonly name: string;
  readonly index: number;
  readonly length: number;
}

function placeholders(template: string): Found[] {
  return [...template.matchAll(PATTERN)].map((m) => ({ name: m[1]!, index: m.index, length: m[0].length }));
}

/** The PromQL string-literal quote open at each offset ("\"", "'", "`"), or undefined outside one. */
function quoteAt(query: string, offset: number): string | undefined {
  return literalAt(query, offset)?.quote;
}

/** The string literal (its quote and where it opens) or comment ("#") an offset falls in. */
function literalAt(query: string, offset: number): { quote: string; start: number } | undefined {
  let open: string | undefined;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    const c = query[i]!;
    if (open === undefined) {
      if (c === '"' || c === "'" || c === "`") {
        open = c;
        start = i;
      } else if (c === "#") {
        // A comment runs to the end of the line.
        const end = query.indexOf("\n", i);
        if (end < 0 || end >= offset) return { quote: "#", start: i };
        i = end;
      }
    } else if (c === "\\" && open !== "`") i++;
    else if (c === open) open = undefined;
  }
  return open === undefined ? undefined : { quote: open, start };
}

/** Problems with a template, for the policy error (empty when it is fine). */
export function templateProblems(template: string, target: "promql" | "url"): string[] {
  const problems: string[] = [];
  for (const found of placeholders(template)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(found.name)) {
      problems.push(
        `unknown placeholder {{ ${found.name} }}: use ${PLACEHOLDERS.map((p) => `{{ ${p} }}`).join(", ")}`,
      );
      continue;
    }
    if (target !== "promql" || found.name === "weight") continue;
    const literal = literalAt(template, found.index);
    const quote = literal?.quote;
    if (literal && /[=!]~\s*$/.test(template.slice(0, literal.start)))
      problems.push(
        `{{ ${found.name} }} sits in a regular-expression matcher (=~ or !~), where its value's . * + would match more: compare with = or !=`,
      );
    else if (quote === "`" || quote === "#")
      problems.push(
        `{{ ${found.name} }} sits in a ${quote === "#" ? "comment" : "raw `…` string, which cannot be escaped"}: put it inside "…"`,
      );
    else if (quote === undefined)
      problems.push(
        `{{ ${found.name} }} is text: put it inside a PromQL string, e.g. version="{{ ${found.name} }}"`,
      );
  }
  return problems;
}

/** Escapes a value for a PromQL string literal opened with `quote`. */
export function escapePromQL(value: string, quote: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(quote === "'" ? /'/g : /"/g, `\\${quote}`)
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t");
}

/** The template with its placeholders filled; throws naming a placeholder that has no value here. */
export function renderTemplate(template: string, values: TemplateValues, target: "promql" | "url"): string {
  let out = "";
  let last = 0;
  for (const found of placeholders(template)) {
    const value = values[found.name as Placeholder];
    if (value === undefined)
      throw new Error(
        found.name === "previous_sha"
          ? "{{ previous_sha }} has no value: no earlier successful deployment of this environment"
          : `{{ ${found.name} }} has no value in this deployment`,
      );
    out += template.slice(last, found.index);
    if (target === "url") out += encodeURIComponent(value);
    else if (found.name === "weight") out += String(Number(value));
    else out += escapePromQL(value, quoteAt(template, found.index) ?? '"');
    last = found.index + found.length;
  }
  return out + template.slice(last);
}

/** The values from a step's TOLLGATE_* environment (contextEnv plus the step's own). */
export function templateValues(env: Readonly<Record<string, string>>): TemplateValues {
  const pick = (key: string) => env[key];
  const values: TemplateValues = {};
  const set = (name: Placeholder, key: string) => {
    const v = pick(key);
    if (v !== undefined) values[name] = v;
  };
  set("environment", "TOLLGATE_ENVIRONMENT");
  set("sha", "TOLLGATE_SHA");
  set("version", "TOLLGATE_VERSION");
  set("previous_sha", "TOLLGATE_PREVIOUS_SHA");
  set("weight", "TOLLGATE_WEIGHT");
  return values;
}

export function hasPlaceholders(template: string): boolean {
  return placeholders(template).length > 0;
}
