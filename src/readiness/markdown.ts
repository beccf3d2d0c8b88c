/** The few things Tollgate reads from a PR description: sections under a heading, and checkboxes. */

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const normalize = (text: string) =>
  text
    .replace(/[*_`:]/g, "")
    .trim()
    .toLowerCase();

/** The text under `heading` (any level) up to the next heading of the same or a higher level. */
export function sectionText(body: string, heading: string): string | undefined {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const wanted = normalize(heading);
  for (let i = 0; i < lines.length; i++) {
    const match = HEADING.exec(lines[i]!);
    if (!match || normalize(match[2]!) !== wanted) continue;
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

/** Whether a section says something: not only blanks, HTML comments or template placeholders. */
export function hasContent(text: string): boolean {
  const stripped = text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\[[^\]]*\]/g, (m) => (/^\[(x| )\]$/i.test(m) ? m : ""))
    .replace(/[\s\-*#>|:_]/g, "");
  return stripped.length > 0;
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
