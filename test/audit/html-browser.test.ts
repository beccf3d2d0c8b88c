/**
 * The HTML report in a real headless Chromium (Debian's /usr/bin/chromium through playwright-core):
 * the charts are drawn with sizes > 0, and clicking a column header sorts the records table. The page
 * is opened from a file with the network blocked, so anything it tried to fetch would fail the test.
 * docs/audit-report.png is written when missing or with TOLLGATE_WRITE_SCREENSHOT=1.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile, copyFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { httpClient } from "../../src/github/audit-client.js";
import { renderHtml } from "../../src/audit/html.js";
import { runAudit } from "../../src/audit/run.js";
import { REPO, SINCE, UNTIL, seedHistory } from "./history.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

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
let sb: Sandbox;
let browser: Browser;
let page: Page;
let dir: string;
const outsideRequests: string[] = [];

beforeAll(async () => {
  sb = await startSandbox();
  const history = await seedHistory(sb);
  const client = httpClient({
    apiUrl: sb.apiUrl,
    graphqlUrl: sb.graphqlUrl,
    token: history.tokens["alice"]!,
  });
  const [owner, name] = REPO.split("/") as [string, string];
  const report = await runAudit(client, {
    owner,
    name,
    since: new Date(`${SINCE}T00:00:00Z`),
    until: new Date(`${UNTIL}T00:00:00Z`),
    now: new Date("2025-03-17T09:00:00Z"),
  });
  dir = await mkdtemp(join(tmpdir(), "tollgate-audit-html-"));
  await writeFile(join(dir, "report.html"), renderHtml(report));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file://")) return route.continue();
    outsideRequests.push(url);
    return route.abort();
  });
  await page.goto(`file://${join(dir, "report.html")}`);
}, PROCESS_TEST_MS);

afterAll(async () => {
  await browser?.close();
  await sb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("charts are drawn: bars and points with sizes > 0", async () => {
  const bars = await page.$$eval("svg.chart rect.bar", (els) =>
    els.map((el) => {
      const box = el.getBoundingClientRect();
      return { w: box.width, h: box.height, outcome: el.getAttribute("data-outcome") };
    }),
  );
  expect(bars.length).toBeGreaterThan(0);
  for (const bar of bars) {
    expect(bar.w).toBeGreaterThan(0);
    expect(bar.h).toBeGreaterThan(0);
  }
  // Every outcome of the history appears in the charts (failure since the tampering case O in qa,
  // whose verified success the workflow token's failure overturned).
  expect(new Set(bars.map((b) => b.outcome))).toEqual(
    new Set(["success", "failure", "rolled_back", "in_progress", "rejected"]),
  );
  const points = await page.$$eval("svg.chart circle.point", (els) =>
    els.map((el) => {
      const box = el.getBoundingClientRect();
      return { w: box.width, h: box.height, series: el.getAttribute("data-series") };
    }),
  );
  expect(points.some((p) => p.series === "lead time")).toBe(true);
  expect(points.some((p) => p.series === "recovery time")).toBe(true);
  for (const p of points) expect(p.w * p.h).toBeGreaterThan(0);
  const svgs = await page.$$eval("svg.chart", (els) => els.map((el) => el.getBoundingClientRect().width));
  // production and staging, and the tampering cases' production-eu and qa: outcomes, and times.
  expect(svgs.length).toBe(8);
  expect(outsideRequests).toEqual([]);
});

test("clicking a column header sorts the records table, and clicking again reverses it", async () => {
  const column = async (index: number) =>
    page.$$eval(`#records tbody tr td:nth-child(${index})`, (cells) =>
      cells.map((c) => c.getAttribute("data-sort") ?? ""),
    );
  const leadIndex = 10;
  const before = (await column(leadIndex)).map(Number);
  await page.click("#records th:nth-child(10)");
  const ascending = (await column(leadIndex)).map(Number);
  expect(ascending).toEqual([...before].sort((a, b) => a - b));
  expect(ascending).not.toEqual(before);
  await page.click("#records th:nth-child(10)");
  expect((await column(leadIndex)).map(Number)).toEqual([...before].sort((a, b) => b - a));
  expect(await page.getAttribute("#records th:nth-child(10)", "aria-sort")).toBe("descending");
  await page.click("#records th:nth-child(9)");
  const outcomes = await column(9);
  expect(outcomes).toEqual([...outcomes].sort((a, b) => a.localeCompare(b)));
});

test("a screenshot of the report", async () => {
  await page.click("#records th:nth-child(1)");
  const shot = join(dir, "audit-report.png");
  await page.screenshot({ path: shot, fullPage: true });
  expect((await stat(shot)).size).toBeGreaterThan(20_000);
  const target = join(process.cwd(), "docs", "audit-report.png");
  if (process.env["TOLLGATE_WRITE_SCREENSHOT"] === "1" || !existsSync(target)) await copyFile(shot, target);
});
