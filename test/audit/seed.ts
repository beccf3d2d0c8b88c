/**
 * Builds a deployment history on the sandbox through GitHub's own endpoints, as the App, the Action and
 * people would: users with their own tokens, PRs whose first commit has a chosen date, deployments
 * created by the Action's token, approvals written by the Tollgate App with the approving comment as
 * log_url, each success of the workflow token attested by the App ("Tollgate verified"), as the App does
 * once it has checked the run; and attackers writing through the same endpoints. Timestamps are then moved into the past through the sandbox's control API.
 */
import type { Sandbox } from "../../sandbox/index.js";
import { APP_PERMISSIONS } from "../../app/manifest.js";
import { GITHUB_ACTIONS_PERMISSIONS, installationToken } from "../../sandbox/seed/index.js";

export type Writer = "app" | "actions" | string;

export interface PlannedStatus {
  readonly state: string;
  readonly description?: string;
  readonly at: string;
  /** "app" (tollgate[bot]), "actions" (github-actions[bot]) or a user login. */
  readonly writer: Writer;
  /** Writes a PR comment by this user first and uses its URL as log_url. */
  readonly comment?: { readonly by: string; readonly body: string };
  /** The status's `environment` parameter: a different one moves the deployment (only attackers do). */
  readonly environment?: string;
  /** GitHub's `auto_inactive` (default true). */
  readonly autoInactive?: boolean;
  /**
   * A success by the workflow token is followed by the App's "verified" attestation, as the App writes it
   * once it has checked the run behind it; `false` where the App would refuse (a run it cannot trust).
   */
  readonly attest?: false;
}

export interface PlannedPull {
  readonly author: string;
  readonly title: string;
  readonly firstCommitAt: string;
}

export interface PlannedDeployment {
  readonly key: string;
  readonly environment: string;
  readonly pull: string;
  readonly createdAt: string;
  /** "actions" or a user login. */
  readonly creator: string;
  /** `payload.tollgate` fields on top of the defaults, or "foreign" for a payload that is not Tollgate's. */
  readonly tollgate: Record<string, unknown> | "foreign";
  readonly statuses: readonly PlannedStatus[];
}

export interface Seeded {
  readonly repo: string;
  readonly tokens: Record<string, string>;
  readonly pulls: Record<string, number>;
  readonly deployments: Record<string, number>;
  readonly comments: Record<string, string>;
}

export class Seeder {
  readonly tokens: Record<string, string> = {};
  constructor(
    private readonly sb: Sandbox,
    readonly repo: string,
  ) {}

  private rest<T>(method: string, path: string, body: unknown, as: string): Promise<T> {
    const token = this.tokens[as];
    if (!token) throw new Error(`no token for ${as}`);
    return this.sb.client.rest<T>(method, path, body, token);
  }

  async users(logins: readonly string[]): Promise<void> {
    for (const login of logins)
      this.tokens[login] = (await this.sb.client.createUser(login, `${login}@example.test`)).token;
  }

  /** The owner creates the repository and invites the others with push access. */
  async repository(owner: string, collaborators: readonly string[], isPrivate = false): Promise<void> {
    const name = this.repo.split("/")[1]!;
    await this.sb.client.createRepo(this.tokens[owner]!, name, { private: isPrivate });
    for (const login of collaborators) {
      const invitation = await this.rest<{ id: number }>(
        "PUT",
        `/repos/${this.repo}/collaborators/${login}`,
        { permission: "push" },
        owner,
      );
      await this.rest("PATCH", `/user/repository_invitations/${invitation.id}`, undefined, login);
    }
  }

  /**
   * Registers an App (slug from its name) installed on `account`; its installation token writes as
   * `<slug>[bot]`. The workflow token's App gets the workflow token's permissions, any other the
   * Tollgate App's.
   */
  async app(name: string, account: string, as: Writer): Promise<void> {
    const permissions = as === "actions" ? GITHUB_ACTIONS_PERMISSIONS : APP_PERMISSIONS;
    const app = await this.sb.client.registerApp({ name, permissions: { ...permissions }, events: [] });
    const installation = await this.sb.client.installApp(app.id, account);
    this.tokens[as] = await installationToken(this.sb, app, installation.id);
  }

  async putFile(as: string, path: string, content: string): Promise<void> {
    await this.sb.client.putFile(this.tokens[as]!, this.repo, path, content);
  }

