/**
 * The sandbox's records of GitHub's resources — accounts, teams, Apps and installations, tokens,
 * repositories with their issues, pull requests, reviews, checks, statuses, deployments, environments,
 * workflow runs and security alerts — as plain data. Field names follow the REST representations
 * (components/schemas in the OpenAPI description) where they are stored as sent; serialize/ builds the
 * responses from them. Types only: state.ts holds the records and re-exports these.
 */
import type { KeyObject } from "node:crypto";
import type { GitStore } from "./git.js";

export type AccountType = "User" | "Organization" | "Bot";
export type RepoRole = "read" | "triage" | "write" | "maintain" | "admin";
export type Permissions = Record<string, "read" | "write" | "admin">;

export interface Account {
  id: number;
  login: string;
  type: AccountType;
  site_admin: boolean;
  name: string | null;
  email: string | null;
  created_at: string;
  /** organizations only: login → role */
  members: Map<string, "admin" | "member">;
  suspended: boolean;
}

export interface Team {
  id: number;
  org: string;
  slug: string;
  name: string;
  description: string | null;
  privacy: "secret" | "closed";
  members: Map<string, "member" | "maintainer">;
  repos: Map<number, RepoRole>;
  created_at: string;
}

export interface App {
  id: number;
  slug: string;
  name: string;
  owner: string;
  clientId: string;
  privateKey: string;
  publicKey: KeyObject;
  webhookSecret: string;
  webhookUrl: string | null;
  permissions: Permissions;
  events: string[];
  created_at: string;
  updated_at: string;
}

export interface Installation {
  id: number;
  appId: number;
  account: string;
  repositoryIds: Set<number> | "all";
  created_at: string;
  updated_at: string;
}

export interface Token {
  token: string;
  login: string;
  kind: "user" | "installation";
  installationId?: number;
  scopes: string[];
  expiresAt: number | null;
  /** installation tokens may be narrowed at creation */
  repositoryIds?: Set<number>;
  permissions?: Permissions;
}

export interface Label {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface Reaction {
  id: number;
  user: string;
  content: string;
  created_at: string;
}

export interface IssueComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
  reactions: Reaction[];
  appId: number | null;
}

export interface Review {
  id: number;
  user: string;
  body: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";
  commit_id: string;
  submitted_at: string;
}

export interface Pull {
  id: number;
  headRef: string;
  headSha: string;
  baseRef: string;
  draft: boolean;
  merged_at: string | null;
  merged_by: string | null;
  merge_commit_sha: string | null;
  /** base tip recorded at merge so a merged PR keeps its commit list */
  mergedBaseSha: string | null;
  reviews: Review[];
  /** Force-pushes of the head branch while the PR was open (the timeline's HEAD_REF_FORCE_PUSHED_EVENT). */
  forcePushes?: { actor: string; before: string; after: string; created_at: string }[];
}

export interface Issue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: string;
  labels: string[];
  state: "open" | "closed";
  locked: boolean;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  pull: Pull | null;
}

export interface CheckSuite {
  id: number;
  appId: number;
  headSha: string;
  headBranch: string | null;
  before: string | null;
  created_at: string;
  updated_at: string;
}

export interface CheckRunOutput {
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations_count: number;
}

export interface CheckRun {
  id: number;
  suiteId: number;
  appId: number;
  name: string;
  headSha: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  started_at: string;
  completed_at: string | null;
  output: CheckRunOutput;
  details_url: string | null;
  external_id: string | null;
  actions: { label: string; description: string; identifier: string }[];
}

export interface CommitStatus {
  id: number;
  sha: string;
  state: "error" | "failure" | "pending" | "success";
  context: string;
  description: string | null;
  target_url: string | null;
  creator: string;
  created_at: string;
  updated_at: string;
}

export interface DeploymentStatus {
  id: number;
  state: "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";
  creator: string;
  description: string;
  environment: string;
  target_url: string;
  log_url: string;
  environment_url: string;
  created_at: string;
  updated_at: string;
  appId: number | null;
}

