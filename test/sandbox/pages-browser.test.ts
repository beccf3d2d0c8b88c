/**
 * The sandbox's web pages in a real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core, as test/audit/html-browser.test.ts): the pull request page shows the description,
 * labels, comments with reactions, the approving review, Tollgate's check runs rendered from Markdown
 * and the deployments; a comment's html_url lands on the comment; the check run and deployments pages
 * show their output and timeline; markup injected in user-written text stays text and never runs
 * (checked with the Content-Security-Policy bypassed, so the escaping itself is what is tested); and a
 * page requests nothing but itself. Without Chromium the test fails under CI and, elsewhere, warns and
 * passes a single placeholder. Each test builds its own world.
 */
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { EVIL, createPagesWorld, type PagesWorld } from "./pages-world.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const TIMEOUT = 60_000;

if (!existsSync(CHROMIUM)) {
  test(`sandbox pages in Chromium did not run (requires ${CHROMIUM})`, () => {
    const message = `${CHROMIUM} is missing, so the sandbox's pages were not tested in a browser. Install it: apt-get install -y chromium`;
    if (process.env["CI"]) throw new Error(message);
    console.warn(`\n⚠️  ${message}\n`);
    expect(existsSync(CHROMIUM)).toBe(false);
  });
} else {
  describe("the sandbox's web pages in Chromium", () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    }, TIMEOUT);
    afterAll(async () => {
      await browser?.close();
    }, TIMEOUT);

    /** A world, a browser context and a page; everything closed after `body`, even when it throws. */
    async function withPage(
      body: (page: Page, w: PagesWorld) => Promise<void>,
      options: { bypassCSP?: boolean } = {},
    ): Promise<void> {
      const w = await createPagesWorld();
      let context: BrowserContext | undefined;
      try {
        context = await browser.newContext({ bypassCSP: options.bypassCSP ?? false });
        const page = await context.newPage();
        await body(page, w);
      } finally {
        await context?.close();
        await w.world.close();
      }
    }

    const text = (page: Page, selector: string) => page.locator(selector).first().textContent();

    test(
      "the PR page: description, labels, comments with reactions, the review, check runs and deployments",
      () =>
        withPage(async (page, w) => {
          const response = await page.goto(w.pr.html_url);
          expect(response?.status()).toBe(200);
          expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");
          expect(await page.title()).toContain(`#${w.pr.number}`);
          expect(await text(page, "h2.title")).toContain(EVIL.title);
          // The description, rendered: its heading and its task list's checkboxes.
          const description = page.locator(`[id^="issue-"] .markdown`);
          expect(await description.locator("h2").textContent()).toBe("Rollback plan");
          expect(await description.locator("input[type=checkbox]").count()).toBe(2);
          expect(await description.locator("input[type=checkbox]:checked").count()).toBe(1);
          // Labels, as text.
          expect(await page.locator("#labels .label").allTextContents()).toEqual([
            "change:standard",
            EVIL.label,
          ]);
          // The comment with its reactions: 👍 2, 🚀 1.
          const comment = page.locator(`#issuecomment-${w.comment.id}`);
          expect(await comment.locator(".head").textContent()).toContain("alice");
          expect(await comment.locator('.reaction[data-content="+1"]').textContent()).toContain("2");
          expect(await comment.locator('.reaction[data-content="rocket"]').textContent()).toContain("1");
          // The review: alice approved.
          expect(await text(page, `#pullrequestreview-${w.review.id}`)).toMatch(
            /alice\s+approved these changes/,
          );
          expect(await text(page, `#pullrequestreview-${w.review.id} strong`)).toBe("approved these changes");
          expect(await page.locator("#reviewers").textContent()).toMatch(/alice\s*approved/);
          // Tollgate's check runs, their Markdown rendered: the checklist table and the approvals list.
          const checks = page.locator("#checks");
          for (const run of w.checkRuns) expect(await checks.textContent()).toContain(run.name);
          const production = page.locator(`#check-run-${w.checkRuns[1]!.id}`);
          expect(await production.locator("table tbody tr").count()).toBe(3);
          expect(await production.locator("table th").allTextContents()).toEqual([
            "",
            "Item",
            "Why",
            "What to do",
          ]);
          expect(await production.locator("li").first().textContent()).toContain("@alice (admins)");
          expect(await checks.textContent()).toContain("build");
          // The deployments of the PR's commit, with their latest status.
          const deployments = await page.locator("#environments").textContent();
          expect(deployments).toMatch(/staging\s*success/);
          expect(deployments).toMatch(/production\s*pending/);
          expect(await text(page, `#deployment-${w.deployments[0]!.id}`)).toContain(
            "Tollgate outcome: deployed <b>staging</b>",
          );
        }),
      TIMEOUT,
    );

    test(
      "a comment's html_url (the log_url of an approval) opens the PR page at that comment",
      () =>
        withPage(async (page, w) => {
          await page.goto(w.approvalLogUrl);
          const id = new URL(w.approvalLogUrl).hash.slice(1);
          const comment = page.locator(`#${id}`);
          expect(await comment.locator(".markdown").textContent()).toBe("/approve production");
          expect(await comment.isVisible()).toBe(true);
          const box = await comment.boundingBox();
          expect(box?.y ?? -1).toBeGreaterThanOrEqual(0);
          expect(box?.y ?? Infinity).toBeLessThan(page.viewportSize()!.height);
          // And a review's html_url lands on the review.
          await page.goto(w.review.html_url);
          expect(await page.locator(`#pullrequestreview-${w.review.id}`).isVisible()).toBe(true);
        }),
      TIMEOUT,
    );

    test(
      "the check run page renders the run's output from Markdown",
      () =>
        withPage(async (page, w) => {
          const run = w.checkRuns[1]!;
          expect((await page.goto(run.html_url))?.status()).toBe(200);
          expect(await text(page, "h2.title")).toBe(run.name);
          expect(await text(page, ".sub .badge")).toBe("action required");
          expect(await page.locator(".markdown table tbody tr").count()).toBe(3);
          expect(await page.locator(".markdown strong").first().textContent()).toBe("Waiting");
          expect(await page.locator(".markdown code").first().textContent()).toBe("awaiting_approval");
          expect(await page.locator(".markdown pre code").textContent()).toBe("change_type: standard");
          expect(await page.locator(".markdown ol li").allTextContents()).toEqual(["checklist", "approvals"]);
          expect(await page.locator('a[href="https://tollgate.example.com/explain"]').count()).toBe(1);
          // The other run on the commit is one click away.
          await page.click(`a[href$="/runs/${w.checkRuns[0]!.id}"]`);
          expect(await text(page, "h2.title")).toBe(w.checkRuns[0]!.name);
        }),
      TIMEOUT,
    );

    test(
      "the deployments page: each status's description, creator and log_url as a timeline",
      () =>
        withPage(async (page, w) => {
          expect((await page.goto(w.environmentUrl))?.status()).toBe(200);
          const production = w.deployments.find((d) => d.environment === "production")!;
          const box = page.locator(`#deployment-${production.id}`);
          const items = box.locator("ol.timeline > li");
          expect(await items.count()).toBe(production.statuses.length);
          for (const [k, status] of production.statuses.entries()) {
            const item = items.nth(k);
            expect(await item.getAttribute("id")).toBe(`deployment-status-${status.id}`);
            expect(await item.textContent()).toContain(status.description);
            expect(await item.locator(".user").textContent()).toContain("tollgate[bot]");
          }
          // log_urls: http(s) ones are links; the javascript: one is shown as text only.
          expect(await items.nth(1).locator("a", { hasText: w.approvalLogUrl }).getAttribute("href")).toBe(
            w.approvalLogUrl,
          );
          expect(await items.nth(2).locator("code").textContent()).toBe(EVIL.logUrl);
          expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
          // Filtered to production: staging's deployment is not in the log, but the environment is listed.
          expect(await page.locator(`#deployment-${w.deployments[0]!.id}`).count()).toBe(0);
          expect(await text(page, ".box")).toMatch(/staging\s*active: deployment/);
          // Following the approval's log_url leads back to the comment on the PR.
          await items.nth(1).locator("a", { hasText: w.approvalLogUrl }).click();
          expect(page.url()).toBe(w.approvalLogUrl);
        }),
      TIMEOUT,
    );

    test(
      "injected markup in the title, body, comment, label, branch and a description is text; nothing runs",
      () =>
        withPage(
          async (page, w) => {
            const pages = [
              w.pr.html_url,
              w.checkRuns[1]!.html_url,
              w.environmentUrl,
              `${w.world.sandbox.url}/acme/shop`,
            ];
            for (const url of pages) {
              await page.goto(url);
              // A string, evaluated in the page: the test's TypeScript has no DOM types.
              const found = await page.evaluate(`({
                pwned: window.__pwned,
                scripts: document.querySelectorAll("script").length,
                images: document.querySelectorAll("img").length,
                handlers: [...document.querySelectorAll("*")].flatMap((el) =>
                  el.getAttributeNames().filter((n) => n.startsWith("on")).map((n) => el.tagName + " " + n),
                ),
                scriptLinks: [...document.querySelectorAll("a")].filter((a) =>
                  /^\\s*javascript:/i.test(a.getAttribute("href") ?? ""),
                ).length,
              })`);
              expect({ url, ...(found as object) }).toEqual({
                url,
                pwned: undefined,
                scripts: 0,
                images: 0,
                handlers: [],
                scriptLinks: 0,
              });
            }
            await page.goto(w.pr.html_url);
            const body = (await page.locator("body").textContent()) ?? "";
            for (const shown of [
              EVIL.title,
              EVIL.branch,
              EVIL.label,
              `<script>window.__pwned = "body"</script>`,
              `<img src=x onerror="window.__pwned='body-img'">`,
              `<script>window.__pwned = "comment"</script><b onmouseover="window.__pwned='b'">bold?</b>`,
              `Tollgate <script>window.__pwned="description"</script>`,
            ])
              expect(body).toContain(shown);
            // The javascript: links keep their text, without a link.
            expect(await page.locator("a", { hasText: "a harmless link" }).count()).toBe(0);
            expect(body).toContain("a harmless link");
            expect(await page.locator("a", { hasText: "click me" }).count()).toBe(0);
            // An image is a link to its URL, never fetched.
            expect(await page.locator('a[href="https://example.com/pixel.png"]').textContent()).toBe("pixel");
          },
          { bypassCSP: true },
        ),
      TIMEOUT,
    );

    test(
      "a page requests nothing but itself",
      () =>
        withPage(async (page, w) => {
          const requested: string[] = [];
          page.on("request", (request) => requested.push(request.url()));
          const urls = [
            w.pr.html_url,
            w.comment.html_url,
            w.checkRuns[0]!.html_url,
            w.environmentUrl,
            ...w.htmlUrls.filter((u) => /\/(actions\/runs|commit|blob)\//.test(u)),
            `${w.world.sandbox.url}/acme/shop`,
            `${w.world.sandbox.url}/`,
          ];
          for (const url of urls) {
            await page.goto("about:blank");
            requested.length = 0;
            const response = await page.goto(url);
            expect({ url, status: response?.status() }).toEqual({ url, status: 200 });
            await page.waitForLoadState("networkidle");
            const self = url.split("#")[0]!;
            expect({ url, requested }).toEqual({ url, requested: [self] });
          }
        }),
      TIMEOUT,
    );
  });
}
