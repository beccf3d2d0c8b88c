/**
 * `npm run demo -- --fast --keep`: after the story the sandbox keeps running (and only the sandbox: the
 * process listens on one port), printing the pull request page's URL; that page and the deployments
 * page show the story, and every ↗ link the story printed opens a page; Ctrl-C (SIGINT) stops it with
 * exit code 0 and nothing is left listening.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";

const TIMEOUT = 90_000;
const dir = mkdtempSync(join(tmpdir(), "tollgate-demo-keep-"));
let child: ChildProcess;
let out = "";
let prUrl = "";

beforeAll(async () => {
  child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/demo.ts", "--fast", "--keep", "--out", join(dir, "audit.html")],
    { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let err = "";
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Press Ctrl-C to stop the sandbox.")) resolve();
    });
    child.once("exit", (code) =>
      reject(new Error(`the demo exited ${code} before keeping the sandbox:\n${out}\n${err}`)),
    );
  });
  prUrl = /↗ pull request: (\S+)/.exec(out)?.[1] ?? "";
}, TIMEOUT);

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** The TCP ports a process listens on (from `ss`, which Debian's iproute2 ships). */
function listening(pid: number): string[] {
  const lines = execFileSync("ss", ["-Hltnp"], { encoding: "utf8" }).split("\n");
  return lines.filter((l) => l.includes(`pid=${pid},`)).map((l) => l.split(/\s+/)[3] ?? "");
}

test(
  "keeps the sandbox, and only it, running after the story, and prints the pull request's page",
  async () => {
    expect(prUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/acme\/shop\/pull\/1$/);
    expect(out).toContain("The App, the service and the Action's processes are stopped");
    expect(listening(child.pid!)).toEqual([new URL(prUrl).host]);
    const page = await fetch(prUrl, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const shown of [
      "Faster checkout",
      "Tollgate · production",
      "Tollgate · staging",
      "/approve production",
    ])
      expect(html).toContain(shown);
    const deployments = await (await fetch(`${new URL(prUrl).origin}/acme/shop/deployments`)).text();
    expect(deployments).toContain("Tollgate outcome: ");
    expect(deployments).toContain("Tollgate: approved by @alice");
  },
  TIMEOUT,
);

test(
  "every ↗ link the story printed opens a page",
  async () => {
    const links = [...out.matchAll(/↗ [^:]+: (http\S+)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(10);
    for (const link of new Set(links)) {
      const res = await fetch(link, { headers: { accept: "text/html" } });
      expect({ link, status: res.status, type: res.headers.get("content-type") }).toEqual({
        link,
        status: 200,
        type: "text/html; charset=utf-8",
      });
      await res.arrayBuffer();
    }
  },
  TIMEOUT,
);

test(
  "Ctrl-C stops it with exit code 0",
  async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    await expect(fetch(prUrl)).rejects.toThrow();
  },
  TIMEOUT,
);
