/**
 * Running the built Action (`node dist/index.js`) against a sandbox world the way a runner does, for the
 * tests and the benchmarks: inputs as INPUT_* variables, the run's context as GITHUB_* variables and an
 * event file (a real payload from @octokit/webhooks-examples), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as files. The workflow token is an
 * installation token of a "github-actions" App, so its statuses come from `github-actions[bot]`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventDescription } from "../../src/records/format.js";
import { FULL, ORG, REPO, workflowTokens, type World } from "../../sandbox/seed/index.js";

export const DIST = join(process.cwd(), "dist", "index.js");

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as Example[];

/** A real webhook payload of `event` (the first example), for GITHUB_EVENT_PATH. */
export function examplePayload(event: string): Record<string, unknown> {
  const found = examples.find((e) => e.name === event)?.examples[0];
  if (!found) throw new Error(`no @octokit/webhooks-examples payload for ${event}`);
  return structuredClone(found);
}

/** Registers and installs the App GitHub's workflow token belongs to; returns a token acting as it. */
export async function workflowToken(world: World): Promise<string> {
  return (await workflowTokens(world.sandbox, ORG))();
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  result: Record<string, unknown>;
  ms: number;
}

export interface RunOptions {
  sha: string;
  token: string;
  inputs: Record<string, string>;
  actor?: string;
  runId?: number;
  event?: string;
  env?: Record<string, string>;
}

/** GitHub's `name<<DELIMITER\nvalue\nDELIMITER` output file format. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1]!] = match[3]!;
  return outputs;
}

export function actionEnv(
  world: Pick<World, "sandbox">,
  options: RunOptions,
  dir: string,
): Record<string, string> {
  const event = options.event ?? "push";
  const payload = examplePayload(event);
  if (event === "push") Object.assign(payload, { after: options.sha, ref: "refs/heads/main" });
  const eventPath = join(dir, "event.json");
  writeFileSync(eventPath, JSON.stringify(payload));
  for (const file of ["output", "summary"]) writeFileSync(join(dir, file), "");
  const inputs = Object.fromEntries(
    Object.entries({ "github-token": options.token, ...options.inputs }).map(([k, v]) => [
      `INPUT_${k.toUpperCase()}`,
      v,
    ]),
  );
  return {
    PATH: process.env["PATH"] ?? "",
    HOME: process.env["HOME"] ?? dir,
    ...inputs,
    GITHUB_ACTIONS: "true",
    GITHUB_API_URL: world.sandbox.url,
    GITHUB_GRAPHQL_URL: `${world.sandbox.url}/api/graphql`,
    GITHUB_SERVER_URL: "https://github.example.test",
    GITHUB_REPOSITORY: FULL,
    GITHUB_SHA: options.sha,
    GITHUB_REF: "refs/heads/main",
    GITHUB_ACTOR: options.actor ?? "owner",
    GITHUB_RUN_ID: String(options.runId ?? 4242),
    GITHUB_RUN_NUMBER: "7",
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKFLOW: "deploy",
    GITHUB_OUTPUT: join(dir, "output"),
    GITHUB_STEP_SUMMARY: join(dir, "summary"),
    RUNNER_TEMP: dir,
    ...options.env,
  };
}

export async function runAction(world: Pick<World, "sandbox">, options: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-action-"));
  const env = actionEnv(world, options, dir);
  const started = performance.now();
  const child = spawn(process.execPath, [DIST], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const outputs = parseOutputs(readFileSync(join(dir, "output"), "utf8"));
  return {
    code,
    stdout,
    stderr,
    outputs,
    summary: readFileSync(join(dir, "summary"), "utf8"),
    result: outputs["result"] ? (JSON.parse(outputs["result"]) as Record<string, unknown>) : {},
    ms: performance.now() - started,
  };
}

export interface RestStatus {
  state: string;
  description: string;
  log_url: string;
  environment_url: string;
  creator: { login: string };
  id: number;
}

/** The statuses of a deployment, oldest first. */
export async function statusesOf(world: World, deploymentId: number): Promise<RestStatus[]> {
  const owner = world.people["owner"]!.octokit;
  const { data } = await owner.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: FULL.split("/")[1]!,
    deployment_id: deploymentId,
    per_page: 100,
  });
  return (data as unknown as RestStatus[]).slice().reverse();
}

/**
 * The status the App writes once it has verified the workflow run behind a success
 * (app/handlers/attest-success.ts), for worlds that run the Action without the App: only it makes a
 * deployment's success count. test/security/insiders.test.ts has the real App do it.
 */
export async function verifiedByApp(world: World, deploymentId: number, environment: string): Promise<void> {
  const app = await world.installation();
  await app.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    owner: ORG,
    repo: REPO,
    deployment_id: deploymentId,
    state: "success",
    description: eventDescription("verified", `success in ${environment} by run 4242 (deploy.yml, push)`),
    environment,
    auto_inactive: false,
  });
}
