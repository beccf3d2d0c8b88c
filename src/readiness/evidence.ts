/**
 * Evidence: the facts about one commit that the readiness engine judges, as the App and the Action
 * gather them from GitHub (one GraphQL query) and as `tollgate explain --evidence FILE` reads them.
 * The zod schema documents every field and generates schema/evidence.schema.json.
 */
import * as z from "zod";

const login = z.string().min(1).meta({ description: "A GitHub login." });
const timestamp = z.iso.datetime({
  offset: true,
  error: "expected an ISO 8601 time like 2026-11-22T09:30:00Z",
});
const sha = z.string().regex(/^[0-9a-f]{7,64}$/i, { error: "expected a commit SHA" });

const approval = z.strictObject({
  approver: login,
  decision: z.enum(["approve", "reject"]),
  environment: z.string(),
  sha: sha.meta({ description: "The commit the approval binds to." }),
  at: timestamp,
  url: z.string().optional().meta({ description: "The comment that gave it." }),
  note: z.string().optional(),
});

const fileChange = z.strictObject({
  path: z.string(),
  blob: sha
    .nullable()
    .meta({ description: "The file's content (blob SHA) after the change; null: removed." }),
});

export const checkStateSchema = z.enum(["success", "failure", "pending", "neutral", "skipped", "error"]);

