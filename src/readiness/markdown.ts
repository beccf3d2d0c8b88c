/** The few things Tollgate reads from a PR description: sections under a heading, and checkboxes. */

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const normalize = (text: string) =>
  text
    .replace(/[*_`:]/g, "")
    .trim()
    .toLowerCase();

/**
 * Whether a heading is the one wanted: the same words, or the same words followed by more after a
 * separator, as templates title a plan for one change ("Rollback Plan: User Dashboard v2.0").
 */
function headingMatches(heading: string, wanted: string): boolean {
  const have = normalize(heading);
  if (have === wanted) return true;
  return have.startsWith(wanted) && /^[\s\-–—(|/]/.test(have.slice(wanted.length));
}

/** The text under `heading` (any level) up to the next heading of the same or a higher level. */
export function sectionText(body: string, heading: string): string | undefined {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const wanted = normalize(heading);
  for (let i = 0; i < lines.length; i++) {
    const match = HEADING.exec(lines[i]!);
    if (!match || !headingMatches(match[2]!, wanted)) continue;
    const level = match[1]!.length;
    const content: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const next = HEADING.exec(lines[j]!);
      if (next && next[1]!.length <= level) break;
      content.push(lines[j]!);
    }
    return content.join("\n");
  }
  return undefined;
}

/** A labelled field of a section: `**Rollback Trigger**: …`, `- Steps:` or a `### Rollback Steps` heading. */
interface Field {
  readonly label: string;
  readonly lines: string[];
  readonly heading: boolean;
}

const LIST_MARKER = /^\s*(?:[-*+]|\d+[.)])(?:\s+|$)/;
/** `**Rollback Trigger**: …` or `**Rollback Trigger:** …`. */
const BOLD_LABEL = /^(\*\*|__)(?<label>[^*_:[\]<>`]{1,60}?)(?:\1\s*:|:\s*\1)(?:\s+(?<value>.*))?$/;
/** `Steps: …`: a few words, no sentence punctuation, so "We revert. Ask Jo:" stays prose. */
const PLAIN_LABEL = /^(?<label>[A-Za-z][A-Za-z0-9 ()/&'-]{0,40}?)\s*:(?:\s+(?<value>.*))?$/;
const label = (line: string) => {
  const groups = (BOLD_LABEL.exec(line) ?? PLAIN_LABEL.exec(line))?.groups;
  return groups ? { label: groups.label!.trim(), value: groups.value } : undefined;
};
/** `[Conditions]`, `[Step 1]`, `[X minutes]`: brackets that are not a checkbox and not a link's text. */
const PLACEHOLDER = /\[(?![ xX]\])[^\]\n]*\](?!\()/g;

/** A line's words once template residue is gone: placeholders, list markers, emphasis and punctuation. */
function residue(line: string): string {
  return line
    .replace(LIST_MARKER, "")
    .replace(PLACEHOLDER, "")
    .replace(/[\s\-*#>|:_.,;~]/g, "");
}

/** A section split into free lines and labelled fields, comments removed. */
function fieldsOf(text: string): { free: string[]; fields: Field[] } {
  const lines = text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\r\n?/g, "\n")
    .split("\n");
  const free: string[] = [];
  const fields: Field[] = [];
  for (const line of lines) {
    const heading = HEADING.exec(line);
    if (heading) {
      // "### Rollback Timeline: ~5 minutes" carries its value in the heading.
      const inline = label(heading[2]!);
      fields.push(
        inline?.value
          ? { label: inline.label, lines: [inline.value], heading: true }
          : { label: heading[2]!.replace(/[*_`:]/g, "").trim(), lines: [], heading: true },
      );
      continue;
    }
    const labelled = label(line.replace(LIST_MARKER, "").trim());
    if (labelled) {
      fields.push({ label: labelled.label, lines: labelled.value ? [labelled.value] : [], heading: false });
      continue;
    }
    (fields.at(-1)?.lines ?? free).push(line);
  }
  return { free, fields };
}

export interface SectionAssessment {
  /** Something was written beyond the template: placeholders, labels and comments do not count. */
  readonly hasContent: boolean;
  /** Labels whose value is still the template (a placeholder, an empty list, nothing). */
  readonly unfilled: readonly string[];
  /** Labels of the policy's template that the section does not have at all. */
  readonly absent: readonly string[];
}

/**
 * What a section says beyond its template. Without a template, the template is recognised by its
 * residue: bracketed placeholders, comments, empty list items and labels with nothing after them.
 * With one (from the policy), its lines do not count as content either, and each of its labels must be
 * present and filled in.
 */
export function assessSection(text: string, template?: string): SectionAssessment {
  const templateLines = new Set(
    (template ?? "")
      .split("\n")
      .map(residue)
      .filter((line) => line !== ""),
  );
  const says = (line: string) => {
    const words = residue(line);
    return words !== "" && !templateLines.has(words);
  };
  const { free, fields } = fieldsOf(text);
  const sameLabel = (a: string, b: string) => normalize(a) === normalize(b);
  const filled = (field: Field) => field.lines.some(says);
  // A heading over labelled fields is only a grouping: "### Rollback" over "**Steps**: …" is not unfilled.
  const groups = (i: number) => {
    const below = fields.slice(i + 1);
    const end = below.findIndex((f) => f.heading);
    return (end < 0 ? below : below.slice(0, end)).length > 0;
  };
  const unfilled = fields
    .filter((field, i) => !filled(field) && !(field.heading && field.lines.every(blank) && groups(i)))
    .map((field) => field.label);
  const wanted = template !== undefined ? fieldsOf(template).fields.map((f) => f.label) : [];
  const absent = wanted.filter((label) => !fields.some((f) => sameLabel(f.label, label)));
  return {
    hasContent: free.some(says) || fields.some(filled),
    unfilled: [...new Set(unfilled)],
    absent,
  };
}

const blank = (line: string) => line.trim() === "";

/** Whether a section says something: not only blanks, HTML comments, template placeholders or labels. */
export function hasContent(text: string): boolean {
  return assessSection(text).hasContent;
}

/** "checked" for `- [x] label`, "unchecked" for `- [ ] label`, undefined when the box is absent. */
export function checkboxState(body: string, label: string): "checked" | "unchecked" | undefined {
  const wanted = normalize(label);
  let state: "checked" | "unchecked" | undefined;
  for (const line of body.replace(/\r\n?/g, "\n").split("\n")) {
    const match = /^\s*[-*+]\s+\[([ xX])\]\s+(.*)$/.exec(line);
    if (!match || normalize(match[2]!) !== wanted) continue;
    if (match[1] === " ") return "unchecked";
    state = "checked";
  }
  return state;
}
