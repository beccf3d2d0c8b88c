/**
 * The real Action, `node dist/index.js`, run the way a runner runs it: inputs as INPUT_* variables (taken
 * from the example workflow's `with:`), the run's context as GITHUB_* variables and an event file,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as files. Its log is streamed line by line as it runs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { load } from "js-yaml";

/** The repository's root: the policy's commands (scripts/demo/…) run from here, as from a checkout. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const DIST = join(ROOT, "dist", "index.js");

/** Children still running, so the demo can end them whatever happens. */
export const children = new Set<ChildProcess>();

export function killChildren(): void {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
}

interface WorkflowStep {
  uses?: string;
  with?: Record<string, string | number | boolean>;
}
interface Workflow {
  jobs: Record<string, { steps?: WorkflowStep[] }>;
}

/** The Tollgate step's `with:` of a job in a workflow file, `${{ inputs.x }}` filled from `inputs`. */
export function workflowInputs(
  path: string,
  job: string,
  inputs: Record<string, string> = {},
): Record<string, string> {
  const workflow = load(readFileSync(join(ROOT, path), "utf8")) as Workflow;
  const step = workflow.jobs[job]?.steps?.find((s) => /\/tollgate@/.test(s.uses ?? ""));
  if (!step?.with) throw new Error(`${path}: job ${job} has no Tollgate step`);
  return Object.fromEntries(
    Object.entries(step.with).map(([key, value]) => [
      key,
      String(value).replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, name: string) => inputs[name] ?? ""),
    ]),
  );
}

export interface ActionRunOptions {
  readonly apiUrl: string;
  readonly repository: string;
  readonly sha: string;
  readonly token: string;
  readonly inputs: Record<string, string>;
  readonly actor: string;
  readonly runId: number;
  readonly attempt: number;
  readonly event: "push" | "workflow_dispatch";
  readonly workflow: string;
  /** Extra environment for the policy's commands. */
  readonly env: Record<string, string>;
  readonly onLine: (line: string) => void;
}

export interface ActionResult {
  readonly code: number | null;
  readonly outputs: Record<string, string>;
  readonly log: string;
}

/** GitHub's `name<<DELIMITER\nvalue\nDELIMITER` output file format. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const match of text.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[match[1]!] = match[3]!;
  return outputs;
}

export async function runAction(options: ActionRunOptions): Promise<ActionResult> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-demo-"));
  try {
    const [owner, name] = options.repository.split("/") as [string, string];
    const repository = { name, full_name: options.repository, owner: { login: owner } };
    const payload =
      options.event === "push"
        ? { ref: "refs/heads/main", after: options.sha, repository, sender: { login: options.actor } }
        : { ref: "refs/heads/main", inputs: options.inputs, repository, sender: { login: options.actor } };
    writeFileSync(join(dir, "event.json"), JSON.stringify(payload));
    for (const file of ["output", "summary"]) writeFileSync(join(dir, file), "");
    const inputs = Object.fromEntries(
      Object.entries({ "github-token": options.token, ...options.inputs }).map(([k, v]) => [
        `INPUT_${k.toUpperCase()}`,
        v,
      ]),
    );
    const env = {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? dir,
      ...options.env,
      ...inputs,
      GITHUB_ACTIONS: "true",
      GITHUB_API_URL: options.apiUrl,
      GITHUB_GRAPHQL_URL: `${options.apiUrl}/api/graphql`,
      GITHUB_SERVER_URL: options.apiUrl,
      GITHUB_REPOSITORY: options.repository,
      GITHUB_SHA: options.sha,
      GITHUB_REF: "refs/heads/main",
      GITHUB_ACTOR: options.actor,
      GITHUB_RUN_ID: String(options.runId),
      GITHUB_RUN_ATTEMPT: String(options.attempt),
      GITHUB_RUN_NUMBER: String(options.runId),
      GITHUB_EVENT_NAME: options.event,
      GITHUB_EVENT_PATH: join(dir, "event.json"),
      GITHUB_WORKFLOW: options.workflow,
      GITHUB_OUTPUT: join(dir, "output"),
      GITHUB_STEP_SUMMARY: join(dir, "summary"),
      RUNNER_TEMP: dir,
    };
    const child = spawn(process.execPath, [DIST], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let log = "";
    let pending = "";
    const take = (chunk: Buffer) => {
      log += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) options.onLine(line);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
    children.delete(child);
    if (pending) options.onLine(pending);
    return { code, outputs: parseOutputs(readFileSync(join(dir, "output"), "utf8")), log };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
