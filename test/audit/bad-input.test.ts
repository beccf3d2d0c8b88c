/** Bad input never crashes the audit: usage and access errors exit 2 with a clear message; odd data is a finding. */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { auditCommand, graphqlUrlFor, parseDate } from "../../src/cli/audit.js";
import { Seeder } from "./seed.js";

let sb: Sandbox;
let seeder: Seeder;
let dir: string;

async function audit(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await auditCommand(
    args,
    { out: (s) => out.push(s), err: (s) => err.push(s), readFile: (p) => readFile(p, "utf8") },
    { GITHUB_TOKEN: seeder.tokens["alice"], GITHUB_API_URL: sb.apiUrl, ...env },
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

beforeAll(async () => {
  sb = await startSandbox();
  seeder = new Seeder(sb, "alice/secret");
  await seeder.users(["alice", "eve"]);
  await seeder.repository("alice", [], true);
  // A deployment another tool made, with a payload that only looks like Tollgate's.
  const main = await sb.client.rest<{ object: { sha: string } }>(
    "GET",
    "/repos/alice/secret/git/ref/heads/main",
    undefined,
    seeder.tokens["alice"],
  );
  await sb.client.rest(
    "POST",
    "/repos/alice/secret/deployments",
    {
      ref: main.object.sha,
      environment: "production",
      payload: { tollgate: { version: 2, who: "?" } },
      auto_merge: false,
      required_contexts: [],
    },
    seeder.tokens["alice"],
  );
  dir = await mkdtemp(join(tmpdir(), "tollgate-audit-bad-"));
});
afterAll(async () => {
  await sb.close();
  await rm(dir, { recursive: true, force: true });
});

describe("usage and access errors exit 2", () => {
  test.each([
    [["--since", "2025-03-01"], "--repo OWNER/REPO is required"],
    [["--repo", "not a repo"], '--repo must be OWNER/REPO, got "not a repo"'],
    [["--repo", "alice/secret", "--format", "pdf"], '--format must be md, json, csv or html, got "pdf"'],
    [["--repo", "alice/secret", "--since", "yesterday"], '--since "yesterday" is not a date'],
    [["--repo", "alice/secret", "--until", "2025-02-30"], '--until "2025-02-30" is not a date'],
    [
      ["--repo", "alice/secret", "--since", "2025-03-02", "--until", "2025-03-01"],
      "--since must be before --until",
    ],
    [["--repo", "alice/secret", "--stale-after", "soon"], '--stale-after "soon" is not a duration'],
    [["--repo", "alice/secret", "--bogus"], "Unknown option '--bogus'"],
    [
      ["--repo", "alice/secret", "--policy", "/nonexistent/tollgate.yml"],
      "cannot read /nonexistent/tollgate.yml: no such file",
    ],
  ])("%j", async (args, message) => {
    const { code, err, out } = await audit(args);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain("Usage: tollgate audit");
    expect(out).toBe("");
  });

  test("no token", async () => {
    const { code, err } = await audit(["--repo", "alice/secret"], { GITHUB_TOKEN: undefined });
    expect(code).toBe(2);
    expect(err).toContain("set GITHUB_TOKEN");
  });

  test("an unknown repository", async () => {
    const { code, err } = await audit(["--repo", "alice/nope"]);
    expect(code).toBe(2);
    expect(err).toBe("tollgate audit: repository alice/nope not found, or the token cannot see it");
  });

  test("a token without access to a private repository sees the same as for an unknown one", async () => {
    const { code, err } = await audit(["--repo", "alice/secret"], { GITHUB_TOKEN: seeder.tokens["eve"] });
    expect(code).toBe(2);
    expect(err).toBe("tollgate audit: repository alice/secret not found, or the token cannot see it");
  });

  test("a token GitHub rejects", async () => {
    const { code, err } = await audit(["--repo", "alice/secret"], { GITHUB_TOKEN: "ghp_not_a_token" });
    expect(code).toBe(2);
    expect(err).toMatch(/^tollgate audit: GitHub rejected the token \(401: .*\); check GITHUB_TOKEN$/);
  });

  test("an API that cannot be reached", async () => {
    const { code, err } = await audit(["--repo", "alice/secret"], {
      GITHUB_API_URL: "http://127.0.0.1:9/api/v3",
    });
    expect(code).toBe(2);
    expect(err).toContain("cannot reach http://127.0.0.1:9/api/graphql");
  });

  test("a --compare file that is not an audit report", async () => {
    const file = join(dir, "not-a-report.json");
    await writeFile(file, JSON.stringify({ version: 1, records: "no" }));
    const { code, err } = await audit(["--repo", "alice/secret", "--compare", file]);
    expect(code).toBe(2);
    expect(err).toContain("not a tollgate audit JSON report");
    await writeFile(file, "{");
    expect((await audit(["--repo", "alice/secret", "--compare", file])).err).toContain("not JSON");
  });

  test("an --out path that cannot be written", async () => {
    const { code, err } = await audit(["--repo", "alice/secret", "--out", join(dir, "missing", "x.md")]);
    expect(code).toBe(2);
    expect(err).toContain("cannot write");
  });
});

describe("odd data becomes findings and notes", () => {
  test("a payload that is not Tollgate's, and no policy on the default branch", async () => {
    const { code, out } = await audit(["--repo", "alice/secret", "--format", "json"]);
    expect(code).toBe(1);
    const report = JSON.parse(out) as {
      findings: { code: string }[];
      notes: string[];
      records: { tollgate: boolean }[];
    };
    expect(report.records).toHaveLength(1);
    expect(report.records[0]!.tollgate).toBe(false);
    expect(report.findings.map((f) => f.code).sort()).toEqual(["foreign_payload"]);
    expect(report.notes.join("\n")).toContain("no policy at alice/secret@HEAD:.github/tollgate.yml");
  });

  test("an invalid --policy is a note, not a crash", async () => {
    const file = join(dir, "bad.yml");
    await writeFile(file, "version: 2\n");
    const { code, out } = await audit(["--repo", "alice/secret", "--format", "json", "--policy", file]);
    expect(code).toBe(1);
    expect((JSON.parse(out) as { notes: string[] }).notes.join("\n")).toContain(
      `the policy at ${file} is invalid`,
    );
  });
});

describe("parsing helpers", () => {
  test("dates are strict", () => {
    expect(parseDate("2025-03-01")?.toISOString()).toBe("2025-03-01T00:00:00.000Z");
    expect(parseDate("2025-03-01T12:30:00+02:00")?.toISOString()).toBe("2025-03-01T10:30:00.000Z");
    expect(parseDate("2025-13-01")).toBeUndefined();
    expect(parseDate("March 3")).toBeUndefined();
  });
  test("GraphQL lives next to REST, GHES style", () => {
    expect(graphqlUrlFor("https://api.github.com")).toBe("https://api.github.com/graphql");
    expect(graphqlUrlFor("https://ghe.example/api/v3/")).toBe("https://ghe.example/api/graphql");
  });
});

describe("a deployment with more statuses than one GraphQL page", () => {
  test("is read in full over REST, within the request budget", async () => {
    const token = seeder.tokens["alice"]!;
    await sb.client.createRepo(token, "busy");
    const main = await sb.client.rest<{ object: { sha: string } }>(
      "GET",
      "/repos/alice/busy/git/ref/heads/main",
      undefined,
      token,
    );
    const d = await sb.client.rest<{ id: number }>(
      "POST",
      "/repos/alice/busy/deployments",
      { ref: main.object.sha, environment: "qa", auto_merge: false, required_contexts: [] },
      token,
    );
    // 105 statuses written into the sandbox's state directly (setup; the API path is the same for each).
    const deployment = sb.state.repo("alice", "busy")!.deployments.get(d.id)!;
    for (let i = 0; i < 105; i++)
      deployment.statuses.push({
        id: 900_000 + i,
        state: i === 104 ? "success" : "in_progress",
        creator: "alice",
        description: `step ${i}`,
        environment: "qa",
        target_url: "",
        log_url: "",
        environment_url: "",
        created_at: new Date(Date.now() - (105 - i) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        updated_at: "",
        appId: null,
      });
    await sb.client.control("DELETE", "/requests");
    const { out } = await audit(["--repo", "alice/busy", "--format", "json"]);
    const report = JSON.parse(out) as {
      requests: number;
      records: { statusCount: number; outcome: string }[];
      findings: { code: string }[];
    };
    expect(report.records[0]).toMatchObject({ statusCount: 105, outcome: "success" });
    expect(report.findings.map((f) => f.code)).not.toContain("statuses_truncated");
    // One GraphQL page, then REST pages of 100 and 5: 3 ≤ ⌈1/100⌉ + 10.
    expect(report.requests).toBe(3);
    expect(
      sb
        .requests()
        .filter((r) => !r.path.startsWith("/_sandbox"))
        .map((r) => r.method),
    ).toEqual(["POST", "GET", "GET"]);
  });
});
