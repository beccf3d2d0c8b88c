/**
 * The shared frame of the sandbox's read-only web pages (what github.com serves at the `html_url`s the
 * REST API returns): escaping, safe links, dates, state badges and the page layout with its
 * repository header and tabs. Every value interpolated with `markup` is escaped unless it is already
 * `Html`, so user-written text (titles, bodies, labels, branch names, descriptions) can only ever be
 * text. Pages are served with `CONTENT_SECURITY_POLICY`: no scripts, no fetches, inline CSS only.
 */
import type { Repo } from "../state.js";

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Markup that is safe to emit as it is: built by `markup` or by the Markdown renderer. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

function emit(part: Part): string {
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(emit).join("");
  if (part === null || part === undefined || part === false || part === true) return "";
  return escape(String(part as string | number));
}

/**
 * A template whose interpolations are escaped (arrays are joined, `false`/`null`/`undefined` vanish).
 * Not named `html`: prettier reformats templates with that tag as HTML, whitespace inside `<pre>` included.
 */
export function markup(strings: TemplateStringsArray, ...values: readonly Part[]): Html {
  let out = strings[0] ?? "";
  values.forEach((v, i) => (out += emit(v) + (strings[i + 1] ?? "")));
  return new Html(out);
}

/**
 * A URL that may go into an `href`: absolute http(s), or a same-site path or anchor. Anything else
 * (`javascript:`, `data:`, `vbscript:`, protocol-relative `//host`, control characters) is refused.
 */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  const u = url.trim();
  if ([...u].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || /\s/.test(c)))
    return undefined;
  if (u.startsWith("#") || (u.startsWith("/") && !u.startsWith("//") && !u.startsWith("/\\"))) return u;
  try {
    const parsed = new URL(u);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** A link when the URL is safe, otherwise the text (and the refused URL as text, so nothing is hidden). */
export function link(url: string | null | undefined, text?: Part): Html {
  const href = safeHref(url);
  if (href) return markup`<a href="${href}">${text ?? href}</a>`;
  if (!url) return markup`${text ?? ""}`;
  return text === undefined ? markup`<code>${url}</code>` : markup`${text} <code>${url}</code>`;
}

/** A timestamp as GitHub shows it on hover, in UTC. */
export function when(iso: string | null | undefined): Html {
  if (!iso) return markup``;
  const shown = iso.replace("T", " ").replace(/(:\d\d)(\.\d+)?Z$/, "$1 UTC");
  return markup`<time datetime="${iso}">${shown}</time>`;
}

const shortSha = (sha: string): string => sha.slice(0, 7);
export const sha7 = (sha: string): Html => markup`<code class="sha">${shortSha(sha)}</code>`;

export const repoPath = (r: Repo): string => `/${encodeURIComponent(r.owner)}/${encodeURIComponent(r.name)}`;
export const commitLink = (r: Repo, sha: string): Html => link(`${repoPath(r)}/commit/${sha}`, sha7(sha));
export const branchName = (ref: string): Html => markup`<code class="branch">${ref}</code>`;

/** A login as GitHub shows it: a round initial (no avatar images: nothing is fetched) and the name. */
export function user(login: string): Html {
  const app = login.endsWith("[bot]");
  const href = app ? `/apps/${encodeURIComponent(login.slice(0, -5))}` : `/${encodeURIComponent(login)}`;
  return markup`<a class="user" href="${href}"
      ><span class="avatar${app ? " bot" : ""}">${login.charAt(0).toUpperCase()}</span>${login}</a
    >${app ? markup` <span class="tag">bot</span>` : ""}`;
}

const STATE_CLASS: Record<string, string> = {
  success: "green",
  approved: "green",
  open: "green",
  active: "green",
  completed: "green",
  merged: "purple",
  failure: "red",
  error: "red",
  rejected: "red",
  closed: "red",
  timed_out: "red",
  cancelled: "grey",
  action_required: "amber",
  changes_requested: "red",
  pending: "amber",
  queued: "amber",
  waiting: "amber",
  in_progress: "amber",
  requested: "amber",
  inactive: "grey",
  neutral: "grey",
  skipped: "grey",
  stale: "grey",
  dismissed: "grey",
  commented: "grey",
};

const STATE_ICON: Record<string, string> = {
  green: "✓",
  red: "✗",
  amber: "●",
  grey: "–",
  purple: "⇄",
};

/** A coloured state label ("success", "in_progress", "merged" …). */
export function badge(state: string | null | undefined, text?: string): Html {
  const s = (state ?? "unknown").toLowerCase();
  const color = STATE_CLASS[s] ?? "grey";
  return markup`<span class="badge ${color}">${text ?? s.replace(/_/g, " ")}</span>`;
}

/** Just the icon, coloured: for lists of check runs and timeline entries. */
export function icon(state: string | null | undefined): Html {
  const color = STATE_CLASS[(state ?? "").toLowerCase()] ?? "grey";
  return markup`<span class="icon ${color}" title="${state ?? ""}">${STATE_ICON[color]}</span>`;
}

export const labelChip = (name: string, color: string): Html => {
  const hex = /^[0-9a-fA-F]{6}$/.test(color) ? color : "ededed";
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  const dark = r * 0.299 + g * 0.587 + b * 0.114 < 140;
  return markup`<span class="label" style="background:#${hex};color:${dark ? "#fff" : "#1f2328"}"
    >${name}</span
  >`;
};

export type Tab = "code" | "pulls" | "actions" | "deployments" | "security";

const TABS: [Tab, string, string][] = [
  ["code", "Code", ""],
  ["pulls", "Pull requests", "#pulls"],
  ["actions", "Actions", "#actions"],
  ["deployments", "Deployments", "/deployments"],
  ["security", "Security", "#security"],
];

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;color:#1f2328;background:#fff}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
header.top{background:#1f2328;color:#fff;padding:12px 24px;display:flex;gap:16px;align-items:center}
header.top a{color:#fff;font-weight:600}header.top .note{color:#9198a1;font-size:12px;margin-left:auto}
.repohead{background:#f6f8fa;border-bottom:1px solid #d1d9e0;padding:16px 24px 0}
.repohead h1{font-size:20px;font-weight:400;margin:0 0 12px}.repohead h1 strong{font-weight:600}
nav.tabs{display:flex;gap:4px}nav.tabs a{padding:8px 12px;color:#1f2328;border-bottom:2px solid transparent}
nav.tabs a.on{border-bottom-color:#fd8c73;font-weight:600}
main{max-width:1240px;margin:0 auto;padding:24px}
h2.title{font-size:26px;font-weight:400;margin:0 0 8px;word-break:break-word}h2.title .num{color:#59636e}
.sub{color:#59636e;margin-bottom:16px;border-bottom:1px solid #d1d9e0;padding-bottom:16px}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 280px;gap:24px}
aside h3{font-size:12px;color:#59636e;margin:0 0 8px;border-bottom:1px solid #d1d9e0;padding-bottom:8px}
aside section{margin-bottom:16px}
.box{border:1px solid #d1d9e0;border-radius:6px;margin-bottom:16px;background:#fff;overflow-wrap:anywhere}
.box>.head{background:#f6f8fa;border-bottom:1px solid #d1d9e0;padding:8px 16px;border-radius:6px 6px 0 0;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.box>.body{padding:16px}.box>.body:empty{display:none}
.box.bot>.head{background:#ddf4ff}
ul.rows{list-style:none;margin:0;padding:0}ul.rows li{padding:8px 16px;border-top:1px solid #d1d9e0;display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
ul.rows li:first-child{border-top:0}
.event{padding:8px 0 8px 16px;margin:0 0 8px 16px;border-left:2px solid #d1d9e0;color:#59636e}
.event strong{color:#1f2328}
.muted{color:#59636e}.small{font-size:12px}
.user{color:#1f2328;font-weight:600;white-space:nowrap}
.avatar{display:inline-block;width:20px;height:20px;border-radius:50%;background:#8250df;color:#fff;font-size:11px;line-height:20px;text-align:center;margin-right:6px;vertical-align:middle}
.avatar.bot{border-radius:4px;background:#0969da}
.tag{border:1px solid #d1d9e0;border-radius:2em;padding:0 6px;font-size:11px;color:#59636e}
.badge{display:inline-block;padding:2px 10px;border-radius:2em;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.badge.green{background:#1a7f37}.badge.red{background:#d1242f}.badge.amber{background:#9a6700}.badge.grey{background:#59636e}.badge.purple{background:#8250df}
.icon{font-weight:700;display:inline-block;width:16px;text-align:center}
.icon.green{color:#1a7f37}.icon.red{color:#d1242f}.icon.amber{color:#9a6700}.icon.grey{color:#59636e}.icon.purple{color:#8250df}
.label{display:inline-block;padding:0 8px;border-radius:2em;font-size:12px;font-weight:500;margin:0 4px 4px 0;overflow-wrap:anywhere}
code,pre,.sha,.branch{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.branch{background:#ddf4ff;color:#0969da;padding:2px 6px;border-radius:6px;overflow-wrap:anywhere}
.reactions{display:flex;gap:6px;margin-top:12px;flex-wrap:wrap}.reactions span{border:1px solid #d1d9e0;border-radius:2em;padding:0 8px;font-size:12px;background:#f6f8fa}
.markdown{overflow-wrap:anywhere}.markdown>:first-child{margin-top:0}.markdown>:last-child{margin-bottom:0}
.markdown table{border-collapse:collapse;margin:8px 0;display:block;overflow:auto}
.markdown th,.markdown td{border:1px solid #d1d9e0;padding:6px 13px}.markdown tr:nth-child(2n){background:#f6f8fa}
.markdown code{background:#eff1f3;padding:.2em .4em;border-radius:6px}
.markdown pre{background:#f6f8fa;padding:16px;border-radius:6px;overflow:auto}.markdown pre code{background:none;padding:0}
.markdown blockquote{margin:0;padding:0 1em;color:#59636e;border-left:.25em solid #d1d9e0}
.markdown li.task{list-style:none}.markdown li.task input{margin:0 .3em 0 -1.4em;vertical-align:middle}
.markdown h1,.markdown h2{border-bottom:1px solid #d1d9e0;padding-bottom:.3em}
details.check>summary{cursor:pointer;padding:8px 16px;list-style:none;display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
details.check{border-top:1px solid #d1d9e0}details.check:first-child{border-top:0}
details.check>.markdown{padding:0 16px 16px 40px}
table.grid{border-collapse:collapse;width:100%}table.grid td,table.grid th{border-top:1px solid #d1d9e0;padding:8px 16px;text-align:left;vertical-align:top}
table.grid th{background:#f6f8fa;font-size:12px;color:#59636e}
ol.timeline{list-style:none;margin:0;padding:0 16px}
ol.timeline li{position:relative;padding:8px 0 8px 24px;border-left:2px solid #d1d9e0;margin-left:8px}
ol.timeline li>.icon{position:absolute;left:-9px;top:8px;background:#fff}
pre.file{margin:0;padding:8px 0;overflow:auto}pre.file span.n{display:inline-block;width:48px;color:#59636e;text-align:right;padding-right:16px;user-select:none}
.empty{color:#59636e;padding:16px}
main pre{max-width:100%;overflow:auto}aside pre{white-space:pre-wrap;overflow-wrap:anywhere}
@media (max-width:900px){.layout{grid-template-columns:1fr}}
`;

export interface PageOptions {
  title: string;
  repo?: Repo;
  tab?: Tab;
  body: Html;
}

/** A whole page: the sandbox's header, the repository's name and tabs when there is one, then the body. */
export function layout({ title, repo, tab, body }: PageOptions): string {
  const head = repo
    ? markup`<div class="repohead">
        <h1>
          ${link(`/${encodeURIComponent(repo.owner)}`, repo.owner)} /
          <strong>${link(repoPath(repo), repo.name)}</strong>
          ${repo.private ? markup`<span class="tag">Private</span>` : markup`<span class="tag">Public</span>`}
        </h1>
        <nav class="tabs">
          ${TABS.map(
            ([t, label, suffix]) =>
              markup`<a class="${t === tab ? "on" : ""}" href="${repoPath(repo) + suffix}">${label}</a>`,
          )}
        </nav>
      </div>`
    : "";
  return `<!DOCTYPE html>${
    markup`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title}</title>
        <style>
          ${new Html(STYLE)}
        </style>
      </head>
      <body>
        <header class="top">
          <a href="/">GitHub sandbox</a
          ><span class="note">local and read-only: what the REST API's html_urls show</span>
        </header>
        ${head}
        <main>${body}</main>
      </body>
    </html>
`.value
  }`;
}
