/**
 * The mixed history the end-to-end test audits. Period: Mon 2025-03-03 00:00Z → Mon 2025-03-17 00:00Z
 * (14 days); the previous period is 2025-02-17 → 2025-03-03. Production's windows are Mon–Thu 09–17 UTC.
 * Every success is written 20 minutes after its deployment was created.
 */
import { loadPolicy } from "../../src/policy/load.js";
import type { Sandbox } from "../../sandbox/index.js";
import { Seeder, type PlannedDeployment, type PlannedPull, type PlannedStatus } from "./seed.js";

export const REPO = "alice/shop";
export const SINCE = "2025-03-03";
export const UNTIL = "2025-03-17";

export const POLICY = `version: 1
approvers:
  leads: [alice, bob]
change_types:
  default: minor
  types:
    minor: { labels: [minor] }
    hotfix: { labels: [hotfix] }
    emergency: { labels: [emergency] }
checklist:
  rollback-plan: { pr_section: Rollback plan }
environments:
  staging:
    approval: automatic
  production:
    approval: required
    approvals:
      minor: { from: [group:leads], count: 1 }
      hotfix: { from: [group:leads], count: 1 }
      emergency: { from: [group:leads], count: 1, after_deploy_within: 4h }
    checklist: [rollback-plan]
    windows:
      timezone: UTC
      allow: [{ days: [mon, tue, wed, thu], from: "09:00", to: "17:00" }]
      override: { change_types: [hotfix, emergency] }
    rollback: { redeploy_previous: true }
`;

/** "03-05 11:30" → 2025-03-05T11:30:00Z */
export const t = (text: string): string => `2025-${text.replace(" ", "T")}:00Z`;

const approve = (by: string, at: string): PlannedStatus => ({
  state: "queued",
  description: `Tollgate: approved by @${by}: 1 of group:leads`,
  at: t(at),
  writer: "app",
  comment: { by, body: "/approve production" },
});
const step = (at: string, text = "direct", writer = "actions"): PlannedStatus => ({
  state: "in_progress",
  description: `Tollgate step: ${text}`,
  at: t(at),
  writer,
});
const done = (at: string, writer = "actions"): PlannedStatus => ({
  state: "success",
  description: "Tollgate outcome: deployed",
  at: t(at),
  writer,
});

export const PULLS: Record<string, PlannedPull> = {
  P1: { author: "carol", title: "Old feature", firstCommitAt: t("02-14 10:20") },
  P2: { author: "dave", title: "Old broken change", firstCommitAt: t("02-18 12:00") },
  P3: { author: "carol", title: "Old fix", firstCommitAt: t("02-17 12:20") },
  A: { author: "carol", title: "Add search", firstCommitAt: t("03-01 10:20") },
  B: { author: "dave", title: "Risky | change", firstCommitAt: t("03-03 09:00") },
  C: { author: "carol", title: "Canary feature", firstCommitAt: t("03-04 12:00") },
  F: { author: "dave", title: "Friday change", firstCommitAt: t("03-06 18:20") },
  G: { author: "carol", title: "Hotfix for Friday", firstCommitAt: t("03-07 18:20") },
  D: { author: "dave", title: "Emergency patch", firstCommitAt: t("03-09 01:20") },
  H: { author: "bob", title: "Bob's own change", firstCommitAt: t("03-08 10:20") },
  I: { author: "carol", title: "Stuck rollout", firstCommitAt: t("03-11 09:00") },
  J: { author: "dave", title: "Forged approval", firstCommitAt: t("03-12 22:20") },
  L: { author: "carol", title: "No rollback plan", firstCommitAt: t("03-13 08:20") },
  M: { author: "carol", title: "Deployed by hand", firstCommitAt: t("03-13 09:00") },
};

const prod = (
  key: string,
  createdAt: string,
  statuses: PlannedStatus[],
  tollgate: PlannedDeployment["tollgate"] = {},
  pull = key,
): PlannedDeployment => ({
  key,
  environment: "production",
  pull,
  createdAt: t(createdAt),
  creator: "actions",
  tollgate,
  statuses,
});

