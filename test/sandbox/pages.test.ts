/**
 * The sandbox's web pages without a browser: the Markdown renderer's output and its safety, every
 * `html_url` the REST API returns resolving to a page, pages kept apart from the API (not logged, not
 * rate-limited, never answering an API client's request) and the headers they are served with.
 * test/sandbox/pages-browser.test.ts looks at them in Chromium.
 */
import { describe, expect, test } from "@jest/globals";
import { CONTENT_SECURITY_POLICY } from "../../sandbox/pages/html.js";
import { renderMarkdown } from "../../sandbox/pages/markdown.js";
import { FULL } from "../../sandbox/seed/index.js";
import { createPagesWorld } from "./pages-world.js";

const TIMEOUT = 60_000;
/** The kinds of html_url the sandbox returns. */
const KINDS: [string, RegExp][] = [
  ["repository", /^\/acme\/shop$/],
  ["pull request", /^\/acme\/shop\/pull\/\d+$/],
  ["comment", /^\/acme\/shop\/pull\/\d+#issuecomment-\d+$/],
  ["review", /^\/acme\/shop\/pull\/\d+#pullrequestreview-\d+$/],
  ["check run", /^\/acme\/shop\/runs\/\d+$/],
  ["environment", /^\/acme\/shop\/deployments\/activity_log\?environments_filter=\w+$/],
  ["workflow run", /^\/acme\/shop\/actions\/runs\/\d+$/],
  ["commit", /^\/acme\/shop\/commit\/[0-9a-f]{40}$/],
  ["file", /^\/acme\/shop\/blob\/main\/.+$/],
  ["Dependabot alert", /^\/acme\/shop\/security\/dependabot\/\d+$/],
  ["code scanning alert", /^\/acme\/shop\/security\/code-scanning\/\d+$/],
  ["invitations", /^\/acme\/shop\/invitations$/],
  ["account", /^\/[\w-]+$/],
  ["app", /^\/apps\/[\w-]+$/],
  ["installation", /^\/settings\/installations\/\d+$/],
  ["team", /^\/orgs\/acme\/teams\/[\w-]+$/],
];
const BROWSER = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

describe("Markdown", () => {
  test("GitHub's comment Markdown: headings, lists with checkboxes, tables, code, quotes, emphasis", () => {
    expect(renderMarkdown("## Rollback plan\nRevert it.\nThen redeploy.")).toBe(
      "<h2>Rollback plan</h2>\n<p>Revert it.<br>\nThen redeploy.</p>",
    );
    expect(renderMarkdown("- [x] done\n- [ ] to do\n  - nested *item*")).toBe(
      '<ul>\n<li class="task"><input type="checkbox" disabled checked> done</li>\n' +
        '<li class="task"><input type="checkbox" disabled> to do\n<ul>\n<li>nested <em>item</em></li>\n</ul></li>\n</ul>',
    );
    expect(renderMarkdown("3. three\n4. four")).toBe('<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>');
    expect(renderMarkdown("| a | b \\| c |\n|:--|--:|\n| **x** | `y` |")).toBe(
      '<table><thead><tr><th style="text-align:left">a</th><th style="text-align:right">b | c</th></tr></thead>' +
        '<tbody><tr><td style="text-align:left"><strong>x</strong></td><td style="text-align:right"><code>y</code></td></tr></tbody></table>',
    );
    expect(renderMarkdown("```yaml\na: <b>\n```")).toBe(
      '<pre><code class="language-yaml">a: &lt;b&gt;</code></pre>',
    );
    expect(renderMarkdown("> quoted\n\n---\n\n~~gone~~ __strong__ _em_ snake_case_name")).toBe(
      "<blockquote><p>quoted</p></blockquote>\n<hr>\n<p><del>gone</del> <strong>strong</strong> <em>em</em> snake_case_name</p>",
    );
  });

  test("links: http(s) and same-site only; images become links; mentions link to the account", () => {
    expect(
      renderMarkdown("[docs](https://example.com/a?b=1&c=2) <https://x.example> see https://y.example/p."),
    ).toBe(
      '<p><a href="https://example.com/a?b=1&amp;c=2">docs</a> <a href="https://x.example/">https://x.example</a> ' +
        'see <a href="https://y.example/p">https://y.example/p</a>.</p>',
    );
    expect(renderMarkdown("[pr](/acme/shop/pull/1) [here](#checks) ![logo](https://example.com/l.png)")).toBe(
      '<p><a href="/acme/shop/pull/1">pr</a> <a href="#checks">here</a> <a href="https://example.com/l.png">logo</a></p>',
    );
    expect(renderMarkdown("thanks @alice and @tollgate[bot], mail a@b.c")).toBe(
      '<p>thanks <a class="mention" href="/alice">@alice</a> and <a class="mention" href="/apps/tollgate">@tollgate[bot]</a>, mail a@b.c</p>',
    );
    for (const url of [
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox",
      "//evil.example/x",
      "java\tscript:alert(1)",
    ])
      expect(renderMarkdown(`[x](${url})`)).not.toMatch(/href/);
  });

  test("raw HTML is text, HTML comments are hidden, and nothing escapes the escaping", () => {
    expect(renderMarkdown(`<script>alert("x")</script>`)).toBe(
      "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>",
    );
    expect(renderMarkdown("<!-- tollgate:bot:alice -->\nvisible <!-- hidden --> text")).toBe(
      "<p>visible  text</p>",
    );
    expect(renderMarkdown("<!--\nmulti\nline\n-->")).toBe("");
    expect(renderMarkdown(`[<img src=x onerror=alert(1)>](https://e.example "t")`)).toBe(
      '<p><a href="https://e.example/">&lt;img src=x onerror=alert(1)&gt;</a></p>',
    );
    expect(renderMarkdown(`[x](https://e.example/"onmouseover="alert(1))`)).toBe(
      '<p><a href="https://e.example/%22onmouseover=%22alert(1">x</a>)</p>',
    );
    expect(renderMarkdown("`<b>` \\*not em\\* \ue0000\ue000")).toBe(
      "<p><code>&lt;b&gt;</code> *not em* \ufffd0\ufffd</p>",
    );
    // Whatever the input, the only tags are the renderer's own.
    const hostile = [
      '"><svg onload=alert(1)>',
      "<a href='javascript:x'>y</a>",
      "`<x>`**<y>**",
      "| <t> |\n|---|\n| <u> |",
    ];
    for (const input of hostile) {
      const out = renderMarkdown(input);
      const tags = [...out.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]);
      expect(
        tags.every((t) =>
          ["p", "code", "strong", "em", "table", "thead", "tbody", "tr", "th", "td", "br"].includes(t!),
        ),
      ).toBe(true);
      expect(out).not.toMatch(/<[^>]*\son\w+=/);
    }
  });
});

/** Deterministic random Markdown from the pieces an attacker would combine. */
function* hostileMarkdown(count: number): Generator<string> {
  const pieces = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"',
    "'",
    "<",
    ">",
    "&",
    "`",
    "``",
    "*",
    "**",
    "_",
    "~~",
    "[",
    "]",
    "(",
    ")",
    "](",
    "![",
    "javascript:alert(1)",
    "https://e.example/a",
    "<https://x>",
    "\\",
    "|",
    "\n",
    "\n\n",
    "- ",
    "1. ",
    "> ",
    "# ",
    "```",
    "<!--",
    "-->",
    "@alice",
    "[x] ",
    "    ",
    "\t",
    '" onmouseover="alert(1)',
    "&lt;",
    "\u0000",
    "\ue000",
    "1\ue000",
    "data:text/html,x",
  ];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let k = 0; k < count; k++)
    yield Array.from({ length: 1 + (next() % 24) }, () => pieces[next() % pieces.length]).join("");
}

