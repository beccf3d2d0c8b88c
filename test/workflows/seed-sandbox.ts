/**
 * Seeds a running sandbox (`tollgate sandbox --port 3000`) for the CI smoke test of `uses: ./`: the
 * repository named like the real one, its policy, a merged PR, staging deployed two hours ago, and the
 * workflow token's App. Writes `sha` and `token` to $GITHUB_OUTPUT (stdout without it).
 * Usage: tsx test/workflows/seed-sandbox.ts SANDBOX_URL OWNER/REPO
 */
import { appendFileSync } from "node:fs";
import { Octokit } from "@octokit/rest";
import { SandboxClient } from "../../sandbox/client.js";
import { appJwt } from "../../sandbox/seed/index.js";

export const SMOKE_POLICY = `version: 1
checklist:
  rollback-plan: { pr_section: Rollback plan }
strategies:
  direct: { type: direct, run: "echo deploying $TOLLGATE_SHA" }
environments:
  staging: { approval: automatic, strategies: [direct], checklist: [rollback-plan] }
`;

export async function seedSandbox(url: string, repository: string): Promise<{ sha: string; token: string }> {
  const [org, repo] = repository.split("/") as [string, string];
  const { admin_token } = await new SandboxClient(url, "").control<{ admin_token: string }>("GET", "/");
  const client = new SandboxClient(url, admin_token);
  const owner = await client.createUser("smoke-owner");
  const dev = await client.createUser("smoke-dev");
  await client.createOrg(org, owner.login);
  await client.createRepo(owner.token, repo, { org });
  const invitation = await client.rest<{ id?: number } | undefined>(
    "PUT",
    `/repos/${repository}/collaborators/${dev.login}`,
    { permission: "push" },
    owner.token,
  );
  if (invitation?.id !== undefined)
    await client.rest("PATCH", `/user/repository_invitations/${invitation.id}`, {}, dev.token);
  await client.putFile(owner.token, repository, ".github/tollgate.yml", SMOKE_POLICY);
  await client.createBranch(owner.token, repository, "change", "main");
  await client.putFile(dev.token, repository, "src/change.ts", "export {};\n", { branch: "change" });
  const pr = await client.rest<{ number: number }>(
    "POST",
    `/repos/${repository}/pulls`,
    { title: "Change", body: "## Rollback plan\nRevert.", head: "change", base: "main" },
    dev.token,
  );
  const merged = await client.rest<{ sha: string }>(
    "PUT",
    `/repos/${repository}/pulls/${pr.number}/merge`,
    {},
    owner.token,
  );

  const app = await client.control<{ id: number; pem: string }>("POST", "/apps", {
    name: "GitHub Actions",
    slug: "github-actions",
    permissions: {
      // GitHub's workflow token may write contents (the environment lock is a ref) unless the workflow
      // narrows it with \`permissions:\`.
      contents: "write",
      deployments: "write",
      pull_requests: "read",
      checks: "read",
      statuses: "read",
      metadata: "read",
    },
    events: [],
  });
  const installation = await client.installApp(app.id, org);
  const jwt = new Octokit({ auth: appJwt(app), baseUrl: `${url}/api/v3` });
  const { data } = await jwt.request("POST /app/installations/{installation_id}/access_tokens", {
    installation_id: installation.id,
  });
  return { sha: merged.sha, token: data.token };
}

if (process.argv[1]?.endsWith("seed-sandbox.ts")) {
  const [url, repository] = process.argv.slice(2);
  if (!url || !repository) throw new Error("usage: seed-sandbox.ts SANDBOX_URL OWNER/REPO");
  const { sha, token } = await seedSandbox(url, repository);
  console.log(`::add-mask::${token}`);
  const lines = `sha=${sha}\ntoken=${token}\n`;
  if (process.env["GITHUB_OUTPUT"]) appendFileSync(process.env["GITHUB_OUTPUT"], lines);
  else process.stdout.write(lines);
}