  /** A branch with one commit authored at `firstCommitAt`, and a PR from it. */
  async pull(key: string, plan: PlannedPull): Promise<{ number: number; sha: string; branch: string }> {
    const branch = `change-${key}`;
    const base = await this.sb.client.createBranch(this.tokens[plan.author]!, this.repo, branch, "main");
    const tree = await this.rest<{ sha: string }>(
      "POST",
      `/repos/${this.repo}/git/trees`,
      {
        base_tree: (
          await this.rest<{ tree: { sha: string } }>(
            "GET",
            `/repos/${this.repo}/git/commits/${base}`,
            undefined,
            plan.author,
          )
        ).tree.sha,
        tree: [{ path: `changes/${key}.txt`, mode: "100644", type: "blob", content: `${key}\n` }],
      },
      plan.author,
    );
    const person = { name: plan.author, email: `${plan.author}@example.test`, date: plan.firstCommitAt };
    const commit = await this.rest<{ sha: string }>(
      "POST",
      `/repos/${this.repo}/git/commits`,
      { message: plan.title, tree: tree.sha, parents: [base], author: person, committer: person },
      plan.author,
    );
    await this.rest(
      "PATCH",
      `/repos/${this.repo}/git/refs/heads/${branch}`,
      { sha: commit.sha, force: true },
      plan.author,
    );
    const pr = await this.rest<{ number: number }>(
      "POST",
      `/repos/${this.repo}/pulls`,
      {
        title: plan.title,
        head: branch,
        base: "main",
        body: "## Rollback plan\nRedeploy the previous version.\n",
      },
      plan.author,
    );
    return { number: pr.number, sha: commit.sha, branch };
  }

  private async at(kind: string, id: number, at: string): Promise<void> {
    await this.sb.client.setTimestamp({ repo: this.repo, kind, id, at });
  }

  async deployment(
    plan: PlannedDeployment,
    pull: { number: number; sha: string; branch: string; author: string; title: string },
    policyDigest: string,
    rollbackOf: (key: string) => string,
  ): Promise<{ id: number; comments: string[] }> {
    const extra = plan.tollgate === "foreign" ? undefined : { ...plan.tollgate };
    if (extra && typeof extra["rollback_of"] === "string")
      extra["rollback_of"] = rollbackOf(extra["rollback_of"]);
    const payload =
      extra === undefined
        ? {}
        : {
            tollgate: {
              version: 1,
              requested_by: "carol",
              change_type: "minor",
              emergency: false,
              strategy: "direct",
              pull_request: {
                number: pull.number,
                title: pull.title,
                author: pull.author,
                head_sha: pull.sha,
              },
              policy_digest: policyDigest,
              checklist: { "rollback-plan": "passed" },
              ...extra,
            },
          };
    const deployment = await this.rest<{ id: number }>(
      "POST",
      `/repos/${this.repo}/deployments`,
      { ref: pull.branch, environment: plan.environment, payload, auto_merge: false, required_contexts: [] },
      plan.creator,
    );
    await this.at("deployment", deployment.id, plan.createdAt);
    const comments: string[] = [];
    for (const s of plan.statuses) {
      let logUrl: string | undefined;
      if (s.comment) {
        const c = await this.rest<{ id: number; html_url: string }>(
          "POST",
          `/repos/${this.repo}/issues/${pull.number}/comments`,
          { body: s.comment.body },
          s.comment.by,
        );
        await this.at("comment", c.id, s.at);
        logUrl = c.html_url;
        comments.push(c.html_url);
      }
      const status = await this.rest<{ id: number }>(
        "POST",
        `/repos/${this.repo}/deployments/${deployment.id}/statuses`,
        {
          state: s.state,
          ...(s.description ? { description: s.description } : {}),
          ...(logUrl ? { log_url: logUrl } : {}),
          ...(s.environment ? { environment: s.environment } : {}),
          ...(s.autoInactive === false ? { auto_inactive: false } : {}),
        },
        s.writer,
      );
      await this.at("deployment_status", status.id, s.at);
      if (s.state === "success" && s.writer === "actions" && extra !== undefined && s.attest !== false) {
        const environment = s.environment ?? plan.environment;
        const verified = await this.rest<{ id: number }>(
          "POST",
          `/repos/${this.repo}/deployments/${deployment.id}/statuses`,
          {
            state: "success",
            description: `Tollgate verified: success in ${environment} by run 1 (.github/workflows/deploy.yml, push)`,
            environment,
            auto_inactive: false,
          },
          "app",
        );
        await this.at("deployment_status", verified.id, s.at);
      }
    }
    return { id: deployment.id, comments };
  }
}
