/**
 * `npm run demo -- --fast` as a person runs it: a child process that must exit 0, narrate
 * every act of the story in order (steps.ts), show what each act is about, write the audit's HTML
 * report, and leave nothing listening behind it.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { STEPS, stepHeader, type Step } from "../../scripts/demo/steps.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const dir = mkdtempSync(join(tmpdir(), "tollgate-demo-test-"));
const html = join(dir, "audit.html");
let code: number | null;
let out: string;
let err: string;

beforeAll(async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts", "--fast", "--out", html], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  out = "";
  err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  code = await new Promise<number | null>((resolve) => child.on("close", resolve));
}, PROCESS_TEST_MS);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The narration of one act: from its header to the next one. */
function act(step: Step): string {
  const from = out.indexOf(stepHeader(step));
  const next = STEPS[STEPS.indexOf(step) + 1];
  return out.slice(from, next ? out.indexOf(stepHeader(next)) : undefined);
}

test("exits 0", () => {
  expect(code === 0 ? 0 : `exit ${code}\n${out}\n${err}`).toBe(0);
});

test("narrates every act, in order", () => {
  const positions = STEPS.map((step) => out.indexOf(stepHeader(step)));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
});

test("each act shows what happened, with the links and ids a person would click", () => {
  const url = /http:\/\/127\.0\.0\.1:\d+/.source;
  expect(act("A repository with a policy")).toMatch(new RegExp(`↗ repository: ${url}/acme/shop`));
  expect(act("A repository with a policy")).toContain("approvals:");
  expect(act("A pull request and its readiness check runs")).toMatch(
    new RegExp(
      `⏳ "Tollgate · production": action_required[\\s\\S]*↗ check run \\d+: ${url}/acme/shop/runs/\\d+`,
    ),
  );
  expect(act("CI passes: the check runs turn")).toContain('✅ "Tollgate · staging": success');
  expect(act("/approve from someone who is not an approver")).toMatch(
    /reacts 👎[\s\S]*not an approver for production/,
  );
  expect(act("An admin approves: /approve production")).toMatch(
    new RegExp(
      `Tollgate: approved by @alice: 1/2[\\s\\S]*↗ log_url: ${url}/acme/shop/pull/1#issuecomment-\\d+`,
    ),
  );
  expect(act("The merge")).toMatch(new RegExp(`↗ workflow run: ${url}/acme/shop/actions/runs/\\d+`));
  expect(act("Staging, deployed automatically")).toContain("decision allowed, status success");
  expect(act("Production, gated: awaiting approval")).toMatch(
    /\/_sandbox\/timestamps[\s\S]*error: Awaiting approval/,
  );
  expect(act("Production, gated: awaiting approval")).toContain("reason awaiting_approval");
  expect(act("Production, gated: awaiting approval")).toContain("production is waiting for approval");
  expect(act("The second approval: the App re-runs the failed job")).toMatch(
    /approved by @bob[^\n]*[\s\S]*rerun-failed-jobs → 201 \(as tollgate\[bot\]\)[\s\S]*attempt 2/,
  );
  expect(act("A canary rollout with real traffic")).toContain("traffic: 5 % to");
  expect(act("A fault at 25 %")).toMatch(/error rate up to 20 %[\s\S]*traffic: 25 % to/);
  expect(act("A fault at 25 %")).toMatch(/rolled back at canary 25 %: canary error rate [\d.]+ % > 5 %/);
  expect(act("Caught by the analysis: the automatic rollback")).toContain("rolled-back true");
  expect(act("The fault cleared: the re-run canary reaches 100 %")).toContain("traffic: 100 % to");
  expect(act("/rollback production")).toMatch(
    new RegExp(
      `dispatches \\.github/workflows/rollback\\.yml[\\s\\S]*mode: rollback[\\s\\S]*rolled-back true`,
    ),
  );
  expect(act("The audit of the resulting history")).toMatch(/runAudit read \d+ deployments[\s\S]*## Records/);
  expect(act("The audit of the resulting history")).toContain(`HTML report: ${html}`);
});

test("writes the audit's HTML report where it said", () => {
  expect(existsSync(html)).toBe(true);
  expect(readFileSync(html, "utf8")).toContain("<h1>Tollgate audit: acme/shop</h1>");
});

test("leaves nothing listening: the sandbox, the App and the service are closed", async () => {
  const urls = [...new Set(out.match(/http:\/\/127\.0\.0\.1:\d+/g) ?? [])];
  expect(urls.length).toBeGreaterThanOrEqual(2);
  for (const url of urls) await expect(fetch(url)).rejects.toThrow();
});

test("never prints a token", () => {
  expect(out + err).not.toMatch(/gh[sp]_[A-Za-z0-9]{20,}/);
});