export const DEPLOYMENTS: PlannedDeployment[] = [
  // Previous period.
  prod("P1", "02-18 10:00", [approve("alice", "02-18 10:05"), step("02-18 10:10"), done("02-18 10:20")]),
  prod("P2", "02-19 10:00", [
    approve("bob", "02-19 10:05"),
    step("02-19 10:10"),
    {
      state: "failure",
      description: "Tollgate outcome: failed: health check",
      at: t("02-19 10:20"),
      writer: "actions",
    },
  ]),
  prod("P3", "02-19 12:00", [approve("alice", "02-19 12:05"), step("02-19 12:10"), done("02-19 12:20")]),
  // This period, staging (approval automatic, no windows).
  {
    key: "S1",
    environment: "staging",
    pull: "A",
    createdAt: t("03-03 09:00"),
    creator: "actions",
    tollgate: {},
    statuses: [done("03-03 09:20")],
  },
  {
    key: "S2",
    environment: "staging",
    pull: "C",
    createdAt: t("03-05 09:00"),
    creator: "actions",
    tollgate: {},
    statuses: [done("03-05 09:20")],
  },
  {
    key: "S3",
    environment: "staging",
    pull: "H",
    createdAt: t("03-10 09:00"),
    creator: "actions",
    tollgate: {},
    statuses: [done("03-10 09:20")],
  },
  // This period, production.
  prod("A", "03-03 10:00", [approve("bob", "03-03 10:05"), step("03-03 10:10"), done("03-03 10:20")]),
  prod(
    "B",
    "03-04 10:00",
    [
      {
        state: "failure",
        description: "Tollgate: rejected by @alice: rollback untested",
        at: t("03-04 10:05"),
        writer: "app",
        comment: { by: "alice", body: "/reject production rollback untested" },
      },
    ],
    { requested_by: "dave" },
  ),
  prod(
    "C",
    "03-05 11:00",
    [
      approve("alice", "03-05 11:05"),
      step("03-05 11:10", "canary 25 %: started"),
      {
        state: "failure",
        description: "Tollgate rollback: rolled back at canary 25 %: error rate 7.2 % > 5 %",
        at: t("03-05 11:30"),
        writer: "actions",
      },
    ],
    { strategy: "canary" },
  ),
  prod(
    "E",
    "03-05 11:35",
    [step("03-05 11:36", "redeploy previous"), done("03-05 11:40")],
    { requested_by: "alice", rollback_of: "C" },
    "A",
  ),
  prod("F", "03-07 18:00", [approve("alice", "03-07 18:05"), step("03-07 18:10"), done("03-07 18:20")], {
    requested_by: "dave",
  }),
  prod(
    "G",
    "03-07 20:00",
    [approve("dave", "03-07 20:03"), approve("bob", "03-07 20:05"), step("03-07 20:10"), done("03-07 20:20")],
    {
      change_type: "hotfix",
      override: { kind: "window", change_type: "hotfix", reason: "outside the deployment windows" },
    },
  ),
  prod("D", "03-09 02:00", [step("03-09 02:10"), done("03-09 02:20"), approve("alice", "03-09 08:00")], {
    requested_by: "dave",
    change_type: "emergency",
    emergency: true,
    override: { kind: "window", change_type: "emergency", reason: "outside the deployment windows" },
  }),
  prod("H", "03-11 10:00", [approve("bob", "03-11 10:05"), step("03-11 10:10"), done("03-11 10:20")]),
  prod("I", "03-12 10:00", [approve("alice", "03-12 10:05"), step("03-12 10:10", "canary 5 %: started")]),
  prod(
    "J",
    "03-13 10:00",
    [
      {
        state: "queued",
        description: "Tollgate: approved by @alice: 1 of group:leads",
        at: t("03-13 10:05"),
        writer: "mallory",
      },
      step("03-13 10:10", "direct", "mallory"),
      done("03-13 10:20", "mallory"),
    ],
    { requested_by: "dave" },
  ),
  {
    key: "M",
    environment: "production",
    pull: "M",
    createdAt: t("03-13 11:00"),
    creator: "carol",
    tollgate: "foreign",
    statuses: [{ state: "success", at: t("03-13 11:20"), writer: "carol" }],
  },
  prod("L", "03-13 14:00", [approve("alice", "03-13 14:05"), step("03-13 14:10"), done("03-13 14:20")], {
    checklist: { "rollback-plan": "failed" },
    // The policy of the time had no rollback configured (today's has redeploy_previous), as the record says.
    rollback_plan: [],
  }),
  // Tampering, written through GitHub's REST API as attackers with `deployments: write` can.
  // R: a workflow on an unreviewed branch moves a verified staging deployment to production with a
  // success of its own (the status's `environment` parameter); the App attests nothing it cannot verify.
  {
    key: "R",
    environment: "staging",
    pull: "I",
    createdAt: t("03-10 11:00"),
    creator: "actions",
    tollgate: {},
    statuses: [done("03-10 11:20"), { ...done("03-10 11:30"), environment: "production", attest: false }],
  },
  // N: a write-access user moves an approved, verified production deployment to another environment.
  prod(
    "N",
    "03-11 13:00",
    [
      approve("alice", "03-11 13:05"),
      step("03-11 13:10"),
      done("03-11 13:20"),
      {
        state: "success",
        at: t("03-11 13:30"),
        writer: "mallory",
        environment: "production-eu",
        autoInactive: false,
      },
    ],
    {},
    "I",
  ),
  // O: a verified success, then the workflow token's failure (the latest outcome wins), then a success
  // by a write-access user painted over it.
  {
    key: "O",
    environment: "qa",
    pull: "C",
    createdAt: t("03-11 11:00"),
    creator: "actions",
    tollgate: {},
    statuses: [
      done("03-11 11:20"),
      {
        state: "failure",
        description: "Tollgate outcome: failed: health check",
        at: t("03-11 11:40"),
        writer: "actions",
      },
      { state: "success", at: t("03-11 11:50"), writer: "mallory", autoInactive: false },
    ],
  },
  // X: a write-access user creates a deployment with Tollgate's payload and approves it "as" alice.
  {
    key: "X",
    environment: "qa",
    pull: "J",
    createdAt: t("03-12 11:00"),
    creator: "mallory",
    tollgate: {},
    statuses: [
      {
        state: "queued",
        description: "Tollgate: approved by @alice: 1 of group:leads",
        at: t("03-12 11:05"),
        writer: "mallory",
      },
      {
        state: "success",
        description: "Tollgate outcome: deployed",
        at: t("03-12 11:20"),
        writer: "mallory",
        autoInactive: false,
      },
    ],
  },
  // W: the workflow token writes the App's records itself: an approval and a "verified" success.
  {
    key: "W",
    environment: "qa",
    pull: "J",
    createdAt: t("03-12 13:00"),
    creator: "actions",
    tollgate: {},
    statuses: [
      {
        state: "queued",
        description: "Tollgate: approved by @bob: 1 of group:leads",
        at: t("03-12 13:05"),
        writer: "actions",
      },
      {
        state: "success",
        description: "Tollgate verified: success in qa by run 9 (.github/workflows/deploy.yml, push)",
        at: t("03-12 13:20"),
        writer: "actions",
        autoInactive: false,
        attest: false,
      },
    ],
  },
];