test("fuzz: whatever the input, only the renderer's own tags and attributes, and only safe links", () => {
  const TAGS = new Set([
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "blockquote",
    "ul",
    "ol",
    "li",
    "input",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "pre",
    "code",
    "a",
    "strong",
    "em",
    "del",
  ]);
  const ATTRIBUTES = new Set(["href", "class", "style", "start", "type", "disabled", "checked"]);
  for (const input of hostileMarkdown(3000)) {
    const out = renderMarkdown(input);
    for (const [, tag, attrs] of out.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)) {
      expect({ input, tag: TAGS.has(tag!) ? "ok" : tag }).toEqual({ input, tag: "ok" });
      for (const [, name, value] of attrs!.matchAll(/\s([a-z-]+)(?:="([^"]*)")?/g)) {
        expect({ input, name: ATTRIBUTES.has(name!) ? "ok" : name }).toEqual({ input, name: "ok" });
        if (name === "href")
          expect({ input, value }).toEqual({
            input,
            value: expect.stringMatching(/^(https?:\/\/|\/[^/]|#)/),
          });
        if (name === "style") expect(value).toMatch(/^text-align:(left|right|center)$/);
      }
    }
    // No stray angle bracket starts a tag the regex above would not see, and no placeholder leaks.
    expect(out.replace(/<\/?[a-zA-Z0-9]+[^<>]*>/g, "")).not.toMatch(/[<>]/);
    expect(out).not.toContain("\ue000");
  }
});

describe("the pages at the html_urls", () => {
  test(
    "every html_url the REST API returned opens a page, served with a strict Content-Security-Policy",
    async () => {
      const w = await createPagesWorld();
      try {
        expect(w.htmlUrls.length).toBeGreaterThan(15);
        const kind = (url: string) =>
          KINDS.find(([, pattern]) => pattern.test(url.slice(w.world.sandbox.url.length)))?.[0];
        expect(w.htmlUrls.filter((u) => kind(u) === undefined)).toEqual([]);
        expect(new Set(w.htmlUrls.map(kind))).toEqual(new Set(KINDS.map(([name]) => name)));
        for (const url of w.htmlUrls) {
          const res = await fetch(url, { headers: BROWSER });
          expect({ url, status: res.status, type: res.headers.get("content-type") }).toEqual({
            url,
            status: 200,
            type: "text/html; charset=utf-8",
          });
          expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
          expect(res.headers.get("x-content-type-options")).toBe("nosniff");
          expect(await res.text()).toMatch(/^<!DOCTYPE html><html lang="en">[\s\S]*<\/html>\n$/);
        }
        expect(CONTENT_SECURITY_POLICY).toMatch(
          /^default-src 'none'; style-src 'unsafe-inline'; img-src data:;/,
        );
      } finally {
        await w.world.close();
      }
    },
    TIMEOUT,
  );

  test(
    "pages are not API requests: not in the request log, not rate-limited, not charged",
    async () => {
      const w = await createPagesWorld();
      try {
        const { sandbox } = w.world;
        const before = sandbox.requests().length;
        // More than the 60 requests an hour GitHub allows an unauthenticated client.
        for (let k = 0; k < 70; k++) {
          const res = await fetch(k % 2 ? w.pr.html_url : w.environmentUrl, { headers: BROWSER });
          expect(res.status).toBe(200);
          await res.arrayBuffer();
        }
        expect(sandbox.requests().length).toBe(before);
        const api = await fetch(`${sandbox.apiUrl}/repos/${FULL}`, {
          headers: { accept: "application/vnd.github+json" },
        });
        expect(api.status).toBe(200);
        expect(api.headers.get("x-ratelimit-used")).toBe("1");
        expect(sandbox.requests().length).toBe(before + 1);
      } finally {
        await w.world.close();
      }
    },
    TIMEOUT,
  );

  test(
    "an API client at the root still gets JSON; a browser gets pages, and a page for a 404",
    async () => {
      const w = await createPagesWorld();
      try {
        const { url, apiUrl } = w.world.sandbox;
        const json = { accept: "application/vnd.github+json" };
        // REST is served at the root too (GITHUB_API_URL=<base>): a REST path stays REST for an API client.
        const rest = await fetch(`${url}/repos/${FULL}`, { headers: json });
        expect(rest.headers.get("content-type")).toMatch(/^application\/json/);
        expect(((await rest.json()) as { full_name: string }).full_name).toBe(FULL);
        // In a browser too, when the REST path has no page (as api.github.com shows JSON); a team's
        // html_url is also a REST path: a page for a browser, JSON for an API client.
        const inBrowser = await fetch(`${url}/repos/${FULL}`, { headers: BROWSER });
        expect(inBrowser.headers.get("content-type")).toMatch(/^application\/json/);
        await inBrowser.arrayBuffer();
        const team = w.htmlUrls.find((u) => u.includes("/teams/"))!;
        expect((await fetch(team, { headers: BROWSER })).headers.get("content-type")).toBe(
          "text/html; charset=utf-8",
        );
        expect((await fetch(team, { headers: json })).headers.get("content-type")).toMatch(
          /^application\/json/,
        );
        // A path no REST route answers is a page, whatever the client accepts (curl, fetch).
        const plain = await fetch(`${url}/${FULL}/pull/${w.pr.number}`);
        expect(plain.headers.get("content-type")).toBe("text/html; charset=utf-8");
        // Unknown: JSON 404 for an API client, a 404 page for a browser; /api/v3 is never a page.
        const missing = await fetch(`${url}/${FULL}/pull/999`, { headers: json });
        expect([missing.status, missing.headers.get("content-type")]).toEqual([
          404,
          "application/json; charset=utf-8",
        ]);
        const page404 = await fetch(`${url}/${FULL}/pull/999`, { headers: BROWSER });
        expect(page404.status).toBe(404);
        expect(await page404.text()).toContain("The sandbox has no page at <code>/acme/shop/pull/999</code>");
        const underApi = await fetch(`${apiUrl}/${FULL}`, { headers: BROWSER });
        expect([underApi.status, underApi.headers.get("content-type")]).toEqual([
          404,
          "application/json; charset=utf-8",
        ]);
        // HEAD, and the PR's diff_url as text.
        const head = await fetch(w.pr.html_url, { method: "HEAD", headers: BROWSER });
        expect([head.status, await head.text()]).toEqual([200, ""]);
        const diff = await fetch(`${w.pr.html_url}.diff`);
        expect(diff.headers.get("content-type")).toBe("text/plain; charset=utf-8");
        expect(await diff.text()).toContain("+++ b/src/checkout.ts\n@@ -1,0 +1,1 @@\n+export const checkout");
      } finally {
        await w.world.close();
      }
    },
    TIMEOUT,
  );
});