export const evidenceSchema = z
  .strictObject({
    $schema: z.string().optional(),
    repository: z
      .string()
      .regex(/^[^/\s]+\/[^/\s]+$/, { error: "expected OWNER/REPO" })
      .meta({ description: "OWNER/REPO." }),
    sha: sha.meta({ description: "The commit to deploy." }),
    version: z
      .string()
      .optional()
      .meta({ description: "The version being deployed (a tag such as v1.4.0), if known." }),
    previous_version: z
      .string()
      .optional()
      .meta({ description: "The version currently deployed, to derive the semver bump." }),
    initiator: login.optional().meta({ description: "Who started the deployment (the workflow's actor)." }),
    rollback_of: sha.optional().meta({
      description:
        "This deployment is a rollback replacing that commit (the Action's `mode: rollback` sets it). It counts only when `sha` has a verified success on the environment among `deployments`; the policy's `rollback.approval` then says whether approval is needed.",
    }),
    strategy: z
      .string()
      .optional()
      .meta({ description: "The rollout strategy requested for this deployment." }),
    pull_request: z
      .strictObject({
        number: z.int().positive(),
        title: z.string(),
        author: login,
        body: z.string().default(""),
        labels: z.array(z.string()).default([]),
        draft: z.boolean().default(false),
        head_sha: sha.meta({ description: "The PR's head commit (approvals before merge bind to it)." }),
        ready_at: timestamp.meta({
          description: "When the PR was opened or marked ready for review: notice periods count from here.",
        }),
        merged_at: timestamp.optional(),
        commit_authors: z.array(login).default([]).meta({
          description:
            "Logins GitHub links to the author and committer emails of the PR's commits (chosen by whoever wrote them).",
        }),
        co_authors: z.array(login).default([]).meta({
          description: "Logins GitHub links to the Co-authored-by trailers of the PR's commits.",
        }),
        pushers: z.array(login).default([]).meta({
          description:
            "Who force-pushed the PR's branch (GitHub's timeline; GitHub names no one for an ordinary push).",
        }),
        commits: z
          .array(
            z.strictObject({
              sha,
              signed_by: login.optional().meta({
                description:
                  "The account whose registered key made the commit's valid signature; absent when unsigned or not verified.",
              }),
            }),
          )
          .default([])
          .meta({ description: "The PR's commits, with who signed each." }),
        files: z
          .array(
            z.strictObject({
              path: z.string(),
              patch: z
                .string()
                .optional()
                .meta({ description: "The unified diff of the file, when available." }),
            }),
          )
          .default([]),
        files_complete: z
          .boolean()
          .default(true)
          .meta({ description: "False when the file list or patches were truncated." }),
      })
      .nullable()
      .meta({ description: "The PR behind the commit, or null when none was found." }),
    checks: z
      .array(
        z.strictObject({
          name: z.string().meta({ description: "Check run name or commit status context." }),
          state: checkStateSchema,
          app: z.string().optional().meta({
            description:
              "The slug of the GitHub App that wrote the check run; absent for a commit status, which anyone with write access can post.",
          }),
          url: z.string().optional(),
        }),
      )
      .default([])
      .meta({ description: "Check runs and commit statuses on the commit (latest per name)." }),
    reviews: z
      .array(
        z.strictObject({
          author: login,
          state: z.enum(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"]),
          commit_sha: sha.meta({ description: "The commit the review was given on." }),
          submitted_at: timestamp,
        }),
      )
      .default([]),
    approvals: z
      .array(approval)
      .default([])
      .meta({ description: "Approvals and rejections recorded by the Tollgate App (deployment statuses)." }),
    deployments: z
      .array(
        z.strictObject({
          environment: z.string(),
          sha,
          state: z.enum(["success", "failure", "error", "in_progress", "queued", "pending", "inactive"]),
          created_at: timestamp,
          succeeded_at: timestamp.optional().meta({
            description:
              "When its success status was written; it still counts after a newer deployment made it inactive.",
          }),
          change_type: z.string().optional(),
        }),
      )
      .default([])
      .meta({ description: "Earlier deployments of this commit, per environment." }),
    merge: z
      .strictObject({
        first_parent: sha.meta({
          description: "The merge (or squash) commit's first parent: the base branch as it was when merged.",
        }),
        same_tree_as_head: z.boolean().meta({
          description:
            "Whether the merge commit's tree is exactly the PR head's (the code the approvers saw).",
        }),
        changes: z.array(fileChange).optional().meta({
          description:
            "What the merge commit changed against its first parent; read only when its tree differs from the head's.",
        }),
        approved_changes: z.array(fileChange).optional().meta({
          description: "The PR's changed files, each with its content at the PR head (the approved change).",
        }),
        changes_complete: z
          .boolean()
          .default(true)
          .meta({ description: "False when either list of changes was cut short or could not be read." }),
        first_parent_deployments: z
          .array(
            z.strictObject({
              environment: z.string(),
              state: z.enum(["success", "failure", "error", "in_progress", "queued", "pending", "inactive"]),
              succeeded_at: timestamp.optional(),
            }),
          )
          .default([])
          .meta({
            description: "The first parent's deployments, its success only as the App's verified record.",
          }),
        first_parent_approvals: z
          .array(approval)
          .default([])
          .meta({ description: "Approvals and rejections the App recorded on the first parent itself." }),
        first_parent_complete: z
          .boolean()
          .default(true)
          .meta({ description: "False when the first parent's deployments were cut short or not read." }),
      })
      .optional()
      .meta({
        description:
          "When the commit is a PR's merge or squash commit (not its head): what decides whether the approvals of the head cover it.",
      }),
    security_alerts: z
      .array(
        z.strictObject({
          source: z.enum(["dependabot", "code_scanning", "secret_scanning"]),
          severity: z.enum(["critical", "high", "medium", "low"]),
          summary: z.string().optional(),
          url: z.string().optional(),
        }),
      )
      .default([])
      .meta({ description: "Open security alerts of the repository." }),
    alert_sources_unavailable: z
      .array(
        z.strictObject({
          source: z.enum(["dependabot", "code_scanning", "secret_scanning"]),
          reason: z.string(),
        }),
      )
      .default([])
      .meta({
        description:
          "Alert sources the policy asks for that could not be read (feature not enabled, or permission missing), with GitHub's reason: their alerts are unknown, never assumed absent.",
      }),
    holiday_files: z
      .record(
        z.string(),
        z.union([z.strictObject({ text: z.string() }), z.strictObject({ unavailable: z.string() })]),
      )
      .default({})
      .meta({
        description:
          "The iCalendar holiday files the policy's calendars name, by path, read from the default branch at the policy's commit: the file's text, or why it could not be read.",
      }),
    teams: z
      .record(z.string(), z.array(login))
      .default({})
      .meta({ description: 'Members of the teams the policy names, keyed "org/team".' }),
    permissions: z
      .record(z.string(), z.enum(["admin", "maintain", "write", "triage", "read", "none"]))
      .default({})
      .meta({ description: "Repository role of each person whose authority matters (approvers)." }),
    incomplete: z.array(z.string()).default([]).meta({
      description: "Lists GitHub cut short (over 100 items): the engine will not pass what it cannot see.",
    }),
  })
  .meta({
    title: "Tollgate evidence",
    description: "The facts about one commit that a readiness evaluation judges.",
  });

export type Evidence = z.output<typeof evidenceSchema>;
export type EvidenceInput = z.input<typeof evidenceSchema>;
export type CheckState = z.infer<typeof checkStateSchema>;
