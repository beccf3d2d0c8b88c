/**
 * GitHub Flavored Markdown, the part that PR descriptions, comments, reviews and check run output use:
 * headings, paragraphs (a newline is a line break, as in GitHub's comments), bullet and numbered lists
 * with task-list checkboxes, tables with alignment, fenced code, block quotes, rules, links, autolinks,
 * `code`, **bold**, *italics*, ~~strikethrough~~ and @mentions. It renders to safe HTML by
 * construction: all text is escaped, raw HTML is shown as text (HTML comments are hidden, as GitHub
 * hides them), links keep only http(s) and same-site URLs, and images become links (a page fetches
 * nothing). Not a complete CommonMark parser: reference links, setext headings and nested emphasis
 * corner cases are rendered as plain text.
 */
import { escape, safeHref } from "./html.js";

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const ITEM = /^( *)([-*+]|\d{1,9}[.)])(?:\s+(.*)|\s*$)/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const BLANK = /^\s*$/;

/** Markdown text → an HTML fragment. */
export function renderMarkdown(source: string): string {
  // U+E000 (private use) is this renderer's placeholder delimiter: it cannot come from the input.
  const text = source.replace(/\r\n?/g, "\n").replace(/\ue000/g, "\ufffd");
  return blocks(text.split("\n"));
}

function startsBlock(line: string): boolean {
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    ITEM.test(line) ||
    /^\s*<!--/.test(line)
  );
}

/** A block a reader recognised at a line: its HTML (none for a hidden comment) and the next line to read. */
interface Block {
  html?: string;
  next: number;
}

/**
 * The block readers, tried in this order at each non-blank line; each returns undefined when the line
 * does not start its kind of block. A paragraph takes whatever no other reader does.
 */
const READERS: ((lines: string[], i: number) => Block | undefined)[] = [
  readFence,
  readComment,
  readHeading,
  readRule,
  readQuote,
  readList,
  readTable,
  readParagraph,
];

function blocks(lines: string[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (BLANK.test(lines[i]!)) {
      i++;
      continue;
    }
    for (const read of READERS) {
      const block = read(lines, i);
      if (!block) continue;
      if (block.html !== undefined) out.push(block.html);
      i = block.next;
      break;
    }
  }
  return out.join("\n");
}

/** Fenced code, up to the closing fence of the same character and at least the same length. */
function readFence(lines: string[], i: number): Block | undefined {
  const fence = FENCE.exec(lines[i]!);
  if (!fence) return undefined;
  const marker = fence[1]!;
  const closing = new RegExp(`^ {0,3}${marker[0]}{${marker.length},}\\s*$`);
  const body: string[] = [];
  i++;
  while (i < lines.length && !closing.test(lines[i]!)) body.push(lines[i++]!);
  const lang = fence[2] ? ` class="language-${escape(fence[2])}"` : "";
  return { html: `<pre><code${lang}>${escape(body.join("\n"))}</code></pre>`, next: i + 1 };
}

/**
 * An HTML comment is hidden, as on GitHub; whatever follows it on its last line is kept, put back
 * into `lines` to be read as the next line.
 */
function readComment(lines: string[], i: number): Block | undefined {
  const line = lines[i]!;
  if (!/^\s*<!--/.test(line)) return undefined;
  let rest = line.slice(line.indexOf("<!--"));
  while (!rest.includes("-->") && i + 1 < lines.length) rest += "\n" + lines[++i]!;
  const after = rest.includes("-->") ? rest.slice(rest.indexOf("-->") + 3) : "";
  if (!BLANK.test(after)) lines.splice(i + 1, 0, after);
  return { next: i + 1 };
}

function readHeading(lines: string[], i: number): Block | undefined {
  const heading = HEADING.exec(lines[i]!);
  if (!heading) return undefined;
  const level = heading[1]!.length;
  return { html: `<h${level}>${inline(heading[2] ?? "")}</h${level}>`, next: i + 1 };
}

function readRule(lines: string[], i: number): Block | undefined {
  return RULE.test(lines[i]!) ? { html: "<hr>", next: i + 1 } : undefined;
}

