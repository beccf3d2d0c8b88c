import type { Sandbox } from "../../sandbox/index.js";
import { appJwt } from "../../sandbox/seed/index.js";
import { ALL_EVENTS, APP_PERMISSIONS, Recorder, type World } from "./scenario.js";
import { protectionScenario } from "./scenario-protection.js";

type J = Record<string, unknown>;
const b64 = (s: string): string => Buffer.from(s).toString("base64");
const WORKFLOW =
  "name: Deploy\non:\n  workflow_dispatch:\n  push:\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - run: echo deploy\n";

/** Drives every REST operation the sandbox serves, the way GitHub's clients call them. */
export async function runScenario(sb: Sandbox, webhookUrl: string): Promise<World> {
  const rec = new Recorder(sb);
  const admin = sb.adminToken;
  const c = rec.call.bind(rec);
  const o = { owner: "acme", repo: "svc" };

  await c("GET /meta", {});
  await c("GET /", {});
  const users: Record<string, string> = {};
  for (const login of ["octo", "rev", "outsider", "promoted", "suspendme"]) {
    await c("POST /admin/users", {}, { body: { login, email: `${login}@example.test` }, token: admin });
    users[login] = (
      await c<{ token: string }>(
        "POST /admin/users/{username}/authorizations",
        { username: login },
        { body: { scopes: ["repo"] }, token: admin },
      )
    ).token;
  }
  const octo = { login: "octo", token: users["octo"] ?? "" };
  const rev = { login: "rev", token: users["rev"] ?? "" };
  await c("PUT /users/{username}/site_admin", { username: "promoted" }, { token: admin });
  await c("PUT /users/{username}/suspended", { username: "suspendme" }, { token: admin });
  await c("GET /rate_limit", {}, { token: octo.token });
  await c("GET /user", {}, { token: octo.token });
  await c("GET /users/{username}", { username: "rev" }, { token: octo.token });
  await c("POST /admin/organizations", {}, { body: { login: "acme", admin: "octo" }, token: admin });
  await c("GET /orgs/{org}", { org: "acme" }, { token: octo.token });
  await c(
    "PUT /orgs/{org}/memberships/{username}",
    { org: "acme", username: "rev" },
    { body: { role: "member" }, token: octo.token },
  );
  await c(
    "POST /orgs/{org}/teams",
    { org: "acme" },
    { body: { name: "Approvers", privacy: "closed" }, token: octo.token },
  );
  await c(
    "GET /orgs/{org}/teams/{team_slug}",
    { org: "acme", team_slug: "approvers" },
    { token: octo.token },
  );
  await c(
    "PUT /orgs/{org}/teams/{team_slug}/memberships/{username}",
    { org: "acme", team_slug: "approvers", username: "rev" },
    { body: { role: "member" }, token: octo.token },
  );
  await c(
    "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
    { org: "acme", team_slug: "approvers", username: "rev" },
    { token: octo.token },
  );
  await c(
    "GET /orgs/{org}/teams/{team_slug}/members",
    { org: "acme", team_slug: "approvers" },
    { token: octo.token },
  );
  await c(
    "POST /orgs/{org}/repos",
    { org: "acme" },
    { body: { name: "svc", auto_init: true }, token: octo.token },
  );
  await c(
    "PUT /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}",
    { org: "acme", team_slug: "approvers", ...o },
    { body: { permission: "push" }, token: octo.token },
  );
  await c(
    "POST /user/repos",
    {},
    { body: { name: "tmp", auto_init: true, private: true }, token: octo.token },
  );
  const inv = await c<{ id: number }>(
    "PUT /repos/{owner}/{repo}/collaborators/{username}",
    { owner: "octo", repo: "tmp", username: "outsider" },
    { body: { permission: "push" }, token: octo.token },
  );
  await c(
    "PATCH /user/repository_invitations/{invitation_id}",
    { invitation_id: inv.id },
    { token: users["outsider"] ?? "" },
  );
  await c(
    "GET /repos/{owner}/{repo}/collaborators/{username}",
    { owner: "octo", repo: "tmp", username: "outsider" },
    { token: octo.token },
  );
  const tmp = { owner: "octo", repo: "tmp" };
  await c("GET /repos/{owner}/{repo}/collaborators", tmp, { token: octo.token });
  const invRev = await c<{ id: number }>(
    "PUT /repos/{owner}/{repo}/collaborators/{username}",
    { ...tmp, username: "rev" },
    { body: { permission: "pull" }, token: octo.token },
  );
  await c("GET /repos/{owner}/{repo}/invitations", tmp, { token: octo.token });
  await c(
    "PATCH /repos/{owner}/{repo}/invitations/{invitation_id}",
    { ...tmp, invitation_id: invRev.id },
    { body: { permissions: "triage" }, token: octo.token },
  );
  await c("GET /user/repository_invitations", {}, { token: rev.token });
  await c(
    "DELETE /user/repository_invitations/{invitation_id}",
    { invitation_id: invRev.id },
    { token: rev.token },
  );
  const invPromoted = await c<{ id: number }>(
    "PUT /repos/{owner}/{repo}/collaborators/{username}",
    { ...tmp, username: "promoted" },
    { body: { permission: "push" }, token: octo.token },
  );
  await c(
    "DELETE /repos/{owner}/{repo}/invitations/{invitation_id}",
    { ...tmp, invitation_id: invPromoted.id },
    { token: octo.token },
  );
  await c(
    "DELETE /repos/{owner}/{repo}/collaborators/{username}",
    { ...tmp, username: "outsider" },
    { token: octo.token },
  );
  await c("PATCH /repos/{owner}/{repo}", tmp, {
    body: { name: "scratchpad", description: "Renamed" },
    token: octo.token,
  });
  await c("DELETE /repos/{owner}/{repo}", { owner: "octo", repo: "scratchpad" }, { token: octo.token });
  await c("GET /repos/{owner}/{repo}", o, { token: octo.token });
  await c(
    "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
    { ...o, username: "rev" },
    { token: octo.token },
  );

  // The App, installed on the org and on octo's account.
  const app = await sb.client.registerApp({
    name: "Contract Checker",
    webhook_url: webhookUrl,
    permissions: { ...APP_PERMISSIONS },
    events: ALL_EVENTS,
  });
  const installation = await sb.client.installApp(app.id, "acme");
  await sb.client.installApp(app.id, "octo");
  const jwt = appJwt(app);
  await c("GET /app", {}, { token: jwt });
  await c("GET /app/installations", {}, { token: jwt });
  await c("GET /app/installations/{installation_id}", { installation_id: installation.id }, { token: jwt });
  await c("GET /repos/{owner}/{repo}/installation", o, { token: jwt });
  await c("GET /orgs/{org}/installation", { org: "acme" }, { token: jwt });
  await c("GET /users/{username}/installation", { username: "octo" }, { token: jwt });
  const inst = (
    await c<{ token: string }>(
      "POST /app/installations/{installation_id}/access_tokens",
      { installation_id: installation.id },
      { body: {}, token: jwt },
    )
  ).token;
  await c("GET /installation/repositories", {}, { token: inst });

  // Contents and git data.
  const readme = await c<{ sha: string }>(
    "GET /repos/{owner}/{repo}/contents/{path}",
    { ...o, path: "README.md" },
    { token: octo.token },
  );
  await c(
    "PUT /repos/{owner}/{repo}/contents/{path}",
    { ...o, path: ".github/workflows/deploy.yml" },
    { body: { message: "Add workflow", content: b64(WORKFLOW) }, token: octo.token },
  );
  await c(
    "PUT /repos/{owner}/{repo}/contents/{path}",
    { ...o, path: "README.md" },
    { body: { message: "Docs", content: b64("# svc\n\nService.\n"), sha: readme.sha }, token: octo.token },
  );
  const main = (
    await c<{ object: { sha: string } }>(
      "GET /repos/{owner}/{repo}/git/ref/{ref}",
      { ...o, ref: "heads/main" },
      { token: octo.token },
    )
  ).object.sha;
  const blob = await c<{ sha: string }>("POST /repos/{owner}/{repo}/git/blobs", o, {
    body: { content: "export const a = 1;\n", encoding: "utf-8" },
    token: octo.token,
  });
  await c(
    "GET /repos/{owner}/{repo}/git/blobs/{file_sha}",
    { ...o, file_sha: blob.sha },
    { token: octo.token },
  );
  const mainCommit = await c<{ tree: { sha: string } }>(
    "GET /repos/{owner}/{repo}/git/commits/{commit_sha}",
    { ...o, commit_sha: main },
    { token: octo.token },
  );
  const tree = await c<{ sha: string }>("POST /repos/{owner}/{repo}/git/trees", o, {
    body: {
      base_tree: mainCommit.tree.sha,
      tree: [{ path: "src/a.ts", mode: "100644", type: "blob", sha: blob.sha }],
    },
    token: octo.token,
  });
  await c(
    "GET /repos/{owner}/{repo}/git/trees/{tree_sha}",
    { ...o, tree_sha: tree.sha },
    { query: { recursive: "1" }, token: octo.token },
  );
  const commit = await c<{ sha: string }>("POST /repos/{owner}/{repo}/git/commits", o, {
    body: { message: "Add a", tree: tree.sha, parents: [main] },
    token: octo.token,
  });
  await c("POST /repos/{owner}/{repo}/git/refs", o, {
    body: { ref: "refs/heads/feature", sha: commit.sha },
    token: octo.token,
  });
  await c("POST /repos/{owner}/{repo}/git/refs", o, {
    body: { ref: "refs/heads/scratch", sha: main },
    token: octo.token,
  });
  await c(
    "DELETE /repos/{owner}/{repo}/git/refs/{ref}",
    { ...o, ref: "heads/scratch" },
    { token: octo.token },
  );
  const matching = await c<{ ref: string }[]>(
    "GET /repos/{owner}/{repo}/git/matching-refs/{ref}",
    { ...o, ref: "heads/" },
    { token: octo.token },
  );
  if (
    !matching.some((r) => r.ref === "refs/heads/feature") ||
    matching.some((r) => r.ref === "refs/heads/scratch")
  )
    throw new Error(`matching-refs listed ${matching.map((r) => r.ref).join(", ")}`);
  const put = await c<{ content: { sha: string } }>(
    "PUT /repos/{owner}/{repo}/contents/{path}",
    { ...o, path: "tmp.txt" },
    { body: { message: "tmp", content: b64("x"), branch: "feature" }, token: octo.token },
  );
  await c(
    "DELETE /repos/{owner}/{repo}/contents/{path}",
    { ...o, path: "tmp.txt" },
    { body: { message: "rm tmp", sha: put.content.sha, branch: "feature" }, token: octo.token },
  );
  const head = (
    await c<{ object: { sha: string } }>(
      "GET /repos/{owner}/{repo}/git/ref/{ref}",
      { ...o, ref: "heads/feature" },
      { token: octo.token },
    )
  ).object.sha;
  const headCommit = await c<{ tree: { sha: string } }>(
    "GET /repos/{owner}/{repo}/git/commits/{commit_sha}",
    { ...o, commit_sha: head },
    { token: octo.token },
  );
  const next = await c<{ sha: string }>("POST /repos/{owner}/{repo}/git/commits", o, {
    body: { message: "Empty follow-up", tree: headCommit.tree.sha, parents: [head] },
    token: octo.token,
  });
  await c(
    "PATCH /repos/{owner}/{repo}/git/refs/{ref}",
    { ...o, ref: "heads/feature" },
    { body: { sha: next.sha }, token: octo.token },
  );
  await c("GET /repos/{owner}/{repo}/commits/{ref}", { ...o, ref: "main" }, { token: octo.token });
  await c("GET /repos/{owner}/{repo}/commits", o, {
    query: { sha: "main", per_page: "2" },
    token: octo.token,
  });
  await c("GET /repos/{owner}/{repo}/branches/{branch}", { ...o, branch: "main" }, { token: octo.token });

  // Pull request, reviews, comments, labels.
  await c("POST /repos/{owner}/{repo}/pulls", o, {
    body: { title: "Add a", head: "feature", base: "main", body: "## Rollback\nRevert." },
    token: octo.token,
  });
  const changelog = await c<{ commit: { sha: string } }>(
    "PUT /repos/{owner}/{repo}/contents/{path}",
    { ...o, path: "CHANGELOG.md" },
    { body: { message: "Changelog", content: b64("## 1.2.3\n"), branch: "feature" }, token: octo.token },
  );
  const tip = changelog.commit.sha;
  await c("GET /repos/{owner}/{repo}/pulls", o, { query: { state: "open" }, token: octo.token });
  await c("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...o, pull_number: 1 }, { token: inst });
  await c(
    "PATCH /repos/{owner}/{repo}/pulls/{pull_number}",
    { ...o, pull_number: 1 },
    { body: { body: "## Rollback\nRevert the commit." }, token: octo.token },
  );
  await c("GET /repos/{owner}/{repo}/pulls/{pull_number}/commits", { ...o, pull_number: 1 }, { token: inst });
  await c("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { ...o, pull_number: 1 }, { token: inst });
  await c(
    "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    { ...o, pull_number: 1 },
    { body: { event: "APPROVE", commit_id: tip }, token: rev.token },
  );
  await c("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", { ...o, pull_number: 1 }, { token: inst });
  await c("POST /repos/{owner}/{repo}/issues", o, {
    body: { title: "Incident", body: "Prod is down" },
    token: octo.token,
  });
  await c(
    "GET /repos/{owner}/{repo}/issues/{issue_number}",
    { ...o, issue_number: 2 },
    { token: octo.token },
  );
  const comment = await c<{ id: number }>(
    "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
    { ...o, issue_number: 1 },
    { body: { body: "/approve production" }, token: rev.token },
  );
  await c(
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    { ...o, issue_number: 1 },
    { token: inst },
  );
  await c(
    "GET /repos/{owner}/{repo}/issues/comments/{comment_id}",
    { ...o, comment_id: comment.id },
    { token: inst },
  );
  await c(
    "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
    { ...o, comment_id: comment.id },
    { body: { body: "/approve production (edited)" }, token: rev.token },
  );
  await c(
    "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    { ...o, comment_id: comment.id },
    { body: { content: "rocket" }, token: inst },
  );
  const eyes = await c<{ id: number }>(
    "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    { ...o, comment_id: comment.id },
    { body: { content: "eyes" }, token: inst },
  );
  await c(
    "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions/{reaction_id}",
    { ...o, comment_id: comment.id, reaction_id: eyes.id },
    { token: inst },
  );
  await c(
    "GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    { ...o, comment_id: comment.id },
    { token: inst },
  );
  const doomed = await c<{ id: number }>(
    "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
    { ...o, issue_number: 1 },
    { body: { body: "oops" }, token: inst },
  );
  await c(
    "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
    { ...o, comment_id: doomed.id },
    { token: inst },
  );
  await c("POST /repos/{owner}/{repo}/labels", o, {
    body: { name: "hotfix", color: "b60205", description: "Hotfix change" },
    token: octo.token,
  });
  await c("GET /repos/{owner}/{repo}/labels", o, { token: inst });
  await c(
    "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
    { ...o, issue_number: 1 },
    { body: { labels: ["hotfix", "minor"] }, token: octo.token },
  );
  await c(
    "GET /repos/{owner}/{repo}/issues/{issue_number}/labels",
    { ...o, issue_number: 1 },
    { token: inst },
  );
  await c(
    "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    { ...o, issue_number: 1, name: "minor" },
    { token: octo.token },
  );
  await c("GET /repos/{owner}/{repo}/labels/{name}", { ...o, name: "minor" }, { token: inst });
  await c(
    "PATCH /repos/{owner}/{repo}/labels/{name}",
    { ...o, name: "minor" },
    { body: { new_name: "minor change", color: "c5def5", description: "Low risk" }, token: octo.token },
  );
  await c(
    "PUT /repos/{owner}/{repo}/issues/{issue_number}/labels",
    { ...o, issue_number: 2 },
    { body: { labels: ["bug", "minor change"] }, token: octo.token },
  );
  await c(
    "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels",
    { ...o, issue_number: 2 },
    { token: octo.token },
  );
  await c(
    "DELETE /repos/{owner}/{repo}/labels/{name}",
    { ...o, name: "minor change" },
    { token: octo.token },
  );

  // Checks and statuses on the PR head.
  const run = await c<{ id: number; check_suite: { id: number } }>(
    "POST /repos/{owner}/{repo}/check-runs",
    o,
    { body: { name: "Tollgate · production", head_sha: tip, status: "in_progress" }, token: inst },
  );
  await c(
    "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
    { ...o, check_run_id: run.id },
    {
      body: {
        conclusion: "success",
        output: { title: "Ready", summary: "✅ all items" },
        actions: [{ label: "Re-run", description: "Evaluate again", identifier: "rerun" }],
      },
      token: inst,
    },
  );
  await c(
    "GET /repos/{owner}/{repo}/check-runs/{check_run_id}",
    { ...o, check_run_id: run.id },
    { token: inst },
  );
  await c(
    "POST /repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest",
    { ...o, check_run_id: run.id },
    { token: inst },
  );
  await c("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { ...o, ref: tip }, { token: inst });
  await c("GET /repos/{owner}/{repo}/commits/{ref}/check-suites", { ...o, ref: tip }, { token: inst });
  await c(
    "GET /repos/{owner}/{repo}/check-suites/{check_suite_id}",
    { ...o, check_suite_id: run.check_suite.id },
    { token: inst },
  );
  await c(
    "POST /repos/{owner}/{repo}/statuses/{sha}",
    { ...o, sha: tip },
    {
      body: {
        state: "success",
        context: "ci/test",
        description: "Tests passed",
        target_url: "https://ci.example.test/1",
      },
      token: inst,
    },
  );
  await c("GET /repos/{owner}/{repo}/commits/{ref}/statuses", { ...o, ref: tip }, { token: inst });
  await c("GET /repos/{owner}/{repo}/commits/{ref}/status", { ...o, ref: tip }, { token: inst });
  await c("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...o, commit_sha: tip }, { token: inst });

  // Deployments and environments.
  const dep = await c<{ id: number }>("POST /repos/{owner}/{repo}/deployments", o, {
    body: {
      ref: "feature",
      environment: "staging",
      required_contexts: [],
      auto_merge: false,
      payload: { version: "1.2.3" },
      description: "Deploy 1.2.3",
    },
    token: inst,
  });
  await c("GET /repos/{owner}/{repo}/deployments", o, {
    query: { environment: "staging", sha: tip },
    token: inst,
  });
  await c(
    "GET /repos/{owner}/{repo}/deployments/{deployment_id}",
    { ...o, deployment_id: dep.id },
    { token: inst },
  );
  const st = await c<{ id: number }>(
    "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
    { ...o, deployment_id: dep.id },
    {
      body: {
        state: "success",
        description: "Approved by @rev",
        log_url: "https://example.test/c/1",
        environment_url: "https://staging.example.test",
      },
      token: inst,
    },
  );
  await c(
    "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
    { ...o, deployment_id: dep.id },
    { token: inst },
  );
  await c(
    "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses/{status_id}",
    { ...o, deployment_id: dep.id, status_id: st.id },
    { token: inst },
  );
  const old = await c<{ id: number }>("POST /repos/{owner}/{repo}/deployments", o, {
    body: { ref: "main", environment: "qa", required_contexts: [], auto_merge: false },
    token: inst,
  });
  await c(
    "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
    { ...o, deployment_id: old.id },
    { body: { state: "inactive" }, token: inst },
  );
  await c(
    "DELETE /repos/{owner}/{repo}/deployments/{deployment_id}",
    { ...o, deployment_id: old.id },
    { token: inst },
  );
  await c("GET /repos/{owner}/{repo}/environments", o, { token: inst });
  await c(
    "GET /repos/{owner}/{repo}/environments/{environment_name}",
    { ...o, environment_name: "staging" },
    { token: inst },
  );
  await c(
    "PUT /repos/{owner}/{repo}/environments/{environment_name}",
    { ...o, environment_name: "production" },
    { body: { wait_timer: 0 }, token: octo.token },
  );
  await c(
    "PUT /repos/{owner}/{repo}/environments/{environment_name}",
    { ...o, environment_name: "temp" },
    { token: octo.token },
  );
  await c(
    "DELETE /repos/{owner}/{repo}/environments/{environment_name}",
    { ...o, environment_name: "temp" },
    { token: octo.token },
  );
  await c(
    "POST /repos/{owner}/{repo}/environments/{environment_name}/deployment_protection_rules",
    { ...o, environment_name: "production" },
    { body: { integration_id: app.id }, token: octo.token },
  );
  await c(
    "GET /repos/{owner}/{repo}/environments/{environment_name}/deployment_protection_rules",
    { ...o, environment_name: "production" },
    { token: octo.token },
  );

  // Actions: dispatch, runs, reruns, and the custom protection rule callback.
  const wfs = await c<{ workflows: { id: number }[] }>("GET /repos/{owner}/{repo}/actions/workflows", o, {
    token: inst,
  });
  await c(
    "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
    { ...o, workflow_id: "deploy.yml" },
    { body: { ref: "main", inputs: { environment: "production" } }, token: octo.token },
  );
  const runs = await c<{ workflow_runs: { id: number }[] }>("GET /repos/{owner}/{repo}/actions/runs", o, {
    query: { event: "workflow_dispatch" },
    token: inst,
  });
  const runId = runs.workflow_runs[0]?.id ?? wfs.workflows.length;
  await c("GET /repos/{owner}/{repo}/actions/runs/{run_id}", { ...o, run_id: runId }, { token: inst });
  await sb.client.control("PATCH", `/repos/acme/svc/runs/${runId}`, {
    status: "completed",
    conclusion: "failure",
  });
  await c(
    "POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs",
    { ...o, run_id: runId },
    { token: octo.token },
  );
  await sb.client.control("PATCH", `/repos/acme/svc/runs/${runId}`, {
    status: "completed",
    conclusion: "success",
  });
  await c(
    "POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun",
    { ...o, run_id: runId },
    { token: octo.token },
  );
  await sb.client.control("POST", `/repos/acme/svc/runs/${runId}/deployments`, { environment: "production" });
  await c(
    "POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule",
    { ...o, run_id: runId },
    { body: { environment_name: "production", comment: "Waiting for 1 more approval" }, token: inst },
  );
  await c(
    "POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule",
    { ...o, run_id: runId },
    { body: { environment_name: "production", state: "approved", comment: "Approved by @rev" }, token: inst },
  );

  // Security alerts (seeded: GitHub has no endpoint that raises them).
  await sb.client.control("POST", "/repos/acme/svc/alerts/dependabot", { severity: "critical" });
  await sb.client.control("POST", "/repos/acme/svc/alerts/code-scanning", {});
  await c("GET /repos/{owner}/{repo}/code-scanning/alerts", o, { query: { state: "open" }, token: inst });
  await c("GET /repos/{owner}/{repo}/dependabot/alerts", o, { query: { state: "open" }, token: inst });
  // Secret scanning is off on a new repository (404) until a scanner reports.
  await c("GET /repos/{owner}/{repo}/secret-scanning/alerts", o, {
    query: { state: "open" },
    token: inst,
    expect: 404,
  });
  await sb.client.control("POST", "/repos/acme/svc/alerts/secret-scanning", {});
  await c("GET /repos/{owner}/{repo}/secret-scanning/alerts", o, { query: { state: "open" }, token: inst });

  await c(
    "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge",
    { ...o, pull_number: 1 },
    { body: { merge_method: "merge", sha: tip }, token: octo.token },
  );
  await protectionScenario(rec, o, { admin: octo.token, app: inst }, main);

  // A branch left behind by that merge, brought up to date by GitHub's "Update branch".
  await c("POST /repos/{owner}/{repo}/git/refs", o, {
    body: { ref: "refs/heads/behind", sha: main },
    token: octo.token,
  });
  const behind = await c<{ commit: { sha: string } }>(
    "PUT /repos/{owner}/{repo}/contents/{path}",
    { ...o, path: "notes.txt" },
    { body: { message: "Notes", content: b64("notes\n"), branch: "behind" }, token: octo.token },
  );
  const late = await c<{ number: number }>("POST /repos/{owner}/{repo}/pulls", o, {
    body: { title: "Notes", head: "behind", base: "main" },
    token: octo.token,
  });
  await c(
    "PUT /repos/{owner}/{repo}/pulls/{pull_number}/update-branch",
    { ...o, pull_number: late.number },
    { body: { expected_head_sha: behind.commit.sha }, token: octo.token },
  );
  await c(
    "GET /repos/{owner}/{repo}/compare/{basehead}",
    { ...o, basehead: "main...behind" },
    { token: octo.token },
  );
  await c("GET /repos/{owner}/{repo}/issues", o, { query: { state: "all", per_page: "2" }, token: inst });

  await sb.idle();
  const deliveries = await c<{ id: number }[]>("GET /app/hook/deliveries", {}, { token: jwt });
  const first = deliveries.at(-1)?.id ?? 0;
  await c("GET /app/hook/deliveries/{delivery_id}", { delivery_id: first }, { token: jwt });
  await c("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: first }, { token: jwt });
  await sb.idle();
  return { rec, app, admin, octo, rev, inst, prHead: tip };
}

export type { J };
