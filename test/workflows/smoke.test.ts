/**
 * The CI smoke job, offline: a sandbox seeded by test/workflows/seed-sandbox.ts, then the built Action
 * with the step's environment (GITHUB_API_URL overridden, `ref` and `github-token` from the seed).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { parseOutputs } from "../../scripts/worlds/action-run.js";
import { seedSandbox } from "./seed-sandbox.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, strict: true });
});
afterAll(() => sandbox.close());

test("uses: ./ deploys staging on the seeded sandbox, as the CI smoke job does", async () => {
  const { sha, token } = await seedSandbox(sandbox.url, "tollgate-dev/tollgate");
  const dir = mkdtempSync(join(tmpdir(), "tollgate-smoke-"));
  for (const file of ["output", "summary", "event.json"]) writeFileSync(join(dir, file), "{}");
  writeFileSync(join(dir, "output"), "");
  // Asynchronously: the sandbox answers from this very process.
  const child = spawn(process.execPath, ["dist/index.js"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      PATH: process.env["PATH"] ?? "",
      GITHUB_API_URL: sandbox.url,
      GITHUB_GRAPHQL_URL: `${sandbox.url}/api/graphql`,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "tollgate-dev/tollgate",
      GITHUB_SHA: "f".repeat(40),
      GITHUB_ACTOR: "smoke-owner",
      GITHUB_RUN_ID: "1",
      GITHUB_EVENT_NAME: "push",
      GITHUB_EVENT_PATH: join(dir, "event.json"),
      GITHUB_OUTPUT: join(dir, "output"),
      GITHUB_STEP_SUMMARY: join(dir, "summary"),
      INPUT_ENVIRONMENT: "staging",
      INPUT_MODE: "deploy",
      INPUT_REF: sha,
      "INPUT_GITHUB-TOKEN": token,
    },
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise((resolve) => child.on("close", resolve));
  expect(code === 0 ? 0 : stdout).toBe(0);
  expect(parseOutputs(readFileSync(join(dir, "output"), "utf8"))).toMatchObject({
    decision: "allowed",
    status: "success",
  });
});
