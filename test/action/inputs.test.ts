/**
 * Inputs → settings, with the real `@actions/github` context built from GITHUB_* variables and a
 * workflow_dispatch event file from @octokit/webhooks-examples, as a runner provides them.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, test } from "@jest/globals";
import { readSettings, type InputName, type RunContext } from "../../src/action/inputs.js";
import { examplePayload } from "../../scripts/worlds/action-run.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
let context: RunContext;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-inputs-"));
  const eventPath = join(dir, "event.json");
  writeFileSync(eventPath, JSON.stringify(examplePayload("workflow_dispatch")));
  Object.assign(process.env, {
    GITHUB_EVENT_NAME: "workflow_dispatch",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_SHA: SHA,
    GITHUB_ACTOR: "octocat",
    GITHUB_RUN_ID: "99",
    GITHUB_SERVER_URL: "https://ghes.example.com",
  });
  // The context is built when the module loads, from the variables above.
  const github = await import("@actions/github");
  const { context: c } = github;
  expect(c.payload).toMatchObject({ inputs: expect.any(Object) });
  context = { ...c.repo, sha: c.sha, actor: c.actor, runId: c.runId, serverUrl: c.serverUrl };
});

/** No input below is deprecated: any warning is a failure. */
const noWarning = (message: string) => {
  throw new Error(`unexpected warning: ${message}`);
};

const inputs =
  (given: Partial<Record<InputName, string>>) =>
  (name: InputName): string =>
    ({ environment: "production", "github-token": "ghs_x", ...given })[name] ?? "";

test("defaults: gate the workflow's SHA under .github/tollgate.yml, fail fast, tollgate[bot]", () => {
  expect(readSettings(inputs({}), context, noWarning)).toEqual({
    environment: "production",
    token: "ghs_x",
    policyPath: ".github/tollgate.yml",
    mode: "gate",
    owner: "acme",
    repo: "shop",
    sha: SHA,
    waitForApprovalMs: 0,
    dryRun: false,
    appBot: "tollgate[bot]",
    actor: "octocat",
    runUrl: "https://ghes.example.com/acme/shop/actions/runs/99",
  });
});

test("every input read and typed", () => {
  const settings = readSettings(
    inputs({
      mode: "deploy",
      ref: "A".repeat(40),
      strategy: "canary",
      "wait-for-approval": "1h30m",
      "dry-run": "TRUE",
      "app-bot": "gatekeeper[bot]",
      policy: "deploy/policy.yaml",
    }),
    context,
    noWarning,
  );
  expect(settings).toMatchObject({
    mode: "deploy",
    sha: "a".repeat(40),
    strategy: "canary",
    waitForApprovalMs: 5_400_000,
    dryRun: true,
    appBot: "gatekeeper[bot]",
    policyPath: "deploy/policy.yaml",
  });
});

test.each([
  [{ environment: "" }, "`environment` is required"],
  [{ mode: "ship" }, "`mode` must be one of gate, deploy, rollback, resume, abort, checkpoints, audit, wake"],
  [{ ref: "main" }, "`ref` must be a full 40-character commit SHA"],
  [{ "wait-for-approval": "ten minutes" }, "`wait-for-approval` must be a duration"],
  [{ "dry-run": "yes" }, "`dry-run` must be true or false"],
  [{ "app-bot": "not a login" }, "`app-bot` must be a GitHub login"],
  [{ policy: "/etc/passwd" }, "`policy` must be a repository-relative .yml/.yaml path"],
  [{ "github-token": "" }, "`github-token` is empty"],
] as const)("%j is refused with what to fix", (given, message) => {
  expect(() => readSettings(inputs(given), context, noWarning)).toThrow(message);
});

test("mode validate, the former name of checkpoints, reads as checkpoints with one warning naming the new name", () => {
  const warnings: string[] = [];
  const settings = readSettings(inputs({ mode: "validate" }), context, (m) => warnings.push(m));
  expect(settings).toEqual(readSettings(inputs({ mode: "checkpoints" }), context, noWarning));
  expect(settings.mode).toBe("checkpoints");
  expect(warnings).toEqual(["`mode: validate` is deprecated: use `mode: checkpoints`, which does the same."]);
});

test.each(["toString", "__proto__", "constructor"])(
  "mode %s is no deprecated name: refused like any unknown mode",
  (mode) => {
    expect(() => readSettings(inputs({ mode }), context, noWarning)).toThrow("`mode` must be one of");
  },
);