export interface History {
  readonly tokens: Record<string, string>;
  readonly ids: Record<string, number>;
  readonly pulls: Record<string, number>;
  readonly comments: Record<string, string[]>;
}

export async function seedHistory(sb: Sandbox): Promise<History> {
  const seeder = new Seeder(sb, REPO);
  await seeder.users(["alice", "bob", "carol", "dave", "mallory", "eve"]);
  await seeder.repository("alice", ["bob", "carol", "dave", "mallory"]);
  await seeder.app("Tollgate", "alice", "app");
  await seeder.app("GitHub Actions", "alice", "actions");
  await seeder.putFile("alice", ".github/tollgate.yml", POLICY);
  const loaded = loadPolicy(POLICY);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const pulls: Record<
    string,
    { number: number; sha: string; branch: string; author: string; title: string }
  > = {};
  for (const [key, plan] of Object.entries(PULLS))
    pulls[key] = { ...(await seeder.pull(key, plan)), author: plan.author, title: plan.title };
  const ids: Record<string, number> = {};
  const comments: Record<string, string[]> = {};
  for (const plan of DEPLOYMENTS) {
    const made = await seeder.deployment(plan, pulls[plan.pull]!, loaded.policy.digest, (key) =>
      String(ids[key]),
    );
    ids[plan.key] = made.id;
    comments[plan.key] = made.comments;
  }
  return {
    tokens: seeder.tokens,
    ids,
    pulls: Object.fromEntries(Object.entries(pulls).map(([k, p]) => [k, p.number])),
    comments,
  };
}
