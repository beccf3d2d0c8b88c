/**
 * The smallest world the built Action (`node dist/index.js`) can deploy in, for benchmarks (bench/ may
 * not import the tests' fuller test/support/world.ts): a sandbox, an organization repository holding the
 * policy, and GitHub's workflow token (an installation of a "github-actions" App). Each run gets its own
 * commit, inputs as INPUT_* variables and the run's context as GITHUB_* variables, as a runner gives them.
 */
import { spawn } from "node:child_process";
import { createSign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";

const ORG = "acme";
const REPO = "shop";
const FULL = `${ORG}/${REPO}`;

export interface DistRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
}

export interface ActionWorld {
  /** A new commit on main (the policy unchanged); its SHA. */
  commit(): Promise<string>;
  /** `node dist/index.js` deploying `sha` to `environment`. */
  deploy(environment: string, sha: string, runId: number): Promise<DistRun>;
  close(): Promise<void>;
}

function appJwt(app: { id: number; pem: string }): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ iat: now - 30, exp: now + 540, iss: app.id })}`;
  return `${head}.${createSign("RSA-SHA256").update(head).sign(app.pem, "base64url")}`;
}

/** The built Action in `mode: deploy`, as a workflow job would run it; its exit code, log and outputs. */
async function runDeploy(
  dist: string,
  run: { sandbox: Sandbox; token: string; environment: string; sha: string; runId: number },
): Promise<{ code: number | null; stdout: string; outputs: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-action-"));
  const event = join(dir, "event.json");
  writeFileSync(
    event,
    JSON.stringify({ ref: "refs/heads/main", after: run.sha, repository: { full_name: FULL } }),
  );
  for (const file of ["output", "summary"]) writeFileSync(join(dir, file), "");
  const child = spawn(process.execPath, [dist], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? dir,
      "INPUT_GITHUB-TOKEN": run.token,
      INPUT_ENVIRONMENT: run.environment,
      INPUT_MODE: "deploy",
      GITHUB_ACTIONS: "true",
      GITHUB_API_URL: run.sandbox.url,
      GITHUB_GRAPHQL_URL: `${run.sandbox.url}/api/graphql`,
      GITHUB_SERVER_URL: "https://github.example.test",
      GITHUB_REPOSITORY: FULL,
      GITHUB_SHA: run.sha,
      GITHUB_REF: "refs/heads/main",
      GITHUB_ACTOR: "owner",
      GITHUB_RUN_ID: String(run.runId),
      GITHUB_RUN_NUMBER: "1",
      GITHUB_EVENT_NAME: "push",
      GITHUB_EVENT_PATH: event,
      GITHUB_WORKFLOW: "deploy",
      GITHUB_OUTPUT: join(dir, "output"),
      GITHUB_STEP_SUMMARY: join(dir, "summary"),
      RUNNER_TEMP: dir,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const outputs: Record<string, string> = {};
  const text = readFileSync(join(dir, "output"), "utf8");
  for (const m of text.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  rmSync(dir, { recursive: true, force: true });
  return { code, stdout, outputs };
}

export async function startActionWorld(policy: string, dist = join(process.cwd(), "dist", "index.js")) {
  const sandbox: Sandbox = await startSandbox();
  const client = sandbox.client;
  const owner = await client.createUser("owner", "owner@example.com");
  await client.createOrg(ORG, "owner");
  await client.createRepo(owner.token, REPO, { org: ORG });
  await client.putFile(owner.token, FULL, ".github/tollgate.yml", policy, { message: "Add the policy" });
  const app = await client.control<{ id: number; pem: string }>("POST", "/apps", {
    name: "GitHub Actions",
    slug: "github-actions",
    permissions: {
      contents: "write",
      deployments: "write",
      pull_requests: "read",
      statuses: "read",
      metadata: "read",
    },
    events: [],
  });
  const installation = await client.installApp(app.id, ORG);
  const res = await fetch(`${sandbox.apiUrl}/app/installations/${installation.id}/access_tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${appJwt(app)}`, accept: "application/vnd.github+json" },
  });
  const token = ((await res.json()) as { token: string }).token;
  let commits = 0;

  const world: ActionWorld = {
    async commit() {
      const put = await client.putFile(owner.token, FULL, `src/change-${++commits}.ts`, "export {};\n", {
        message: `Change ${commits}`,
      });
      return put.commit.sha;
    },
    deploy: (environment, sha, runId) => runDeploy(dist, { sandbox, token, environment, sha, runId }),
    close: () => sandbox.close(),
  };
  return world;
}
