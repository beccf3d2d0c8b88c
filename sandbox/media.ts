/**
 * GitHub's custom media types (docs: "Media types" and each operation's "supports the following custom
 * media types"): `application/vnd.github.raw` / `.html` / `.text` / `.full` / `.object` / `.diff` /
 * `.patch` / `.sha`, with or without `.v3` and a `+json` suffix. The sandbox honours them where GitHub
 * does for contents, pull requests, commits, issues and comments; elsewhere they get the JSON default.
 */
import { escape } from "./pages/html.js";
import { renderMarkdown } from "./pages/markdown.js";
import type { Ctx, Json, Reply } from "./http.js";

/** The custom format an `Accept` header asks for (`raw`, `diff` …), or null for the JSON default. */
export function requestedFormat(ctx: Pick<Ctx, "req">): string | null {
  const accept = ctx.req.headers.accept ?? "";
  for (const part of accept.split(",")) {
    const m = /^\s*application\/vnd\.github(?:\.v3)?(?:\.([a-z][a-z0-9-]*))?(?:\+[a-z]+)?\s*(?:;.*)?$/i.exec(
      part,
    );
    const format = m?.[1]?.toLowerCase();
    if (format && !format.endsWith("-preview")) return format;
  }
  return null;
}

/** A non-JSON answer (raw file content, a diff, a patch, a SHA) with GitHub's media type headers. */
export function textReply(format: string, text: string | Buffer, status = 200): Reply {
  return {
    status,
    raw: text,
    headers: {
      "content-type": `application/vnd.github.${format}; charset=utf-8`,
      "x-github-media-type": `github.v3; param=${format}`,
    },
  };
}

/** Markdown as GitHub's `body_html` (rendered) and `body_text` (the rendered text without markup). */
export const bodyHtml = (markdown: string): string => renderMarkdown(markdown);
export function bodyText(markdown: string): string {
  return renderMarkdown(markdown)
    .replace(/<br\s*\/?>/g, "\n")
    .replace(/<\/(p|li|h\d|tr|blockquote|pre)>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const BODY_FORMATS = new Set(["raw", "text", "html", "full"]);

/**
 * The body formats of issues, pull requests, comments and reviews: `raw` (the default) has `body`, `text`
 * has `body_text`, `html` has `body_html`, `full` has all three. Applied to an object or each item of a list.
 */
export function withBodyFormat(value: unknown, format: string | null): unknown {
  if (!format || !BODY_FORMATS.has(format) || format === "raw") return value;
  if (Array.isArray(value)) return value.map((v) => withBodyFormat(v, format));
  if (!value || typeof value !== "object" || !("body" in value)) return value;
  const { body, ...rest } = value as Json;
  const source = typeof body === "string" ? body : null;
  const out: Json = { ...rest };
  if (format === "full") out["body"] = body;
  if (format === "text" || format === "full") out["body_text"] = source === null ? null : bodyText(source);
  if (format === "html" || format === "full") out["body_html"] = source === null ? null : bodyHtml(source);
  return out;
}

/** The `x-github-media-type` GitHub answers with for a JSON representation in a custom format. */
export function mediaTypeHeader(format: string | null): string {
  return format && BODY_FORMATS.has(format)
    ? `github.v3; param=${format}; format=json`
    : "github.v3; format=json";
}

/** A file as `application/vnd.github.html`: markup files rendered, anything else as preformatted text. */
export function fileHtml(path: string, content: Buffer): string {
  const text = content.toString("utf8");
  if (/\.(md|markdown|mdown|mkd)$/i.test(path))
    return `<div id="file" class="md" data-path="${escape(path)}"><article class="markdown-body entry-content container-lg" itemprop="text">${renderMarkdown(text)}</article></div>`;
  return `<div id="file" data-path="${escape(path)}"><pre>${escape(text)}</pre></div>`;
}
