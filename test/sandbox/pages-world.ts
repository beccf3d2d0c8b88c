/**
 * A world for the sandbox's web pages, seeded through GitHub's REST API as Tollgate and people would:
 * a PR whose title, body, branch, label and a comment try to inject markup, comments with reactions,
 * an approving review, Tollgate-like check runs with Markdown output, a commit status, deployments to
 * staging and production with statuses (one with a `javascript:` log_url), a workflow run, and a
 * Dependabot and a code scanning alert. Every test builds its own.
 */
import { createWorld, FULL, ORG, REPO, openPullRequest, type World } from "../../sandbox/seed/index.js";

export const EVIL = {
  title: `Faster checkout <script>window.__pwned = "title"</script>`,
  branch: `evil/<script>window.__pwned=1</script>`,
  label: `<img src=x onerror="window.__pwned='label'">`,
  body: [
    "Caches the cart between checkout steps.",
    "",
    `<script>window.__pwned = "body"</script>`,
    `<img src=x onerror="window.__pwned='body-img'">`,
    "[a harmless link](javascript:window.__pwned='body-link')",
    "",
    "## Rollback plan",
    "- [x] Revert the PR",
    "- [ ] No data changes",
  ].join("\n"),
  comment: [
    "Looks good, but:",
    `<script>window.__pwned = "comment"</script><b onmouseover="window.__pwned='b'">bold?</b>`,
    "[click me](javascript:window.__pwned='comment-link') and ![pixel](https://example.com/pixel.png)",
  ].join("\n"),
  logUrl: "javascript:window.__pwned='log_url'",
};

/** What Tollgate's readiness check run summary looks like (src/readiness/render.ts renderMarkdown). */
export const SUMMARY = [
  "**Waiting** · `awaiting_approval` · production: waiting: approvals 1/2",
  "",
  "| | Item | Why | What to do |",
  "|---|---|---|---|",
  "| ✅ | CI checks green: build | passed: build | |",
  "| ✅ | Rollback plan | section present | |",
  "| ⏳ | Approvals | 1 of 2 | ask an approver to comment `/approve production` |",
  "",
  "**Approvals** (2 of group:admins): incomplete",
  "- ✅ @alice (admins) [comment](https://example.com/acme/shop/pull/1#issuecomment-1)",
  "- ➖ @mallory: not counted, not an approver",
  "",
  "Change type: `standard` · policy `0123456789ab`",
].join("\n");

export interface PagesWorld {
  world: World;
  pr: { number: number; html_url: string; head: string };
  comment: { id: number; html_url: string };
  review: { id: number; html_url: string };
  checkRuns: { id: number; name: string; html_url: string }[];
  environmentUrl: string;
  deployments: { id: number; environment: string; statuses: { id: number; description: string }[] }[];
  approvalLogUrl: string;
  /** Every `html_url` (at any depth) in the REST answers to the world's reads. */
  htmlUrls: string[];
}

function collectHtmlUrls(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) collectHtmlUrls(v, out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      if (k === "html_url" && typeof v === "string") out.add(v);
      else collectHtmlUrls(v, out);
    }
}

