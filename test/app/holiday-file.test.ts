/**
 * A business-day notice counted on an iCalendar file in the repository, end to end: the App reads the
 * file from the default branch at the commit it read the policy from (one REST contents read, no
 * GraphQL points), and its check run counts the file's holidays; a malformed or missing file blocks the
 * approval row, naming the file (and the line).
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { explainLiveCommand } from "../../src/cli/explain-live.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { FULL, ORG, REPO, openPullRequest } from "../../sandbox/seed/index.js";
import { type AppWorld, latestChecks, settled, startAppWorld } from "../../scripts/worlds/app-world.js";

const FILE = ".github/holidays.ics";

const POLICY = `version: 1
calendars:
  us:
    timezone: America/New_York
    holidays_file: ${FILE}
environments:
  production:
    calendar: us
    approval: required
    approvals: { "*": { from: [alice], notice: 5 business_days } }
    rollback: { redeploy_previous: true }
`;

const calendar = (rule: string) =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Acme//Holidays//EN",
    "BEGIN:VEVENT",
    "UID:thanksgiving@acme.example",
    "DTSTART;VALUE=DATE:20241128",
    rule,
    "SUMMARY:Thanksgiving",
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");

/** The Friday after Thanksgiving, 15:00 in New York: the App's clock. */
const NOW = new Date("2026-11-27T20:00:00Z");
/** The Friday before, 14:00 in New York: when each PR is announced. */
const ANNOUNCED = "2026-11-20T19:00:00Z";

let world: AppWorld;
beforeAll(async () => {
  world = await startAppWorld({ policy: POLICY, people: ["dave"], settings: { now: () => NOW } });
}, PROCESS_TEST_MS);
afterAll(() => world.close());

const owner = () => world.people["owner"]!;

async function removeHolidayFile(): Promise<void> {
  try {
    const { data } = await owner().octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: ORG,
      repo: REPO,
      path: FILE,
    });
    await owner().octokit.request("DELETE /repos/{owner}/{repo}/contents/{path}", {
      owner: ORG,
      repo: REPO,
      path: FILE,
      message: "No holiday file",
      sha: (data as { sha: string }).sha,
    });
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
}

/** A PR announced on the Friday before, as the App's check run shows it after the PR body is edited. */
async function productionCheck(branch: string, files?: Record<string, string>) {
  const pr = await openPullRequest(world, "dave", {
    branch,
    title: branch,
    body: "A change.",
    ...(files ? { files } : {}),
  });
  await settled(world);
  await world.sandbox.client.control("POST", "/timestamps", {
    repo: FULL,
    kind: "pull",
    id: pr.number,
    at: ANNOUNCED,
  });
  const before = (await world.sandbox.client.requests("repos/get-content")).length;
  await world.people["dave"]!.octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner: ORG,
    repo: REPO,
    pull_number: pr.number,
    body: "A change, announced a week ago.",
  });
  await settled(world);
  const reads = (await world.sandbox.client.requests("repos/get-content")).slice(before);
  return { check: (await latestChecks(world, pr.head)).get("Tollgate · production"), reads };
}

test(
  "Thanksgiving from the repository's .ics: a Friday-announced change waits until the Monday after",
  async () => {
    await world.sandbox.client.putFile(
      owner().token,
      FULL,
      FILE,
      calendar("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"),
    );
    const { check, reads } = await productionCheck("thanksgiving");
    expect(check?.output.summary).toContain(
      "5 business days (calendar us, America/New_York) notice: deployable from 2026-11-30T19:00:00.000Z",
    );
    // One contents read per evaluation (the ref, the policy's commit, is pinned in calendar-file.test.ts),
    // with the slashes of the path kept.
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads)
      expect({ path: read.path, status: read.status }).toEqual({
        path: `/repos/${FULL}/contents/${FILE}`,
        status: 200,
      });
  },
  PROCESS_TEST_MS,
);

test(
  "a PR that drops the holiday from the .ics on its own branch still waits: the file is read from the default branch",
  async () => {
    await world.sandbox.client.putFile(
      owner().token,
      FULL,
      FILE,
      calendar("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"),
    );
    // GitHub lets the PR's author change any file on their branch, the holiday file included.
    const { check } = await productionCheck("drops-thanksgiving", {
      [FILE]: calendar("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;COUNT=1"),
    });
    expect(check?.output.summary).toContain("notice: deployable from 2026-11-30T19:00:00.000Z");
  },
  PROCESS_TEST_MS,
);

test(
  "a monthly RRULE in the file: the approval is blocked, naming the file and the line",
  async () => {
    await world.sandbox.client.putFile(owner().token, FULL, FILE, calendar("RRULE:FREQ=MONTHLY"));
    const { check } = await productionCheck("monthly-rule");
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.summary).toContain(
      "the holiday file .github/holidays.ics:7 of calendar us is not a calendar Tollgate can read exactly: RRULE FREQ=MONTHLY is not supported",
    );
  },
  PROCESS_TEST_MS,
);

test(
  "no holiday file on the default branch: the approval is blocked, naming the file",
  async () => {
    await removeHolidayFile();
    const { check, reads } = await productionCheck("no-file");
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.summary).toContain(
      `the holiday file .github/holidays.ics of calendar us cannot be read: 404: there is no file .github/holidays.ics on ${FULL}'s default branch`,
    );
    expect(reads.map((r) => r.status)).toContain(404);
  },
  PROCESS_TEST_MS,
);

test(
  "tollgate explain --repo reads the same file the same way: the same Monday",
  async () => {
    await world.sandbox.client.putFile(
      owner().token,
      FULL,
      FILE,
      calendar("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"),
    );
    const pr = await openPullRequest(world, "dave", {
      branch: "explained",
      title: "explained",
      body: "A change.",
    });
    await world.sandbox.client.control("POST", "/timestamps", {
      repo: FULL,
      kind: "pull",
      id: pr.number,
      at: ANNOUNCED,
    });
    const out: string[] = [];
    const err: string[] = [];
    const code = await explainLiveCommand(
      ["--repo", FULL, "--sha", pr.head, "--environment", "production", "--at", NOW.toISOString()],
      { out: (t) => out.push(t), err: (t) => err.push(t), readFile: async () => "" },
      { GITHUB_API_URL: world.sandbox.url, GITHUB_TOKEN: owner().token },
    );
    expect({ code, err }).toEqual({ code: 1, err: [] });
    expect(out.join("\n")).toContain("notice: deployable from 2026-11-30T19:00:00.000Z");
  },
  PROCESS_TEST_MS,
);