export interface Deployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  environment: string;
  original_environment: string;
  description: string | null;
  creator: string;
  created_at: string;
  updated_at: string;
  transient_environment: boolean;
  production_environment: boolean;
  appId: number | null;
  statuses: DeploymentStatus[];
}

export interface Environment {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
  customRules: { id: number; appId: number; enabled: boolean }[];
}

export interface ProtectionGate {
  environment: string;
  deploymentId: number;
  appId: number;
  state: "waiting" | "approved" | "rejected";
  comments: { state: string | null; comment: string; actor: string; at: string }[];
}

export interface WorkflowRun {
  id: number;
  workflowId: number;
  name: string;
  path: string;
  headBranch: string;
  headSha: string;
  event: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  runNumber: number;
  runAttempt: number;
  created_at: string;
  updated_at: string;
  run_started_at: string;
  actor: string;
  triggeringActor: string;
  inputs: Record<string, unknown>;
  jobs: { id: number; name: string; status: string; conclusion: string | null }[];
  gates: ProtectionGate[];
}

export interface Workflow {
  id: number;
  path: string;
  name: string;
  created_at: string;
}

export interface CodeScanningAlert {
  number: number;
  state: "open" | "dismissed" | "fixed";
  severity: "none" | "note" | "warning" | "error";
  security_severity_level: "low" | "medium" | "high" | "critical" | null;
  rule_id: string;
  description: string;
  tool: string;
  created_at: string;
}

export interface SecretScanningAlert {
  number: number;
  state: "open" | "resolved";
  resolution: "false_positive" | "wont_fix" | "revoked" | "used_in_tests" | null;
  secret_type: string;
  secret_type_display_name: string;
  secret: string;
  validity: "active" | "inactive" | "unknown";
  created_at: string;
}

export interface DependabotAlert {
  number: number;
  state: "open" | "dismissed" | "fixed" | "auto_dismissed";
  severity: "low" | "medium" | "high" | "critical";
  package: string;
  ecosystem: string;
  manifest_path: string;
  ghsa_id: string;
  cve_id: string | null;
  summary: string;
  vulnerable_version_range: string;
  first_patched_version: string | null;
  created_at: string;
}

export interface Repo {
  id: number;
  name: string;
  owner: string;
  private: boolean;
  description: string | null;
  defaultBranch: string;
  git: GitStore;
  refs: Map<string, string>;
  collaborators: Map<string, RepoRole>;
  invitations: Map<number, { login: string; role: RepoRole; inviter: string; created_at: string }>;
  labels: Map<string, Label>;
  issues: Map<number, Issue>;
  comments: Map<number, IssueComment>;
  checkSuites: Map<number, CheckSuite>;
  checkRuns: Map<number, CheckRun>;
  statuses: CommitStatus[];
  deployments: Map<number, Deployment>;
  environments: Map<string, Environment>;
  workflows: Map<string, Workflow>;
  runs: Map<number, WorkflowRun>;
  codeScanning: CodeScanningAlert[];
  secretScanning: SecretScanningAlert[];
  dependabot: DependabotAlert[];
  /**
   * Which scanners run on the repository: code scanning has an analysis, secret scanning is enabled.
   * Off by default, as on a new repository, where GitHub answers their alert lists with a 404.
   */
  scanners: { code_scanning: boolean; secret_scanning: boolean };
  created_at: string;
  updated_at: string;
  pushed_at: string;
}

/** A request for a GitHub route or GraphQL field the sandbox does not model (see unmodelled.ts). */
export interface UnmodelledHit {
  at: string;
  kind: "rest" | "graphql";
  /** REST: the method; GraphQL: "query" or "mutation" */
  method: string;
  /** REST: GitHub's route template; GraphQL: `Type.field` */
  route: string;
  /** REST: the request path; GraphQL: the response path of the field */
  path: string;
}