export async function createPagesWorld(): Promise<PagesWorld> {
  const world = await createWorld({
    policy: "version: 1\n",
    people: ["dave", "alice", "bob"],
    collaborators: { alice: "admin", bob: "admin" },
    teams: { admins: ["alice", "bob"] },
  });
  try {
    const { dave, alice, bob, owner } = world.people as Record<string, NonNullable<World["people"][string]>>;
    const repo = { owner: ORG, repo: REPO };
    await world.sandbox.client.putFile(
      owner!.token,
      FULL,
      ".github/workflows/deploy.yml",
      "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps: [{ run: echo }]\n",
    );
    const pr = await openPullRequest(world, "dave", {
      branch: EVIL.branch,
      title: EVIL.title,
      body: EVIL.body,
      files: { "src/checkout.ts": "export const checkout = () => 'fast';\n" },
      labels: ["change:standard", EVIL.label],
    });
    const { data: pull } = await dave!.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      ...repo,
      pull_number: pr.number,
    });

    const { data: comment } = await alice!.octokit.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { ...repo, issue_number: pr.number, body: EVIL.comment },
    );
    const { data: approve } = await alice!.octokit.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { ...repo, issue_number: pr.number, body: "/approve production" },
    );
    for (const [person, content] of [
      [bob!, "+1"],
      [dave!, "+1"],
      [bob!, "rocket"],
    ] as const)
      await person.octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
        ...repo,
        comment_id: comment.id,
        content,
      });
    const { data: review } = await alice!.octokit.request(
      "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
      { ...repo, pull_number: pr.number, event: "APPROVE", body: "Ship it **now**." },
    );

    await owner!.octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
      ...repo,
      sha: pr.head,
      state: "success",
      context: "build",
      description: "CI passed",
      target_url: "https://ci.example.com/build/1",
    });
    const app = await world.installation();
    const checkRuns = [];
    for (const [environment, conclusion, title] of [
      ["staging", "success", "Ready for staging"],
      ["production", "action_required", "production: waiting for approvals (1/2)"],
    ] as const) {
      const { data } = await app.request("POST /repos/{owner}/{repo}/check-runs", {
        ...repo,
        name: `Tollgate · ${environment}`,
        head_sha: pr.head,
        status: "completed",
        conclusion,
        details_url: "https://tollgate.example.com/explain",
        output: {
          title,
          summary: SUMMARY,
          text: "### Evidence\n\n```yaml\nchange_type: standard\n```\n\n1. checklist\n2. approvals",
        },
      });
      checkRuns.push({ id: Number(data.id), name: data.name, html_url: String(data.html_url) });
    }

    const approvalLogUrl = approve.html_url;
    const deployments = [];
    for (const [environment, statuses] of [
      [
        "staging",
        [
          ["in_progress", "Tollgate step: direct: deploying", "https://ci.example.com/run/7"],
          ["success", "Tollgate outcome: deployed <b>staging</b>", "https://ci.example.com/run/7"],
        ],
      ],
      [
        "production",
        [
          ["pending", "Tollgate awaiting: approvals 0/2", "https://ci.example.com/run/8"],
          ["pending", "Tollgate: approved by @alice: 1/2", approvalLogUrl],
          ["pending", `Tollgate <script>window.__pwned="description"</script>`, EVIL.logUrl],
        ],
      ],
    ] as const) {
      const { data: d } = await app.request("POST /repos/{owner}/{repo}/deployments", {
        ...repo,
        ref: pr.head,
        environment,
        auto_merge: false,
        required_contexts: [],
        description: `Tollgate: ${environment} for #${pr.number}`,
      });
      const id = (d as { id: number }).id;
      const written = [];
      for (const [state, description, logUrl] of statuses) {
        const { data: s } = await app.request(
          "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
          {
            ...repo,
            deployment_id: id,
            state,
            description,
            log_url: logUrl,
          },
        );
        written.push({ id: Number(s.id), description: String(description) });
      }
      deployments.push({ id, environment: String(environment), statuses: written });
    }

    await world.sandbox.client.control("POST", `/repos/${FULL}/runs`, { workflow: "deploy.yml" });
    await world.sandbox.client.control("POST", `/repos/${FULL}/alerts/dependabot`, {
      severity: "high",
      package: "lodash",
      state: "open",
    });
    await world.sandbox.client.control("POST", `/repos/${FULL}/alerts/code-scanning`, {});
    await world.sandbox.idle();

    const reads = await Promise.all(
      [
        `/repos/${FULL}`,
        `/repos/${FULL}/pulls/${pr.number}`,
        `/repos/${FULL}/issues/${pr.number}`,
        `/repos/${FULL}/issues/${pr.number}/comments`,
        `/repos/${FULL}/pulls/${pr.number}/reviews`,
        `/repos/${FULL}/commits/${pr.head}`,
        `/repos/${FULL}/commits/${pr.head}/check-runs`,
        `/repos/${FULL}/environments`,
        `/repos/${FULL}/contents/.github/tollgate.yml`,
        `/repos/${FULL}/actions/workflows`,
        `/repos/${FULL}/actions/runs`,
        `/repos/${FULL}/dependabot/alerts`,
        `/repos/${FULL}/code-scanning/alerts`,
        `/orgs/${ORG}/teams/admins`,
        `/users/alice`,
      ].map((path) => world.sandbox.client.rest("GET", path, undefined, owner!.token)),
    );
    // Two html_urls only writes return: an installation's (to the App) and a repository invitation's.
    const found = new Set<string>([
      `${world.sandbox.url}/settings/installations/${world.installationId}`,
      `${world.sandbox.url}/${FULL}/invitations`,
    ]);
    collectHtmlUrls(reads, found);
    const environments = reads.find((x) => typeof x === "object" && x !== null && "environments" in x) as {
      environments: { name: string; html_url: string }[];
    };
    return {
      world,
      pr: { number: pr.number, html_url: pull.html_url, head: pr.head },
      comment: { id: Number(comment.id), html_url: comment.html_url },
      review: { id: Number(review.id), html_url: review.html_url },
      checkRuns,
      environmentUrl: environments.environments.find((e) => e.name === "production")!.html_url,
      deployments,
      approvalLogUrl,
      htmlUrls: [...found].sort(),
    };
  } catch (error) {
    await world.close();
    throw error;
  }
}