/** A block quote runs to the next blank line; its lines without their `>` are Markdown again. */
function readQuote(lines: string[], i: number): Block | undefined {
  if (!QUOTE.test(lines[i]!)) return undefined;
  const body: string[] = [];
  while (i < lines.length && !BLANK.test(lines[i]!)) {
    const q = QUOTE.exec(lines[i]!);
    body.push(q ? q[1]! : lines[i]!);
    i++;
  }
  return { html: `<blockquote>${blocks(body)}</blockquote>`, next: i };
}

/** A list goes on through its items, their indented continuation and single blank lines. */
function readList(lines: string[], i: number): Block | undefined {
  const first = ITEM.exec(lines[i]!);
  if (!first) return undefined;
  const start = i;
  const indent = first[1]!.length;
  i++;
  while (i < lines.length) {
    const l = lines[i]!;
    if (BLANK.test(l)) {
      const next = lines[i + 1];
      if (next === undefined || BLANK.test(next)) break;
      const item = ITEM.exec(next);
      if (!(item && item[1]!.length >= indent) && leading(next) <= indent) break;
      i++;
      continue;
    }
    const item = ITEM.exec(l);
    if (item && item[1]!.length < indent) break;
    if (!item && leading(l) <= indent && startsBlock(l)) break;
    i++;
  }
  return { html: list(lines.slice(start, i)), next: i };
}

const alignment = (delimiter: string): string =>
  delimiter.startsWith(":") && delimiter.endsWith(":")
    ? "center"
    : delimiter.endsWith(":")
      ? "right"
      : delimiter.startsWith(":")
        ? "left"
        : "";

/** A table: a header row, a delimiter row with as many cells, then rows up to a blank or pipe-less line. */
function readTable(lines: string[], i: number): Block | undefined {
  const line = lines[i]!;
  if (!(line.includes("|") && i + 1 < lines.length && TABLE_DELIMITER.test(lines[i + 1]!))) return undefined;
  const header = cells(line);
  const aligns = cells(lines[i + 1]!).map(alignment);
  if (aligns.length !== header.length) return undefined;
  i += 2;
  const rows: string[][] = [];
  while (i < lines.length && !BLANK.test(lines[i]!) && lines[i]!.includes("|")) rows.push(cells(lines[i++]!));
  const cell = (tag: string, text: string | undefined, col: number) => {
    const align = aligns[col] ? ` style="text-align:${aligns[col]}"` : "";
    return `<${tag}${align}>${inline(text ?? "")}</${tag}>`;
  };
  const html = `<table><thead><tr>${header.map((h, c) => cell("th", h, c)).join("")}</tr></thead><tbody>${rows
    .map((row) => `<tr>${header.map((_h, c) => cell("td", row[c], c)).join("")}</tr>`)
    .join("")}</tbody></table>`;
  return { html, next: i };
}

/** Lines up to a blank line, a line that starts another block, or a table's header; newlines are breaks. */
function readParagraph(lines: string[], i: number): Block {
  const para: string[] = [];
  while (i < lines.length && !BLANK.test(lines[i]!) && (para.length === 0 || !startsBlock(lines[i]!))) {
    if (para.length > 0 && lines[i]!.includes("|") && TABLE_DELIMITER.test(lines[i + 1] ?? "")) break;
    para.push(lines[i++]!.trim());
  }
  return { html: `<p>${para.map(inline).join("<br>\n")}</p>`, next: i };
}

const leading = (line: string): number => /^ */.exec(line)![0].length;

/** A table row's cells: split on `|` that are not escaped, without the outer pipes. */
function cells(row: string): string[] {
  let r = row.trim();
  if (r.startsWith("|")) r = r.slice(1);
  if (r.endsWith("|") && !r.endsWith("\\|")) r = r.slice(0, -1);
  const out: string[] = [];
  let current = "";
  for (let k = 0; k < r.length; k++) {
    const c = r[k]!;
    if (c === "\\" && r[k + 1] === "|") {
      current += "|";
      k++;
    } else if (c === "|") {
      out.push(current.trim());
      current = "";
    } else current += c;
  }
  out.push(current.trim());
  return out;
}

