/**
 * Attacks on comment approvals, each against the real App on the sandbox: none may record an approval,
 * and each refusal says why (except where GitHub's delivery itself is refused, before any handler runs).
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { FULL, ORG, REPO, openPullRequest } from "../../sandbox/seed/index.js";
import {
  answerTo,
  approvalStatuses,
  type AppWorld,
  comment,
  latestChecks,
  settled,
  startAppWorld,
} from "../../scripts/worlds/app-world.js";
import { BODY, POLICY } from "../../scripts/worlds/app-policy.js";
import { ciApp, ciCheck } from "./fixtures.js";

let world: AppWorld;
let ci: Octokit;
let pr: { number: number; head: string };

const approvalsOn = async (sha: string) => (await approvalStatuses(world)).filter((s) => s.sha === sha);

async function attack(login: string, body: string, on = pr.number) {
  const answer = await comment(world, login, on, body);
  expect(await approvalsOn(pr.head)).toEqual([]);
  return answer;
}

beforeAll(async () => {
  world = await startAppWorld({
    policy: POLICY,
    people: ["dave", "alice", "bob", "carol", "mallory"],
    teams: { leads: ["alice", "bob", "carol"] },
  });
  ci = await ciApp(world);
  pr = await openPullRequest(world, "dave", { branch: "feature", title: "Feature", body: BODY });
  await ciCheck(ci, pr.head, "success");
});
afterAll(() => world.close());

describe("attacks on comment approvals", () => {
  test("1. an edited comment never approves", async () => {
    const posted = await attack("alice", "Looks fine to me");
    await world.people["alice"]!.octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: ORG,
      repo: REPO,
      comment_id: posted.id,
      body: "/approve production",
    });
    await settled(world);
    expect(await approvalsOn(pr.head)).toEqual([]);
    const answer = await answerTo(world, pr.number, posted.id);
    expect(answer.reactions).toEqual(["-1"]);
    expect(answer.replies.at(-1)).toMatch(/edited comments never count/);
  });

  test.each([
    ["2. a quoted approval", "> /approve production\n\nI would not do that yet."],
    ["3. a command in a code block", "```\n/approve production\n```"],
    ["4. a command not at the start", "no, don't /approve production yet"],
  ])("%s never approves", async (_name, body) => {
    const answer = await attack("alice", body);
    expect(answer.reactions).toEqual(["-1"]);
    expect(answer.replies).toEqual([
      expect.stringMatching(/a command counts only at the very start of a new comment/),
    ]);
  });

  test("5. a bot's comment never approves", async () => {
    const { data } = await ci.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: ORG,
      repo: REPO,
      issue_number: pr.number,
      body: "/approve production",
    });
    await settled(world);
    expect(await approvalsOn(pr.head)).toEqual([]);
    const answer = await answerTo(world, pr.number, Number(data.id));
    expect(answer.reactions).toEqual(["-1"]);
    expect(answer.replies).toEqual([expect.stringMatching(/ignores commands from bots/)]);
  });

  test("6. someone outside the approver set", async () => {
    const answer = await attack("mallory", "/approve production");
    expect(answer.reactions).toEqual(["-1"]);
    expect(answer.replies[0]).toMatch(/not an approver for production .*the approvers are group:leads/);
  });

  test("7. the PR's author approving their own change", async () => {
    const own = await openPullRequest(world, "alice", { branch: "own", title: "Own", body: BODY });
    const answer = await comment(world, "alice", own.number, "/approve production");
    expect(await approvalsOn(own.head)).toEqual([]);
    expect(answer.replies[0]).toMatch(/separation of duties: you opened this pull request/);
  });

  test("8. a commit author on the PR approving", async () => {
    await world.sandbox.client.putFile(world.people["bob"]!.token, FULL, "src/bob.ts", "export {};\n", {
      branch: "feature",
    });
    await settled(world);
    pr = {
      ...pr,
      head: (
        await world.people["owner"]!.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
          owner: ORG,
          repo: REPO,
          pull_number: pr.number,
        })
      ).data.head.sha,
    };
    const answer = await attack("bob", "/approve production");
    expect(answer.replies[0]).toMatch(/separation of duties: you authored commits in this change/);
  });

  test("9. an approval for another environment (no approvals there, or a name that is not one)", async () => {
    const staging = await attack("alice", "/approve staging");
    expect(staging.replies[0]).toMatch(/staging takes no approvals/);
    const typo = await attack("alice", "/approve prodution");
    expect(typo.replies[0]).toMatch(/no environment named prodution; did you mean production\?/);
    expect((await latestChecks(world, pr.head)).get("Tollgate · production")!.conclusion).toBe(
      "action_required",
    );
  });

  test("10. an approval naming a stale commit", async () => {
    const old = pr.head;
    const head = (
      await world.sandbox.client.putFile(world.people["dave"]!.token, FULL, "src/late.ts", "export {};\n", {
        branch: "feature",
      })
    ).commit.sha;
    await settled(world);
    pr = { ...pr, head };
    const answer = await attack("alice", `/approve production ${old.slice(0, 7)}`);
    expect(answer.replies[0]).toMatch(
      new RegExp(
        `stale commit: the command names ${old.slice(0, 7)}, but production would deploy ${head.slice(0, 7)}`,
      ),
    );
  });

  test("11. a PR that adds the attacker to the approvers in its own copy of the policy", async () => {
    const evil = await openPullRequest(world, "dave", {
      branch: "evil",
      title: "Tweak policy",
      body: BODY,
      files: {
        ".github/tollgate.yml": POLICY.replace('leads: ["@acme/leads"]', 'leads: ["@acme/leads", mallory]'),
      },
    });
    const answer = await comment(world, "mallory", evil.number, "/approve production");
    expect(await approvalsOn(evil.head)).toEqual([]);
    expect(answer.replies[0]).toMatch(/not an approver for production/);
  });

  test("12. a forged webhook signature is refused before any handler runs", async () => {
    await world.sandbox.client.addFault({ kind: "forge_signature", event: "issue_comment", count: 1 });
    const answer = await attack("alice", "/approve production");
    const forged = (await world.sandbox.client.deliveries("issue_comment.created")).filter((d) => d.forged);
    expect(forged.map((d) => d.status_code)).toEqual([400]);
    expect(answer).toMatchObject({ reactions: [], replies: [] });
  });

  test("13. a replayed delivery has no second effect", async () => {
    const other = await openPullRequest(world, "dave", { branch: "replay", title: "Replay", body: BODY });
    const legit = await comment(world, "carol", other.number, "/approve production");
    expect(legit.reactions).toEqual(["+1"]);
    const [delivery] = (await world.sandbox.client.deliveries("issue_comment.created")).filter(
      (d) => (d.request.payload as { comment: { id: number } }).comment.id === legit.id,
    );
    await world.sandbox.client.redeliver(delivery!.id);
    await world.sandbox.client.redeliver(delivery!.id);
    await settled(world);
    const recorded = await approvalsOn(other.head);
    expect(recorded.map((s) => s.log_url)).toEqual([legit.url]);
    expect((await answerTo(world, other.number, legit.id)).replies).toEqual([]);
  });

  test("14. a command on an issue that is not a pull request", async () => {
    const { data: issue } = await world.people["mallory"]!.octokit.request(
      "POST /repos/{owner}/{repo}/issues",
      {
        owner: ORG,
        repo: REPO,
        title: "Please deploy",
      },
    );
    const answer = await comment(world, "alice", issue.number, "/approve production");
    expect(answer.reactions).toEqual(["-1"]);
    expect(answer.replies).toEqual(["Tollgate did not act on this approval: this is not a pull request."]);
  });

  test("15. an approver removed from the team before approving", async () => {
    // GitHub: DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}. The sandbox serves no removal
    // endpoint (its contracts come from an OpenAPI extract without it), so the test removes bob directly.
    expect(world.sandbox.state.team(ORG, "leads")!.members.delete("bob")).toBe(true);
    const fresh = await openPullRequest(world, "dave", { branch: "fresh", title: "Fresh", body: BODY });
    const answer = await comment(world, "bob", fresh.number, "/approve production");
    expect(await approvalsOn(fresh.head)).toEqual([]);
    expect(answer.replies[0]).toMatch(/not an approver for production/);
  });

  test("16. a rejection needs authority too, and a bare command is refused with its usage", async () => {
    const reject = await attack("mallory", "/reject production I don't like it");
    expect(reject.replies[0]).toMatch(/^Tollgate did not act on this rejection: not an approver/);
    const bare = await attack("alice", "/reject production");
    expect(bare.replies[0]).toMatch(/give a reason; usage: \/reject <environment> <reason>/);
    for (const r of [...reject.replies, ...bare.replies]) expect(r.startsWith("/")).toBe(false);
  });

  test("17. while the default branch's policy is invalid: a failing policy check, and no approval", async () => {
    await world.sandbox.client.putFile(
      world.people["owner"]!.token,
      FULL,
      ".github/tollgate.yml",
      "version: 1\nenvironments:\n  production:\n    approval: sometimes\n    bogus: 1\n",
    );
    const answer = await attack("alice", "/approve production");
    expect(answer.replies[0]).toMatch(
      /the policy on the default branch is invalid .* no approval can be recorded/,
    );
    await world.sandbox.client.putFile(world.people["dave"]!.token, FULL, "src/again.ts", "export {};\n", {
      branch: "feature",
    });
    const head = (
      await world.people["owner"]!.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
        owner: ORG,
        repo: REPO,
        pull_number: pr.number,
      })
    ).data.head.sha;
    const policy = (await latestChecks(world, head)).get("Tollgate · policy")!;
    expect(policy.conclusion).toBe("failure");
    expect(policy.output.summary).toContain(".github/tollgate.yml:4:");
    // Each located error is an annotation on the policy file (the sandbox counts them on the run).
    expect((policy.output as { annotations_count?: number }).annotations_count).toBeGreaterThanOrEqual(2);
  });
});
