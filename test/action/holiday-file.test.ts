/**
 * The built Action (`node dist/index.js`) gathers the calendar's holiday file as the App does: with the
 * policy, from the default branch. Missing or malformed, it blocks the production gate naming the file
 * (and the line); readable, the notice is counted and the gate waits.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { FULL, ORG, REPO, createWorld, openPullRequest, type World } from "../../sandbox/seed/index.js";
import { runAction, workflowToken } from "../../scripts/worlds/action-run.js";

const FILE = ".github/holidays.ics";
const POLICY = `version: 1
calendars:
  ops:
    timezone: Europe/Stockholm
    holidays_file: ${FILE}
environments:
  production:
    calendar: ops
    approval: required
    approvals: { "*": { from: [alice], notice: 3 business_days } }
    rollback: { redeploy_previous: true }
`;

const calendar = (rule: string) =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Acme//Holidays//EN",
    "BEGIN:VEVENT",
    "DTSTART;VALUE=DATE:20241224",
    "DTEND;VALUE=DATE:20241227",
    rule,
    "SUMMARY:Jul",
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");

let world: World;
let token: string;
beforeAll(async () => {
  world = await createWorld({ policy: POLICY, people: ["dave", "alice"] });
  token = await workflowToken(world);
}, PROCESS_TEST_MS);
afterAll(() => world.close());

async function removeHolidayFile(): Promise<void> {
  const owner = world.people["owner"]!.octokit;
  try {
    const { data } = await owner.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: ORG,
      repo: REPO,
      path: FILE,
    });
    await owner.request("DELETE /repos/{owner}/{repo}/contents/{path}", {
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

/** A merged PR's commit, gated for production. */
async function gateProduction(branch: string) {
  const pr = await openPullRequest(world, "dave", { branch, title: branch, body: "A change." });
  const { data } = await world.people["owner"]!.octokit.request(
    "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge",
    { owner: ORG, repo: REPO, pull_number: pr.number },
  );
  return runAction(world, { sha: data.sha, token, inputs: { environment: "production", mode: "gate" } });
}

test(
  "no holiday file on the default branch: blocked, naming the file",
  async () => {
    await removeHolidayFile();
    const run = await gateProduction("no-holiday-file");
    expect({ code: run.code, decision: run.outputs["decision"], reason: run.outputs["reason-code"] }).toEqual(
      {
        code: 1,
        decision: "blocked",
        reason: "holiday_calendar_unreadable",
      },
    );
    expect(run.summary).toContain(
      `the holiday file .github/holidays.ics of calendar ops cannot be read: 404: there is no file .github/holidays.ics on ${FULL}'s default branch`,
    );
  },
  PROCESS_TEST_MS,
);

test(
  "a malformed holiday file: blocked, naming the file and the line; a readable one: the notice is counted",
  async () => {
    await world.sandbox.client.putFile(
      world.people["owner"]!.token,
      FULL,
      FILE,
      calendar("RRULE:FREQ=DAILY"),
    );
    const bad = await gateProduction("bad-holiday-file");
    expect({ decision: bad.outputs["decision"], reason: bad.outputs["reason-code"] }).toEqual({
      decision: "blocked",
      reason: "holiday_calendar_unreadable",
    });
    expect(bad.summary).toContain(
      ".github/holidays.ics:7 of calendar ops is not a calendar Tollgate can read exactly",
    );

    await world.sandbox.client.putFile(
      world.people["owner"]!.token,
      FULL,
      FILE,
      calendar("RRULE:FREQ=YEARLY"),
    );
    const good = await gateProduction("good-holiday-file");
    expect({ decision: good.outputs["decision"], reason: good.outputs["reason-code"] }).toEqual({
      decision: "waiting",
      reason: "notice_pending",
    });
    expect(good.summary).toContain("3 business days (calendar ops, Europe/Stockholm) notice");
  },
  PROCESS_TEST_MS,
);