/** A list block: its items at the first item's indent, each with its own nested blocks. */
function list(lines: string[]): string {
  const first = ITEM.exec(lines[0]!)!;
  const indent = first[1]!.length;
  const ordered = /\d/.test(first[2]!);
  const items: { text: string; rest: string[] }[] = [];
  for (const l of lines) {
    const m = ITEM.exec(l);
    if (m && m[1]!.length <= indent + 1 && (/\d/.test(m[2]!) === ordered || m[1]!.length > indent)) {
      items.push({ text: m[3] ?? "", rest: [] });
    } else {
      const content = l.slice(Math.min(leading(l), indent + (first[2]!.length + 1)));
      items.at(-1)?.rest.push(content);
    }
  }
  const start = ordered ? Number.parseInt(first[2]!, 10) : 1;
  const tag = ordered ? "ol" : "ul";
  const rendered = items.map(({ text, rest }) => {
    const task = /^\[([ xX])\]\s+(.*)$/.exec(text);
    const body = task ? task[2]! : text;
    const box = task ? `<input type="checkbox" disabled${task[1] === " " ? "" : " checked"}> ` : "";
    const nested = rest.some((l) => !BLANK.test(l)) ? blocks(rest) : "";
    return `<li${task ? ' class="task"' : ""}>${box}${inline(body)}${nested ? `\n${nested}` : ""}</li>`;
  });
  const startAttr = ordered && start !== 1 ? ` start="${start}"` : "";
  return `<${tag}${startAttr}>\n${rendered.join("\n")}\n</${tag}>`;
}

/**
 * Inline Markdown of one line. Code spans, escapes and links are cut out first into numbered
 * placeholders (delimited by U+E000, which the input cannot hold), the rest is escaped, emphasis is applied to the
 * escaped text, and the placeholders are put back.
 */
export function inline(text: string): string {
  const saved: string[] = [];
  const keep = (rendered: string): string => `\ue000${saved.push(rendered) - 1}\ue000`;
  let s = text.replace(/<!--[\s\S]*?-->/g, "");
  s = s.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_m, _ticks: string, code: string) =>
    keep(`<code>${escape(code.trim() === "" ? code : code.replace(/^ (.*) $/, "$1"))}</code>`),
  );
  s = s.replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, (_m, c: string) => keep(escape(c)));
  s = s.replace(
    /(!?)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g,
    (m, bang: string, label: string, url: string) => {
      const href = safeHref(url);
      if (bang) return keep(href ? `<a href="${escape(href)}">${escape(label || url)}</a>` : escape(label));
      return keep(href ? `<a href="${escape(href)}">${inline(label)}</a>` : inline(label));
    },
  );
  s = s.replace(/<(https?:\/\/[^\s<>]+)>/g, (m, url: string) => {
    const href = safeHref(url);
    return href ? keep(`<a href="${escape(href)}">${escape(url)}</a>`) : m;
  });
  s = s.replace(
    /(^|[\s(])(https?:\/\/[^\s<>\ue000]*[^\s<>\ue000.,:;!?)'"])/g,
    (m, pre: string, url: string) => {
      const href = safeHref(url);
      return href ? pre + keep(`<a href="${escape(href)}">${escape(url)}</a>`) : m;
    },
  );
  s = s.replace(
    /(^|[^\w@/])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?)/g,
    (_m, pre: string, login: string) => {
      const path = login.endsWith("[bot]") ? `/apps/${login.slice(0, -5)}` : `/${login}`;
      return pre + keep(`<a class="mention" href="${escape(path)}">@${escape(login)}</a>`);
    },
  );
  s = escape(s);
  s = s
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, "$1<strong>$2</strong>")
    .replace(/\*(?=[^\s*])([^*]*?[^\s*])\*/g, "<em>$1</em>")
    .replace(/(^|[^\w])_(?=[^\s_])([^_]*?[^\s_])_(?!\w)/g, "$1<em>$2</em>")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>");
  // Placeholders may hold placeholders (a link's label with code in it): restore until none is left.
  for (let round = 0; round < 8 && s.includes("\ue000"); round++)
    s = s.replace(/\ue000(\d+)\ue000/g, (_m, n: string) => saved[Number(n)] ?? "");
  return s;
}
