import type { UnmodelledHit } from "./unmodelled.js";
import type { KeyObject } from "node:crypto";
import type { GitStore } from "./git.js";
import { RateLimits } from "./ratelimit.js";

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

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export class State {
  constructor(options: { rateLimit?: number | undefined; secondaryRateLimit?: boolean | undefined } = {}) {
    this.limits = new RateLimits(this, {
      perHour: options.rateLimit,
      secondary: options.secondaryRateLimit ?? true,
    });
  }

  /** How far the sandbox's clock runs ahead of the real one (moved with `POST /_sandbox/clock`). */
  private clockOffsetMs = 0;

  readonly accounts = new Map<string, Account>();
  readonly teams = new Map<number, Team>();
  readonly repos = new Map<string, Repo>();
  /** A renamed repository's former "owner/name" (lower case) → its id: GitHub redirects the old name. */
  readonly formerNames = new Map<string, number>();
  readonly apps = new Map<number, App>();
  readonly installations = new Map<number, Installation>();
  readonly tokens = new Map<string, Token>();
  /**
   * Signatures whose key is registered on an account (armored signature → login): the sandbox cannot
   * check PGP itself, so a signature verifies only where a test registered its key (`POST /_sandbox/signing-keys`).
   */
  readonly signingKeys = new Map<string, string>();
  readonly limits: RateLimits;
  /** Requests for GitHub routes and GraphQL fields the sandbox does not model (each answered 501 or an error). */
  readonly unmodelled: UnmodelledHit[] = [];
  /** strict mode: answers that broke GitHub's documented response shape, one line per kind of problem */
  readonly offShape = new Set<string>();
  private readonly counters = new Map<string, number>();

  /** The sandbox's clock in epoch milliseconds: rate-limit windows, token expiry and new timestamps follow it. */
  nowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Moves the sandbox's clock forward (never back: GitHub's clock does not run backwards). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += Math.max(0, ms);
  }

  now(): string {
    return iso(this.nowMs());
  }

  /** Ids per resource kind, spread apart so an id of one kind is never mistaken for another. */
  nextId(kind: string): number {
    const base = 1000 + [...kind].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9000, 7) * 1000;
    const n = (this.counters.get(kind) ?? base) + 1;
    this.counters.set(kind, n);
    return n;
  }

  account(login: string): Account | undefined {
    return this.accounts.get(login.toLowerCase());
  }

  repo(owner: string, name: string): Repo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  repoById(id: number): Repo | undefined {
    for (const r of this.repos.values()) if (r.id === id) return r;
    return undefined;
  }

  appBySlug(slug: string): App | undefined {
    for (const a of this.apps.values()) if (a.slug === slug) return a;
    return undefined;
  }

  installationFor(appId: number, repo: Repo): Installation | undefined {
    for (const i of this.installations.values()) {
      if (i.appId !== appId || i.account.toLowerCase() !== repo.owner.toLowerCase()) continue;
      if (i.repositoryIds === "all" || i.repositoryIds.has(repo.id)) return i;
    }
    return undefined;
  }

  /** Installations whose app would be told about an event in this repository. */
  installationsOn(repo: Repo): Installation[] {
    return [...this.installations.values()].filter((i) => this.installationFor(i.appId, repo) === i);
  }

  team(org: string, slug: string): Team | undefined {
    for (const t of this.teams.values())
      if (t.org.toLowerCase() === org.toLowerCase() && t.slug === slug) return t;
    return undefined;
  }
}
