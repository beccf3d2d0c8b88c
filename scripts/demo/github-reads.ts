/**
 * What the narration reads back from GitHub (the sandbox's REST API) to show what happened, as a person
 * would look: a comment with the App's reactions and replies, a PR's comments, a deployment's statuses
 * oldest first, a workflow run's attempt, the Tollgate check runs' verdicts and the approvals the App
 * recorded on deployments.
 */
import type { Narrator } from "./narrator.js";
import { FULL, type DemoWorld, type Login } from "./world.js";

interface CheckRun {
  id: number;
  name: string;
  conclusion: string | null;
  html_url: string;
  output: { title: string | null; summary: string | null };
}
export interface Comment {
  id: number;
  html_url: string;
  body: string;
  user: { login: string } | null;
}
export interface Status {
  id: number;
  state: string;
  description: string;
  log_url: string;
  creator: { login: string } | null;
}
interface RunState {
  status: string;
  conclusion: string | null;
  run_attempt: number;
}

/** A commit as the narration names it, by its short SHA. */
export const short = (sha: string) => sha.slice(0, 7);

const EMOJI: Record<string, string> = { "+1": "👍", "-1": "👎", eyes: "👀", confused: "😕", rocket: "🚀" };
export const emoji = (reaction: string) => EMOJI[reaction] ?? reaction;

export function lastDescription(statuses: Status[]): string {
  return statuses.at(-1)?.description ?? "";
}

export async function comment(world: DemoWorld, login: Login, issue: number, body: string) {
  const created = await world.as<{ id: number; html_url: string }>(
    login,
    "POST",
    `/repos/${FULL}/issues/${issue}/comments`,
    { body },
  );
  await world.sandbox.idle();
  const reactions = await world.as<{ content: string; user: { login: string } | null }[]>(
    "owner",
    "GET",
    `/repos/${FULL}/issues/comments/${created.id}/reactions`,
  );
  const replies = (await commentsOn(world, issue)).filter(
    (c) => c.user?.login === world.bot && c.id > created.id,
  );
  return {
    url: created.html_url,
    reactions: reactions.filter((r) => r.user?.login === world.bot).map((r) => r.content),
    replies: replies.map((c) => c.body),
  };
}

export function commentsOn(world: DemoWorld, issue: number): Promise<Comment[]> {
  return world.as<Comment[]>("owner", "GET", `/repos/${FULL}/issues/${issue}/comments?per_page=100`);
}

export async function statusesOf(world: DemoWorld, deploymentId: number): Promise<Status[]> {
  const statuses = await world.as<Status[]>(
    "owner",
    "GET",
    `/repos/${FULL}/deployments/${deploymentId}/statuses?per_page=100`,
  );
  return statuses.slice().reverse();
}

export function runState(world: DemoWorld, id: number): Promise<RunState> {
  return world.sandbox.client.control<RunState>("GET", `/repos/${FULL}/runs/${id}`);
}

const MARK: Record<string, string> = { success: "✅", failure: "❌", action_required: "⏳" };

export async function showChecks(
  n: Narrator,
  world: DemoWorld,
  sha: string,
  intro?: string,
  only?: string,
): Promise<void> {
  await world.sandbox.idle();
  const { check_runs } = await world.as<{ check_runs: CheckRun[] }>(
    "owner",
    "GET",
    `/repos/${FULL}/commits/${sha}/check-runs?per_page=100`,
  );
  const latest = new Map<string, CheckRun>();
  for (const run of check_runs.sort((a, b) => a.id - b.id))
    if (run.name.startsWith("Tollgate")) latest.set(run.name, run);
  if (intro) n.say(`${intro}:`);
  for (const run of [...latest.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (only && run.name !== only) continue;
    n.say(
      `${MARK[run.conclusion ?? ""] ?? "•"} "${run.name}": ${run.conclusion} — ${run.output.title ?? ""}`,
    );
    n.link(`check run ${run.id}`, run.html_url);
    const rows = (run.output.summary ?? "")
      .split("\n")
      .filter((l) => /^\| (✅|❌|⏳|➖) \|/.test(l) || l.startsWith("**Approvals**"))
      .map((l) =>
        l
          .split("|")
          .map((cell) => cell.trim())
          .filter(Boolean)
          .join(" — ")
          .replace(/^(\S+) — /, "$1 "),
      );
    n.quote(rows.join("\n"));
  }
}

export async function showApprovals(
  n: Narrator,
  world: DemoWorld,
  sha: string,
  environment: string,
): Promise<void> {
  const deployments = await world.as<{ id: number; sha: string }[]>(
    "owner",
    "GET",
    `/repos/${FULL}/deployments?environment=${environment}&per_page=100`,
  );
  void sha;
  for (const deployment of deployments) {
    for (const status of await statusesOf(world, deployment.id)) {
      if (status.creator?.login !== world.bot || !/^Tollgate: approved/.test(status.description)) continue;
      if (!status.log_url.includes(`/pull/`)) continue;
      n.say(
        `Recorded on deployment ${deployment.id} (${short(deployment.sha)}) by ${world.bot}: ${status.state} "${status.description}"`,
      );
      n.link("log_url", status.log_url);
    }
  }
}
