/**
 * iCalendar content lines (RFC 5545 3.1): folded physical lines joined, each split into its name,
 * parameters and value; and the error that names the line a calendar cannot be read at.
 */

export class IcsError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ContentLine {
  readonly line: number;
  readonly name: string;
  readonly params: ReadonlyMap<string, string>;
  readonly value: string;
}

/** Logical lines: a physical line starting with a space or a tab continues the one before (RFC 5545 3.1). */
export function unfold(text: string): ContentLine[] {
  const physical = text.replace(/^\uFEFF/, "").split(/\r\n|\n/);
  if (physical.at(-1) === "") physical.pop();
  const logical: { line: number; text: string }[] = [];
  physical.forEach((raw, index) => {
    const line = index + 1;
    if (raw.startsWith(" ") || raw.startsWith("\t")) {
      const last = logical.at(-1);
      if (!last)
        throw new IcsError(line, "a continuation line (starting with a space) has no line to continue");
      last.text += raw.slice(1);
    } else if (raw === "") throw new IcsError(line, "an empty line is not an iCalendar content line");
    else logical.push({ line, text: raw });
  });
  return logical.map(({ line, text }) => contentLine(line, text));
}

const NAME_CHARS = /^[A-Za-z0-9-]+/;

/** NAME *(";" param "=" value *("," value)) ":" value, where a param value may be quoted. */
function contentLine(line: number, text: string): ContentLine {
  // RFC 5545 3.1: no control characters but the tab.
  if ([...text].some((c) => (c < " " && c !== "\t") || c === "\u007F"))
    throw new IcsError(line, "a control character is not allowed in a content line");
  const name = NAME_CHARS.exec(text)?.[0];
  if (!name) throw new IcsError(line, `expected NAME:value, got "${clip(text)}"`);
  const params = new Map<string, string>();
  let at = name.length;
  while (text[at] === ";") {
    const param = NAME_CHARS.exec(text.slice(at + 1))?.[0];
    if (!param || text[at + 1 + param.length] !== "=")
      throw new IcsError(line, `expected a parameter NAME=value after ";" in "${clip(text)}"`);
    at += 1 + param.length + 1;
    const values: string[] = [];
    for (;;) {
      if (text[at] === '"') {
        const close = text.indexOf('"', at + 1);
        if (close < 0) throw new IcsError(line, `an unclosed quote in parameter ${param}`);
        values.push(text.slice(at + 1, close));
        at = close + 1;
      } else {
        const value = /^[^";:,]*/.exec(text.slice(at))![0];
        values.push(value);
        at += value.length;
      }
      if (text[at] !== ",") break;
      at++;
    }
    params.set(param.toUpperCase(), values.join(","));
  }
  if (text[at] !== ":") throw new IcsError(line, `expected ":" and a value in "${clip(text)}"`);
  return { line, name: name.toUpperCase(), params, value: text.slice(at + 1) };
}

export const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);
